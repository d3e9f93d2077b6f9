import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatLocatedError, loadProgramme } from '../src/programme/load.js';
import { schemaText, SCHEMA_PATH } from '../scripts/write-schema.js';
import { defaultProgramme } from './helpers.js';

const MINIMAL = `programme: Bars programme
milestones:
  - id: spring-thing
    title: Spring thing
    due: spring 2024
    themes: [agency]
`;

function errorsOf(text: string): string[] {
  const result = loadProgramme(text, 'stable-homes.yaml');
  if (result.ok) throw new Error('expected errors');
  return result.errors.map(formatLocatedError);
}

describe('programme file', () => {
  it('accepts the minimal file with defaults', () => {
    const result = loadProgramme(MINIMAL, 'bars.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.programme.timezone).toBe('Europe/London');
    expect(result.programme.reminders).toEqual({ days_before: [28, 7, 1], overdue: true, at: '09:00' });
    expect(result.programme.milestones[0]).toMatchObject({ id: 'spring-thing', aliases: [], due: { phrase: 'spring 2024', span: { last: '2024-05-31' } } });
  });

  it('names file, line, field and the phrases to try for an unreadable date', () => {
    const text = MINIMAL + `  - id: never\n    title: Never\n    due: the twelfth of never\n    themes: [agency]\n`;
    expect(errorsOf(text)).toEqual([
      'stable-homes.yaml:9: milestones[1].due: "the twelfth of never" is not a date phrase (try "11 May 2023", "September 2023", "spring 2024", "end of 2027"; or keep the report\'s words in "due:" and give the date in "deadline:", or add "undated: true" if the report gives none)',
    ]);
    // A school term says why it is not read; a revision's date has no deadline: of its own to fall back on.
    const term = MINIMAL + `  - id: term\n    title: Term\n    due: autumn term 2024\n    themes: [agency]\n    revised:\n      due: summer term 2025\n`;
    expect(errorsOf(term)).toEqual([
      'stable-homes.yaml:9: milestones[1].due: "autumn term 2024" is not a date phrase (school terms are not read, as their dates differ between councils: write the date, such as "31 December 2024"; or keep the report\'s words in "due:" and give the date in "deadline:", or add "undated: true" if the report gives none)',
      'stable-homes.yaml:12: milestones[1].revised.due: "summer term 2025" is not a date phrase (school terms are not read, as their dates differ between councils: write the date, such as "31 December 2025")',
    ]);
  });

  it('refuses unknown keys at the key', () => {
    expect(errorsOf(MINIMAL + '    colour: red\n')).toEqual(['stable-homes.yaml:7: milestones[0].colour: unknown field "colour"']);
    expect(errorsOf('owner: x\n' + MINIMAL)[0]).toBe('stable-homes.yaml:1: owner: unknown field "owner"');
  });

  it('refuses duplicate ids, naming the first use', () => {
    const text = MINIMAL + MINIMAL.split('\n').slice(2).join('\n');
    expect(errorsOf(text)).toEqual(['stable-homes.yaml:7: milestones[1].id: duplicate id "spring-thing" (first used on line 3)']);
  });

  it('names missing fields, wrong types, bad ids and bad time zones', () => {
    const text = `programme: P\ntimezone: Mars/Olympus\nmilestones:\n  - id: Bad Id\n    due: [1]\n    themes: []\n`;
    const errors = errorsOf(text);
    expect(errors).toContain('stable-homes.yaml:4: milestones[0].title: is required (text)');
    expect(errors.some((e) => e.startsWith('stable-homes.yaml:4: milestones[0].id: "Bad Id" is not valid'))).toBe(true);
    expect(errors.some((e) => e.startsWith('stable-homes.yaml:6: milestones[0].themes: needs at least 1'))).toBe(true);
  });

  it('says a due date is missing, or what was found instead of one, rather than "Invalid input"', () => {
    const missing = MINIMAL.replace('    due: spring 2024\n', '');
    expect(errorsOf(missing)).toEqual(['stable-homes.yaml:3: milestones[0].due: is required (a date phrase such as "11 May 2023", or the report\'s words)']);
    expect(errorsOf(MINIMAL.replace('due: spring 2024', 'due: [1, 2]'))).toEqual(['stable-homes.yaml:5: milestones[0].due: expected text or a year, found "[1,2]"']);
    expect(errorsOf(MINIMAL.replace('due: spring 2024', 'due: true\n    revised: { note: later }'))).toEqual([
      'stable-homes.yaml:5: milestones[0].due: expected text or a year, found "true"',
      'stable-homes.yaml:6: milestones[0].revised.due: is required (a date phrase such as "11 May 2023", or the report\'s words)',
    ]);
  });

  it('reports broken YAML and empty files with a line', () => {
    expect(errorsOf('programme: [1\n')[0]).toMatch(/^stable-homes\.yaml:\d+: not valid YAML/);
    expect(errorsOf('')).toEqual(['stable-homes.yaml:1: the file is empty (it needs "programme:" and "milestones:")']);
  });

  it('says in words what the usual YAML slips are, once a line: a colon in a value, a tab, an indent', () => {
    const head = 'programme: X\nmilestones:\n  - id: a\n';
    expect(errorsOf(`${head}    title: National kinship care strategy: published\n    due: 2027\n`)).toEqual([
      'stable-homes.yaml:4: not valid YAML: a value with ": " in it must be in quotes, such as title: "National kinship care strategy: published"',
    ]);
    expect(errorsOf(`${head}\ttitle: T\n    due: 2027\n`)).toEqual(['stable-homes.yaml:4: not valid YAML: a tab is used to indent this line: indent with spaces']);
    // Windows line endings, and a tab inside a value rather than in front of it, change nothing.
    expect(errorsOf(`${head}    title: Plan: phase\tone\n    due: 2027\n`.replace(/\n/g, '\r\n'))).toEqual([
      'stable-homes.yaml:4: not valid YAML: a value with ": " in it must be in quotes, such as title: "Plan: phase\tone"',
    ]);
    expect(errorsOf(`${head}    title: T\n     due: 2027\n`)).toEqual([
      'stable-homes.yaml:4: not valid YAML: check the indentation of this line and the next: the keys of one milestone line up under the first after its "-" (Nested mappings are not allowed in compact mappings)',
    ]);
  });

  it('reports every error of a file in one pass: a bad time zone beside other fields, a bad anchor once', () => {
    const both = `timezone: Mars/Olympus\ndue_soon_days: -3\n${MINIMAL}`;
    expect(errorsOf(both)).toEqual([
      'stable-homes.yaml:1: timezone: "Mars/Olympus" is not a time zone (try "Europe/London")',
      'stable-homes.yaml:2: due_soon_days: must be at least 1',
    ]);
    // The relative due is not also told to "add anchor:": it has one, which the first error is about.
    const anchored = MINIMAL.replace('due: spring 2024', "due: in six months' time\n    anchor: the twelfth of never");
    expect(errorsOf(anchored)).toEqual([
      'stable-homes.yaml:6: milestones[0].anchor: "the twelfth of never" is not a date phrase (try "11 May 2023", "September 2023", "spring 2024", "end of 2027")',
    ]);
  });

  it('refuses a list, mapping or alias used as a key, with its line, and prints no warning of its own', async () => {
    const printed: string[] = [];
    const onWarning = (w: Error) => void printed.push(w.message);
    process.on('warning', onWarning);
    try {
      const complex = MINIMAL.replace('    themes: [agency]', '    themes: [agency]\n    ? { colour: red }\n    : x');
      expect(errorsOf(complex)).toEqual(['stable-homes.yaml:7: not valid here: a key must be a plain word, not a list, a mapping or an alias']);
      expect(errorsOf(`? [a, b]\n: x\n${MINIMAL}`)).toEqual(['stable-homes.yaml:1: not valid here: a key must be a plain word, not a list, a mapping or an alias']);
      expect(errorsOf(`${MINIMAL}extra: &m { a: b }\n*m : y\n`)).toEqual(['stable-homes.yaml:8: not valid here: a key must be a plain word, not a list, a mapping or an alias']);
      // Node emits warnings on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(printed).toEqual([]);
  });

  it('needs an anchor for a relative due, and uses `deadline` for words that are not a date', () => {
    expect(errorsOf(MINIMAL.replace('spring 2024', "in six months' time"))[0]).toContain('is relative: add "anchor:"');
    const ok = loadProgramme(MINIMAL.replace('spring 2024', 'by the end of this Parliament') + '    deadline: 30 May 2024\n', 'x.yaml');
    expect(ok.ok && ok.programme.milestones[0]?.due).toEqual({ phrase: 'by the end of this Parliament', span: { first: '2024-05-30', last: '2024-05-30' } });
  });

  it('ships a default programme with the fixed ids, sources and coverage to 2027', () => {
    const p = defaultProgramme();
    expect(p.milestones.length).toBeGreaterThanOrEqual(25);
    const ids = p.milestones.map((m) => m.id);
    for (const id of ['consultation-close', 'agency-national-rules', 'agency-compliance', 'phase-1-end', 'multi-agency-cp', 'kinship-strategy']) {
      expect(ids).toContain(id);
    }
    for (const m of p.milestones) expect(m.source?.seed).toMatch(/^00[0-4]_[0-9a-f]+\.txt$/);
    expect(p.milestones.some((m) => (m.due?.span.last ?? '') >= '2027-01-01' && !m.completed)).toBe(true);
  });

  it('publishes a JSON Schema that matches the zod schema', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });
});
