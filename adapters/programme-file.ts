// Reads the programme file from disk for the core loader, with messages that name the path and the
// variable that set it.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Programme } from '../src/programme/model.js';
import type { ProgrammeCache } from './programme-cache.js';
import { contentHash } from './programme-watch.js';

export class ProgrammeFileError extends Error {}

/**
 * The largest milestones file read: about 1,300 milestones written as fully as the default file's. Checking one took
 * a second a megabyte; a 20 MB file took 23 s and 1.6 GB, so a larger one is refused before it is read.
 */
export const MAX_PROGRAMME_BYTES = 1024 * 1024;

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export interface ProgrammeRead {
  programme: Programme;
  warnings: string[];
  /** Of the text read, so the running bot can tell an edit from the file it started with. */
  hash: string;
  /** Taken from the cache rather than read again (the text and the code are as they were then). */
  cached: boolean;
}

/**
 * `cache`: the programme read from the same text before (adapters/programme-cache.ts). Only on a miss is the
 * loader, with its YAML parser, loaded at all.
 */
export async function readProgrammeFile(path: string, defaultZone: string, setBy = 'REFORM_MILESTONES', cache?: ProgrammeCache): Promise<ProgrammeRead> {
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_PROGRAMME_BYTES) {
      throw new ProgrammeFileError(
        `The milestones file ${path} is ${megabytes(size)}; the bot reads files of up to ${megabytes(MAX_PROGRAMME_BYTES)} (about 1,300 milestones). Keep one programme per file, or move finished milestones to an archive file; it was set by ${setBy}.`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ProgrammeFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String(code ?? error);
    throw new ProgrammeFileError(`Cannot read the milestones file ${path} (${why}); it was set by ${setBy}.`);
  }
  const hash = contentHash(text);
  const kept = await cache?.get(path, hash, defaultZone);
  if (kept) return { ...kept, hash, cached: true };
  const { formatLocatedError, loadProgramme } = await import('../src/programme/load.js');
  const result = loadProgramme(text, basename(path), defaultZone);
  if (!result.ok) throw new ProgrammeFileError(result.errors.map(formatLocatedError).join('\n'));
  const read = { programme: result.programme, warnings: result.warnings.map(formatLocatedError) };
  await cache?.put(path, hash, defaultZone, read);
  return { ...read, hash, cached: false };
}
