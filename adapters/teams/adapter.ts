// The Teams adapter's startup wiring: credentials -> CloudAdapter, one catch-all onTurnError, the
// `POST /api/messages` handler for the shared node:http server, and the Chat the scheduler posts through.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Bot } from '../../src/bot.js';
import { APOLOGY } from '../../src/bot.js';
import type { Chat, Logger, Store } from '../../src/ports.js';
import type { Config } from '../config.js';
import { createTeamsBot, type TeamsDestination } from './bot.js';
import { teamsChat } from './chat.js';
import type { FileShelf } from '../files.js';
import { teamsPresenter } from './files.js';

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

export class TeamsConfigError extends Error {}

/**
 * The public cloud's settings (botframework-connector's AuthenticationConstants), with the signing keys read from
 * elsewhere. Given any one of these settings, botbuilder takes all of them from the configuration, so every one is
 * named here.
 */
function publicCloudWithKeysAt(openIdMetadataUrl: string): Record<string, string | boolean> {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}

function authentication(config: TeamsAdapterOptions['config'], openIdMetadataUrl?: string): ConfigurationBotFrameworkAuthentication {
  if (config.appId && config.appType !== 'UserAssignedMSI' && !config.appPassword) {
    throw new TeamsConfigError('Teams: MicrosoftAppPassword is required with MicrosoftAppId (unless MicrosoftAppType=UserAssignedMSI)');
  }
  try {
    return new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.appId,
      MicrosoftAppPassword: config.appPassword,
      MicrosoftAppType: config.appType,
      MicrosoftAppTenantId: config.tenantId,
      ...(openIdMetadataUrl ? publicCloudWithKeysAt(openIdMetadataUrl) : {}),
    });
  } catch (error) {
    throw new TeamsConfigError(`Teams: the Microsoft app settings were refused: ${error instanceof Error ? error.message : String(error)}`);
  }
}

type BodyRead = { ok: true; value: unknown } | { ok: false; status: number; message: string };

/**
 * The request body as JSON. Past MAX_BODY_BYTES it answers 413 at once, and drops the rest as it arrives. A client
 * that goes away before the end (the stream errors with "aborted", or just closes) leaves nothing to answer and is
 * not an error of ours: the caller's answer goes nowhere, and nothing is logged or left waiting.
 */
function readJson(req: IncomingMessage): Promise<BodyRead> {
  // Stream events rather than `for await`: the async iterator cost about 25 µs a request under load.
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) settle({ ok: false, status: 413, message: 'activity too large' });
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      try {
        settle({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        settle({ ok: false, status: 400, message: 'body is not JSON' });
      }
    });
    const gone = () => {
      if (!settled) settle({ ok: false, status: 400, message: 'request closed before its end' });
    };
    req.on('error', gone);
    req.on('close', gone);
  });
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
  const cloud = new TurnRunner(authentication(config, opts.openIdMetadataUrl));

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
        let body = req.body;
        if (body === undefined) {
          const read = await readJson(req);
          if (!read.ok) {
            res.writeHead(read.status, { 'content-type': 'text/plain' }).end(read.message);
            return;
          }
          body = read.value;
        }
        // botbuilder throws (a 500) on a body without a type; that is the caller's mistake, so say 400.
        if (typeof body !== 'object' || body === null || typeof (body as { type?: unknown }).type !== 'string') {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('not an activity');
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
          logger.warn('Teams request refused: no valid Bot Framework token', { status: 401, error: reason });
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
