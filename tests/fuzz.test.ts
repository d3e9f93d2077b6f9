// Property-based tests (fast-check) over the three places user-written text enters the core: the command path,
// the deadline-phrase parser and the programme-file loader. Thousands of generated inputs (random text in every
// Unicode range, lone surrogates, control characters, emoji, quotes, prototype keys, Slack and Teams markup,
// real verbs with hostile arguments, strings up to 100,000 characters) must never throw, never hang, and always
// come back as a helpful reply or a located error.
import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { consoleMessage } from '../adapters/console/console.js';
import { memoryStore } from '../adapters/store/memory.js';
import { APOLOGY, createBot } from '../src/bot.js';
import { COMMANDS } from '../src/commands/index.js';
import { loadProgramme } from '../src/programme/load.js';
import { parsePhrase } from '../src/programme/phrases.js';
import type { Logger } from '../src/ports.js';
import { renderPlain } from '../src/replies/plain.js';
import { DEFAULT_FILE, at, defaultProgramme } from './helpers.js';

// What must never reach a user: an internal error name, a stack frame, a source path with a line number.
const INTERNAL_NAMES = /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|ZodError|InvalidArgumentError|AggregateError)\b/;
const STACK = /(?:^|\n)\s*at \S.*:\d+:\d+|\bat \S+\.[cm]?[tj]s:\d+|\.ts:\d+:\d+|node:internal/;

/** Fails with the offending text when `shown` leaks internals that the user did not type themselves. */
function expectNoInternals(shown: string, typed: string): void {
  if (!INTERNAL_NAMES.test(typed)) expect(shown, 'an internal error name reached the user').not.toMatch(INTERNAL_NAMES);
  if (!STACK.test(typed)) expect(shown, 'a stack trace reached the user').not.toMatch(STACK);
}

const programme = defaultProgramme();
const VERBS = [...COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]), 'help', 'action add', 'actions add', 'action rename', 'action remove', '/reform', 'reform', '@reform', '/reform /reform'];
const IDS = ['kinship-strategy', 'multi-agency-cp', 'phase-1-end', 'kinship-strategy/1', 'kinship-strategy/2', 'multi-agency-cp/1', 'kinship', 'KINSHIP-STRATEGY', 'kinship-stratgy', 'nope', 'SGO'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u001b[31m', '\u007f', '\r\n', '\r', '\n', '\t', '\u000b', '\f', '\u0085', '\u2028', '\u2029', '\u200b', '\u200d', '\u202e', '\ufeff', '\u00a0'];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud83d', '\ude00b'];
const NASTY = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf',
  'kinship-strategy/__proto__', 'constructor 2024', 'in constructor days', '__proto__ 2024',
  '<@U1|x>', '<@U999>', '<@slack:U1|x>', '<@console:bob|bob>', '<@teams:aad|Boss>', '<@>', '<@|>', '<!channel>', '<!here>', '<!everyone>', '@everyone', '@here', '<#C1|general>', '<http://evil.example|click>',
  '"', '“', '”', "'", '‘', '’', '""', '“”', '"unbalanced', 'unbalanced"', '“curly', '"a “b" c”',
  'because', 'due', 'owner', 'me', 'myself', 'red', 'amber', 'green', 'purple', 'share', 'reminders', 'digest', 'add',
  'spring 2028', 'end of March 2027', "in six months' time", 'within 3 weeks', 'from April 2030', 'before 2029', 'Q1 2024-25', '2024-25', '31/02/2027', '2027-13-45',
  '🙂', '👩‍👩‍👧‍👦', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🇬🇧', 'é', 'e\u0301', 'ﷺ', '𝕏', '中文', 'עברית',
  '${process.env}', '%s%s%n', '{{7*7}}', "'; DROP TABLE items; --", '1 OR 1=1', '[link](http://evil.example)', '<at>Boss</at>', '**bold**', '<script>alert(1)</script>', '&lt;!channel&gt;', '&amp;',
  'null', 'undefined', 'NaN', 'Infinity', '-1', '0', '1e309', '99999999999999999999', '0x10', '7.5',
];
const TOKENS = [...NASTY, ...IDS, ...VERBS, ...CONTROL, ...LONE_SURROGATES];

const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), fc.constantFrom(...CONTROL));
/** Text with no structure: every Unicode unit the generators know, mixed. */
const randomText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.oneof(surrogate, control, fc.constantFrom(...TOKENS)), maxLength: 20 }),
);
const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(surrogate, control), maxLength: 4 }) },
);
const separator = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', ' " ', ' “', '” ');
/** A real verb followed by hostile arguments: the shapes that reach deep into each command. */
const commandLike = fc
  .tuple(fc.constantFrom(...VERBS), fc.array(word, { maxLength: 8 }), separator)
  .map(([verb, words, sep]) => [verb, ...words].join(sep));
/** Strings of 5,000 to 100,000 characters, after a verb and an id so they reach the free-text arguments. */
const huge = fc
  .tuple(fc.constantFrom('', 'status ', 'note kinship-strategy ', 'assign kinship-strategy ', 'action add kinship-strategy ', 'revise multi-agency-cp spring 2028 because ', 'rag kinship-strategy red ', 'owned ', 'done '), word, fc.integer({ min: 5_000, max: 100_000 }))
  .map(([head, filler, length]) => head + (filler || 'x').repeat(Math.ceil(length / Math.max(1, filler.length))).slice(0, length));

const NOW = at('2026-11-24T10:00:00Z');
const PER_COMMAND_MS = 2_000;

/** A bot over a fresh memory store whose logger records every error, so an apology cannot hide a crash. */
function fuzzBot(editors?: string[]) {
  const errors: string[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (message, context) => void errors.push(`${message} ${JSON.stringify(context)}`) };
  const store = memoryStore();
  const bot = createBot({ programme, store, clock: { now: () => NOW }, logger, editors });
  return { bot, store, errors };
}

/** Runs one command and checks every promise of the command path; returns the plain reply. */
async function handleSafely(h: ReturnType<typeof fuzzBot>, text: string, user: string): Promise<string> {
  const started = performance.now();
  const answer = await h.bot.handle(consoleMessage(text, user));
  const took = performance.now() - started;
  expect(took, `"${text.slice(0, 80)}" took ${Math.round(took)} ms`).toBeLessThan(PER_COMMAND_MS);
  expect(h.errors, `"${text.slice(0, 80)}" failed inside the core`).toEqual([]);
  expect(answer.heading, `"${text.slice(0, 80)}" got the apology for an unexpected failure`).not.toBe(APOLOGY.heading);
  expect(['answer', 'change', 'help', 'problem']).toContain(answer.tone);
  const plain = renderPlain(answer);
  expect(plain.trim().length).toBeGreaterThan(0);
  expectNoInternals(plain, text);
  // Whatever was typed, the store must still be readable (a bad key must not corrupt it for everyone).
  await expect(h.store.read()).resolves.toBeDefined();
  return plain;
}

const users = fc.constantFrom('alice', 'editor', 'mallory', '__proto__', 'constructor', '<!channel>', '🙂');

describe('fuzz: the whole command path (bot.handle over a memory store)', () => {
  it('random text of every kind gets a non-empty reply, never an error, a trace or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(randomText, users, async (text, user) => {
        await handleSafely(fuzzBot(), text, user);
      }),
      { numRuns: 1_500 },
    );
  });

  it('real verbs with hostile arguments, in sequences on one store, with and without editors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(commandLike, users), { minLength: 1, maxLength: 6 }), fc.boolean(), async (commands, withEditors) => {
        const h = fuzzBot(withEditors ? ['console:editor'] : undefined);
        for (const [text, user] of commands) await handleSafely(h, text, user);
      }),
      { numRuns: 600 },
    );
  });

  it('strings of up to 100,000 characters are answered within the time bound', async () => {
    await fc.assert(
      fc.asyncProperty(huge, async (text) => {
        await handleSafely(fuzzBot(), text, 'alice');
      }),
      { numRuns: 40 },
    );
  });

  it('prototype keys as ids, users and owners neither crash a command nor corrupt the store', async () => {
    const h = fuzzBot();
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype']) {
      for (const verb of ['status', 'done', 'reopen', 'assign', 'unassign', 'rag', 'note', 'snooze', 'history', 'revise', 'owned']) {
        const args = verb === 'assign' ? ' @x' : verb === 'rag' ? ' red' : verb === 'note' ? ' hi' : verb === 'revise' ? ' 2028 because x' : '';
        const out = await handleSafely(h, `${verb} ${key}${args}`, key);
        // None of these is a milestone or an action, so no change or history may claim to have found one
        // (status and owned search by words, so they may answer with near matches).
        if (verb !== 'owned' && verb !== 'status') expect(out, `${verb} ${key}`).toContain(`No milestone or action "${key}"`);
      }
      await handleSafely(h, `assign kinship-strategy ${key}`, 'alice');
      await handleSafely(h, `action add ${key} "x"`, 'alice');
    }
    const state = await h.store.read();
    expect(Object.keys(state.items)).toEqual(['kinship-strategy']);
    expect(state.audit.every((a) => typeof a.item === 'string')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fuzz: the deadline-phrase parser', () => {
  const PHRASE_WORDS = ['by', 'end', 'of', 'the', 'in', 'within', 'over', 'the next', 'from', 'before', 'starting', 'no later than', 'deadline', 'spring', 'summer', 'autumn', 'winter', 'early', 'mid', 'late', 'q1', 'q4', 'fy', 'financial year', 'march', 'sept.', 'may', 'thursday', '11th', '31', '0', '2024', '2024-25', '2024/2025', '1899', '2201', 'six', 'twenty-four', 'months', "weeks' time", 'day', 'constructor', '__proto__', 'toString', '.', ',', ';', '-', '–', '—', '’', '"'];
  const phraseLike = fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PHRASE_WORDS) }, { weight: 1, arbitrary: word }), { maxLength: 8 }).map((w) => w.join(' '));
  const anchor = fc.option(fc.integer({ min: DateTime.utc(1900, 1, 1).toMillis(), max: DateTime.utc(2200, 12, 31).toMillis() }).map((ms) => DateTime.fromMillis(ms, { zone: 'utc' }).toISODate()!), { nil: undefined });
  const isoDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'utc' }).isValid;

  function check(text: string, anchorDay: string | undefined): void {
    const started = performance.now();
    const result = parsePhrase(text, anchorDay);
    expect(performance.now() - started, `parsePhrase("${text.slice(0, 60)}") is too slow`).toBeLessThan(250);
    if (result.ok) {
      expect(isoDay(result.span.first) && isoDay(result.span.last), `"${text}" gave ${JSON.stringify(result.span)}`).toBe(true);
      expect(result.span.first <= result.span.last, `"${text}" ends before it starts`).toBe(true);
    } else {
      expect(['unreadable', 'needs-anchor', 'out-of-range']).toContain(result.reason);
    }
  }

  it('never throws, never hangs, and reads a phrase as real calendar days or gives a reason', () => {
    fc.assert(fc.property(fc.oneof(randomText, phraseLike, huge), anchor, (text, a) => check(text, a)), { numRuns: 4_000 });
  });

  it('long runs of spaces, digits and words do not make the expressions backtrack', () => {
    fc.assert(
      fc.property(fc.constantFrom(' ', '1', 'a', '-', 'in ', 'by ', '11 ', 'q1 ', 'end of '), fc.integer({ min: 1, max: 200 }), fc.constantFrom('', '!', ' 2024', 'x'), (unit, n, tail) => check(unit.repeat(n) + tail, '2026-01-01')),
      { numRuns: 500 },
    );
  });

  it('prototype words are not seasons or numbers', () => {
    for (const text of ['constructor 2024', '__proto__ 2024', 'tostring 2024', 'in constructor days', 'in __proto__ weeks', 'valueof 2025']) {
      expect(parsePhrase(text, '2026-01-01'), text).toEqual({ ok: false, reason: 'unreadable' });
    }
  });
});

describe('fuzz: the programme-file loader', () => {
  const real = readFileSync(DEFAULT_FILE, 'utf8');
  const realLines = real.split('\n');

  function checkLoad(text: string): void {
    const started = performance.now();
    let result: ReturnType<typeof loadProgramme>;
    try {
      result = loadProgramme(text, 'fuzzed.yaml');
    } catch (error) {
      throw new Error(`loadProgramme threw ${String(error)} on:\n${text.slice(0, 400)}`);
    }
    expect(performance.now() - started, 'loadProgramme is too slow').toBeLessThan(3_000);
    if (result.ok) {
      expect(result.programme.milestones.length).toBeGreaterThan(0);
      return;
    }
    const lineCount = text.split(/\r\n|\r|\n/).length;
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) {
      expect(e.file).toBe('fuzzed.yaml');
      expect(Number.isInteger(e.line) && e.line >= 1, `line ${e.line}`).toBe(true);
      expect(e.line).toBeLessThanOrEqual(lineCount + 1);
      expect(typeof e.message === 'string' && e.message.trim().length > 0, JSON.stringify(e)).toBe(true);
      expectNoInternals(e.message, text);
    }
  }

  const YAML_BITS = ['programme:', 'milestones:', 'timezone:', 'due_soon_days:', 'reminders:', 'digest:', '- id:', '  - id:', '    title:', '    due:', '    themes:', '    aliases:', '    completed:', '      date:', '    revised:', '      due:', '    anchor:', '    deadline:', '    reading:', 'kinship-strategy', 'spring 2024', 'in six months', 'Europe/London', 'Mars/Olympus', '[', ']', '{', '}', '&a', '*a', '*nope', '<<: *a', '!!str', '!!binary', '!tag', '|', '>-', '---', '...', '#', '"', "'", ':', '- ', '  ', '\t', '\n', '\r\n', '__proto__:', 'constructor:', '~', 'null', 'true', '0x1F', '1e3', '2024-01-01', '? complex', '%YAML 1.2'];
  const yamlish = fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...YAML_BITS) }, { weight: 1, arbitrary: word }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }), { maxLength: 60 }).map((bits) => bits.join(''));

  it('never throws on YAML-ish text and locates every error', () => {
    fc.assert(fc.property(fc.oneof(yamlish, randomText), checkLoad), { numRuns: 1_500 });
  });

  /** A random edit of the real milestones file: lines deleted, inserted, duplicated or re-indented; characters deleted or inserted. */
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert-line' as const), at: fc.nat(), text: fc.oneof(yamlish, word) }),
    fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('indent-line' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
    fc.record({ kind: fc.constant('delete-chars' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('insert-chars' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...YAML_BITS), word) }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

  function mutate(text: string, edits: Mutation[]): string {
    let lines = text.split('\n');
    for (const edit of edits) {
      const i = edit.at % Math.max(1, lines.length);
      if (edit.kind === 'delete-line') lines.splice(i, 1);
      else if (edit.kind === 'insert-line') lines.splice(i, 0, edit.text);
      else if (edit.kind === 'duplicate-line') lines.splice(i, 0, lines[i] ?? '');
      else if (edit.kind === 'indent-line') lines[i] = edit.by >= 0 ? ' '.repeat(edit.by) + (lines[i] ?? '') : (lines[i] ?? '').slice(-edit.by);
      else {
        const joined = lines.join('\n');
        const pos = edit.at % Math.max(1, joined.length);
        lines = (edit.kind === 'delete-chars' ? joined.slice(0, pos) + joined.slice(pos + edit.count) : joined.slice(0, pos) + edit.text + joined.slice(pos)).split('\n');
      }
    }
    return lines.join('\n');
  }

  it('never throws on random edits of the real milestones file, and locates every error', () => {
    expect(loadProgramme(real, 'fuzzed.yaml').ok).toBe(true);
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (edits) => checkLoad(mutate(real, edits))), { numRuns: 100 });
  });

  it('an error in an edited file points at the edited line', () => {
    // A milestone's due date made unreadable: the error names that line.
    const dueAt = realLines.findIndex((l) => /^\s+due: /.test(l));
    const broken = [...realLines];
    broken[dueAt] = broken[dueAt]!.replace(/due: .*/, 'due: the twelfth of never');
    const result = loadProgramme(broken.join('\n'), 'fuzzed.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.line)).toContain(dueAt + 1);
  });

  it('alias bombs, unresolved aliases and deep nesting are located errors, not exceptions', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');
    for (const text of [bomb, 'programme: x\nmilestones:\n  - *nope\n', '['.repeat(3_000) + ']'.repeat(3_000), 'programme: "\\0"\nmilestones: 5', '\ufeff\u0000\ud800: x']) checkLoad(text);
    const unresolved = loadProgramme('programme: x\nmilestones:\n  - *nope\n', 'fuzzed.yaml');
    expect(unresolved.ok ? [] : unresolved.errors).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining('nope') })]);
  });
});
