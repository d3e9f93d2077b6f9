// Takes an edited programme file without a restart. fs.watch on the file's folder (editors often write a new file
// and rename it over the old, which a watch on the file itself would lose) and a check every few seconds (network
// and container file systems may send no events) both lead to one debounced check: read, hash, load. A good file
// is swapped into the holder whole; a broken one is logged with file, line and field and the old programme goes
// on. Either way the store records it under its lock, so reminders channels hear of it exactly once.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ProgrammeHolder } from '../src/programme/holder.js';
import type { Clock, Logger, Store } from '../src/ports.js';
import { recordProgramme, recordRefusedEdit } from '../src/tracking/programme-edits.js';

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ProgrammeWatchDeps {
  path: string;
  /** The hash of the text the running programme was loaded from. */
  hash: string;
  holder: ProgrammeHolder;
  store: Store;
  clock: Clock;
  logger: Logger;
  defaultZone: string;
  /** Called after an edit was recorded, so the announcement goes out now rather than at the next minute. */
  onRecorded?: () => void;
  /** How often to look at the file without an event (ms). */
  pollMs?: number;
  /** How long to wait for an editor's burst of writes to end (ms). */
  debounceMs?: number;
}

export interface ProgrammeWatch {
  /** Checks the file now (tests, and the poll). Resolves when the check, and any it had to wait for, is done. */
  check(): Promise<void>;
  stop(): void;
}

export function watchProgramme(deps: ProgrammeWatchDeps): ProgrammeWatch {
  const file = basename(deps.path);
  let lastHash = deps.hash;
  let lastReadError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const checkOnce = async (): Promise<void> => {
    let text: string;
    try {
      text = await readFile(deps.path, 'utf8');
    } catch (error) {
      // Mid-rename, or deleted: the programme in force goes on; said once, not every few seconds.
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      if (why !== lastReadError) deps.logger.warn('cannot read the programme file; keeping the programme in force', { file: deps.path, error: why });
      lastReadError = why;
      return;
    }
    lastReadError = undefined;
    const hash = contentHash(text);
    if (hash === lastHash) return;
    lastHash = hash;
    const now = deps.clock.now();
    // Loaded on the first edit: a start whose programme came from the cache has not needed the YAML parser.
    const { formatLocatedError, loadProgramme } = await import('../src/programme/load.js');
    const result = loadProgramme(text, file, deps.defaultZone);
    if (!result.ok) {
      const errors = result.errors.map(formatLocatedError);
      for (const e of errors) deps.logger.error('programme file edit not taken; the programme in force goes on', { error: e });
      const told = await deps.store.update((state) => recordRefusedEdit(state, file, hash, errors, now));
      if (told) deps.onRecorded?.();
      return;
    }
    deps.holder.swap(result.programme);
    for (const w of result.warnings) deps.logger.warn('programme file', { warning: formatLocatedError(w) });
    const changes = await deps.store.update((state) => recordProgramme(state, result.programme, hash, now));
    deps.logger.info('programme file edit taken', {
      file,
      milestones: result.programme.milestones.length,
      changes: changes === undefined ? 'already recorded' : changes.map((c) => `${c.change} ${c.item}`).join(', ') || 'none to milestones',
    });
    if (changes?.length) deps.onRecorded?.();
  };

  // One check at a time; one asked for meanwhile runs after it, so the last write is always read.
  const check = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await checkOnce();
        } catch (error) {
          deps.logger.error('checking the programme file failed; will look again', { error: error instanceof Error ? error.message : String(error) });
        }
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };

  const soon = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void check(), deps.debounceMs ?? 300);
    timer.unref();
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(deps.path), (_event, name) => {
      if (name === null || name === file) soon();
    });
    watcher.on('error', (error) => deps.logger.warn('watching the programme file failed; checking every few seconds instead', { error: error.message }));
    watcher.unref();
  } catch (error) {
    deps.logger.warn('cannot watch the programme file; checking every few seconds instead', { error: error instanceof Error ? error.message : String(error) });
  }
  const poll = setInterval(() => void check(), deps.pollMs ?? 5_000);
  poll.unref();

  return {
    check,
    stop() {
      watcher?.close();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}
