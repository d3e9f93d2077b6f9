// Status latency through the real Slack (Bolt) and Teams (botbuilder) paths, each against a bare SDK app
// measured in the same run on the same machine: request in, reply received (Slack: in the ack, or at the
// response_url when it comes later; Teams: by the fake Bot Connector). 10 requests in flight at a time. Each app
// runs in a process of its own (bench/status-app.ts), as in the field; this process is the load generator and
// the fake Slack API and Bot Connector, and alternates between the two apps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectCacheDir } from '../adapters/programme-cache.js';
import { slackSignature } from '../tests/fakes/slack-signature.js';
import { CHANNEL, teamsActivity } from '../tests/fakes/teams-activity.js';

const SECRET = 'bench-secret';

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

type Sink = Awaited<ReturnType<typeof replySink>>;

/**
 * The load generator's client: node:http over kept-alive connections. This process's own garbage collections hold
 * up every request in flight and count against whichever app is being timed: with `fetch` (undici) it made a
 * mark-compact of 16-45 ms about every 3,000 requests, enough to decide a p99, and three times as many as now. And
 * `fetch`'s own work was most of each Slack latency and cost the bare Bolt app's requests more than ours: Slack's
 * ratio read 0.84-0.90 with it where the two apps' CPU profiles, and this client, say about 1.45
 * (docs/performance.md).
 */
const agent = new Agent({ keepAlive: true });

function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => void (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A fake that resolves the waiter named in the path when a reply arrives (response_url or connector). */
async function replySink(answer: (path: string) => unknown) {
  const waiters = new Map<string, () => void>();
  const server = createServer(async (req, res) => {
    // Drained, not kept: only its arrival is timed.
    for await (const _ of req);
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
/** Requests each app serves, unmeasured, before the early rounds: a bot just started (or restarted). */
export const EARLY = 300;
/**
 * Requests each app has served before the warm rounds, which the targets are read from. V8 compiles a function to
 * fast code only once it has run many times, and ours has far more functions on the path than the bare app, so ours
 * warms up later: both apps' p50s were still falling after 3,000 requests, and were level by 6,000
 * (docs/performance.md). The warm rounds time both as long-running processes; the early rounds, what the first
 * queries after a start meet.
 */
export const WARM = 6_000;
/** The latency curve is reported as p50s over blocks of this many requests, in the order each app served them. */
export const BLOCK = 1_000;

type Serve = (n: number, round: number) => Promise<number[]>;

/** One app of a comparison, as the comparison sees it: its requests, and the CPU time its process has used. */
interface Side {
  serve: Serve;
  cpuMicros(): Promise<number>;
}

export interface Comparison {
  /** After WARM requests each: the figures the targets are read from. */
  bare: Latency;
  reform: Latency;
  /**
   * CPU time each app's process used per request over the warm rounds, in microseconds, all its threads counted:
   * the work behind the latencies, without the load generator's share of each or the machine's other load.
   */
  cpuMicros: { bare: number; reform: number };
  /** After EARLY requests each, as just after a start. */
  early: { bare: Latency; reform: Latency };
  /** p50 of each block of BLOCK requests, in the order served (warm-up and measured rounds alike). */
  curve: { bare: number[]; reform: number[] };
}

/** The app's requests of one round, and the CPU time its process used serving them (read before and after). */
async function round(side: Side, n: number, index: number): Promise<{ latencies: number[]; cpu: number }> {
  const before = await side.cpuMicros();
  const latencies = await side.serve(n, index);
  return { latencies, cpu: (await side.cpuMicros()) - before };
}

/** Alternates the two apps in rounds, so background load falls on both alike. */
async function alternate(per: number, bare: Side, reform: Side, first: number, served: { bare: number[]; reform: number[] }) {
  const a: number[] = [];
  const b: number[] = [];
  const cpu = { bare: 0, reform: 0 };
  for (let index = first; index < first + ROUNDS; index++) {
    const x = await round(bare, per, index);
    const y = await round(reform, per, index);
    a.push(...x.latencies);
    b.push(...y.latencies);
    cpu.bare += x.cpu;
    cpu.reform += y.cpu;
    served.bare.push(...x.latencies);
    served.reform.push(...y.latencies);
  }
  return { bare: percentiles(a), reform: percentiles(b), cpuMicros: { bare: cpu.bare / a.length, reform: cpu.reform / b.length } };
}

/**
 * One comparison of two apps, each in its own process: timed early (after EARLY requests each) and warm (after
 * WARM), each time in alternating rounds that add up to `total` requests per app.
 */
async function compare(total: number, bare: Side, reform: Side): Promise<Comparison> {
  const per = Math.ceil(total / ROUNDS);
  const served = { bare: await bare.serve(EARLY, -1), reform: await reform.serve(EARLY, -1) };
  const { cpuMicros: _, ...early } = await alternate(per, bare, reform, 0, served);
  const rest = Math.max(0, WARM - EARLY - per * ROUNDS);
  served.bare.push(...(await bare.serve(rest, -2)));
  served.reform.push(...(await reform.serve(rest, -2)));
  const warm = await alternate(per, bare, reform, ROUNDS, served);
  const blocks = (samples: number[]) =>
    Array.from({ length: Math.floor(samples.length / BLOCK) }, (_, i) => percentiles(samples.slice(i * BLOCK, (i + 1) * BLOCK)).p50);
  return { ...warm, early, curve: { bare: blocks(served.bare), reform: blocks(served.reform) } };
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
    const res = await post(url, raw, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, raw) });
    const acked = res.text;
    if (res.status !== 200) throw new Error(`the slash command got HTTP ${res.status}`);
    if (acked) sink.forget(name);
    else await arrived;
  });
}

/** `tracked`: the store holds a council's tracking (the default); otherwise a store nobody has written yet. */
export interface StatusBench {
  total?: number;
  tracked?: boolean;
  /** A PostgreSQL database for our bot to answer from (default: a new file store). */
  postgres?: string;
}

interface AppProcess {
  url: string;
  /** The CPU time the app's process has used so far, in microseconds (it answers over its IPC channel). */
  cpuMicros(): Promise<number>;
  stop(): void;
}

/**
 * Node options for the apps' processes, from REFORM_BENCH_APP_NODE_OPTIONS, with `KIND` read as `reform` or `bare`:
 * `--cpu-prof --cpu-prof-dir=/tmp/prof-KIND` profiles each app on its own.
 */
const appNodeOptions = (kind: string): string[] => (process.env.REFORM_BENCH_APP_NODE_OPTIONS ?? '').split(' ').filter(Boolean).map((o) => o.replaceAll('KIND', kind));

/** One app of a comparison started in its own process (bench/status-app.ts), once it listens. */
async function startApp(platform: 'slack' | 'teams', kind: 'reform' | 'bare', settings: Record<string, unknown>): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, [...appNodeOptions(kind), '--import', 'tsx', 'bench/status-app.ts', platform, kind], {
    env: { ...process.env, BENCH_APP: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${platform} ${kind} app did not start within 60 s`)), 60_000);
      let seen = '';
      child.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        const line = seen.match(/\{"port":(\d+)\}/);
        if (line) {
          clearTimeout(timer);
          resolve(Number(line[1]));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ${platform} ${kind} app exited with ${code} before it listened`));
      });
    });
    const path = platform === 'slack' ? '/slack/events' : '/api/messages';
    const cpuMicros = () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the ${platform} ${kind} app did not say its CPU time within 10 s`)), 10_000);
        child.once('message', (m: { cpuMicros: number }) => {
          clearTimeout(timer);
          resolve(m.cpuMicros);
        });
        child.send('cpu');
      });
    // SIGTERM, so that a profile asked for above is written as the app exits.
    return { url: `http://127.0.0.1:${port}${path}`, cpuMicros, stop: () => void child.kill('SIGTERM') };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/**
 * The message the bare app answers with, made by our bot in a process of its own (bench/status-message.ts): the
 * load generator's own garbage collections hold up every request in flight, and they take longer the more the
 * generator holds, so it loads none of the bot.
 */
function bareMessage(platform: 'slack' | 'teams', tracked: boolean): string {
  const file = join(mkdtempSync(join(tmpdir(), 'reform-bench-')), 'message.json');
  const made = spawnSync(process.execPath, ['--import', 'tsx', 'bench/status-message.ts', platform, tracked ? 'tracked' : 'fresh', file], { encoding: 'utf8', timeout: 60_000 });
  if (made.status !== 0) throw new Error(`bench/status-message.ts failed (${made.status ?? made.signal}): ${made.stderr.slice(-400)}`);
  return file;
}

/**
 * Our app and the bare one, each in its own process. The bare app answers with the very message ours sends for
 * the same store (blocks and text, or the card), made once beforehand, so only the work differs.
 */
async function startPair(platform: 'slack' | 'teams', sink: Sink, { tracked = true, postgres }: StatusBench): Promise<{ reform: AppProcess; bare: AppProcess }> {
  const message = bareMessage(platform, tracked);
  const reform = await startApp(platform, 'reform', { sink: sink.base, secret: SECRET, tracked, postgres });
  try {
    return { reform, bare: await startApp(platform, 'bare', { sink: sink.base, secret: SECRET, message }) };
  } catch (error) {
    reform.stop();
    throw error;
  }
}

type Requests = (url: string, sink: Sink, total: number, prefix: string) => Promise<number[]>;

/** One comparison on a platform: its fake cloud side, the two apps in their processes, and the requests. */
async function comparison(platform: 'slack' | 'teams', answer: (path: string) => unknown, requests: Requests, { total = 400, ...given }: StatusBench): Promise<Comparison> {
  const sink = await replySink(answer);
  try {
    const apps = await startPair(platform, sink, given);
    try {
      return await compare(
        total,
        { serve: (n, round) => requests(apps.bare.url, sink, n, `bare${round}-`), cpuMicros: apps.bare.cpuMicros },
        { serve: (n, round) => requests(apps.reform.url, sink, n, `reform${round}-`), cpuMicros: apps.reform.cpuMicros },
      );
    } finally {
      apps.reform.stop();
      apps.bare.stop();
    }
  } finally {
    await sink.close();
  }
}

export function benchSlack(options: StatusBench = {}): Promise<Comparison> {
  return comparison('slack', (path) => (path.endsWith('auth.test') ? { ok: true, user_id: 'UBOT', team_id: 'T1', bot_id: 'B1' } : undefined), slackRequests, options);
}

async function teamsRequests(url: string, sink: Sink, total: number, prefix: string): Promise<number[]> {
  return measure(total, async (i) => {
    const conversation = { ...CHANNEL, id: `${prefix}${i}z` };
    const activity = teamsActivity(sink.base, { text: '<at>Reform</at> status kinship', conversation, entities: [{ type: 'mention', text: '<at>Reform</at>', mentioned: { id: '28:bot', name: 'Reform' } }] });
    const arrived = sink.wait(`/${encodeURIComponent(conversation.id)}/`);
    const res = await post(url, JSON.stringify(activity), { 'content-type': 'application/json' });
    if (res.status >= 300) {
      sink.forget(`/${encodeURIComponent(conversation.id)}/`);
      throw new Error(`the Teams activity got HTTP ${res.status}`);
    }
    await arrived;
  });
}

export function benchTeams(options: StatusBench = {}): Promise<Comparison> {
  return comparison('teams', () => ({ id: 'activity-1' }), teamsRequests, options);
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
  /** The bot's first start after an install or an edit of the programme: nothing in the programme cache. */
  uncached: { readyMs: number; rssMiB: number };
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
    rmSync(projectCacheDir(), { recursive: true, force: true });
    const uncached = await startOnce(['bin/reform.mjs', 'start'], env());
    return { reform, bare, uncached };
  } finally {
    await sink.close();
  }
}
