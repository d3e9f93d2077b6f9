// The docs stay honest, cheaply: links between them lead somewhere, and what they name (commands, npm scripts,
// settings) is what the bot has. Reads files only; no build, no network.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand } from '../src/commands/index.js';

const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** The text outside fenced code blocks: a `[x](y)` in an example is not a link. */
function prose(file: string): string {
  return readFileSync(file, 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2, … */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading] of prose(file).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    found.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return found;
}

/** Every relative link and picture: `[text](target)`, `![alt](target)`, and `src=`/`href=` in HTML. */
function relativeLinks(file: string): string[] {
  const text = prose(file);
  const targets = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('the README and docs/', () => {
  it('has the README and a file for each reference topic', () => {
    for (const topic of ['commands', 'nudges', 'reports', 'programme-file', 'store', 'operations', 'guarantees', 'performance']) {
      expect(DOCS, `docs/${topic}.md`).toContain(join('docs', `${topic}.md`));
    }
  });

  it.each(DOCS)('%s: every relative link and picture points at a file that exists, and every #anchor at a heading', (file) => {
    const broken: string[] = [];
    for (const link of relativeLinks(file)) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      if (!existsSync(target)) broken.push(`${link}: no such file`);
      else if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md') && !anchors(target).has(anchor)) {
        broken.push(`${link}: no heading "#${anchor}" in ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('docs/commands.md names every command the bot registers, and every other word it takes for one', () => {
    const text = readFileSync('docs/commands.md', 'utf8');
    const help = findCommand('help');
    expect(help).toBeDefined();
    const words = [...COMMANDS, help!].flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    expect(words.length).toBeGreaterThan(20);
    // Named as it is typed: at the start of a code span, `snooze <id>` or `resume`.
    const missing = words.filter((w) => !text.includes(`\`${w} `) && !text.includes(`\`${w}\``));
    expect(missing).toEqual([]);
  });

  it('every `npm run <script>` the docs mention is a script in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts);
    const named = DOCS.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => `${f}: ${m[1]}`));
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((n) => !scripts.includes(n.split(': ')[1]!))).toEqual([]);
  });

  it('docs/operations.md lists every setting the bot reads (adapters/config.ts, and REFORM_ENV_FILE)', () => {
    const config = readFileSync('adapters/config.ts', 'utf8');
    const schema = /const envSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(config)?.[1] ?? '';
    const variables = [...schema.matchAll(/^ {2}([A-Za-z_][A-Za-z0-9_]*):/gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThan(10);
    const operations = readFileSync('docs/operations.md', 'utf8');
    // In the first column of the configuration table, where a reader looks a setting up.
    const rows = operations.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split(' | ')[0]!);
    expect(variables.filter((v) => !rows.some((first) => first.includes(`\`${v}\``)))).toEqual([]);
    expect(operations).toContain('`REFORM_ENV_FILE`');
  });
});
