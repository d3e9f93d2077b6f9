// The programme read at one start is kept for the next (adapters/programme-cache.ts): a start with the same file and
// the same code takes it from the cache and gets exactly what reading the file gives; anything else reads the file.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, programmeCache, type ProgrammeCache } from '../adapters/programme-cache.js';
import { readProgrammeFile } from '../adapters/programme-file.js';
import { loadProgramme } from '../src/programme/load.js';
import { DEFAULT_FILE } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'reform-programme-cache-'));
const DEFAULT_TEXT = readFileSync(DEFAULT_FILE, 'utf8');

/** Every optional part of a milestone, a glossary, leads and a phrase that warns. */
const FULL = `programme: Cache test
timezone: Europe/London
leads:
  kinship: Head of Kinship
sources:
  report.md: { name: A committee report, date: 11 May 2023 }
glossary:
  - terms: [family and friends]
    milestones: [strategy]
milestones:
  - id: strategy
    title: Publish the kinship strategy
    due: FY 2024
    themes: [kinship]
    aliases: [kinship plan]
    source: { seed: report.md, section: "2.1", quote: "publish a strategy" }
    revised: { due: end March 2025, note: moved by the board }
    completed: { date: 11 March 2025, note: published }
  - id: pilot
    title: Pilot the new model
    due: spring 2024
    reading: the pilot starts in the spring
    themes: [family-help]
    superseded: { date: November 2024, by: Keeping Children Safe, note: folded into the new programme }
    progress: first sites named
    unverified: true
  - id: review
    title: Review
    due: not stated
    undated: true
    themes: [kinship]
`;

let files = 0;
function programmeFile(text: string): string {
  const path = join(dir, `programme-${++files}`, 'milestones.yaml');
  mkdirSync(join(path, '..'));
  writeFileSync(path, text);
  return path;
}

function cacheIn(name: string, options: { core?: string; lock?: string } = {}): { cache: ProgrammeCache; dir: string } {
  const at = join(dir, name);
  return { cache: programmeCache({ dir: at, ...options }), dir: at };
}

/** A stand-in for the core's code: one file whose size and time say which build it is. */
function fakeCore(): { core: string; lock: string } {
  const core = mkdtempSync(join(dir, 'core-'));
  writeFileSync(join(core, 'load.js'), 'export const version = 1;\n');
  const lock = join(mkdtempSync(join(dir, 'modules-')), '.package-lock.json');
  writeFileSync(lock, '{}');
  return { core, lock };
}

describe('the programme cache', () => {
  it('a programme read from a file is plain JSON data: nothing is lost on the way through the cache', () => {
    for (const text of [DEFAULT_TEXT, FULL]) {
      const result = loadProgramme(text, 'milestones.yaml');
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      // Strict: a key set to undefined, a Date or a class instance would differ after the round trip.
      expect(JSON.parse(JSON.stringify(result.programme))).toStrictEqual(result.programme);
    }
  });

  it('the second read of the same file comes from the cache and is exactly what reading the file gives, warnings too', async () => {
    const path = programmeFile(FULL);
    const { cache } = cacheIn('same');
    const first = await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
    const second = await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
    const uncached = await readProgrammeFile(path, 'Europe/London');
    expect([first.cached, second.cached, uncached.cached]).toEqual([false, true, false]);
    expect(second.programme).toStrictEqual(uncached.programme);
    expect(second.warnings).toEqual(uncached.warnings);
    expect(second.warnings).toEqual([expect.stringContaining('"fy 2024" is ambiguous')]);
    expect(second.hash).toBe(uncached.hash);
    expect(second.programme.milestones.map((m) => m.id)).toEqual(['strategy', 'pilot', 'review']);
  });

  it('an edited file, another default time zone, or the same text at another path is read afresh', async () => {
    const path = programmeFile(FULL);
    const { cache } = cacheIn('edits');
    await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
    writeFileSync(path, FULL.replace('Publish the kinship strategy', 'Publish the kinship strategy, revised'));
    const edited = await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
    expect(edited.cached).toBe(false);
    expect(edited.programme.milestones[0]!.title).toBe('Publish the kinship strategy, revised');
    expect((await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache)).cached).toBe(true);

    // The default zone applies to a file that names none.
    const zoneless = programmeFile(FULL.replace('timezone: Europe/London\n', ''));
    await readProgrammeFile(zoneless, 'Europe/London', 'REFORM_MILESTONES', cache);
    const dublin = await readProgrammeFile(zoneless, 'Europe/Dublin', 'REFORM_MILESTONES', cache);
    expect(dublin).toMatchObject({ cached: false, programme: { timezone: 'Europe/Dublin' } });

    const copy = programmeFile(FULL);
    expect((await readProgrammeFile(copy, 'Europe/London', 'REFORM_MILESTONES', cache)).cached).toBe(false);
  });

  it('a new build of the core, or newly installed packages, read the file afresh', async () => {
    const path = programmeFile(FULL);
    const code = fakeCore();
    const read = async (): Promise<boolean> => (await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cacheIn('builds', code).cache)).cached;
    expect(await read()).toBe(false);
    expect(await read()).toBe(true);
    // Each process makes its cache once: a new one stands for the next start.
    writeFileSync(join(code.core, 'load.js'), 'export const version = 2;\n');
    expect(await read()).toBe(false);
    expect(await read()).toBe(true);
    // The same size, a new time (a rebuild that emits the same length of code).
    utimesSync(join(code.core, 'load.js'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(await read()).toBe(false);
    writeFileSync(join(code.core, 'phrases.js'), 'export {};\n');
    expect(await read()).toBe(false);
    appendFileSync(code.lock, ' ');
    expect(await read()).toBe(false);
    expect(await read()).toBe(true);
  });

  it('a damaged, torn or foreign entry is a miss: the file is read and the entry written again', async () => {
    const path = programmeFile(FULL);
    const { cache, dir: at } = cacheIn('damaged');
    const expected = (await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache)).programme;
    const [entry] = readdirSync(at);
    const entryPath = join(at, entry!);
    const good = readFileSync(entryPath, 'utf8');
    const damages = [
      good.replace('Publish the kinship strategy', 'Publish the kinship strategz'),
      good.slice(0, good.length - 200),
      good.slice(0, good.indexOf('\n')),
      'not json\n{}',
      '',
      `${good.slice(0, good.indexOf('\n')).replace(/"key":"[0-9a-f]+"/, `"key":"${'0'.repeat(64)}"`)}${good.slice(good.indexOf('\n'))}`,
    ];
    for (const damaged of damages) {
      writeFileSync(entryPath, damaged);
      const read = await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
      expect(read.cached).toBe(false);
      expect(read.programme).toStrictEqual(expected);
      expect(readFileSync(entryPath, 'utf8')).toBe(good);
    }
  });

  it('a cache that cannot be written is no cache: every read reads the file, and nothing fails', async () => {
    const path = programmeFile(FULL);
    // A file where the cache's folder would be.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const cache = programmeCache({ dir: blocked });
    for (let i = 0; i < 2; i++) {
      const read = await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
      expect(read.cached).toBe(false);
      expect(read.programme.milestones).toHaveLength(3);
    }
  });

  it('a file that fails to load is never cached, and its errors name the file and line each time', async () => {
    const path = programmeFile(FULL.replace('due: spring 2024', 'due: sometime soonish'));
    const { cache, dir: at } = cacheIn('broken');
    for (let i = 0; i < 2; i++) {
      await expect(readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache)).rejects.toThrow(/milestones\.yaml:\d+: milestones\[1\]\.due: "sometime soonish" is not a date phrase/);
    }
    expect(() => readdirSync(at)).toThrow(/ENOENT/);
  });

  it(`keeps at most ${MAX_ENTRIES} entries, one per file read, dropping the oldest`, async () => {
    const { cache, dir: at } = cacheIn('many');
    const paths = Array.from({ length: MAX_ENTRIES + 4 }, () => programmeFile(FULL));
    for (const path of paths) await readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES', cache);
    expect(readdirSync(at)).toHaveLength(MAX_ENTRIES);
    // The latest are kept.
    expect((await readProgrammeFile(paths.at(-1)!, 'Europe/London', 'REFORM_MILESTONES', cache)).cached).toBe(true);
    // The same file again replaces its own entry rather than adding one.
    writeFileSync(paths.at(-1)!, FULL.replace('Review', 'Review again'));
    await readProgrammeFile(paths.at(-1)!, 'Europe/London', 'REFORM_MILESTONES', cache);
    expect(readdirSync(at)).toHaveLength(MAX_ENTRIES);
  });
});
