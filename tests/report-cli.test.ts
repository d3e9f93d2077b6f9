// `reform report` run as a real process: the whole pack into a folder, one format into a file, and clear refusals.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'reform-report-'));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, REFORM_DB: join(dir, 'reform.json'), REFORM_LOG_LEVEL: 'warn', REFORM_ENV_FILE: '' };

function reform(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/reform.mjs'), ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('reform report', () => {
  it('writes every format into reports/<date>/ by default and prints their paths', () => {
    const r = reform(['report', '--now', '2026-12-07T10:00:00Z'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const paths = r.out.trim().split('\n');
    expect(paths).toEqual(['docx', 'xlsx', 'csv', 'png', 'ics'].map((ext) => expect.stringMatching(new RegExp(`^reports/2026-12-07/reform-[a-z]+-2026-12-07\\.${ext}$`))));
    expect(readdirSync(join(dir, 'reports/2026-12-07')).sort()).toEqual(paths.map((p) => p.split('/').at(-1)).sort());
  }, 60_000);

  it('writes one format to the file named by --out', () => {
    const out = join(dir, 'pack', 'deadlines.ics');
    const r = reform(['report', '--format', 'ics', '--out', out, '--now', '2026-12-07T10:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(out);
    expect(readFileSync(out, 'utf8')).toMatch(/^BEGIN:VCALENDAR\r\n/);
  }, 60_000);

  it('answers "report" typed at a terminal with the summary and writes the files into the day\'s folder', () => {
    const r = reform(['ask', 'report', '--now', '2026-12-08T10:00:00Z'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Committee report:');
    expect(r.out).toContain('Written:\n  reports/2026-12-08/reform-report-2026-12-08.docx');
    expect(readdirSync(join(dir, 'reports/2026-12-08'))).toHaveLength(5);
  }, 60_000);

  it('refuses an unknown format and a --since after the report date, saying what it wants', () => {
    const format = reform(['report', '--format', 'pdf']);
    expect(format.code).toBe(1);
    expect(format.err).toContain('--format: "pdf" is not a format: docx, xlsx, csv, png, ics');
    const since = reform(['report', '--since', '2027-01-01', '--now', '2026-12-07T10:00:00Z']);
    expect(since.code).toBe(1);
    expect(since.err).toContain('--since: 2027-01-01 is after the report');
    const bad = reform(['report', '--since', 'last week']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--since: "last week" is not a date');
  }, 60_000);
});
