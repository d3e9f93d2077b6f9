// The programme as read at the last start, kept for the next. Reading the file is the largest part of start-up
// that is the bot's own: loading the YAML parser, parsing with line positions, the zod schema and every date phrase
// (about 110 ms of a 550 ms start on a two-core machine). What it gives depends only on the file's text,
// its path, the default time zone and the code that reads it, so an entry is keyed on all four: the code by the
// size and modification time of every file of the core and of the installed packages' lock. An entry that is
// missing, stale, unreadable or damaged is a miss, and the file is read as if there were no cache.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Programme } from '../src/programme/model.js';
import { contentHash } from './programme-watch.js';
import { PROJECT_ROOT } from './project-root.js';

export interface ReadProgramme {
  programme: Programme;
  /** Warnings as written to the log ("stable-homes.yaml:12: milestones[3].due: …"). */
  warnings: string[];
}

export interface ProgrammeCache {
  /** What was read before from text with this hash (contentHash) by this code; undefined if none is trusted. */
  get(path: string, hash: string, defaultZone: string): Promise<ReadProgramme | undefined>;
  /** Keeps what was read for the next start. Never fails: a cache that cannot be written is no cache. */
  put(path: string, hash: string, defaultZone: string, read: ReadProgramme): Promise<void>;
}

/** Bumped when what an entry holds changes shape. */
const FORMAT = 1;
/** Entries kept: one per programme file read; the oldest go when there are more (test runs read many). */
export const MAX_ENTRIES = 16;

/** The core's own folder (src/ under tsx, dist/src/ compiled), beside this module's adapters/. */
const CORE = join(dirname(dirname(fileURLToPath(import.meta.url))), 'src');

/** What the reading code is: its files' sizes and times, and the installed packages (npm rewrites this lock). */
async function codeIdentity(core: string, lock: string): Promise<string> {
  const entries = await readdir(core, { recursive: true, withFileTypes: true });
  const files = [...entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)), lock].sort();
  const stamps = await Promise.all(files.map(async (file) => {
    const s = await stat(file).catch(() => undefined);
    return s ? `${file} ${s.size} ${s.mtimeMs}` : `${file} -`;
  }));
  return contentHash(stamps.join('\n'));
}

export interface CacheOptions {
  /** Where entries are kept. */
  dir: string;
  /** The code whose output is kept (default: the core beside this module). */
  core?: string;
  /** The installed packages' lock (default: the project's node_modules/.package-lock.json). */
  lock?: string;
}

export function programmeCache(options: CacheOptions): ProgrammeCache {
  const core = options.core ?? CORE;
  const lock = options.lock ?? join(PROJECT_ROOT, 'node_modules', '.package-lock.json');
  let identity: Promise<string> | undefined;
  const keyOf = async (path: string, hash: string, zone: string): Promise<string> => {
    identity ??= codeIdentity(core, lock);
    return contentHash(JSON.stringify([FORMAT, await identity, hash, resolve(path), zone]));
  };
  // One entry per file and zone: a new text replaces the old entry rather than adding one.
  const entryOf = (path: string, zone: string): string => join(options.dir, `programme-${contentHash(`${resolve(path)}\n${zone}`).slice(0, 24)}.json`);

  return {
    async get(path, hash, zone) {
      try {
        const [key, content] = await Promise.all([keyOf(path, hash, zone), readFile(entryOf(path, zone), 'utf8')]);
        // The first line says what the entry is of, and the checksum of the rest: a torn or edited entry is a miss.
        const newline = content.indexOf('\n');
        if (newline < 0) return undefined;
        const head = JSON.parse(content.slice(0, newline)) as { key?: unknown; sum?: unknown };
        const body = content.slice(newline + 1);
        if (head.key !== key || head.sum !== contentHash(body)) return undefined;
        const read = JSON.parse(body) as ReadProgramme;
        return Array.isArray(read.programme?.milestones) && Array.isArray(read.warnings) ? read : undefined;
      } catch {
        return undefined;
      }
    },
    async put(path, hash, zone, read) {
      const entry = entryOf(path, zone);
      const temporary = `${entry}.${randomUUID()}.tmp`;
      try {
        const body = JSON.stringify({ programme: read.programme, warnings: read.warnings });
        const head = JSON.stringify({ key: await keyOf(path, hash, zone), sum: contentHash(body) });
        await mkdir(options.dir, { recursive: true });
        // Written aside and renamed over: a reader sees the old entry or the new one, never half of one.
        await writeFile(temporary, `${head}\n${body}`, { mode: 0o600 });
        await rename(temporary, entry);
        await prune(options.dir);
      } catch {
        await rm(temporary, { force: true }).catch(() => undefined);
      }
    },
  };
}

/** The oldest entries beyond MAX_ENTRIES, and temporary files a stopped writer left. */
async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('programme-'));
  const dated = await Promise.all(names.map(async (name) => ({ name, at: (await stat(join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
  const entries = dated.filter((d) => d.name.endsWith('.json')).sort((a, b) => b.at - a.at);
  const stale = dated.filter((d) => d.name.endsWith('.tmp') && d.at < Date.now() - 60_000);
  await Promise.all([...entries.slice(MAX_ENTRIES), ...stale].map((d) => rm(join(dir, d.name), { force: true })));
}

/**
 * The cache of an installed bot: node_modules/.cache/reform-bot, where tools keep what `npm ci` may throw away.
 * None where there is no node_modules (the bot run from elsewhere) rather than making one.
 */
export function projectCache(root = PROJECT_ROOT): ProgrammeCache | undefined {
  return existsSync(join(root, 'node_modules')) ? programmeCache({ dir: projectCacheDir(root) }) : undefined;
}

export const projectCacheDir = (root = PROJECT_ROOT): string => join(root, 'node_modules', '.cache', 'reform-bot');
