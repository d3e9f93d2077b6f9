// Status latency through the real Slack (Bolt) and Teams (botbuilder) paths, each against a bare SDK app
// measured in the same run on the same machine: request in, reply received (Slack: in the ack, or at the
// response_url when it comes later; Teams: by the fake Bot Connector). 10 requests in flight at a time.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Bot } from '../src/bot.js';
import type { Store } from '../src/ports.js';
import { createBot, createSlackAdapter, createTeamsAdapter, fileStore, renderSlack, replyActivity, silentLogger, startServer } from './compiled.js';
import { slackSignature } from '../tests/fakes/slack-api.js';
import { CHANNEL, teamsActivity } from '../tests/fakes/bot-connector.js';
import { defaultProgramme } from '../tests/helpers.js';

const SECRET = 'bench-secret';

/** The real file store, as `npm start` uses, in a temporary folder. */
function benchStore() {
  return fileStore(join(mkdtempSync(join(tmpdir(), 'reform-bench-')), 'reform.json'));
}

/** A bot on the default programme over a real file store, with a clock that moves on like the system's. */
function benchBot(given?: Store): { bot: Bot; store: Store } {
  const store = given ?? benchStore();
  const anchor = Date.parse('2026-11-24T10:00:00Z');
  const started = performance.now();
  const clock = { now: () => DateTime.fromMillis(anchor + (performance.now() - started)) };
  return { bot: createBot({ programme: defaultProgramme(), store, clock, logger: silentLogger }), store };
}

/** A council's tracking on the kinship milestones: owners, RAG, notes and local actions, as the status shows. */
async function seed(bot: Bot): Promise<void> {
  const lines = [
    'assign kinship-strategy role:Head of Kinship Services',
    'assign kinship-training <@slack:U0KIN|kin>',
    'rag kinship-strategy amber',
    'note kinship-strategy Draft strategy with the DCS; consultation with kinship carers closes in January.',
    'note kinship-training Training offer agreed with the regional adoption agency & foster care hub.',
    'action add kinship-strategy "Publish the local kinship offer on the council website" due end March 2027',
    'action add kinship-strategy "Kinship carers forum: termly meetings" due spring 2027',
    'action add kinship-allowance "Model the cost of the allowance pilot" due February 2027',
  ];
  for (const text of lines) {
    const reply = await bot.handle({ text, user: { id: 'console:bench', name: 'bench' }, platform: 'console', channel: 'bench' });
    if (reply.tone !== 'change') throw new Error(`bench seed "${text}" was not applied: ${reply.heading}`);
  }
}
export const CONCURRENCY = 10;

export interface Latency {
  p50: number;
  p99: number;
  n: number;
}

function percentiles(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), n: s.length };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

type Sink = Awaited<ReturnType<typeof replySink>>;

/** A fake that resolves the waiter named in the path when a reply arrives (response_url or connector). */
async function replySink(answer: (path: string) => unknown) {
  const waiters = new Map<string, () => void>();
  const server = createServer(async (req, res) => {
    await body(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(path) ?? { ok: true }));
    for (const [name, done] of waiters) {
      if (path.includes(name)) {
        waiters.delete(name);
        done();
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    wait: (name: string) => new Promise<void>((resolve) => waiters.set(name, resolve)),
    forget: (name: string) => void waiters.delete(name),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** Runs `total` requests, 10 at a time, and returns their latencies in milliseconds. */
async function measure(total: number, one: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      await one(i);
      samples.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return samples;
}

const ROUNDS = 8;
/** Requests each app serves, unmeasured, before the rounds: both are timed warm, as in a long-running bot. */
const WARM_UP = 300;

/** Alternates the two apps in rounds, so background load falls on both alike, after a warm-up round each. */
async function compare(total: number, bare: (n: number, round: number) => Promise<number[]>, reform: (n: number, round: number) => Promise<number[]>) {
  const a: number[] = [];
  const b: number[] = [];
  await bare(WARM_UP, -1);
  await reform(WARM_UP, -1);
  for (let round = 0; round < ROUNDS; round++) {
    a.push(...(await bare(Math.ceil(total / ROUNDS), round)));
    b.push(...(await reform(Math.ceil(total / ROUNDS), round)));
  }
  return { bare: percentiles(a), reform: percentiles(b) };
}

function slashBody(text: string, responseUrl: string): string {
  return new URLSearchParams({ token: 'x', team_id: 'T1', channel_id: 'C1', user_id: 'U1', user_name: 'alice', command: '/reform', text, response_url: responseUrl, trigger_id: 't' }).toString();
}

/** Slash commands until each reply arrives: in the ack's body, or (slow work, later parts) at the response_url. */
async function slackRequests(url: string, sink: Sink, total: number, prefix: string): Promise<number[]> {
  return measure(total, async (i) => {
    const name = `/${prefix}${i}x`;
    const raw = slashBody('status kinship', `${sink.base}/respond${name}`);
    const ts = Math.floor(Date.now() / 1000);
    const arrived = sink.wait(name);
    const res = await fetch(url, {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, raw) },
    });
    const acked = await res.text();
    if (!res.ok) throw new Error(`the slash command got HTTP ${res.status}`);
    if (acked) sink.forget(name);
    else await arrived;
  });
}

/** `tracked`: the store holds a council's tracking (the default); otherwise a store nobody has written yet. */
export interface StatusBench {
  total?: number;
  tracked?: boolean;
  /** The store the bot answers from (default: a new file store). */
  store?: Store;
}

export async function benchSlack({ total = 400, tracked = true, store: given }: StatusBench = {}): Promise<{ reform: Latency; bare: Latency }> {
  const sink = await replySink((path) => (path.endsWith('auth.test') ? { ok: true, user_id: 'UBOT', team_id: 'T1', bot_id: 'B1' } : undefined));
  const { bot, store } = benchBot(given);
  if (tracked) await seed(bot);
  // The bare app only acks, with the very message ours answers with (blocks and text): only the work differs.
  const sameSize = renderSlack(await bot.handle({ text: 'status kinship', user: { id: 'slack:U1', name: 'alice' }, platform: 'slack', channel: 'C1' }))[0]!;

  const slack = createSlackAdapter({ bot, store, config: { botToken: 'xoxb-bench', signingSecret: SECRET, apiUrl: `${sink.base}/api/` }, logger: silentLogger });
  await slack.start();
  const server = await startServer({ port: 0, host: '127.0.0.1', slack, logger: silentLogger });

  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  const bare = new App({ token: 'xoxb-bench', receiver, clientOptions: { slackApiUrl: `${sink.base}/api/` }, logLevel: LogLevel.ERROR });
  bare.command('/reform', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', ...sameSize });
  });
  const bareServer = createServer(receiver.requestListener);
  await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));

  const ours = `http://127.0.0.1:${server.port}/slack/events`;
  const theirs = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;
  const result = await compare(
    total,
    (n, round) => slackRequests(theirs, sink, n, `bare${round}-`),
    (n, round) => slackRequests(ours, sink, n, `reform${round}-`),
  );
  await server.close();
  await slack.stop();
  bareServer.closeAllConnections();
  await new Promise<void>((r) => bareServer.close(() => r()));
  await sink.close();
  return result;
}

async function teamsRequests(url: string, sink: Sink, total: number, prefix: string): Promise<number[]> {
  return measure(total, async (i) => {
    const conversation = { ...CHANNEL, id: `${prefix}${i}z` };
    const activity = teamsActivity(sink.base, { text: '<at>Reform</at> status kinship', conversation, entities: [{ type: 'mention', text: '<at>Reform</at>', mentioned: { id: '28:bot', name: 'Reform' } }] });
    const arrived = sink.wait(`/${encodeURIComponent(conversation.id)}/`);
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(activity), headers: { 'content-type': 'application/json' } });
    await res.text();
    await arrived;
  });
}

export async function benchTeams({ total = 400, tracked = true }: StatusBench = {}): Promise<{ reform: Latency; bare: Latency }> {
  const sink = await replySink(() => ({ id: 'activity-1' }));
  const tb = benchBot();
  if (tracked) await seed(tb.bot);
  const sameSize = replyActivity(await tb.bot.handle({ text: 'status kinship', user: { id: 'teams:aad', name: 'Alice' }, platform: 'teams', channel: 'c' }), {});
  const teams = createTeamsAdapter({ bot: tb.bot, store: tb.store, logger: silentLogger, config: { devNoAuth: true } });
  const server = await startServer({ port: 0, host: '127.0.0.1', teams: (req, res) => teams.handler(req, res), logger: silentLogger });

  // The bare echo bot: the same CloudAdapter, no auth, one sendActivity of the very card ours sends.
  const cloud = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const echo = new ActivityHandler();
  echo.onMessage(async (ctx, next) => {
    await ctx.sendActivity(sameSize);
    await next();
  });
  const bareServer = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = JSON.parse(await body(req));
    await cloud.process(
      { body: parsed, headers: req.headers, method: 'POST' },
      {
        socket: res.socket,
        status: (c: unknown) => void (res.statusCode = Number(c)),
        header: (n: unknown, v: unknown) => void res.setHeader(String(n), String(v)),
        send: (b: unknown) => void (b !== undefined && res.write(typeof b === 'string' ? b : JSON.stringify(b))),
        end: () => void res.end(),
      },
      (ctx) => echo.run(ctx),
    );
  });
  await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));

  const ours = `http://127.0.0.1:${server.port}/api/messages`;
  const theirs = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/api/messages`;
  const result = await compare(
    total,
    (n, round) => teamsRequests(theirs, sink, n, `bare${round}-`),
    (n, round) => teamsRequests(ours, sink, n, `reform${round}-`),
  );
  await server.close();
  bareServer.closeAllConnections();
  await new Promise<void>((r) => bareServer.close(() => r()));
  await sink.close();
  return result;
}

/** One process started until it logs "ready": milliseconds from spawn, and resident memory then. */
async function startOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ readyMs: number; rssMiB: number }> {
  const { spawn } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${args.join(' ')} was not ready within 30 s`)), 30_000);
      let seen = '';
      child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('"message":"ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${seen.slice(-300)}`)));
    });
    const readyMs = performance.now() - started;
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return { readyMs, rssMiB: Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024 };
  } finally {
    child.kill('SIGKILL');
  }
}

export interface StartupComparison {
  reform: { readyMs: number; rssMiB: number };
  bare: { readyMs: number; rssMiB: number };
}

/**
 * `npm start` with both adapters on (Slack against a fake API, Teams in dev mode) against the bare Bolt +
 * CloudAdapter app (bench/bare-app.mjs) with the same settings: time to ready and resident memory, started in
 * turns so both see the same machine. One comparison per call.
 */
export async function benchStartup(): Promise<StartupComparison> {
  const sink = await replySink((path) => (path.endsWith('auth.test') ? { ok: true, user_id: 'UBOT', team_id: 'T1', bot_id: 'B1' } : undefined));
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    REFORM_ENV_FILE: '',
    PORT: '0',
    HOST: '127.0.0.1',
    REFORM_DB: join(mkdtempSync(join(tmpdir(), 'reform-start-')), 'reform.json'),
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: `${sink.base}/api/`,
    TEAMS_DEV_NO_AUTH: '1',
  });
  try {
    // Warm the file system cache for both before measuring either.
    await startOnce(['bench/bare-app.mjs'], env());
    await startOnce(['bin/reform.mjs', 'start'], env());
    const bare = await startOnce(['bench/bare-app.mjs'], env());
    const reform = await startOnce(['bin/reform.mjs', 'start'], env());
    return { reform, bare };
  } finally {
    await sink.close();
  }
}
