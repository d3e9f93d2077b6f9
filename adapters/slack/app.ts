// The Slack adapter: a real Bolt app over HTTP (Slack posts to POST /slack/events on our one server) or over
// Socket Mode (no public URL, for council networks), the handlers, and the scheduler's Chat. Called once by
// the composition root: createSlackAdapter(), then start(), then hand requestListener to the server.
import type { RequestListener } from 'node:http';
import type { webApi } from '@slack/bolt';
import { httpBolt, socketModeBolt, webApi as web } from './bolt.js';
import type { Bot } from '../../src/bot.js';
import type { Chat, Logger, Store } from '../../src/ports.js';
import type { Config } from '../config.js';
import { SlackStartupError } from '../startup-errors.js';
import { boltLogger } from './bolt-logger.js';
import { slackChat } from './chat.js';
import { dedupeEvents } from './dedupe.js';
import { slackFiles } from './files.js';
import { registerHandlers } from './handlers.js';
import { guardedReceiver, type GuardedReceiver } from './receiver.js';
import type { Sleep } from './retry.js';

export interface SlackAdapterOptions {
  bot: Bot;
  /** Where event ids already run are kept, so a retried event is not run twice (by any process). */
  store: Store;
  config: NonNullable<Config['slack']>;
  logger: Logger;
  /** Web API request timeout. Short, because the scheduler retries and a slash command must answer soon. */
  timeoutMs?: number;
  /** How long Socket Mode may take to connect at start-up before giving up with a clear message. */
  connectTimeoutMs?: number;
  /** Waits between reply retries; tests pass one that records instead of sleeping. */
  sleep?: Sleep;
  /** How long a slash command may work before its ack (default ANSWER_IN_ACK_MS). */
  answerInAckMs?: number;
}

export interface SlackAdapter {
  readonly mode: 'http' | 'socket';
  /** HTTP mode: serves POST /slack/events, its body capped and its signature and timestamp checked (guard.ts). */
  readonly requestListener?: RequestListener;
  /** Socket Mode: whether the WebSocket to Slack is up now (it reconnects on its own); HTTP mode has none. */
  readonly connected?: () => boolean;
  /** The scheduler's outbound side (nudges, digests, owners' direct messages). */
  readonly chat: Chat;
  /** Checks the credentials once (auth.test) and, in Socket Mode, connects. Throws SlackStartupError. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export { SlackStartupError };

const REJECTED_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive', 'not_allowed_token_type', 'token_expired']);

function startupMessage(error: unknown, variable: string, apiUrl: string): string {
  const e = (error ?? {}) as { code?: string; data?: { error?: string }; statusCode?: number; retryAfter?: number; original?: Error; message?: string };
  switch (e.code) {
    case 'slack_webapi_platform_error': {
      const reason = e.data?.error ?? 'unknown_error';
      if (REJECTED_TOKEN.has(reason)) return `Slack rejected ${variable} (${reason}): check the token in your environment or .env`;
      return `Slack refused the start-up check for ${variable}: ${reason}`;
    }
    case 'slack_webapi_request_error':
      return `Cannot reach Slack at ${apiUrl} (${e.original?.message ?? 'request failed'}): check the network, a proxy, or SLACK_API_URL`;
    case 'slack_webapi_http_error':
      return `Slack answered HTTP ${e.statusCode} at ${apiUrl}: check SLACK_API_URL`;
    case 'slack_webapi_rate_limited_error':
      return `Slack rate-limited the start-up check: try again in ${e.retryAfter ?? 60} seconds`;
    default:
      return `Slack start-up failed (${variable}): ${e.message ?? String(error)}`;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SlackStartupError(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function webClientOptions(config: NonNullable<Config['slack']>, timeoutMs = 10_000): webApi.WebClientOptions {
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // The scheduler owns retries and waits; Bolt must neither retry nor sleep through a 429 on its own.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
  };
}

/**
 * The scheduler's way out to Slack without the app that answers Slack: `reform tick` from a timer posts through
 * this exactly as the running bot's scheduler does (same client settings, same Chat), and needs no server.
 */
export function slackOutbound(config: NonNullable<Config['slack']>, logger: Logger, timeoutMs?: number): Chat {
  return slackChat(new web.WebClient(config.botToken, { ...webClientOptions(config, timeoutMs), logger: boltLogger(logger) }), logger);
}

export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const { bot, config, logger } = opts;
  const apiUrl = config.apiUrl ?? 'https://slack.com/api/';
  const log = boltLogger(logger);
  const clientOptions = webClientOptions(config, opts.timeoutMs);
  // Socket Mode with an app token; otherwise HTTP, where Bolt's Socket Mode receiver is never loaded (bolt.ts).
  let App: ReturnType<typeof httpBolt>['App'];
  let socket: InstanceType<ReturnType<typeof socketModeBolt>['SocketModeReceiver']> | undefined;
  let http: GuardedReceiver | undefined;
  if (config.appToken) {
    const bolt = socketModeBolt();
    App = bolt.App;
    socket = new bolt.SocketModeReceiver({
      appToken: config.appToken,
      logger: log,
      // Only the API address: the socket client keeps its own retry policy for reconnecting.
      installerOptions: { clientOptions: config.apiUrl ? { slackApiUrl: config.apiUrl } : {} },
    });
  } else {
    App = httpBolt().App;
    // Our receiver (receiver.ts): the request guard (guard.ts) reads, checks and parses each request once and hands
    // it to the App. Bolt's HTTPReceiver would read and parse it again. In HTTP mode nothing listens but the bot's
    // one server (adapters/server.ts), which hands POST /slack/events to requestListener.
    http = guardedReceiver(config.signingSecret, logger);
  }
  const app = new App({
    token: config.botToken,
    receiver: socket ?? http,
    logger: log,
    clientOptions,
    // auth.test runs in start(), where a failure becomes one clear line instead of an unhandled rejection.
    deferInitialization: true,
    extendedErrorHandler: true,
    // No handler keeps per-conversation state in Bolt; the store is ours. One middleware less per request.
    convoStore: false,
    // Bolt's global check that an event is not the bot's own runs on every request, a slash command too; the one
    // listener that takes events makes the same check itself (handlers.ts, notFromSelf).
    ignoreSelf: false,
  });
  const files = slackFiles(app.client, logger);
  // Before each event handler: a retried event already run is acknowledged and dropped.
  registerHandlers(app, bot, logger, { sleep: opts.sleep, answerInAckMs: opts.answerInAckMs, files, once: dedupeEvents(opts.store, logger) });
  // The socket client says when Slack has said hello, and when the link drops (it then reconnects by itself).
  let linked = false;
  socket?.client.on('connected', () => (linked = true));
  for (const down of ['close', 'disconnected', 'reconnecting', 'disconnecting']) socket?.client.on(down, () => (linked = false));

  return {
    mode: socket ? 'socket' : 'http',
    ...(http ? { requestListener: http.requestListener } : { connected: () => linked }),
    chat: slackChat(app.client, logger, files),
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw new SlackStartupError(startupMessage(error, 'SLACK_BOT_TOKEN', apiUrl));
      }
      if (!socket) return;
      const seconds = Math.round((opts.connectTimeoutMs ?? 30_000) / 1000);
      try {
        await withTimeout(app.start(), opts.connectTimeoutMs ?? 30_000, `Slack Socket Mode did not connect within ${seconds} seconds`);
      } catch (error) {
        await app.stop().catch(() => undefined);
        throw error instanceof SlackStartupError ? error : new SlackStartupError(startupMessage(error, 'SLACK_APP_TOKEN', apiUrl));
      }
      logger.info('slack connected', { mode: 'socket' });
    },
    async stop() {
      if (socket) await app.stop().catch((error: unknown) => logger.warn('slack stop failed', { error: String(error) }));
    },
  };
}
