// Reads the programme file from disk for the core loader, with messages that name the path and the
// variable that set it.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatLocatedError, loadProgramme } from '../src/programme/load.js';
import { contentHash } from './programme-watch.js';
import type { Programme } from '../src/programme/model.js';

export class ProgrammeFileError extends Error {}

/** `hash`: of the text read, so the running bot can tell an edit from the file it started with. */
export async function readProgrammeFile(path: string, defaultZone: string, setBy = 'REFORM_MILESTONES'): Promise<{ programme: Programme; warnings: string[]; hash: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String(code ?? error);
    throw new ProgrammeFileError(`Cannot read the milestones file ${path} (${why}); it was set by ${setBy}.`);
  }
  const result = loadProgramme(text, basename(path), defaultZone);
  if (!result.ok) throw new ProgrammeFileError(result.errors.map(formatLocatedError).join('\n'));
  return { programme: result.programme, warnings: result.warnings.map(formatLocatedError), hash: contentHash(text) };
}
