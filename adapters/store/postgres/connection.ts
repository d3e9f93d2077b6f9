// Connecting to PostgreSQL: the pool, the address as it may be shown (never with its password), and what a
// failed query means for the user ("store unavailable", nothing changed).
import pg from 'pg';
import { StoreUnavailable, type Logger } from '../../../src/ports.js';

export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** The address without its password or parameters, for logs and messages: `postgres://reform@db:5432/reform`. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'the PostgreSQL database (its address could not be read)';
  }
}

/** The URL's password, so the logger can make sure it is never written. */
export function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}

export interface PoolOptions {
  url: string;
  /** Connections per process (REFORM_DB_POOL). */
  size?: number;
  /** How long a change waits for another replica's change to finish, in milliseconds. */
  lockWaitMs?: number;
  logger?: Logger;
}

/** Waits no longer than this for a connection: an unreachable server is reported, not waited on. */
const CONNECT_TIMEOUT_MS = 5_000;

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    // TLS comes from the URL's own parameters (sslmode, sslrootcert, …), as libpq reads them.
    connectionString: options.url,
    max: options.size ?? 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    // A `reform ask` or `reform tick` ends when its work is done, not when idle connections time out.
    allowExitOnIdle: true,
    keepAlive: true,
    application_name: 'reform-bot',
    lock_timeout: options.lockWaitMs ?? 15_000,
    statement_timeout: 60_000,
    // A replica that stops mid-change (paused, its network gone) lets the others go on within a minute.
    idle_in_transaction_session_timeout: 60_000,
  });
  // A connection lost while idle (the server restarted) is dropped from the pool and replaced on the next query.
  pool.on('error', (error) => options.logger?.warn('database connection lost; it will be replaced', { error: reasonOf(error, options.url) }));
  // A connection lost while in use fails its query (answered as "store unavailable"); the event it also emits
  // must not end the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

const NODE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EPIPE: 'connection closed',
};

/** Why a query failed, in words safe to log and show: never the address's password. */
export function reasonOf(error: unknown, url: string): string {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  let reason = (e.code && NODE_REASONS[e.code]) ?? e.message ?? String(error);
  // Node gives an AggregateError (no message) when every address of a host refused.
  if (!reason && Array.isArray(e.errors) && e.errors.length) reason = reasonOf(e.errors[0], url);
  if (/timeout exceeded when trying to connect/i.test(reason)) reason = `no connection within ${CONNECT_TIMEOUT_MS / 1000} seconds`;
  if (e.code === '55P03') reason = 'another replica held the store too long';
  const password = passwordOf(url);
  return password ? reason.split(password).join('***') : reason;
}

/** A failed query as the user's answer: the store is unavailable, nothing was changed. */
export function unavailable(error: unknown, url: string, doing: 'read' | 'change' | 'open'): StoreUnavailable {
  if (error instanceof StoreUnavailable) return error;
  const what = doing === 'change' ? 'Nothing was changed; try again in a minute.' : 'Try again in a minute.';
  return new StoreUnavailable(`The database ${describeUrl(url)} is unavailable (${reasonOf(error, url)}). ${what}`);
}
