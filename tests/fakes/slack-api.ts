// A small fake of Slack's Web API and response_url endpoint on 127.0.0.1, for driving the real Bolt app in
// tests. It records every call, answers like Slack does, and can be told to fail the next call of a method.
// startHarness() runs the real adapter (Bolt's App behind our receiver and our one server) against it and sends
// requests exactly as Slack does: form-encoded or JSON bodies, signed with the signing secret.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryStore } from '../../adapters/store/memory.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/app.js';
import { startServer, type RunningServer } from '../../adapters/server.js';
import type { Bot } from '../../src/bot.js';
import type { Logger, Store } from '../../src/ports.js';
import type { Programme } from '../../src/programme/model.js';
import { testBot } from '../helpers.js';
import { messageRefusal, viewRefusal, type Refusal } from './slack-limits.js';
import { slackSignature } from './slack-signature.js';

export { slackSignature };

export interface ApiCall {
  method: string;
  args: Record<string, any>;
  authorization?: string;
}

export interface ResponsePost {
  path: string;
  body: Record<string, any>;
}

export interface Scripted {
  /** Answer this call as Slack usually would (to script a later call of the same method). */
  pass?: boolean;
  /** Do what Slack would (store the post), but answer with this: an answer lost on the way back. */
  alsoStore?: boolean;
  /** Answer (as Slack usually would, with `pass`) only after this long: a slow Slack. */
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

interface Posted {
  ts: string;
  text?: string;
  blocks?: unknown;
  metadata?: unknown;
}

export interface FakeSlackApi {
  /** Pass as SLACK_API_URL / config.apiUrl. */
  apiUrl: string;
  /** A response_url that records what respond() posts to it. */
  responseUrl(name: string): string;
  calls: ApiCall[];
  responses: ResponsePost[];
  /** Answer the next call of `method` with this instead of the default. */
  script(method: string, reply: Scripted): void;
  /** Answer the next posts to this response_url with these statuses (default one HTTP 500). */
  failNextResponse(name: string, ...failures: Scripted[]): void;
  /** What apps.connections.open hands out (the Socket Mode WebSocket URL). */
  socketUrl?: string;
  /**
   * Slack's cumulative limit (about 12,000 characters of text in a message's blocks) is undocumented: a test
   * lowers it to see the bot cope when Slack refuses less than the bot's budget.
   */
  blocksTextLimit?: number;
  /** Every message or view refused for Slack's field limits, with the reason: tests expect none unless they say so. */
  refusals: { method: string; error: string; detail: string }[];
  /** Display names users.info answers with; any other user is `user_not_found`. */
  displayNames: Map<string, string>;
  /** Every call of these methods is answered only after this many milliseconds: a slow Slack. */
  delays: Map<string, number>;
  /** The most calls of each method that were in flight at once. */
  peakInFlight: Map<string, number>;
  callsTo(method: string): ApiCall[];
  /** Files uploaded through files.uploadV2 and completed, by id: bytes, name, and where they were shared. */
  files: Map<string, UploadedFile>;
  close(): Promise<void>;
}

export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  data?: Buffer;
  title?: string;
  altText?: string;
  completed: boolean;
  channel?: string;
  threadTs?: string;
}

/** An upload's bytes: the file part of a multipart form (as the Web API client sends it), or the raw body. */
async function uploadedBytes(raw: Buffer, type: string | undefined): Promise<Buffer> {
  if (!type?.startsWith('multipart/form-data')) return raw;
  const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
  const file = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
  return file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The Web API client form-encodes arguments and JSON-encodes the nested ones (blocks, metadata). */
function parseArgs(raw: string, type: string | undefined): Record<string, any> {
  if (type?.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}

const dmChannel = (channel: string): string => (/^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel);

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: ApiCall[] = [];
  const responses: ResponsePost[] = [];
  const scripted = new Map<string, Scripted[]>();
  const channels = new Map<string, Posted[]>();
  const failing = new Map<string, Scripted[]>();
  const inFlight = new Map<string, number>();
  const files = new Map<string, UploadedFile>();
  let seq = 0;

  /** What Slack refuses before doing anything: blocks and text past its limits (HTTP 200, ok false). */
  function refusal(method: string, args: Record<string, any>): Refusal | undefined {
    if (method === 'views.publish') return viewRefusal(args);
    if (method === 'chat.postMessage' || method === 'chat.postEphemeral' || method === 'chat.update') return messageRefusal(args, fake.blocksTextLimit);
    return undefined;
  }

  function answer(method: string, args: Record<string, any>): Record<string, unknown> {
    const refused = refusal(method, args);
    if (refused) {
      fake.refusals.push({ method, ...refused });
      return { ok: false, error: refused.error, response_metadata: { messages: [`[ERROR] ${refused.detail}`] } };
    }
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://council.slack.com/', team: 'Council', user: 'reform', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        if (!imagesKnown(args.blocks)) return { ok: false, error: 'invalid_blocks' };
        const channel = dmChannel(String(args.channel));
        const ts = `${1_700_000_000 + ++seq}.000100`;
        const list = channels.get(channel) ?? [];
        list.push({ ts, text: args.text, blocks: args.blocks, metadata: args.metadata });
        channels.set(channel, list);
        return { ok: true, channel, ts, message: { ts, text: args.text } };
      }
      case 'conversations.history': {
        // Newest first, a page at a time: the cursor is the offset of the next page.
        const all = [...(channels.get(String(args.channel)) ?? [])].reverse();
        const from = Number(args.cursor ?? 0);
        const to = from + Number(args.limit ?? 100);
        const list = all.slice(from, to);
        const withMetadata = String(args.include_all_metadata) === 'true';
        const more = to < all.length;
        return {
          ok: true,
          has_more: more,
          ...(more ? { response_metadata: { next_cursor: String(to) } } : {}),
          messages: list.map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
        };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: dmChannel(String(args.users)) } };
      case 'apps.connections.open':
        return fake.socketUrl ? { ok: true, url: fake.socketUrl } : { ok: false, error: 'invalid_auth' };
      case 'users.info': {
        const name = fake.displayNames.get(String(args.user));
        return name === undefined ? { ok: false, error: 'user_not_found' } : { ok: true, user: { id: args.user, name: name.toLowerCase(), profile: { display_name: name } } };
      }
      case 'files.getUploadURLExternal': {
        // Slack wants the name and the exact length up front; the upload must then bring that many bytes.
        const length = Number(args.length);
        if (!args.filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++seq).padStart(8, '0')}`;
        files.set(id, { id, filename: String(args.filename), length, completed: false, ...(args.alt_text ? { altText: String(args.alt_text) } : {}) });
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed = (Array.isArray(args.files) ? args.files : []) as { id: string; title?: string }[];
        // Every file must have been uploaded whole first.
        if (!listed.length || listed.some((f) => files.get(f.id)?.data?.length !== files.get(f.id)?.length)) return { ok: false, error: 'invalid_arguments' };
        if (args.channel_id && !/^[CGD][A-Z0-9]+$/.test(String(args.channel_id))) return { ok: false, error: 'channel_not_found' };
        for (const f of listed) {
          Object.assign(files.get(f.id)!, { completed: true, title: f.title, ...(args.channel_id ? { channel: String(args.channel_id) } : {}), ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}) });
        }
        return { ok: true, files: listed.map((f) => ({ id: f.id, title: f.title, name: files.get(f.id)!.filename })) };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${1_700_000_000 + ++seq}.000200` };
      case 'chat.update':
      case 'views.publish':
        return { ok: true };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** An image block may show only a file this app uploaded and completed (`slack_file`), as in Slack. */
  const imagesKnown = (blocks: unknown): boolean =>
    !Array.isArray(blocks) ||
    blocks.every((b: { type?: string; slack_file?: { id?: string } }) => b?.type !== 'image' || !b.slack_file || files.get(String(b.slack_file.id))?.completed === true);

  const server = createServer(async (req, res) => {
    const rawBytes = await readBytes(req);
    const raw = rawBytes.toString('utf8');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const failure = path.startsWith('/respond/') ? failing.get(path)?.shift() : undefined;
    if (failure) {
      res.writeHead(failure.status ?? 500, failure.headers ?? {}).end();
      return;
    }
    if (path.startsWith('/upload/')) {
      // The upload itself: the bytes of one file, to the address getUploadURLExternal gave.
      const file = files.get(path.slice('/upload/'.length));
      if (!file || req.method !== 'POST') return void res.writeHead(404).end();
      file.data = await uploadedBytes(rawBytes, req.headers['content-type']);
      return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`OK - ${file.data.length}`);
    }
    if (path.startsWith('/respond/')) {
      const body = raw ? JSON.parse(raw) : {};
      // A response_url refuses what chat.postMessage refuses, with HTTP 400 and the reason as plain text.
      const refused = messageRefusal(body, fake.blocksTextLimit);
      if (refused) {
        fake.refusals.push({ method: path, ...refused });
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(refused.error);
        return;
      }
      responses.push({ path, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type']);
    calls.push({ method, args, authorization: req.headers.authorization });
    const flying = (inFlight.get(method) ?? 0) + 1;
    inFlight.set(method, flying);
    fake.peakInFlight.set(method, Math.max(flying, fake.peakInFlight.get(method) ?? 0));
    const slow = fake.delays.get(method);
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow));
    inFlight.set(method, (inFlight.get(method) ?? 1) - 1);
    const scriptedNext = scripted.get(method)?.shift();
    if (scriptedNext?.delayMs) await new Promise((resolve) => setTimeout(resolve, scriptedNext.delayMs));
    const next = scriptedNext?.pass ? undefined : scriptedNext;
    if (next?.alsoStore) answer(method, args);
    const body = next ? (next.body ?? { ok: false, error: 'scripted' }) : answer(method, args);
    res.writeHead(next?.status ?? 200, { 'Content-Type': 'application/json', ...(next?.headers ?? {}) }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeSlackApi = {
    apiUrl: `${base}/api/`,
    responseUrl: (name) => `${base}/respond/${name}`,
    calls,
    responses,
    script(method, reply) {
      scripted.set(method, [...(scripted.get(method) ?? []), reply]);
    },
    displayNames: new Map(),
    refusals: [],
    delays: new Map(),
    peakInFlight: new Map(),
    failNextResponse: (name, ...failures) => void failing.set(`/respond/${name}`, failures.length ? failures : [{ status: 500 }]),
    callsTo: (method) => calls.filter((c) => c.method === method),
    files,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Every test that posts is checked against Slack's limits: one that means to be refused empties the list.
      if (fake.refusals.length) throw new Error(`Slack would have refused: ${JSON.stringify(fake.refusals.slice(0, 3))}`);
    },
  };
  return fake;
}

/** Polls until `probe` returns something other than undefined, or fails after `ms`. */
export async function waitFor<T>(probe: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}


export const SECRET = 'test-secret';
export const NOW = '2026-11-24T10:00:00Z';

export interface Harness {
  api: FakeSlackApi;
  /** snapshot() is there with the default in-memory store only. */
  store: ReturnType<typeof memoryStore>;
  bot: Bot;
  slack: SlackAdapter;
  server: RunningServer;
  base: string;
  logs: { level: string; message: string; context?: Record<string, unknown> }[];
  /** Waits the adapter asked for between reply retries (recorded, not slept). */
  sleeps: number[];
  /** POSTs to /slack/events, signed unless told otherwise. */
  post(body: string, type: string, opts?: { timestamp?: number; signature?: string; retryNum?: number }): Promise<Response>;
  /** A slash command body as Slack sends it; `respondTo` names the recorded response_url. */
  slash(text: string, respondTo: string, user?: { id: string; name: string }): string;
  /** Sends a signed slash command; `ack` is the message in the HTTP answer (undefined for an empty ack). */
  command(text: string, respondTo: string, user?: { id: string; name: string }): Promise<{ status: number; ack?: Record<string, any> }>;
  /**
   * Clicks `button` (an element of the message's actions block) in a message posted to `channel`, as Slack sends
   * the block_actions payload; `respondTo` names the recorded response_url. Returns the HTTP status.
   */
  click(message: { text: string; blocks: unknown[] }, button: Record<string, unknown>, respondTo: string, opts?: { user?: { id: string; name: string }; channel?: { id: string; name: string }; ts?: string }): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  editors?: string[];
  /** The programme the bot tracks (default: milestones/stable-homes.yaml). */
  programme?: Programme;
  /** Makes every command take this long, to drive the ack-now, answer-later path. */
  handleDelayMs?: number;
  /** Holds every command until this settles. */
  holdUntil?: Promise<unknown>;
  answerInAckMs?: number;
  /** The store to keep tracking and event ids in (default: a new in-memory one). */
  store?: Store;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const api = await startFakeSlackApi();
  const store = (opts.store ?? memoryStore()) as ReturnType<typeof memoryStore>;
  const { bot: quick } = testBot(opts.programme, NOW, { store, editors: opts.editors });
  const { handleDelayMs: delay, holdUntil } = opts;
  const slow = async () => {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    await holdUntil;
  };
  const bot: Bot = delay || holdUntil ? { programme: quick.programme, handle: async (m) => (await slow(), quick.handle(m)) } : quick;
  const logs: Harness['logs'] = [];
  const logger: Logger = {
    info: (message, context) => logs.push({ level: 'info', message, context }),
    warn: (message, context) => logs.push({ level: 'warn', message, context }),
    error: (message, context) => logs.push({ level: 'error', message, context }),
  };
  const sleeps: number[] = [];
  const slack = createSlackAdapter({
    bot,
    store,
    config: { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: api.apiUrl },
    logger,
    sleep: async (ms) => void sleeps.push(ms),
    answerInAckMs: opts.answerInAckMs,
  });
  await slack.start();
  const server = await startServer({ port: 0, host: '127.0.0.1', slack, logger });
  const base = `http://127.0.0.1:${server.port}`;
  const harness: Harness = {
    api,
    store,
    bot,
    slack,
    server,
    base,
    logs,
    sleeps,
    post(body, type, o = {}) {
      const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
      return fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: {
          'Content-Type': type,
          'X-Slack-Request-Timestamp': String(timestamp),
          'X-Slack-Signature': o.signature ?? slackSignature(SECRET, timestamp, body),
          // Slack resends an event it saw no quick 200 for, saying which attempt this is and why.
          ...(o.retryNum ? { 'X-Slack-Retry-Num': String(o.retryNum), 'X-Slack-Retry-Reason': 'http_timeout' } : {}),
        },
        body,
      });
    },
    slash(text, respondTo, user = { id: 'U1', name: 'bob' }) {
      return new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: 'T1',
        team_domain: 'council',
        channel_id: 'C1',
        channel_name: 'reform',
        user_id: user.id,
        user_name: user.name,
        command: '/reform',
        text,
        api_app_id: 'A1',
        is_enterprise_install: 'false',
        response_url: api.responseUrl(respondTo),
        trigger_id: '1.2.3',
      }).toString();
    },
    async click(message, button, respondTo, opts = {}) {
      const user = opts.user ?? { id: 'U1', name: 'bob' };
      const channel = opts.channel ?? { id: 'C1', name: 'reform' };
      const ts = opts.ts ?? '1700000000.000100';
      const payload = {
        type: 'block_actions',
        user: { id: user.id, username: user.name, name: user.name, team_id: 'T1' },
        api_app_id: 'A1',
        token: 'legacy-verification-token',
        container: { type: 'message', message_ts: ts, channel_id: channel.id, is_ephemeral: false },
        trigger_id: '1.2.3',
        team: { id: 'T1', domain: 'council' },
        channel,
        message: { type: 'message', ts, text: message.text, blocks: message.blocks },
        response_url: api.responseUrl(respondTo),
        actions: [{ ...button, block_id: 'b1', action_ts: '1700000001.000000' }],
      };
      return (await harness.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM)).status;
    },
    async command(text, respondTo, user) {
      const res = await harness.post(harness.slash(text, respondTo, user), FORM);
      const raw = await res.text();
      const ack = raw ? JSON.parse(raw) : undefined;
      // Slack shows the asker an error instead of an ack message it would refuse.
      const refused = ack && typeof ack === 'object' ? messageRefusal(ack) : undefined;
      if (refused) api.refusals.push({ method: 'ack', ...refused });
      return { status: res.status, ...(ack !== undefined ? { ack } : {}) };
    },
    async close() {
      await server.close();
      await slack.stop();
      await api.close();
    },
  };
  return harness;
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
