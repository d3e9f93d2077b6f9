// Opens the configured store and checks it can be read, so a corrupt store stops startup with a clear message.
// Temporary files a crashed writer left beside the store are removed first.
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger, Store } from '../../src/ports.js';
import { fileStore, followLink } from './file-store.js';

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

export async function openStore(path: string, logger?: Logger): Promise<Store> {
  const store = fileStore(path, { logger });
  const removed = await removeLeftovers(path);
  if (removed) logger?.info('removed temporary files a crashed write left beside the store', { path, count: removed });
  await store.read();
  return store;
}
