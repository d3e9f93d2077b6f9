// botbuilder's CloudAdapter makes a new ConnectorClient and a new UserTokenClient for every activity it receives and
// every message it sends: two Azure request pipelines, each with its credentials, policies and serializer, about
// 90 µs and a few hundred objects a turn, the largest single cost of answering a Teams message besides sending it.
// The BotFrameworkAdapter before it kept one client per service URL; this does that again for the CloudAdapter, as a
// BotFrameworkAuthentication that hands out the clients it made before. A client holds no state of a turn: its
// credentials fetch and renew their own tokens, and the HTTP connections are botbuilder's shared ones either way.
import type { Activity } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication as Authentication, ClaimsIdentity, ConnectorClient, ConnectorFactory as Factory, UserTokenClient } from 'botframework-connector';
import { AuthenticationConstants, BotFrameworkAuthentication, ConnectorFactory } from './botbuilder.js';

/**
 * Clients kept per kind. Teams uses a few service URLs (one per region); without authentication (TEAMS_DEV_NO_AUTH)
 * a caller names any, so the oldest go beyond this.
 */
export const MAX_KEPT_CLIENTS = 32;

/** The client made before under `key`, or a new one; one that could not be made is not kept. */
function reuse<T>(kept: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = kept.get(key);
  if (known) return known;
  const made = make();
  if (kept.size >= MAX_KEPT_CLIENTS) kept.delete(kept.keys().next().value!);
  kept.set(key, made);
  made.catch(() => {
    if (kept.get(key) === made) kept.delete(key);
  });
  return made;
}

/** The app a turn acts as: botbuilder's own reading of the claims (the audience, else the app id). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

class ReusingFactory extends ConnectorFactory {
  constructor(
    private readonly inner: Factory,
    private readonly appId: string,
    private readonly kept: Map<string, Promise<ConnectorClient>>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return reuse(this.kept, JSON.stringify([this.appId, serviceUrl, audience ?? '']), () => this.inner.create(serviceUrl, audience));
  }
}

class ReusingAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: Authentication) {
    super();
  }

  private reusing(factory: Factory, claims: ClaimsIdentity): Factory {
    return new ReusingFactory(factory, appIdOf(claims), this.connectors);
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) } : result;
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  createConnectorFactory(claims: ClaimsIdentity): Factory {
    return this.reusing(this.inner.createConnectorFactory(claims), claims);
  }

  createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient> {
    return reuse(this.tokenClients, appIdOf(claims), () => this.inner.createUserTokenClient(claims));
  }

  override createBotFrameworkClient(): ReturnType<Authentication['createBotFrameworkClient']> {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

/** `authentication`, handing the CloudAdapter the connector and token clients it made before. */
export function reusingClients(authentication: Authentication): Authentication {
  return new ReusingAuthentication(authentication);
}
