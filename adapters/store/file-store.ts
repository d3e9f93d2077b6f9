// The tracking store: one JSON file through lowdb, safe for several processes at once (the running bot and
// `reform ask` / `reform tick` from a terminal). Every update takes a lock file, re-reads the file, applies
// the change and writes it atomically (temp file, fsync, rename, fsync of the folder). A file that cannot be
// read or understood is refused and never overwritten.
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import lockfile from 'proper-lockfile';
import { StoreUnavailable, type Logger, type Store } from '../../src/ports.js';
import { emptyState, STATE_VERSION, stateSchema, type State } from '../../src/tracking/state.js';

const FS_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EDQUOT: 'the disk quota is used up',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a folder on its path is a file',
};

function fsProblem(path: string, doing: string, error: unknown): StoreUnavailable {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const why = FS_PROBLEMS[code] ?? (code || String(error));
  return new StoreUnavailable(`Could not ${doing} the store ${path}: ${why}. Nothing was changed.`);
}

/** The file operations the store uses; tests pass faulty ones (disk full, read-only). */
export type StoreFs = Pick<typeof nodeFs, 'mkdir' | 'open' | 'readFile' | 'rename' | 'rm'>;

/** lowdb adapter: durable atomic writes, strict reads. */
class DurableJsonFile implements Adapter<State> {
  constructor(
    private readonly path: string,
    private readonly fs: StoreFs = nodeFs,
  ) {}

  async read(): Promise<State | null> {
    let text: string;
    try {
      text = await this.fs.readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsProblem(this.path, 'read', error);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new StoreUnavailable(
        `The store ${this.path} is not valid JSON (${(error as Error).message}). It has not been changed: restore it from a backup or move it aside.`,
      );
    }
    const version = (raw as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > STATE_VERSION) {
      throw new StoreUnavailable(
        `The store ${this.path} was written by a newer Reform Bot (store version ${version}; this one reads up to ${STATE_VERSION}). Upgrade the bot; the store has not been changed.`,
      );
    }
    const parsed = stateSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new StoreUnavailable(
        `The store ${this.path} is damaged (${first ? `${first.path.join('.') || 'top level'}: ${first.message}` : 'unreadable'}). It has not been changed: restore it from a backup or move it aside.`,
      );
    }
    return parsed.data;
  }

  async write(data: State): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const file = await this.fs.open(tmp, 'wx');
      try {
        await file.writeFile(JSON.stringify(data, null, 1));
        await file.sync();
      } finally {
        await file.close();
      }
      await this.fs.rename(tmp, this.path);
      const folder = await this.fs.open(dirname(this.path), 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    } catch (error) {
      await this.fs.rm(tmp, { force: true }).catch(() => undefined);
      throw fsProblem(this.path, 'write', error);
    }
  }
}

export interface FileStoreOptions {
  logger?: Logger;
  /** How long to wait for another process's lock before giving up, in milliseconds. */
  lockWaitMs?: number;
  fs?: StoreFs;
}

export function fileStore(path: string, options: FileStoreOptions = {}): Store {
  const fs = options.fs ?? nodeFs;
  const file = new DurableJsonFile(path, fs);
  const db = new Low<State>(file, emptyState());
  // Updates in this process go one at a time; the lock file orders them against other processes.
  let queue: Promise<unknown> = Promise.resolve();
  const wait = options.lockWaitMs ?? 15_000;

  async function locked<T>(run: () => Promise<T>): Promise<T> {
    try {
      await fs.mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw fsProblem(path, 'create the folder for', error);
    }
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: `${path}.lock`,
        stale: 10_000,
        update: 2_000,
        retries: { retries: Math.ceil(wait / 100), factor: 1.1, minTimeout: 5, maxTimeout: 150, randomize: true },
        onCompromised: (error) => options.logger?.error('store lock compromised', { path, error: String(error) }),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new StoreUnavailable(`The store ${path} is busy (another process holds its lock). Nothing was changed; try again.`);
      }
      throw fsProblem(path, 'lock', error);
    }
    try {
      return await run();
    } finally {
      await release().catch(() => undefined);
    }
  }

  return {
    async read() {
      return (await file.read()) ?? emptyState();
    },
    update(change) {
      const run = queue.then(() =>
        locked(async () => {
          await db.read();
          const before = JSON.stringify(db.data);
          const result = change(db.data);
          // Refusals and unknown ids change nothing, so they write nothing.
          if (JSON.stringify(db.data) !== before) await db.write();
          return result;
        }),
      );
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
