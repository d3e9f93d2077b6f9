// What the PostgreSQL store promises beyond the shared contract (tests/store-contract.test.ts): migrations safe
// when replicas start at once, a change that writes only what it changes, an append-only audit trail, damaged
// rows refused, the password kept out of messages, and faults (the server unreachable, restarting) answered with
// "store unavailable" and recovered from without a restart. A real server throughout (tests/pg/global-setup.ts).
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../adapters/config.js';
import { createLogger } from '../adapters/logger.js';
import { postgresStore, type PostgresStore } from '../adapters/store/postgres/store.js';
import { startServer } from '../adapters/server.js';
import { silentLogger, StoreUnavailable } from '../src/ports.js';
import { startTcpProxy, type TcpProxy } from './fakes/tcp-proxy.js';
import { freshDatabase, pgAvailable } from './pg/database.js';
import { defaultProgramme, testBot } from './helpers.js';

const opened: PostgresStore[] = [];
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

function open(url: string, options: { recheckMs?: number; logger?: Parameters<typeof postgresStore>[0]['logger'] } = {}): PostgresStore {
  const store = postgresStore({ url, ...options });
  opened.push(store);
  return store;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

const note = (text: string) => ({ at: '2026-11-24T10:00:00.000Z', by: 'console:alice', text });

describe.skipIf(!pgAvailable)('PostgreSQL store', () => {
  it('migrates once when five replicas start at once, and refuses a schema newer than it knows', async () => {
    const url = await freshDatabase();
    const applied = await Promise.all(Array.from({ length: 5 }, () => open(url).migrate()));
    expect(applied.flat()).toEqual([1]);
    expect(await sql(url, 'SELECT version FROM reform_schema')).toEqual([{ version: 1 }]);
    await sql(url, "INSERT INTO reform_schema (version, name) VALUES (99, 'from the future')");
    const later = open(url);
    await expect(later.read()).rejects.toThrow(/schema is version 99, newer than this version of Reform Bot knows \(1\): upgrade the bot/);
  });

  it('a change writes only the rows it changes, and a refused one writes nothing', async () => {
    const url = await freshDatabase();
    const store = open(url);
    await store.update((s) => {
      for (let i = 0; i < 50; i++) s.items[`m-${i}`] = { notes: [note(`n${i}`)], revisions: [] };
    });
    const bot = testBot(defaultProgramme(), undefined, { store });
    await bot.say('note kinship-strategy one more');
    const written = await sql<{ id: string }>(url, 'SELECT id FROM items WHERE v = (SELECT version FROM reform_meta)');
    expect(written.map((r) => r.id)).toEqual(['kinship-strategy']);
    expect(await sql(url, 'SELECT version::int AS version FROM reform_meta')).toEqual([{ version: 2 }]);
    await bot.say('assign nope @alice');
    expect(await sql(url, 'SELECT version::int AS version FROM reform_meta')).toEqual([{ version: 2 }]);
  });

  it('keeps one ledger row per (subscription, item, slot), its columns the entry\'s, its kind plain text', async () => {
    const url = await freshDatabase();
    const store = open(url);
    await store.update((s) => {
      const key = 'sub|item|slot';
      s.ledger[key] = { key, subscription: 'sub', item: 'item', slot: 'slot', kind: 'reminder', dueAt: '2026-11-24T09:00:00.000Z', state: 'pending', attempts: 0 };
    });
    expect(await sql(url, 'SELECT key, subscription, item, slot, kind, state FROM ledger')).toEqual([{ key: 'sub|item|slot', subscription: 'sub', item: 'item', slot: 'slot', kind: 'reminder', state: 'pending' }]);
    await expect(sql(url, "INSERT INTO ledger (key, subscription, item, slot, kind, state, due_at, data, v) VALUES ('other', 'sub', 'item', 'slot', 'nudge', 'pending', now(), '{}', 9)")).rejects.toThrow(/unique/);
  });

  it('keeps the audit trail append-only: a change that alters an entry is refused, and so is an UPDATE', async () => {
    const url = await freshDatabase();
    const store = open(url);
    const bot = testBot(defaultProgramme(), undefined, { store });
    await bot.say('rag kinship-strategy red');
    await expect(store.update((s) => void (s.audit[0]!.to = 'green'))).rejects.toThrow();
    await expect(store.update((s) => void s.audit.splice(0, 1))).rejects.toThrow(/append-only/);
    expect((await open(url).read()).audit.map((a) => a.to)).toEqual(['red']);
    await expect(sql(url, "UPDATE audit SET item = 'x'")).rejects.toThrow(/append-only/);
    await expect(sql(url, 'DELETE FROM audit')).rejects.toThrow(/append-only/);
  });

  it('refuses a damaged row, naming it, and changes nothing', async () => {
    const url = await freshDatabase();
    await open(url).update((s) => void (s.items['x'] = { notes: [], revisions: [] }));
    await sql(url, `UPDATE items SET data = '{"rag": "purple"}' WHERE id = 'x'`);
    const store = open(url);
    await expect(store.read()).rejects.toThrow(/holds tracking data this version cannot read \(items\.x\.rag/);
    await expect(store.update(() => 1)).rejects.toThrow(StoreUnavailable);
    expect(await sql(url, "SELECT data FROM items WHERE id = 'x'")).toEqual([{ data: { rag: 'purple' } }]);
  });

  it('never puts the password in an error, a log line or a settings message', async () => {
    const lines: string[] = [];
    const password = 'hunter2-secret';
    const url = `postgres://reform:${password}@127.0.0.1:1/reform`;
    const config = readConfig({ REFORM_DB: url });
    const logger = createLogger('info', config.secrets, (l) => lines.push(l));
    const store = open(url, { logger });
    const error = await store.update(() => 1).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect(error!.message).toContain('postgres://reform@127.0.0.1:1/reform is unavailable (connection refused)');
    logger.error('store unavailable', { error: error!.message, url });
    expect(lines.join('\n')).not.toContain(password);
    expect(() => readConfig({ REFORM_DB: `postgres://reform:${password}@[bad/x` })).toThrow(/REFORM_DB: is not a PostgreSQL URL/);
    expect(() => readConfig({ REFORM_DB: `postgres://reform:${password}@[bad/x` })).not.toThrow(new RegExp(password));
    expect(() => readConfig({ REFORM_DB: url, REFORM_DB_POOL: '0' })).toThrow(/REFORM_DB_POOL: "0" is not a pool size: a whole number of connections from 1 to 100/);
    expect(readConfig({ REFORM_DB: url, REFORM_DB_POOL: '12' }).dbPool).toBe(12);
  });

  it('answers "store unavailable" while the database is out of reach, loses nothing acknowledged, and recovers by itself', async () => {
    const url = new URL(await freshDatabase());
    const proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    proxies.push(proxy);
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    const store = open(through.toString(), { recheckMs: 0 });
    const bot = testBot(defaultProgramme(), undefined, { store });
    const server = await startServer({ port: 0, host: '127.0.0.1', store: () => store.health(), logger: silentLogger });
    const health = async () => {
      const r = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      return { status: r.status, store: ((await r.json()) as { store: string }).store };
    };
    try {
      const acknowledged: string[] = [];
      const say = async (text: string) => {
        const reply = await bot.say(`note kinship-strategy ${text}`);
        if (!/unavailable/.test(reply)) acknowledged.push(text);
        return reply;
      };
      await say('before');
      expect(await health()).toEqual({ status: 200, store: 'postgres' });
      // The database restarts: every connection dropped, new ones refused for a while.
      await proxy.cut();
      expect(await say('while down')).toMatch(/The tracking store is unavailable/);
      expect(await bot.say('status kinship-strategy')).toMatch(/The tracking store is unavailable/);
      expect(await health()).toEqual({ status: 503, store: 'postgres (unavailable)' });
      await proxy.restore();
      // Back: the next command works without a restart of the bot.
      expect(await say('after')).not.toMatch(/unavailable/);
      expect(await health()).toEqual({ status: 200, store: 'postgres' });
      // The server ends the connections itself (an administrator, a failover): the next change still goes through.
      await sql(url.toString(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'reform-bot' AND datname = current_database()");
      await new Promise((r) => setTimeout(r, 100));
      expect(await say('after the server hung up')).not.toMatch(/unavailable/);
      const notes = (await open(url.toString()).read()).items['kinship-strategy']!.notes.map((n) => n.text);
      expect(notes).toEqual(acknowledged);
      expect(acknowledged).toEqual(['before', 'after', 'after the server hung up']);
    } finally {
      await server.close();
    }
  });
});
