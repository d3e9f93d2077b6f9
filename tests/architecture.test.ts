// The core (src/) imports no platform SDK, names no platform, does no I/O and never reads the wall clock or the environment.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const FORBIDDEN: [RegExp, string][] = [
  [/from ['"](@slack\/|botbuilder|botframework|lowdb|node-cron|proper-lockfile)/, 'a platform or infrastructure package'],
  [/from ['"](docx|exceljs|ical-generator|vega|vega-lite|@resvg\/resvg-js)['"]/, 'a file writer (the pack is written in adapters\/report)'],
  [/from ['"](node:)?(fs|http|https|net|child_process|fs\/promises)['"]/, 'an I/O module'],
  [/\bDate\.now\(|new Date\(|DateTime\.now\(|DateTime\.local\(\)/, 'the wall clock'],
  [/process\.env/, 'the environment'],
  [/from ['"]\.\.\/\.\.\/adapters|from ['"]\.\.\/adapters/, 'an adapter'],
  [/['"](slack|teams|console)['"]\s*[!=]==|[!=]==\s*['"](slack|teams|console)['"]/, 'a platform by name'],
];

describe('architecture', () => {
  const sources = files('src');
  it('has a core to check', () => expect(sources.length).toBeGreaterThan(10));
  it.each(FORBIDDEN)('no core module uses %s', (pattern, what) => {
    const offenders = sources.filter((f) => pattern.test(readFileSync(f, 'utf8')));
    expect(offenders, `core modules using ${what}`).toEqual([]);
  });
});
