// Opens the configured store and checks it can be read, so a corrupt store stops startup with a clear message.
// REFORM_DB is a file path (the JSON file store) or a postgres:// / postgresql:// URL (the PostgreSQL store).
// Temporary files a crashed writer left beside a store file are removed first.
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger, Store } from '../../src/ports.js';
import type { State } from '../../src/tracking/state.js';
import { fileStore, followLink } from './file-store.js';
import type { StoreHealth } from './postgres/store.js';

/** A write in progress lasts milliseconds; a temporary file this old is a leftover, whoever wrote it. */
const LEFTOVER_AGE_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user has that id: it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `<store>.<pid>.<random>.tmp` files (the file store writes one, then renames it over the store) that a
 * crash left behind: those of a process that is gone, or of this one (an earlier process with the same id, as in a
 * restarted container, since this one has written nothing yet), or older than a minute. A live writer's file is
 * left alone. Returns how many were removed.
 */
export async function removeLeftovers(given: string, now = Date.now()): Promise<number> {
  // Beside the file the store really writes (a linked store is written at its target).
  const path = followLink(given);
  const name = basename(path);
  const folder = dirname(path);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    if (!entry.startsWith(`${name}.`) || !entry.endsWith('.tmp')) continue;
    const match = /^(\d+)\.[0-9a-f]{8}$/.exec(entry.slice(name.length + 1, -'.tmp'.length));
    if (!match) continue;
    const pid = Number(match[1]);
    const file = join(folder, entry);
    try {
      const old = now - (await stat(file)).mtimeMs > LEFTOVER_AGE_MS;
      if (pid === process.pid || !alive(pid) || old) {
        await rm(file, { force: true });
        removed++;
      }
    } catch {
      // Gone meanwhile (its writer renamed it): nothing to remove.
    }
  }
  return removed;
}

export interface OpenedStore extends Store {
  /** Which store, as /healthz and messages name it (a database's address without its password). */
  readonly where: string;
  readonly kind: 'file' | 'postgres';
  /** For /healthz: whether the store can be reached now. */
  health(): Promise<StoreHealth>;
  /** Lets the process end: closes the database's connections. */
  close(): Promise<void>;
  /** Replaces everything in the store with `state` (`reform store copy`). */
  replace(state: State): Promise<void>;
}

export interface StoreSettings {
  /** Connections per process to PostgreSQL (REFORM_DB_POOL). */
  poolSize?: number;
}

export function isDatabaseUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** The store at `spec`, not yet read. PostgreSQL's driver is loaded only when a database is named. */
export async function storeAt(spec: string, logger?: Logger, settings: StoreSettings = {}): Promise<OpenedStore> {
  if (isDatabaseUrl(spec)) {
    const { postgresStore } = await import('./postgres/store.js');
    const { describeUrl } = await import('./postgres/connection.js');
    const store = postgresStore({ url: spec, poolSize: settings.poolSize, logger });
    return { ...store, where: describeUrl(spec), kind: 'postgres' };
  }
  const store = fileStore(spec, { logger });
  return {
    ...store,
    where: spec,
    kind: 'file',
    async health() {
      try {
        await store.read();
        return { ok: true, store: 'file' };
      } catch (error) {
        return { ok: false, store: 'file', error: (error as Error).message };
      }
    },
    close: async () => undefined,
    replace: (state) =>
      store.update((s) => {
        for (const key of Object.keys(s)) delete (s as Record<string, unknown>)[key];
        Object.assign(s, structuredClone(state));
      }),
  };
}

/** The store at `spec`, read once (a database's schema migrated first), so a bad store stops startup at once. */
export async function openStore(spec: string, logger?: Logger, settings: StoreSettings = {}): Promise<OpenedStore> {
  if (!isDatabaseUrl(spec)) {
    const removed = await removeLeftovers(spec);
    if (removed) logger?.info('removed temporary files a crashed write left beside the store', { path: spec, count: removed });
  }
  const store = await storeAt(spec, logger, settings);
  await store.read();
  return store;
}
