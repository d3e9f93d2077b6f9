// Reads a programme file's text into a Programme, or into errors that name the file, line, field and what
// was expected. Pure: the caller reads the file (adapters/programme-file.ts).
import { IANAZone } from 'luxon';
import { LineCounter, isAlias, isCollection, isMap, isPair, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { Milestone, Programme, DatedPhrase } from './model.js';
import { parsePhrase, phraseHint, YEAR_RANGE } from './phrases.js';
import { milestoneSchema, programmeSchema, type MilestoneEntry, type ProgrammeFile } from './schema.js';
import { echoed } from '../replies/model.js';
import { roleId } from '../tracking/owners.js';

export interface LocatedError {
  file: string;
  line: number;
  path: string;
  message: string;
}

export type LoadResult =
  | { ok: true; programme: Programme; warnings: LocatedError[] }
  | { ok: false; errors: LocatedError[] };


/** What a YAML parser error means in a milestones file, where the usual slips are a colon, a tab or an indent. */
function yamlHint(code: string, message: string, line: string): string {
  if (/^[ ]*\t/.test(line)) return 'a tab is used to indent this line: indent with spaces';
  const value = /^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s+(.*:\s.*)$/.exec(line);
  if (code === 'BLOCK_AS_IMPLICIT_KEY' && value) return `a value with ": " in it must be in quotes, such as ${value[1]}: "${value[2]!.replace(/"/g, "'")}"`;
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY' || code === 'MISSING_CHAR' || code === 'BAD_INDENT') {
    return `check the indentation of this line and the next: the keys of one milestone line up under the first after its "-" (${message})`;
  }
  return message;
}

/**
 * A milestone read on its own, unknown keys let through (the whole file's parse reports them). Made once: zod
 * compiles a schema on its first parse, and a schema made per milestone was compiled 37 times at start-up.
 */
const looseMilestone = milestoneSchema.loose();

export function formatLocatedError(e: LocatedError): string {
  return `${e.file}:${e.line}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

type PathKey = string | number;

function pathText(path: readonly PathKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(echoed(text));
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  object: 'a mapping of fields',
  array: 'a list',
  number: 'a number',
};

function describeIssue(issue: z.core.$ZodIssue, doc: Document): string {
  const here = doc.getIn(issue.path as PathKey[]);
  switch (issue.code) {
    case 'invalid_type':
      if (here === undefined) return `is required (${EXPECTED[issue.expected] ?? issue.expected})`;
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, found ${quote(here)}`;
    case 'invalid_union':
      // Only date phrases are unions (words, or a bare year that YAML reads as a number).
      if (here === undefined) return 'is required (a date phrase such as "11 May 2023", or the report\'s words)';
      return `expected text or a year, found ${quote(here)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}` : issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `is too long (at most ${String(issue.maximum)} characters)` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `${quote(here)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `${quote(here)} is not valid: ${issue.message}`;
    default:
      return issue.message;
  }
}

/** The line of the node at `path`, or of the nearest parent that exists; for an unknown key, the key's line. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PathKey[], key?: string): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as PathKey[], true) as { range?: [number, number, number] } | undefined;
    const target = depth === path.length && key !== undefined && isMap(node)
      ? node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key)?.key
      : node;
    const range = (target as { range?: [number, number, number] } | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return 1;
}

/** `anchor`: the day relative phrases count from; null when the entry's anchor was given but could not be read. */
function readPhrase(
  text: string,
  at: readonly PathKey[],
  anchor: string | null | undefined,
  report: (path: readonly PathKey[], message: string) => void,
  warn: (path: readonly PathKey[], message: string) => void,
): DatedPhrase | undefined {
  const result = parsePhrase(text, anchor ?? undefined);
  if (result.ok) {
    if (result.warning) warn(at, result.warning);
    return { phrase: text, span: result.span };
  }
  // A relative phrase under an anchor that could not be read: the anchor's own error says what to fix.
  if (result.reason === 'needs-anchor' && anchor === null) return undefined;
  if (result.reason === 'needs-anchor') report(at, `${quote(text)} is relative: add "anchor:" with the date it counts from`);
  else if (result.reason === 'out-of-range') report(at, `${quote(text)} is outside the years the bot reads (${YEAR_RANGE})`);
  else {
    // A milestone's own `due:` may keep the report's words when `deadline:` gives the date.
    const keep = at.at(-1) === 'due' && !at.includes('revised') ? '; or keep the report\'s words in "due:" and give the date in "deadline:", or add "undated: true" if the report gives none' : '';
    report(at, `${quote(text)} is not a date phrase (${phraseHint(String(text))}${keep})`);
  }
  return undefined;
}

/** A phrase with its note, when one is written: a Programme is plain JSON data, with no key set to undefined. */
function withNote(phrase: DatedPhrase, note: string | undefined): DatedPhrase & { note?: string } {
  return note !== undefined ? { ...phrase, note } : phrase;
}

function toMilestone(
  entry: MilestoneEntry,
  index: number,
  report: (path: readonly PathKey[], message: string) => void,
  warn: (path: readonly PathKey[], message: string) => void,
): Milestone | undefined {
  const at = (...rest: PathKey[]): PathKey[] => ['milestones', index, ...rest];
  let anchor: string | null | undefined;
  if (entry.anchor !== undefined) {
    const read = readPhrase(entry.anchor, at('anchor'), undefined, report, warn);
    // A meeting known only by its month ("January 2025") may have been on its last day: counting from there gives
    // the latest the follow-up could be due, as every deadline is the end of its span.
    anchor = read ? read.span.last : null;
  }
  // An undated commitment has no deadline to read; one given anyway would be borrowed or invented.
  if (entry.undated && entry.deadline !== undefined) {
    report(at('deadline'), 'an undated milestone has no deadline: remove "deadline:" (or "undated: true" if the seed does give a date)');
    return undefined;
  }
  // `due` keeps the report's words; `deadline`, when given, says how to read them.
  const reading = entry.undated
    ? undefined
    : entry.deadline !== undefined
      ? readPhrase(entry.deadline, at('deadline'), anchor, report, warn)
      : readPhrase(entry.due, at('due'), anchor, report, warn);
  const revised = entry.revised && readPhrase(entry.revised.due, at('revised', 'due'), anchor, report, warn);
  const completed = entry.completed && readPhrase(entry.completed.date, at('completed', 'date'), anchor, report, warn);
  const superseded = entry.superseded && readPhrase(entry.superseded.date, at('superseded', 'date'), anchor, report, warn);
  if ((!entry.undated && !reading) || (entry.revised && !revised) || (entry.completed && !completed) || (entry.superseded && !superseded)) return undefined;
  return {
    id: entry.id,
    title: entry.title,
    ...(reading ? { due: { phrase: entry.due, span: reading.span } } : {}),
    stated: entry.due,
    ...(entry.undated ? { undated: true } : {}),
    ...(entry.reading !== undefined ? { reading: entry.reading } : {}),
    themes: entry.themes,
    aliases: entry.aliases,
    ...(entry.source ? { source: entry.source } : {}),
    ...(revised ? { revised: withNote(revised, entry.revised?.note) } : {}),
    ...(completed ? { completed: withNote(completed, entry.completed?.note) } : {}),
    ...(superseded && entry.superseded ? { superseded: { ...withNote(superseded, entry.superseded.note), by: entry.superseded.by } } : {}),
    ...(entry.progress ? { progress: entry.progress } : {}),
    ...(entry.unverified ? { unverified: true } : {}),
  };
}

/** Sources named in the file, and glossary entries that lead somewhere, must name what is there. */
function checkReferences(data: ProgrammeFile, milestones: Milestone[], report: (path: readonly PathKey[], message: string) => void): void {
  if (data.sources) {
    const listed = Object.keys(data.sources);
    data.milestones.forEach((m, i) => {
      if (m.source && !Object.hasOwn(data.sources!, m.source.seed)) {
        report(['milestones', i, 'source', 'seed'], `${quote(m.source.seed)} is not listed under "sources:" (listed: ${listed.join(', ') || 'none'})`);
      }
    });
  }
  const ids = new Set(milestones.map((m) => m.id));
  data.glossary.forEach((g, i) => {
    for (const field of ['milestones', 'nearest'] as const) {
      g[field].forEach((id, j) => {
        if (!ids.has(id)) report(['glossary', i, field, j], `no milestone "${id}" in this file`);
      });
    }
  });
}

/** "North Lincolnshire Health and Wellbeing Board, 21 February 2023": how a reply cites a seed. */
function reportName(sources: ProgrammeFile['sources'], seed: string): string | undefined {
  const known = sources && Object.hasOwn(sources, seed) ? sources[seed] : undefined;
  return known ? (known.date ? `${known.name}, ${known.date}` : known.name) : undefined;
}

/** Reads programme text. `file` is the name used in messages (usually the base name). */
export function loadProgramme(text: string, file: string, defaultZone = 'Europe/London'): LoadResult {
  const counter = new LineCounter();
  // logLevel 'error': yaml would otherwise print its own warnings on the process's stderr (the key checks below
  // refuse what is known to cause them; this keeps any other out of the operator's terminal).
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const errors: LocatedError[] = [];
  const warnings: LocatedError[] = [];

  // One error a line, in words for whoever edits the file: the parser often reports one slip three ways.
  const lines = text.split(/\r?\n/);
  const reported = new Set<number>();
  for (const e of doc.errors) {
    const line = counter.linePos(e.pos[0]).line;
    if (reported.has(line)) continue;
    reported.add(line);
    errors.push({ file, line, path: '', message: `not valid YAML: ${yamlHint(e.code, e.message.split('\n')[0]!, lines[line - 1] ?? '')}` });
  }
  // A list, mapping or alias used as a key (`? [a, b]: x`, `*name: x`) is never meant in a milestones file.
  visit(doc, {
    Pair(_, pair) {
      const range = isCollection(pair.key) || isAlias(pair.key) ? pair.key.range : undefined;
      if (range) errors.push({ file, line: counter.linePos(range[0]).line, path: '', message: 'not valid here: a key must be a plain word, not a list, a mapping or an alias' });
    },
  });
  if (errors.length) return { ok: false, errors };

  // toJS throws on an alias to an anchor that is not set and on alias bombs; those are file errors too.
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const alias = /: (\S+)$/.exec(message)?.[1];
    const at = alias ? text.indexOf(`*${alias}`) : -1;
    return { ok: false, errors: [{ file, line: at >= 0 ? counter.linePos(at).line : 1, path: '', message: `not valid YAML: ${message.split('\n')[0]}` }] };
  }
  if (raw === null || raw === undefined) {
    return { ok: false, errors: [{ file, line: 1, path: '', message: 'the file is empty (it needs "programme:" and "milestones:")' }] };
  }
  const report = (path: readonly PathKey[], message: string): void => {
    errors.push({ file, line: lineOf(doc, counter, path), path: pathText(path), message });
  };
  const warn = (path: readonly PathKey[], message: string): void => {
    warnings.push({ file, line: lineOf(doc, counter, path), path: pathText(path), message });
  };

  const parsed = programmeSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const path = issue.path as PathKey[];
      const shown = key !== undefined ? [...path, key] : path;
      errors.push({ file, line: lineOf(doc, counter, path, key), path: pathText(shown), message: describeIssue(issue, doc) });
    }
  }

  // Milestones are read one by one, so that one bad entry does not hide the date and duplicate errors of others.
  const entries: unknown[] = Array.isArray((raw as { milestones?: unknown }).milestones) ? (raw as { milestones: unknown[] }).milestones : [];
  const firstLine = new Map<string, number>();
  const milestones: Milestone[] = [];
  entries.forEach((value, index) => {
    const entry = looseMilestone.safeParse(value);
    if (!entry.success) return;
    const line = lineOf(doc, counter, ['milestones', index, 'id']);
    const seen = firstLine.get(entry.data.id);
    if (seen !== undefined) report(['milestones', index, 'id'], `duplicate id "${entry.data.id}" (first used on line ${seen})`);
    else firstLine.set(entry.data.id, line);
    const milestone = toMilestone(entry.data, index, report, warn);
    if (milestone) milestones.push(milestone);
  });

  // Read from the raw file too, so a bad time zone is reported alongside the other errors, not after them.
  const given = (raw as { timezone?: unknown }).timezone;
  const timezone = (parsed.success ? parsed.data.timezone : typeof given === 'string' ? given.trim() || undefined : undefined) || defaultZone;
  if (!IANAZone.isValidZone(timezone)) report(['timezone'], `${quote(timezone)} is not a time zone (try "Europe/London")`);
  const themes = [...new Set(milestones.flatMap((m) => m.themes))].sort();
  const leads = parsed.success ? defaultLeads(parsed.data.leads, themes, report) : {};
  if (parsed.success) checkReferences(parsed.data, milestones, report);
  if (!parsed.success || errors.length) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  const data = parsed.data;
  for (const m of milestones) {
    const report = m.source && reportName(data.sources, m.source.seed);
    if (m.source && report !== undefined) m.source = { ...m.source, report };
  }

  return {
    ok: true,
    warnings,
    programme: {
      name: data.programme,
      file,
      timezone,
      dueSoonDays: data.due_soon_days,
      reminders: data.reminders,
      digest: data.digest,
      escalation: data.escalation,
      leads,
      milestones,
      themes,
      glossary: data.glossary,
      sources: data.sources ?? {},
    },
  };
}

/** A chat identity written in the file (`slack:U0123ABC`); anything else under `leads:` is a post title. */
const IDENTITY = /^(slack|teams|console):[^\s|<>]+$/;

/** `leads:` as owners, each under a theme some milestone has (a misspelt theme would lead nothing, silently). */
function defaultLeads(given: Record<string, string>, themes: readonly string[], report: (path: readonly PathKey[], message: string) => void): Programme['leads'] {
  const leads: Programme['leads'] = {};
  for (const [theme, who] of Object.entries(given)) {
    if (!themes.includes(theme)) {
      report(['leads', theme], `no milestone has the theme "${echoed(theme)}" (themes: ${themes.join(', ')})`);
      continue;
    }
    leads[theme] = IDENTITY.test(who) ? { id: who, name: who.slice(who.indexOf(':') + 1) } : { id: roleId(who), name: who };
  }
  return leads;
}
