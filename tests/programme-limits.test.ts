// Limits on what the programme file and chat take: a file over the stated size is refused before it is read, and a
// year outside the supported range is refused with the range, in the file and in chat alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PROGRAMME_BYTES, readProgrammeFile } from '../adapters/programme-file.js';
import { formatLocatedError, loadProgramme } from '../src/programme/load.js';
import { testBot } from './helpers.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const milestone = (i: number, due = 'spring 2024') => `  - id: m-${i}\n    title: Milestone ${i}\n    due: ${due}\n    themes: [agency]\n`;

describe('the programme file', () => {
  it('over the size limit is refused with its size, the limit and what to do, before it is read', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reform-big-'));
    const path = join(dir, 'big.yaml');
    let text = 'programme: Big\nmilestones:\n';
    for (let i = 0; text.length <= MAX_PROGRAMME_BYTES; i++) text += milestone(i);
    writeFileSync(path, text);
    await expect(readProgrammeFile(path, 'Europe/London', 'REFORM_MILESTONES')).rejects.toThrow(
      new RegExp(`^The milestones file ${path} is 1\\.0 MB; the bot reads files of up to 1\\.0 MB \\(about 1,300 milestones\\)\\. .*set by REFORM_MILESTONES\\.$`),
    );
    // The same kind of file, of a size a programme has, is read.
    writeFileSync(path, text.slice(0, text.indexOf('  - id: m-100\n')));
    expect((await readProgrammeFile(path, 'Europe/London')).programme.milestones).toHaveLength(100);
  });

  it('says the supported years for a year outside them, not "not a date phrase"', () => {
    const result = loadProgramme(`programme: P\nmilestones:\n${milestone(1, '"9999"')}${milestone(2, 'May 9999')}${milestone(3, '31 December 1850')}`, 'p.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(formatLocatedError)).toEqual([
      'p.yaml:5: milestones[0].due: "9999" is outside the years the bot reads (1900 to 2200)',
      'p.yaml:9: milestones[1].due: "May 9999" is outside the years the bot reads (1900 to 2200)',
      'p.yaml:13: milestones[2].due: "31 December 1850" is outside the years the bot reads (1900 to 2200)',
    ]);
  });
});

describe('dates typed in chat', () => {
  it('are refused with the range when the file would refuse them, relative ones included', async () => {
    const tb = testBot();
    expect(await tb.say('revise kinship-strategy May 9999 because the ICB is slow')).toContain('"May 9999" is outside the years the bot reads (1900 to 2200)');
    expect(await tb.say('action add kinship-strategy "Long job" due in 999 years')).toContain('"in 999 years" is outside the years the bot reads (1900 to 2200)');
    expect(await tb.say('revise kinship-strategy in 99 years because it is a long road')).toContain('2125');
    expect((await tb.store.read()).actions).toEqual({});
  });
});
