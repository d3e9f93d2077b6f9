// The tracking store in PostgreSQL, for several replicas sharing one programme. Same contract as the file store.
// Each process keeps the state in memory with the store version it reflects. A change runs in one transaction
// under one advisory lock (so changes from every replica are serialised, as the file store's lock file does on
// one machine): it reads what other replicas wrote since its version, runs `change` on a copy, writes only the
// rows that differ and bumps the version. A query uses the kept state if its version was confirmed within
// RECHECK_MS, else asks the version (one indexed row) and reads only what changed.
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { StoreUnavailable, type Logger, type Store } from '../../../src/ports.js';
import { STATE_VERSION, stateSchema, type State } from '../../../src/tracking/state.js';
import { createPool, describeUrl, reasonOf, unavailable } from './connection.js';
import { migrate, SchemaTooNew } from './migrations.js';
import { readDelta, readVersion, writeChanges, type Delta } from './rows.js';
import { applyChanges, isEmpty, RECORDS, restOf, runOnCopy, type Changes } from './working-copy.js';

/** The advisory lock every change takes (an arbitrary constant: "reform-s"). */
const STATE_LOCK = 0x7265666f726d2d73n.toString();
/** As the file store: a change by another replica is seen by a query here within a tenth of a second. */
export const RECHECK_MS = 100;

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  lockWaitMs?: number;
  recheckMs?: number;
  logger?: Logger;
}

export interface StoreHealth {
  ok: boolean;
  store: string;
  error?: string;
}

export interface PostgresStore extends Store {
  /** Applies pending migrations (every replica does at start; safe at once). Returns the versions applied. */
  migrate(): Promise<number[]>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
  /** Replaces everything with `state` (`reform store copy --force`); every replica then reads it afresh. */
  replace(state: State): Promise<void>;
  readonly pool: pg.Pool;
}

interface Kept {
  version: number;
  state: State;
}

function damaged(url: string, detail: string): StoreUnavailable {
  return new StoreUnavailable(`The database ${describeUrl(url)} holds tracking data this version cannot read (${detail}). It has not been changed.`);
}

/** The state a delta describes, or the changes it brings to `kept`; validated as the file store validates its file. */
function absorb(kept: Kept | undefined, delta: Delta, since: number, url: string): Kept {
  const { meta } = delta;
  if (meta.stateVersion > STATE_VERSION) {
    throw new StoreUnavailable(`The database ${describeUrl(url)} was written by a newer version of Reform Bot (state version ${meta.stateVersion}). It has not been changed: upgrade the bot.`);
  }
  const raw: Record<string, unknown> = { ...meta.rest, version: meta.stateVersion, audit: delta.audit, subscriptions: delta.subscriptions ?? [], digests: meta.digests };
  for (const name of RECORDS) raw[name] = Object.fromEntries(delta.records[name]);
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(url, issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable');
  }
  const fresh = parsed.data;
  for (const e of fresh.audit) Object.freeze(e);
  if (since === 0 || !kept) return { version: meta.version, state: fresh };
  const state = kept.state;
  for (const name of RECORDS) {
    const record = state[name] as Record<string, unknown>;
    for (const key of delta.gone[name] ?? []) delete record[key];
    Object.assign(record, fresh[name]);
  }
  state.audit.push(...fresh.audit);
  if (delta.subscriptions) state.subscriptions = fresh.subscriptions;
  state.digests = fresh.digests;
  for (const [key, value] of Object.entries(meta.rest)) (state as Record<string, unknown>)[key] = value;
  return { version: meta.version, state };
}

export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const { url, logger } = options;
  const pool = createPool({ url, size: options.poolSize, lockWaitMs: options.lockWaitMs, logger });
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  let kept: Kept | undefined;
  let confirmedAt = -Infinity;
  let refreshing: Promise<State> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let migrated = false;

  async function ensureSchema(): Promise<number[]> {
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      const applied = await migrate(client);
      migrated = true;
      if (applied.length) logger?.info('database schema migrated', { database: describeUrl(url), applied: applied.map((m) => m.version) });
      return applied.map((m) => m.version);
    } catch (error) {
      if (error instanceof SchemaTooNew) throw new StoreUnavailable(`The database ${describeUrl(url)}: ${error.message}. It has not been changed.`);
      // A connection that failed mid-migration is not given back to the pool.
      failure = error as Error;
      throw error;
    } finally {
      client.release(failure);
    }
  }

  /** Brings `kept` up to date on `client` (inside a transaction whose snapshot or lock makes it consistent). */
  async function catchUp(client: pg.ClientBase, version: number): Promise<void> {
    const from = kept;
    const fromVersion = from?.version ?? 0;
    let since = fromVersion;
    if (from && version === since) return;
    let delta = await readDelta(client, since);
    // Too far behind for the deletions still recorded, or the database went back (restored from a backup): read
    // everything again.
    if (since > 0 && (since < delta.meta.tombstonesFrom || delta.meta.version < since)) delta = await readDelta(client, (since = 0));
    // Another catch-up (a query's) may have moved the kept state on meanwhile: only the first applies.
    if (kept !== from || (kept?.version ?? 0) !== fromVersion) {
      if (kept && kept.version >= delta.meta.version) return;
      return catchUp(client, version);
    }
    kept = absorb(kept, delta, since, url);
  }

  /** A query's look at the database; tried twice, as a connection may have died in the pool since its last use. */
  async function refresh(): Promise<State> {
    try {
      return await refreshOnce();
    } catch (error) {
      if (error instanceof StoreUnavailable || !isDatabaseError(error)) throw unavailable(error, url, 'read');
    }
    return refreshOnce().catch((error: unknown) => {
      throw unavailable(error, url, 'read');
    });
  }

  async function refreshOnce(): Promise<State> {
    const checking = performance.now();
    if (!migrated) await ensureSchema();
    const version = await readVersion(pool);
    if (!kept || version !== kept.version) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await catchUp(client, version);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(error as Error);
        throw error;
      }
      client.release();
    }
    confirmedAt = checking;
    return kept!.state;
  }

  /**
   * One change. A connection found dead before `change` ran (the server restarted while it sat in the pool) is
   * replaced and the change tried once more; after that, `change` has run and is not run twice.
   */
  async function changeLocked<T>(change: (state: State) => T, retry = true): Promise<T> {
    let client: pg.PoolClient;
    try {
      if (!migrated) await ensureSchema();
      client = await pool.connect();
    } catch (error) {
      throw unavailable(error, url, 'change');
    }
    let inTransaction = false;
    let ran = false;
    let committing = false;
    let released = false;
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      inTransaction = true;
      await client.query('SELECT pg_advisory_xact_lock($1)', [STATE_LOCK]);
      // After the lock: this statement sees every change committed before it (READ COMMITTED).
      const checking = performance.now();
      await catchUp(client, await readVersion(client));
      // Under the lock the kept state is the database's: queries may use it for the recheck time from here.
      confirmedAt = checking;
      const base = kept!;
      ran = true;
      const { result, changes } = runOnCopy(base.state, change);
      if (isEmpty(changes)) {
        // Refusals and unknown ids change nothing, so they write nothing.
        await client.query('ROLLBACK');
        inTransaction = false;
        return result;
      }
      const version = base.version + 1;
      await writeChanges(client, changes, version);
      inTransaction = false;
      committing = true;
      await client.query('COMMIT');
      // A query's catch-up may already have read this change back; otherwise the kept state takes it now.
      if (kept === base && kept.version === base.version) {
        applyChanges(base.state, changes);
        base.version = version;
      }
      return result;
    } catch (error) {
      failure = error as Error;
      if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      // What `change` threw is the caller's (a refusal, a bug): passed on as it is. Anything else is the database's.
      if (!isDatabaseError(error)) throw error;
      if (committing) {
        // The commit was sent and no answer came: it may or may not have been saved. The next change or query reads
        // the database again and finds out.
        throw new StoreUnavailable(`The database ${describeUrl(url)} did not confirm the change (${reasonOf(error, url)}); it may not have been saved. Check, and try again in a minute.`);
      }
      if (!ran && retry && !(error instanceof StoreUnavailable)) {
        client.release(failure);
        failure = undefined;
        released = true;
        return changeLocked(change, false);
      }
      throw unavailable(error, url, 'change');
    } finally {
      if (!released) client.release(failure && isDatabaseError(failure) ? failure : undefined);
    }
  }

  return {
    pool,
    async read() {
      if (kept && performance.now() - confirmedAt < recheckMs) return kept.state;
      return (refreshing ??= refresh().finally(() => (refreshing = undefined)));
    },
    async revision() {
      try {
        return String(await readVersion(pool));
      } catch (error) {
        throw unavailable(error, url, 'read');
      }
    },
    update(change) {
      const run = queue.then(() => changeLocked(change));
      queue = run.catch(() => undefined);
      return run;
    },
    migrate: async () => {
      try {
        return await ensureSchema();
      } catch (error) {
        throw unavailable(error, url, 'open');
      }
    },
    async health() {
      const store = 'postgres';
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          pool.query('SELECT 1'),
          new Promise((_resolve, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2 seconds')), 2_000))),
        ]);
        return { ok: true, store };
      } catch (error) {
        return { ok: false, store, error: reasonOf(error, url) };
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => pool.end(),
    async replace(state) {
      const run = queue.then(async () => {
        if (!migrated) await ensureSchema();
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT pg_advisory_xact_lock($1)', [STATE_LOCK]);
          const version = (await readVersion(client)) + 1;
          await client.query('TRUNCATE items, actions, audit, subscriptions, ledger, direct_channels, slack_events, tombstones');
          await writeChanges(client, wholeState(state), version);
          // Every replica's kept state is older than this: it reads everything again (tombstones_from).
          await client.query('UPDATE reform_meta SET state_version = $1, tombstones_from = $2 WHERE id = 1', [state.version, version]);
          await client.query('COMMIT');
          kept = undefined;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw unavailable(error, url, 'change');
        } finally {
          client.release();
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** A whole state as the changes that would write it into empty tables. */
function wholeState(state: State): Changes {
  const records: Changes['records'] = {};
  for (const name of RECORDS) records[name] = { upserts: Object.entries(state[name] as Record<string, unknown>), deletes: [] };
  return { records, appended: state.audit, subscriptions: state.subscriptions, digests: state.digests, rest: restOf(state) };
}

/** A failure of the database or the connection to it, not of the change's own code. */
function isDatabaseError(error: unknown): boolean {
  if (error instanceof StoreUnavailable) return true;
  const e = error as { code?: unknown; severity?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.severity === 'string') return true; // pg's DatabaseError
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return true; // a socket error
  return typeof e.message === 'string' && /Connection terminated|Client has encountered a connection error|not queryable|timeout exceeded/i.test(e.message);
}
