// Opens the configured store and checks it can be read, so a corrupt store stops startup with a clear message.
// REFORM_DB is a file path (the JSON file store) or a postgres:// / postgresql:// URL (the PostgreSQL store).
import type { Logger, Store } from '../../src/ports.js';
import type { State } from '../../src/tracking/state.js';
import { fileStore } from './file-store.js';
import type { StoreHealth } from './postgres/store.js';

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
  const store = await storeAt(spec, logger, settings);
  await store.read();
  return store;
}
