// The Teams adapter's startup wiring: credentials -> CloudAdapter, one catch-all onTurnError, the
// `POST /api/messages` handler for the shared node:http server, and the Chat the scheduler posts through.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity, ConfigurationBotFrameworkAuthentication as Authentication, InvokeResponse, TurnContext } from 'botbuilder';
import type { MsalServiceClientCredentialsFactory as CredentialsFactory } from 'botframework-connector';
import { CallerIdConstants, CloudAdapter, ConfidentialClientApplication, ConfigurationBotFrameworkAuthentication, MsalServiceClientCredentialsFactory } from './botbuilder.js';
import { TeamsConfigError } from '../startup-errors.js';
import type { Bot } from '../../src/bot.js';
import { APOLOGY } from '../../src/bot.js';
import type { Chat, Logger, Store } from '../../src/ports.js';
import type { Config } from '../config.js';
import { createTeamsBot, type TeamsDestination } from './bot.js';
import { reusingClients } from './reused-clients.js';
import { teamsChat } from './chat.js';
import type { FileShelf } from '../files.js';
import { teamsPresenter } from './files.js';
import { readBody, refuseBody } from '../http-body.js';
import { warnOnce } from '../warnings.js';

const sourceOf = (req: IncomingMessage): string => req.socket?.remoteAddress ?? 'unknown';

export type { TeamsDestination } from './bot.js';

export interface TeamsAdapterOptions {
  bot: Bot;
  store: Store;
  config: NonNullable<Config['teams']>;
  logger: Logger;
  /**
   * Called when a user's personal conversation with the bot is first seen (install or first message), so
   * nudges can reach them directly later. Default: saved in the store's `directChannels`.
   */
  onReference?: (identity: string, destination: TeamsDestination) => void | Promise<void>;
  /** How long one scheduled send may take before it counts as failed. Default 15 s. */
  sendTimeoutMs?: number;
  /**
   * Where the Bot Framework publishes the keys that sign Teams' tokens; botbuilder's default (the public cloud)
   * otherwise. Tests point it at a local server.
   */
  openIdMetadataUrl?: string;
  /** Where the report's files and the digest's picture are served from (REFORM_PUBLIC_URL); without it, cards carry text only. */
  files?: FileShelf;
}

export interface TeamsAdapter {
  /** Mount on `POST /api/messages`. Reads the JSON body itself unless a framework already set `req.body`. */
  handler(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void>;
  /** Posts scheduled messages to stored conversation references. */
  chat: Chat;
}

/** Teams activities are small (files and images arrive as links); anything bigger is not from Teams. */
const MAX_BODY_BYTES = 1024 * 1024;

export { TeamsConfigError };

/**
 * The public cloud's settings (botframework-connector's AuthenticationConstants). Given any one authentication
 * setting, botbuilder takes all of them from the configuration, so each one not given is filled in from these.
 */
const PUBLIC_CLOUD: Record<string, string | boolean> = {
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: CallerIdConstants.PublicAzureChannel,
  ValidateAuthority: true,
};

/**
 * With ValidateAuthority=false (a private cloud's, or a test's, token service), botbuilder still has MSAL check the
 * login authority with Microsoft's instance discovery, which such a service is not known to. MSAL is told the
 * authority is known instead, as the setting means.
 */
function unvalidatedAuthority(appId: string, password: string, loginUrl: string): CredentialsFactory {
  const authority = new URL(loginUrl);
  const client = new ConfidentialClientApplication({ auth: { clientId: appId, clientSecret: password, authority: loginUrl, knownAuthorities: [authority.host] } });
  return new MsalServiceClientCredentialsFactory(appId, client);
}

function authentication(config: TeamsAdapterOptions['config'], openIdMetadataUrl?: string): Authentication {
  if (config.appId && config.appType !== 'UserAssignedMSI' && !config.appPassword) {
    throw new TeamsConfigError('Teams: MicrosoftAppPassword is required with MicrosoftAppId (unless MicrosoftAppType=UserAssignedMSI)');
  }
  const given = { ...config.auth, ...(openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl } : {}) };
  const settings = Object.keys(given).length ? { ...PUBLIC_CLOUD, ...given } : {};
  const credentials =
    config.appId && config.appPassword && given.ValidateAuthority === false
      ? unvalidatedAuthority(config.appId, config.appPassword, String(settings.ToChannelFromBotLoginUrl))
      : undefined;
  try {
    return new ConfigurationBotFrameworkAuthentication(
      {
        MicrosoftAppId: config.appId,
        MicrosoftAppPassword: config.appPassword,
        MicrosoftAppType: config.appType,
        MicrosoftAppTenantId: config.tenantId,
        ...settings,
      },
      credentials,
    );
  } catch (error) {
    throw new TeamsConfigError(`Teams: the Microsoft app settings were refused: ${error instanceof Error ? error.message : String(error)}`);
  }
}

type JsonRead = { ok: true; value: unknown } | { ok: false; status: number; message: string };

/**
 * The request body as JSON. Declared or grown past MAX_BODY_BYTES it is refused with 413 (adapters/http-body.ts).
 * A client that goes away before the end leaves nothing to answer and is not an error of ours.
 */
async function readJson(req: IncomingMessage): Promise<JsonRead> {
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) return read.status === 413 ? { ...read, message: 'activity too large' } : read;
  try {
    return { ok: true, value: JSON.parse(read.body.toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: 'body is not JSON' };
  }
}

/**
 * CloudAdapter whose turns this adapter runs itself. botbuilder's own `process()` prints every failure, a refused
 * token included, to the console as a stack trace: anyone on the internet could fill the log with them. Here a
 * refusal is one warning line in the bot's log, and the rest of `process()` (timestamps, the invoke response) is
 * done as it does it.
 */
class TurnRunner extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, withDates(activity), logic);
  }
}

/** What botbuilder's process() does to an activity's timestamps before a turn: strings become Dates. */
function withDates(activity: Activity): Activity {
  const a = activity as Activity & Record<string, unknown>;
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['expiration', 'rawExpiration'], ['localTimestamp', 'rawLocalTimestamp']] as const) {
    const value = a[field];
    if (typeof value === 'string') {
      a[raw] = value;
      a[field] = new Date(value);
    }
  }
  return activity;
}

/** jsonwebtoken's errors for a token whose signature, dates or claims do not check out; botbuilder passes them on. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * A token that is missing, malformed, forged or expired: botbuilder's AuthenticationError with status 401, or
 * jsonwebtoken's own error. A 500 AuthenticationError (the signing keys could not be fetched) is our failure.
 */
function refusedToken(error: unknown): boolean {
  const e = (error ?? {}) as { statusCode?: unknown; name?: unknown };
  return e.statusCode === 401 || TOKEN_ERRORS.has(String(e.name));
}

/** The Microsoft 365 tenant an activity comes from: Teams names it in channelData and on the conversation. */
function tenantOf(activity: Activity): string | undefined {
  const data = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = data?.tenant?.id ?? activity.conversation?.tenantId;
  return typeof id === 'string' && id ? id.toLowerCase() : undefined;
}

/** Tenants already reported as refused, so a foreign tenant's chatter is one warning, not one per message. */
const MAX_REPORTED_TENANTS = 100;

export function createTeamsAdapter(opts: TeamsAdapterOptions): TeamsAdapter {
  const { bot, store, config, logger } = opts;
  if (!config.appId) {
    if (!config.devNoAuth) {
      throw new TeamsConfigError('Teams: MicrosoftAppId is not set. Set MicrosoftAppId and MicrosoftAppPassword, or TEAMS_DEV_NO_AUTH=1 for local testing only');
    }
    logger.warn('TEAMS AUTHENTICATION IS OFF (TEAMS_DEV_NO_AUTH=1, no MicrosoftAppId): anyone who can reach /api/messages can run commands as anyone, and the bot will post to any serviceUrl a caller names. Local testing only.');
  }
  // The connector and token clients botbuilder makes for each turn are made once and reused (reused-clients.ts).
  const cloud = new TurnRunner(reusingClients(authentication(config, opts.openIdMetadataUrl)));

  // One catch-all for anything a turn throws (sending, rendering, the connector). Command failures never get
  // here: Bot.handle already turns them into an apology reply.
  cloud.onTurnError = async (ctx, error) => {
    const e = error as { message?: string; statusCode?: number; code?: string };
    logger.error('Teams turn failed', { activity: ctx.activity?.type, status: e.statusCode, code: e.code, error: String(e.message ?? error).slice(0, 300) });
    if (ctx.activity?.type !== 'message') return;
    try {
      await ctx.sendActivity({ type: 'message', text: APOLOGY.heading });
    } catch {
      // The connector that just failed may fail again; the log line above is what matters.
    }
  };

  const recordReference = async (identity: string, destination: TeamsDestination): Promise<void> => {
    if (opts.onReference) return void (await opts.onReference(identity, destination));
    await store.update((state) => {
      state.directChannels[identity] = destination;
    });
  };
  const present = teamsPresenter(opts.files, logger);
  const teamsBot = createTeamsBot({ bot, logger, recordReference, present });

  // Anyone who knows the bot's app id can put it in a Teams app of their own organisation. With a tenant set,
  // only that tenant's people reach the bot: an activity from another tenant, or naming none, is not answered,
  // recorded or run (its token is checked first, so a forged one is still a 401).
  const ownTenant = config.tenantId?.toLowerCase();
  const reported = new Set<string>();
  const fromOwnTenant = (activity: Activity): boolean => {
    if (!ownTenant) return true;
    const tenant = tenantOf(activity);
    if (tenant === ownTenant) return true;
    const key = tenant ?? '(none)';
    if (!reported.has(key) && reported.size < MAX_REPORTED_TENANTS) {
      reported.add(key);
      logger.warn('Teams activity from another tenant ignored (MicrosoftAppTenantId)', { tenant: key, type: activity.type });
    }
    return false;
  };

  return {
    chat: teamsChat(cloud, config.appId ?? '', opts.sendTimeoutMs ?? 15_000, present),
    async handler(req, res) {
      try {
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST' }).end();
          return;
        }
        // With authentication on, a request without a token is refused before its body is read: anyone can send one.
        if (config.appId && !/^Bearer \S/i.test(req.headers.authorization ?? '')) {
          warnOnce(logger, 'Teams request refused: no valid Bot Framework token', sourceOf(req), { status: 401, error: 'no bearer token' });
          return refuseBody(req, res, 401, 'unauthorized');
        }
        let body = req.body;
        if (body === undefined) {
          const read = await readJson(req);
          if (!read.ok) return refuseBody(req, res, read.status, read.message);
          body = read.value;
        }
        // botbuilder throws (a 500) on a body without a type; that is the caller's mistake, so say 400.
        if (typeof body !== 'object' || body === null || typeof (body as { type?: unknown }).type !== 'string') {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('not an activity');
          return;
        }
        // Every activity Teams sends says who it is from; without it the handlers cannot name the caller (in dev mode,
        // with no token to check first, it reached them and failed with a TypeError).
        const from = (body as { from?: { id?: unknown } }).from;
        if (typeof from !== 'object' || from === null || typeof from.id !== 'string' || !from.id) {
          warnOnce(logger, 'Teams request refused: the activity says nobody sent it (no from.id)', sourceOf(req), { type: (body as { type: string }).type.slice(0, 40) });
          res.writeHead(400, { 'content-type': 'text/plain' }).end('activity without from');
          return;
        }
        let invoke: InvokeResponse | undefined;
        try {
          invoke = await cloud.run(req.headers.authorization ?? '', body as Activity, async (ctx) => {
            if (fromOwnTenant(ctx.activity)) await teamsBot.run(ctx);
          });
        } catch (error) {
          if (!refusedToken(error)) throw error;
          const reason = String((error as Error).message ?? error).slice(0, 200);
          warnOnce(logger, 'Teams request refused: no valid Bot Framework token', sourceOf(req), { status: 401, error: reason });
          res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
          return;
        }
        // An invoke (a card action) answers in the HTTP response; a message is answered through the connector.
        const status = invoke?.status ?? 200;
        const answer: unknown = invoke?.body;
        if (answer === undefined || answer === null) res.writeHead(status).end();
        else if (typeof answer === 'object' && !Buffer.isBuffer(answer)) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        else res.writeHead(status).end(Buffer.isBuffer(answer) ? answer : String(answer));
      } catch (error) {
        logger.error('Teams request failed', { error: String(error).slice(0, 300) });
        if (!res.headersSent) res.writeHead(500).end();
        else if (!res.writableEnded) res.end();
      }
    },
  };
}
