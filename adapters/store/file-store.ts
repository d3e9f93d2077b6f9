// The tracking store: one JSON file through lowdb, safe for several processes at once (the running bot and
// `reform ask` / `reform tick` from a terminal). Every update takes a lock file, re-reads the file, applies
// the change and writes it atomically (temp file, fsync, rename, fsync of the folder). A file that cannot be
// read or understood is refused and never overwritten.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
export type StoreFs = Pick<typeof nodeFs, 'mkdir' | 'open' | 'readFile' | 'rename' | 'rm' | 'stat'>;

/** What was last read or written, and which version of the file it was (a write renames a new inode in). */
interface Cached {
  version: string;
  state: State;
  text: string;
}

/**
 * lowdb adapter: durable atomic writes, strict reads. The state last read or written is kept while the file is
 * unchanged (same inode, size and mtime), so a busy process does not re-parse and re-validate it on every
 * update; any write by another process renames a new file in and is read afresh.
 */
class DurableJsonFile implements Adapter<State> {
  private cached: Cached | undefined;
  /** When (performance.now()) the kept state was last found to be the file's. */
  private confirmedAt = -Infinity;
  /**
   * Counts this process's writes and forgets. A read that saw it change while it looked at the file keeps what it
   * found to itself: the kept state is newer.
   */
  private generation = 0;
  /** Set by the store just before write(), so the text is not serialised twice. */
  nextText: string | undefined;
  /**
   * When this process last found the file there (read or written). A file seen and then gone was deleted under the
   * running bot: that is reported, never taken for a new install (which would start empty) and never written back
   * from memory (which would resurrect what someone removed).
   */
  private seenAt: string | undefined;

  constructor(
    private readonly path: string,
    private readonly fs: StoreFs = nodeFs,
  ) {}

  private async version(): Promise<string | undefined> {
    try {
      // A local stat takes microseconds; the synchronous call saves a thread-pool round trip on every query.
      // No file yet (a new install) is an ordinary answer, not an exception with a stack trace to build.
      const st = this.fs === nodeFs ? statSync(this.path, { throwIfNoEntry: false }) : await this.fs.stat(this.path);
      return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsProblem(this.path, 'read', error);
    }
  }

  /** The state's text as last read or written: an update that leaves it unchanged writes nothing. */
  savedText(state: State): string {
    return this.cached?.state === state ? this.cached.text : JSON.stringify(state, null, 1);
  }

  /** Forget the kept state (a change threw half-way through, or a write failed). */
  forget(): void {
    this.cached = undefined;
    this.generation++;
  }

  /**
   * The saved state. `recheckMs` > 0 (queries): the kept state, without looking at the file, if it was found to be
   * the file's that recently. 0 (updates, under the lock): always the file as it is now.
   */
  async read(recheckMs = 0): Promise<State | null> {
    if (recheckMs > 0 && this.cached && performance.now() - this.confirmedAt < recheckMs) return this.cached.state;
    const checking = performance.now();
    const generation = this.generation;
    const version = await this.version();
    const unchanged = generation === this.generation;
    if (version === undefined) {
      if (unchanged) this.cached = undefined;
      if (this.seenAt !== undefined) throw this.disappeared();
      return null;
    }
    this.seenAt = new Date().toISOString();
    if (this.cached?.version === version) {
      if (unchanged) this.confirmedAt = checking;
      return this.cached.state;
    }
    const state = await this.readFresh();
    if (!state && this.seenAt !== undefined) throw this.disappeared();
    if (!state || generation !== this.generation) return state;
    this.cached = { version, state, text: JSON.stringify(state, null, 1) };
    this.confirmedAt = checking;
    return state;
  }

  private async readFresh(): Promise<State | null> {
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

  private disappeared(): StoreUnavailable {
    return new StoreUnavailable(
      `The store ${this.path} has disappeared (it was there at ${this.seenAt}). Nothing was changed, and it will not be recreated from memory: restore it from a backup, or restart the bot to begin a new, empty store.`,
    );
  }

  /** The file's identity now (inode, size, modification time), or undefined before it is first written. */
  revision(): Promise<string | undefined> {
    return this.version();
  }

  /** True when the file is not the one last read or written here: another process wrote it meanwhile. */
  async changedSinceRead(): Promise<boolean> {
    return (await this.version()) !== this.cached?.version;
  }

  /**
   * The file's permissions and group, kept across the rename (a store shared with an operator's group stays
   * shared); a new store is readable by its owner only, since it names people.
   */
  private async access(): Promise<{ mode: number; gid?: number }> {
    try {
      const st = await this.fs.stat(this.path);
      return { mode: st.mode & 0o777, gid: st.gid };
    } catch {
      return { mode: 0o600 };
    }
  }

  async write(data: State): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const text = this.nextText ?? JSON.stringify(data, null, 1);
    this.nextText = undefined;
    this.cached = undefined;
    this.generation++;
    try {
      const { mode, gid } = await this.access();
      const file = await this.fs.open(tmp, 'wx', mode);
      try {
        // open() applies the umask; chmod sets exactly the mode the store had.
        await file.chmod(mode);
        // Only a member of the group may give it; otherwise the new file keeps the writer's (or the folder's).
        if (gid !== undefined) await file.chown(-1, gid).catch(() => undefined);
        await file.writeFile(text);
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
      const checking = performance.now();
      const version = await this.version();
      this.generation++;
      this.seenAt = new Date().toISOString();
      if (version) {
        this.cached = { version, state: data, text };
        this.confirmedAt = checking;
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
  /**
   * How long a query may use the state last found to be the file's without looking at the file again (one
   * system call), in milliseconds. A change made by this process is seen at once; one made by another process
   * within this time. Changes always read the file under the lock.
   */
  recheckMs?: number;
  fs?: StoreFs;
}

/** A store path that is a symbolic link is written through to its target, not replaced by a file of its own. */
export function followLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A link (or a chain of links) to a store not written yet: the first write creates the last target. Each
    // link is read from its real folder, as the system reads it, so `..` in a link under a linked folder holds.
    let at = path;
    for (let hop = 0; hop < 16; hop++) {
      try {
        if (!lstatSync(at).isSymbolicLink()) return at;
      } catch {
        return at;
      }
      let folder = dirname(at);
      try {
        folder = realpathSync(folder);
      } catch {
        // The folder is made on the first write.
      }
      at = resolve(folder, readlinkSync(at));
    }
    return path;
  }
}

/** A tenth of a second: too short for a person to notice, long enough that a busy bot rarely looks at the file. */
export const RECHECK_MS = 100;

export function fileStore(given: string, options: FileStoreOptions = {}): Store {
  const fs = options.fs ?? nodeFs;
  const path = followLink(given);
  const file = new DurableJsonFile(path, fs);
  const db = new Low<State>(file, emptyState());
  // Updates in this process go one at a time; the lock file orders them against other processes.
  let queue: Promise<unknown> = Promise.resolve();
  const wait = options.lockWaitMs ?? 15_000;
  const recheckMs = options.recheckMs ?? RECHECK_MS;

  async function locked<T>(run: (lock: { compromised: boolean }) => Promise<T>): Promise<T> {
    try {
      await fs.mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw fsProblem(path, 'create the folder for', error);
    }
    // A folder this process may not write to will never let it take the lock: say so now, not after the wait.
    try {
      await nodeFs.access(dirname(path), nodeFs.constants.W_OK);
    } catch (error) {
      throw fsProblem(path, 'lock', error);
    }
    let release: () => Promise<void>;
    const lock = { compromised: false };
    try {
      release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: `${path}.lock`,
        stale: 10_000,
        update: 2_000,
        retries: { retries: Math.ceil(wait / 100), factor: 1.1, minTimeout: 5, maxTimeout: 150, randomize: true },
        onCompromised: (error) => {
          // Another process may now hold the lock (this one stalled past `stale`): this update must not write.
          lock.compromised = true;
          options.logger?.error('store lock compromised', { path, error: String(error) });
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new StoreUnavailable(`The store ${path} is busy (another process holds its lock). Nothing was changed; try again.`);
      }
      throw fsProblem(path, 'lock', error);
    }
    try {
      return await run(lock);
    } finally {
      await release().catch(() => undefined);
    }
  }

  return {
    async read() {
      return (await file.read(recheckMs)) ?? emptyState();
    },
    revision: () => file.revision(),
    update(change) {
      const run = queue.then(() =>
        locked(async (lock) => {
          await db.read();
          const before = file.savedText(db.data);
          let result;
          try {
            result = change(db.data);
          } catch (error) {
            // The kept state may be half changed: read the file afresh next time.
            file.forget();
            throw error;
          }
          // Refusals and unknown ids change nothing, so they write nothing.
          const after = JSON.stringify(db.data, null, 1);
          if (after !== before) {
            // Belt and braces for the lock: if this process stalled long enough for its lock to be taken, or the
            // file changed under it, writing now would undo another process's change.
            if (lock.compromised || (await file.changedSinceRead())) {
              file.forget();
              throw new StoreUnavailable(`The store ${path} was changed by another process while this change was being made. Nothing was changed; try again.`);
            }
            file.nextText = after;
            await db.write();
          }
          return result;
        }),
      );
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
