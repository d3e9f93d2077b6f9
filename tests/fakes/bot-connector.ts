// A small fake Bot Connector (the Teams side of the Bot Framework REST API) on 127.0.0.1, so adapter tests run
// the real botbuilder HTTP client end to end and assert on what Teams would have received. Below it, activities
// shaped as Teams sends them and a harness running the real Teams adapter on a local node:http server.
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileShelf } from '../../adapters/files.js';
import { createTeamsAdapter, type TeamsAdapter } from '../../adapters/teams/adapter.js';
import type { Bot } from '../../src/bot.js';
import type { Incoming } from '../../src/commands/types.js';
import type { Logger } from '../../src/ports.js';
import { testBot, type TestBot } from '../helpers.js';
import { teamsActivity, type MessageOptions } from './teams-activity.js';

export { ALICE, BOT, BOT_MENTION, CHANNEL, GROUP_CHAT, PERSONAL, teamsActivity, type MessageOptions } from './teams-activity.js';

export interface ConnectorCall {
  method: string;
  /** `send` (POST .../activities), `reply` (POST .../activities/{id}), `update` (PUT .../activities/{id}), `member` (GET .../members/{id}). */
  kind: 'send' | 'reply' | 'update' | 'member' | 'other';
  path: string;
  conversationId: string;
  activityId?: string;
  body: any;
  /** The size of the request body as it arrived. */
  bytes: number;
  authorization?: string;
  /** The HTTP status the fake answered with. */
  status?: number;
}

/** A canned failure for the next activity request (send, reply or update). */
export interface Failure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer this late (a connector that hangs). */
  delayMs?: number;
}

export interface FakeConnector {
  /** The serviceUrl to put on inbound activities: `http://127.0.0.1:PORT/`. */
  url: string;
  calls: ConnectorCall[];
  /** Members returned by GET /v3/conversations/{id}/members/{userId}, keyed by user id; others get 404. */
  members: Record<string, { id: string; name: string; aadObjectId?: string }>;
  /** Queue failures: each activity request takes the next one until the queue is empty. */
  fail(...failures: Failure[]): void;
  /** The first call matching `match`, waiting up to `timeoutMs` for it. */
  waitFor(match: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  close(): Promise<void>;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/(activities|members)(?:\/([^/?]+))?\/?(?:\?.*)?$/;

/** Teams refuses a message activity over about 28 KB as it arrives (413, MessageSizeTooBig). */
export const TEAMS_MAX_ACTIVITY_BYTES = 28_000;

async function readBody(req: IncomingMessage): Promise<{ value: unknown; bytes: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const text = raw.toString('utf8');
  if (!text) return { value: undefined, bytes: 0 };
  try {
    return { value: JSON.parse(text), bytes: raw.length };
  } catch {
    return { value: text, bytes: raw.length };
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const failures: Failure[] = [];
  const members: FakeConnector['members'] = {};
  let next = 1;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const { value: body, bytes } = await readBody(req);
      const m = ROUTE.exec(req.url ?? '');
      const method = req.method ?? 'GET';
      const conversationId = m ? decodeURIComponent(m[1]!) : '';
      const activityId = m?.[3] ? decodeURIComponent(m[3]) : undefined;
      const kind: ConnectorCall['kind'] = !m
        ? 'other'
        : m[2] === 'members'
          ? 'member'
          : method === 'PUT'
            ? 'update'
            : activityId
              ? 'reply'
              : 'send';
      const call: ConnectorCall = { method, kind, path: req.url ?? '', conversationId, activityId, body, bytes, authorization: req.headers.authorization };
      calls.push(call);
      if (kind === 'member') {
        const member = activityId ? members[activityId] : undefined;
        return member ? json(res, 200, member) : json(res, 404, { error: { code: 'MemberNotFound', message: 'no such member' } });
      }
      if (kind === 'other') return json(res, 404, { error: { code: 'NotFound', message: 'unknown route' } });
      if (bytes > TEAMS_MAX_ACTIVITY_BYTES) {
        call.status = 413;
        return json(res, 413, { error: { code: 'MessageSizeTooBig', message: `Message size too big: ${bytes} bytes` } });
      }
      const failure = failures.shift();
      if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (res.destroyed) return;
      call.status = failure?.status ?? 200;
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      return json(res, 200, { id: kind === 'update' ? activityId : `activity-${next++}` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    fail: (...f) => void failures.push(...f),
    async waitFor(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = calls.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching connector call within ${timeoutMs} ms; saw: ${calls.map((c) => `${c.method} ${c.path}`).join(', ') || 'nothing'}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

// The real Teams adapter on a local server, and what Teams sends to it (teams-activity.ts).

export interface TeamsHarness {
  connector: FakeConnector;
  teams: TeamsAdapter;
  store: TestBot['store'];
  /** Every message the adapter handed to Bot.handle, as the core saw it. */
  incoming: Incoming[];
  /** Warnings and errors the adapter logged. */
  logs: string[];
  /** POSTs to /api/messages; resolves with the HTTP status once the turn (and any reply) is done. */
  post(activity: unknown, headers?: Record<string, string>, method?: string): Promise<number>;
  /** A Teams message from Alice (by default) in the channel (by default). */
  say(o: MessageOptions): Promise<number>;
  /** The bot's endpoint, http://127.0.0.1:<port>/api/messages. */
  url: string;
  /** How many requests the handler is still working on. */
  running(): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  appId?: string;
  appPassword?: string;
  /** A local OpenID metadata document for the Bot Framework's signing keys (see startSigningKeys). */
  openIdMetadataUrl?: string;
  testBot?: TestBot;
  sendTimeoutMs?: number;
  /** MicrosoftAppTenantId: only this tenant's activities are run. */
  tenantId?: string;
  /** Where the adapter puts the report's files and the digest's picture. */
  files?: FileShelf;
}

export async function startTeams(o: HarnessOptions = {}): Promise<TeamsHarness> {
  const connector = await startFakeConnector();
  const tb = o.testBot ?? testBot();
  const logs: string[] = [];
  const logger: Logger = {
    info() {},
    warn: (m, c) => void logs.push(`${m} ${JSON.stringify(c ?? {})}`),
    error: (m, c) => void logs.push(`${m} ${JSON.stringify(c ?? {})}`),
  };
  const incoming: Incoming[] = [];
  const bot: Bot = { programme: tb.bot.programme, handle: (m) => (incoming.push(m), tb.bot.handle(m)) };
  const teams = createTeamsAdapter({
    bot,
    store: tb.store,
    logger,
    config: { appId: o.appId, appPassword: o.appPassword, tenantId: o.tenantId, devNoAuth: !o.appId },
    sendTimeoutMs: o.sendTimeoutMs,
    openIdMetadataUrl: o.openIdMetadataUrl,
    files: o.files,
  });
  // Every request the handler is still working on, so a test can tell when one is left waiting.
  const running = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    if (req.url !== '/api/messages') return void res.writeHead(404).end();
    const work = teams.handler(req, res).finally(() => running.delete(work));
    running.add(work);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  const post = async (activity: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<number> => {
    const body = method === 'POST' ? (typeof activity === 'string' ? activity : JSON.stringify(activity)) : undefined;
    const res = await fetch(url, { method, body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(10_000) });
    await res.text();
    return res.status;
  };
  return {
    connector,
    teams,
    store: tb.store,
    incoming,
    logs,
    post,
    say: (m) => post(teamsActivity(connector.url, m)),
    url,
    running: () => running.size,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connector.close();
    },
  };
}

export interface SigningKeys {
  /** The OpenID metadata document's address: pass as the adapter's openIdMetadataUrl. */
  metadataUrl: string;
  /** A Bot Framework-style token (RS256, kid `k1`), signed with the published key, or with another one (forged). */
  token(claims: Record<string, unknown>, opts?: { forged?: boolean }): string;
  close(): Promise<void>;
}

/** The Bot Framework's token-signing keys, published on 127.0.0.1 as login.botframework.com publishes them. */
export async function startSigningKeys(): Promise<SigningKeys> {
  const published = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = published.publicKey.export({ format: 'jwk' });
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = req.url === '/keys'
      ? { keys: [{ kty: 'RSA', use: 'sig', kid: 'k1', n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }
      : { issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    metadataUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openid`,
    token(claims, opts = {}) {
      const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part(claims)}`;
      const signature = cryptoSign('sha256', Buffer.from(unsigned), (opts.forged ? other : published).privateKey).toString('base64url');
      return `${unsigned}.${signature}`;
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
