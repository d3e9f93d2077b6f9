// Finds milestones from what officers type: an id, a theme, an alias ("SGO"), or words from titles.
// Case-insensitive, spaces and hyphens alike, typos answered with the nearest term ("did you mean").
import { distance } from 'fastest-levenshtein';
import type { Milestone, Programme } from './model.js';

export type SearchResult =
  | { kind: 'id'; milestone: Milestone }
  | { kind: 'matches'; milestones: Milestone[]; matchedBy: 'theme' | 'alias' | 'words'; correctedFrom?: string; term: string }
  | { kind: 'none'; suggestions: string[] };

const ASCII = /^[\x00-\x7f]*$/;

export function normaliseQuery(text: string): string {
  const lower = text.toLowerCase();
  // Plain ASCII has no accents to take off: NFKD would leave it as it is.
  const plain = ASCII.test(lower) ? lower : lower.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return plain
    .replace(/[\u2018\u2019']/g, '')
    .replace(/[^a-z0-9£]+/g, ' ')
    .trim();
}

function words(text: string): string[] {
  return normaliseQuery(text).split(' ').filter(Boolean);
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'and', 'for', 'on', 'in', 'to', 'by', 'with', 'is', 'what', 'whats', 'status']);

/** A milestone's searchable words, normalised once: the programme is read-only while the bot runs. */
interface Indexed {
  milestone: Milestone;
  words: Set<string>;
}

/** The programme's ids, themes and aliases as normalised terms, each to its milestones in file order. */
interface ProgrammeIndex {
  /** Ids exactly as written in the file. */
  exact: Map<string, Milestone>;
  byId: Map<string, Milestone[]>;
  byTheme: Map<string, Milestone[]>;
  byAlias: Map<string, Milestone[]>;
  milestones: Indexed[];
}

const indexes = new WeakMap<Programme, ProgrammeIndex>();

function add(map: Map<string, Milestone[]>, term: string, m: Milestone): void {
  const list = map.get(term);
  if (!list) map.set(term, [m]);
  else if (list.at(-1) !== m) list.push(m);
}

function indexOf(programme: Programme): ProgrammeIndex {
  let index = indexes.get(programme);
  if (!index) {
    index = { exact: new Map(), byId: new Map(), byTheme: new Map(), byAlias: new Map(), milestones: [] };
    for (const m of programme.milestones) {
      if (!index.exact.has(m.id)) index.exact.set(m.id, m);
      add(index.byId, normaliseQuery(m.id), m);
      for (const t of m.themes) add(index.byTheme, normaliseQuery(t), m);
      for (const a of m.aliases) add(index.byAlias, normaliseQuery(a), m);
      index.milestones.push({ milestone: m, words: new Set([...words(m.id), ...words(m.title), ...m.themes.flatMap(words), ...m.aliases.flatMap(words)]) });
    }
    indexes.set(programme, index);
  }
  return index;
}

function matchTerm(programme: Programme, term: string): Omit<Extract<SearchResult, { kind: 'matches' }>, 'term'> | undefined {
  const index = indexOf(programme);
  const byId = index.byId.get(term);
  if (byId?.length === 1) return { milestones: [...byId], matchedBy: 'words', kind: 'matches' };
  const byTheme = index.byTheme.get(term);
  if (byTheme) return { kind: 'matches', milestones: [...byTheme], matchedBy: 'theme' };
  const byAlias = index.byAlias.get(term);
  if (byAlias) return { kind: 'matches', milestones: [...byAlias], matchedBy: 'alias' };
  const wanted = words(term).filter((w) => !STOP_WORDS.has(w));
  if (!wanted.length) return undefined;
  const byWords = index.milestones
    .filter(({ words: hay }) => wanted.every((w) => hay.has(w) || [...hay].some((h) => w.length >= 4 && h.startsWith(w))))
    .map((i) => i.milestone);
  return byWords.length ? { kind: 'matches', milestones: byWords, matchedBy: 'words' } : undefined;
}

/** Every term a query may be corrected to: ids, themes, aliases and title words. */
const vocabularies = new WeakMap<Programme, string[]>();

function vocabulary(programme: Programme): string[] {
  const known = vocabularies.get(programme);
  if (known) return known;
  const terms = new Set<string>();
  for (const m of programme.milestones) {
    terms.add(normaliseQuery(m.id));
    for (const t of m.themes) terms.add(normaliseQuery(t));
    for (const a of m.aliases) terms.add(normaliseQuery(a));
    for (const w of words(m.title)) if (w.length >= 4 && !STOP_WORDS.has(w)) terms.add(w);
  }
  terms.delete('');
  const list = [...terms];
  vocabularies.set(programme, list);
  return list;
}

/** Words shorter than this are suggested, never corrected into an answer. */
const MIN_CORRECTED_LENGTH = 5;

/** Whether `b` is `a` with two neighbouring letters swapped ("kinsihp" for "kinship"). */
function oneSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Edits between two words, counting swapped neighbours as one slip of the fingers, not two (Levenshtein's). */
function typoDistance(a: string, b: string): number {
  const d = distance(a, b);
  return d === 2 && oneSwap(a, b) ? 1 : d;
}

/** The nearest terms to `term`, close enough to be a typo of it. */
export function nearestTerms(term: string, candidates: string[], limit = 3, allowed = Math.max(1, Math.floor(term.length / 4))): string[] {
  return candidates
    .map((c) => ({ c, d: typoDistance(term, c) }))
    .filter((x) => x.d <= allowed && x.d > 0)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map((x) => x.c);
}

export function searchMilestones(programme: Programme, query: string): SearchResult {
  const raw = query.trim().toLowerCase();
  const hyphened = raw.replace(/\s+/g, '-');
  const { exact: ids } = indexOf(programme);
  const exact = ids.get(raw) ?? ids.get(hyphened);
  if (exact) return { kind: 'id', milestone: exact };

  const term = normaliseQuery(query);
  const direct = matchTerm(programme, term);
  if (direct) {
    if (direct.milestones.length === 1 && normaliseQuery(direct.milestones[0]!.id) === term) {
      return { kind: 'id', milestone: direct.milestones[0]! };
    }
    return { ...direct, term: query.trim() };
  }

  // "the", "what is": nothing to look for, and nothing to correct into a word that happens to be near.
  if (!words(term).some((w) => !STOP_WORDS.has(w))) return { kind: 'none', suggestions: [] };
  const vocab = vocabulary(programme);
  // Correct each word on its own, so "kinshp stratgy" still finds kinship-strategy. A short word is not corrected:
  // one letter off a short alias is another council term as often as a typo ("CLA", "MASH", "CAF" are not "CMA",
  // "MASA", "CAO"), so it gets "did you mean" rather than an answer about something else.
  const correctable = (w: string) => w.length >= MIN_CORRECTED_LENGTH;
  // A plural of a known term is that term ("SGOs"), whatever its length.
  const known = new Set(vocab);
  const singular = (w: string) => (w.length > 2 && w.endsWith('s') && known.has(w.slice(0, -1)) ? w.slice(0, -1) : undefined);
  const corrected = words(term).map((w) => singular(w) ?? (correctable(w) ? nearestTerms(w, vocab, 1)[0] ?? w : w)).join(' ');
  const whole = correctable(term) ? nearestTerms(term, vocab, 1)[0] : undefined;
  for (const candidate of [whole, corrected]) {
    if (!candidate || candidate === term) continue;
    const found = matchTerm(programme, candidate);
    if (found) return { ...found, correctedFrom: query.trim(), term: candidate };
  }
  return { kind: 'none', suggestions: nearestTerms(term, vocab, 3) };
}
