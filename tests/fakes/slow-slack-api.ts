// A fake Slack Web API on 127.0.0.1 that answers slowly, for crash tests against the real `reform start`.
// chat.postMessage stores the message first and answers only after a delay, so a test can kill the bot
// between Slack accepting a message and the bot recording it (onAccepted runs the moment a message is
// stored). conversations.history answers from what was stored, newest first, with metadata when asked.
// Faults (429 with Retry-After, 500) can be injected; a refused post is never stored, as with Slack.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageRefusal } from './slack-limits.js';

export interface StoredPost {
  seq: number;
  channel: string;
  ts: string;
  text: string;
  /** metadata.event_payload.key: the ledger key of a scheduled post (absent on a multi-part message's earlier parts). */
  key?: string;
  /** Whether the answer reached the socket (false when the caller was gone by then). */
  answered: boolean;
}

export interface SlowSlackOptions {
  /** Delay before answering a post that was stored, in milliseconds: uniform in [min, max]. */
  postDelayMs?: [number, number];
  /** Delay before answering anything else. */
  otherDelayMs?: [number, number];
  /** Random numbers in [0, 1): pass a seeded one so runs reproduce. */
  random?: () => number;
  /** Chance that a chat.postMessage is refused with 429 (Retry-After: 1) or 500 before it is stored. */
  postFaults?: { rateLimited: number; serverError: number };
  /** Chance that a conversations.history call is refused with 429 or 500. */
  historyFaults?: { rateLimited: number; serverError: number };
}

export interface SlowSlackApi {
  /** Pass as SLACK_API_URL. */
  apiUrl: string;
  posts: StoredPost[];
  /** Counts of calls per method, and of faults injected. */
  counts: Record<string, number>;
  faults: { rateLimited: number; serverError: number; historyRateLimited: number; historyServerError: number };
  /** The errors of posts refused for Slack's field limits (blocks, text). */
  refusals: string[];
  /** Called synchronously when a post has been stored, before the (delayed) answer. */
  onAccepted?: (post: StoredPost) => void;
  /** Turn fault injection on or off (e.g. off for the final drain). */
  setFaults(on: boolean): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The Web API client form-encodes arguments and JSON-encodes the nested ones (blocks, metadata). */
function parseArgs(raw: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export async function startSlowSlackApi(options: SlowSlackOptions = {}): Promise<SlowSlackApi> {
  const random = options.random ?? Math.random;
  const [postMin, postMax] = options.postDelayMs ?? [150, 400];
  const [otherMin, otherMax] = options.otherDelayMs ?? [5, 30];
  const posts: StoredPost[] = [];
  const stored = new Map<StoredPost, { ts: string; text: string; metadata: unknown }>();
  const counts: Record<string, number> = {};
  const faults = { rateLimited: 0, serverError: 0, historyRateLimited: 0, historyServerError: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let faultsOn = true;
  let seq = 0;

  const between = (min: number, max: number): number => Math.round(min + random() * (max - min));
  const rateLimited = (): Answer => ({ status: 429, headers: { 'Retry-After': '1' }, body: { ok: false, error: 'ratelimited' } });
  const serverError = (): Answer => ({ status: 500, body: { ok: false, error: 'internal_error' } });

  function answer(method: string, args: Record<string, unknown>): { reply: Answer; post?: StoredPost } {
    switch (method) {
      case 'auth.test':
        return { reply: { status: 200, body: { ok: true, url: 'https://council.slack.com/', team: 'Council', user: 'reform', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' } } };
      case 'chat.postMessage': {
        if (faultsOn && options.postFaults) {
          const roll = random();
          if (roll < options.postFaults.rateLimited) {
            faults.rateLimited++;
            return { reply: rateLimited() };
          }
          if (roll < options.postFaults.rateLimited + options.postFaults.serverError) {
            faults.serverError++;
            return { reply: serverError() };
          }
        }
        // Refused for Slack's field limits before anything is stored, as Slack does.
        const refused = messageRefusal(args);
        if (refused) {
          fake.refusals.push(refused.error);
          return { reply: { status: 200, body: { ok: false, error: refused.error } } };
        }
        const channel = String(args.channel);
        const ts = `${1_700_000_000 + ++seq}.000100`;
        const metadata = args.metadata as { event_payload?: { key?: unknown } } | undefined;
        const key = typeof metadata?.event_payload?.key === 'string' ? metadata.event_payload.key : undefined;
        const post: StoredPost = { seq, channel, ts, text: String(args.text ?? ''), ...(key ? { key } : {}), answered: false };
        posts.push(post);
        // Kept whole so history can hand the metadata back exactly as it was posted.
        stored.set(post, { ts, text: post.text, metadata: args.metadata });
        return { reply: { status: 200, body: { ok: true, channel, ts, message: { ts, text: post.text } } }, post };
      }
      case 'conversations.history': {
        if (faultsOn && options.historyFaults) {
          const roll = random();
          if (roll < options.historyFaults.rateLimited) {
            faults.historyRateLimited++;
            return { reply: rateLimited() };
          }
          if (roll < options.historyFaults.rateLimited + options.historyFaults.serverError) {
            faults.historyServerError++;
            return { reply: serverError() };
          }
        }
        const channel = String(args.channel);
        const limit = Math.max(1, Math.min(1000, Number(args.limit ?? 100) || 100));
        const withMetadata = String(args.include_all_metadata) === 'true';
        const list = posts.filter((p) => p.channel === channel).reverse().slice(0, limit);
        const messages = list.map((p) => {
          const m = stored.get(p)!;
          return { type: 'message', ts: m.ts, text: m.text, ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) };
        });
        return { reply: { status: 200, body: { ok: true, has_more: posts.filter((p) => p.channel === channel).length > limit, messages } } };
      }
      default:
        return { reply: { status: 200, body: { ok: false, error: 'unknown_method' } } };
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const method = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/api\//, '');
      counts[method] = (counts[method] ?? 0) + 1;
      const { reply, post } = answer(method, parseArgs(raw, req.headers['content-type']));
      // Slack has the message now; the bot does not know yet.
      if (post) fake.onAccepted?.(post);
      const delay = post ? between(postMin, postMax) : between(otherMin, otherMax);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (res.destroyed || req.socket.destroyed) return;
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...(reply.headers ?? {}) }).end(JSON.stringify(reply.body), () => {
          if (post) post.answered = true;
        });
      }, delay);
      timers.add(timer);
    })().catch(() => res.destroy());
  });
  // A client killed mid-request resets its socket; that is expected here.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: SlowSlackApi = {
    apiUrl: `${base}/api/`,
    posts,
    counts,
    faults,
    refusals: [],
    setFaults: (on) => void (faultsOn = on),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
