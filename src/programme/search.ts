// Finds milestones from what officers type: an id, a theme, an alias, a term from the programme's glossary
// ("LAC", "MASH"), or words from a milestone's title, source and notes. Singular and plural, British and American
// spellings alike (words.ts); a phrase finds at least what its most specific word finds, best matches first; typos
// are answered with the nearest term ("did you mean"), never a short acronym with another one.
import { distance } from 'fastest-levenshtein';
import type { Milestone, Programme } from './model.js';
import { canonicalWord, normaliseQuery, searchWords, termKey, words } from './words.js';

export { normaliseQuery } from './words.js';

export type SearchResult =
  | { kind: 'id'; milestone: Milestone }
  | {
      kind: 'matches';
      /** Best first: the phrase itself (a theme, alias or glossary term), then every word, then fewer. */
      milestones: readonly Milestone[];
      /** Found only by the query's most specific word, or only in sources and notes: shown apart, after. */
      related: readonly Milestone[];
      /** The word that found `related`. */
      relatedBy?: string;
      matchedBy: 'theme' | 'alias' | 'words';
      /** How well each matched: higher first; the reply breaks ties by deadline. */
      scores: ReadonlyMap<Milestone, number>;
      correctedFrom?: string;
      term: string;
    }
  /** `nearest`: what the glossary offers for a term no milestone is about ("adoption" -> kinship). */
  | { kind: 'none'; suggestions: readonly string[]; nearest: readonly Milestone[] };

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'and', 'or', 'for', 'on', 'in', 'at', 'to', 'from', 'by', 'with', 'as', 'is', 'be', 'it', 'its', 'this', 'that', 'what', 'whats', 'status', 'about', 'are', 'our', 'we']);

/** A phrase officers type, and what it finds. `kind` says how the reply is headed. */
interface Phrase {
  milestones: Set<Milestone>;
  kind: 'id' | 'theme' | 'alias' | 'glossary';
  nearest: Set<Milestone>;
}

/** The programme read for search once: the programme is replaced whole on an edit, never changed in place. */
interface ProgrammeIndex {
  exact: Map<string, Milestone>;
  phrases: Map<string, Phrase>;
  /** Words of id, title, themes and aliases: what a milestone is called. */
  primary: Map<Milestone, Set<string>>;
  /** Words of its source, reading, notes and stated due: what is said about it. */
  secondary: Map<Milestone, Set<string>>;
  vocabulary: string[];
  /**
   * Per query word, the milestones it finds by name and by name or what is said about them, worked out once: a
   * word's prefix match scans every milestone's words, and officers ask about the same few words all week.
   */
  hits: Map<string, WordHits>;
  /**
   * Each query's answer, by its text: the answer depends on the programme and the query alone, never on the store
   * or the time, and officers ask the same few queries all week (a phrase's scoring and ranking walks every
   * milestone). Shared between callers, so answers are frozen.
   */
  answers: Map<string, SearchResult>;
}

interface WordHits {
  named: Set<Milestone>;
  said: Set<Milestone>;
}

/** Words remembered per programme; past this the memory is emptied, so arbitrary queries cannot grow it. */
const MAX_REMEMBERED_WORDS = 2_000;
/** Queries answered from memory per programme; emptied past this, as the words are. */
const MAX_REMEMBERED_QUERIES = 500;
/** The longest query remembered: a pasted paragraph is answered afresh rather than kept. */
const MAX_REMEMBERED_QUERY_CHARS = 200;

const indexes = new WeakMap<Programme, ProgrammeIndex>();
const RANK: Record<Phrase['kind'], number> = { id: 0, glossary: 1, alias: 2, theme: 3 };

function addPhrase(phrases: Map<string, Phrase>, text: string, kind: Phrase['kind'], found: Iterable<Milestone>, nearest: Iterable<Milestone> = []): void {
  const key = termKey(text);
  if (!key) return;
  const known = phrases.get(key) ?? { milestones: new Set<Milestone>(), kind, nearest: new Set<Milestone>() };
  for (const m of found) known.milestones.add(m);
  for (const m of nearest) known.nearest.add(m);
  // The heading names the strongest reading: a theme over an alias over a glossary term.
  if (RANK[kind] > RANK[known.kind]) known.kind = kind;
  phrases.set(key, known);
}

function indexOf(programme: Programme): ProgrammeIndex {
  const known = indexes.get(programme);
  if (known) return known;
  const index: ProgrammeIndex = { exact: new Map(), phrases: new Map(), primary: new Map(), secondary: new Map(), vocabulary: [], hits: new Map(), answers: new Map() };
  const byId = new Map(programme.milestones.map((m) => [m.id, m]));
  for (const m of programme.milestones) {
    if (!index.exact.has(m.id)) index.exact.set(m.id, m);
    addPhrase(index.phrases, m.id, 'id', [m]);
    for (const t of m.themes) addPhrase(index.phrases, t, 'theme', [m]);
    for (const a of m.aliases) addPhrase(index.phrases, a, 'alias', [m]);
    index.primary.set(m, new Set([m.id, m.title, ...m.themes, ...m.aliases].flatMap(searchWords)));
    // Not the section's or the report's name: "Agenda item", "Minutes" would find every milestone of a seed.
    const said = [m.stated, m.reading, m.progress, m.source?.also, m.source?.quote, m.completed?.note, m.superseded?.by, m.superseded?.note, m.revised?.note];
    index.secondary.set(m, new Set(said.flatMap((t) => (t ? searchWords(t) : []))));
  }
  // A glossary entry's terms mean the same: each finds what any of them names, and the milestones it lists.
  for (const entry of programme.glossary) {
    const found = new Set(entry.milestones.flatMap((id) => byId.get(id) ?? []));
    for (const term of entry.terms) for (const m of index.phrases.get(termKey(term))?.milestones ?? []) found.add(m);
    const nearest = entry.nearest.flatMap((id) => byId.get(id) ?? []);
    for (const term of entry.terms) addPhrase(index.phrases, term, 'glossary', found, nearest);
  }
  const vocabulary = new Set<string>(index.phrases.keys());
  for (const m of programme.milestones) for (const w of words(m.title)) if (w.length >= 4 && !STOP_WORDS.has(w)) vocabulary.add(w);
  vocabulary.delete('');
  index.vocabulary = [...vocabulary];
  indexes.set(programme, index);
  return index;
}

/** Whether a set of words has `w`, or a word it begins (four letters or more: "kinsh" is a start of "kinship"). */
function has(set: Set<string>, w: string): boolean {
  if (set.has(w)) return true;
  if (w.length < 4) return false;
  for (const h of set) if (h.startsWith(w)) return true;
  return false;
}

function hitsOf(programme: Programme, index: ProgrammeIndex, w: string): WordHits {
  let hits = index.hits.get(w);
  if (!hits) {
    hits = { named: new Set(), said: new Set() };
    const glossary = index.phrases.get(w)?.milestones;
    for (const m of programme.milestones) {
      const named = has(index.primary.get(m)!, w) || (glossary?.has(m) ?? false);
      if (named) hits.named.add(m);
      if (named || has(index.secondary.get(m)!, w)) hits.said.add(m);
    }
    if (index.hits.size >= MAX_REMEMBERED_WORDS) index.hits.clear();
    index.hits.set(w, hits);
  }
  return hits;
}

/**
 * The query's words as the index has them: stop words out, and a short plural ("IROs", "SGOs") as its singular
 * where that is a term of the programme (pluralize leaves words under five letters alone).
 */
function queryWords(index: ProgrammeIndex, text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOP_WORDS.has(w)) continue;
    const c = canonicalWord(w);
    const stem = c.length > 2 && c.endsWith('s') && !index.phrases.has(c) && index.phrases.has(c.slice(0, -1)) ? c.slice(0, -1) : c;
    out.push(stem);
  }
  return out;
}

type Found = Omit<Extract<SearchResult, { kind: 'matches' }>, 'term' | 'correctedFrom'>;

/** `strict`: only what the whole phrase, or every word, finds (a corrected query must not find by one word). */
function find(programme: Programme, text: string, strict = false): Found | undefined {
  const index = indexOf(programme);
  const key = termKey(text);
  const wanted = queryWords(index, text);
  const phrase = index.phrases.get(key) ?? (wanted.length ? index.phrases.get(wanted.join(' ')) : undefined);
  // A term the glossary says nothing is about ("family finding"): its words must not make it seem otherwise.
  if (phrase && !phrase.milestones.size && phrase.nearest.size) return undefined;
  const score = new Map<Milestone, number>();
  const bump = (m: Milestone, by: number) => score.set(m, (score.get(m) ?? 0) + by);
  for (const m of phrase?.milestones ?? []) bump(m, 100);

  // A word finds a milestone by its name (id, title, theme, alias), by a glossary term, or by what is said about it.
  const wordHits = new Map(wanted.map((w) => [w, hitsOf(programme, index, w)]));
  const byName = (m: Milestone, w: string) => wordHits.get(w)!.named.has(m);
  const byNameOrSaid = (m: Milestone, w: string) => wordHits.get(w)!.said.has(m);
  const strong = new Set(phrase?.milestones ?? []);
  let related = new Set<Milestone>();
  let relatedBy: string | undefined;
  if (wanted.length) {
    for (const m of programme.milestones) {
      const named = wanted.filter((w) => byName(m, w)).length;
      const said = wanted.filter((w) => byNameOrSaid(m, w)).length;
      bump(m, named * 10 + (said - named) * 2);
      // A known phrase ("children in care") is answered by what it names; milestones that merely use its words
      // ("Children's Social Care National Framework") come after, apart.
      if (named === wanted.length && !phrase) strong.add(m);
      else if (said === wanted.length && !strong.has(m)) related.add(m);
    }
    // The most specific word (the one that finds fewest, but some): a phrase finds at least what it finds. Only
    // words of three letters or more, not numbers, and only when at least half of them find something: one word
    // of a pasted sentence (one word of a template string or some code) is not what was asked about.
    const meaningful = wanted.filter((w) => w.length >= 3 && !/^\d+$/.test(w));
    const hits = meaningful.map((w) => ({ w, found: programme.milestones.filter((m) => byNameOrSaid(m, w)) })).filter((h) => h.found.length);
    const specific = hits.length * 2 >= meaningful.length ? hits.sort((a, b) => a.found.length - b.found.length)[0] : undefined;
    if (specific && wanted.length > 1 && !strict) {
      for (const m of specific.found) related.add(m);
      relatedBy = specific.w;
    }
  }
  for (const m of strong) related.delete(m);
  if (!strong.size && (strict || !related.size)) return undefined;
  const ranked = (set: Set<Milestone>) => [...set].sort((a, b) => (score.get(b) ?? 0) - (score.get(a) ?? 0));
  // Found only in what is said about them: those are the answer, if nothing is called by the words.
  if (!strong.size) {
    for (const m of related) strong.add(m);
    related = new Set();
    relatedBy = undefined;
  }
  const matchedBy = phrase?.kind === 'theme' ? 'theme' : phrase && phrase.kind !== 'id' ? 'alias' : 'words';
  return { kind: 'matches', milestones: ranked(strong), related: ranked(related), ...(related.size && relatedBy ? { relatedBy } : {}), matchedBy, scores: score };
}

/** Words shorter than this are never corrected into an answer, nor offered as "did you mean". */
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
  const key = query.trim();
  if (key.length > MAX_REMEMBERED_QUERY_CHARS) return searchAfresh(programme, query);
  const answers = indexOf(programme).answers;
  let answer = answers.get(key);
  if (!answer) {
    answer = frozen(searchAfresh(programme, key));
    if (answers.size >= MAX_REMEMBERED_QUERIES) answers.clear();
    answers.set(key, answer);
  }
  return answer;
}

/** An answer that can be handed to every caller: its lists cannot be changed by one of them (its scores are a ReadonlyMap). */
function frozen(answer: SearchResult): SearchResult {
  if (answer.kind === 'id') return Object.freeze(answer);
  if (answer.kind === 'none') return Object.freeze({ ...answer, suggestions: Object.freeze([...answer.suggestions]), nearest: Object.freeze([...answer.nearest]) });
  return Object.freeze({ ...answer, milestones: Object.freeze([...answer.milestones]), related: Object.freeze([...answer.related]) });
}

/** The answer worked out from the index; searchMilestones remembers it. Depends on the query with its ends trimmed. */
function searchAfresh(programme: Programme, query: string): SearchResult {
  const raw = query.trim().toLowerCase();
  const index = indexOf(programme);
  const exact = index.exact.get(raw) ?? index.exact.get(raw.replace(/\s+/g, '-'));
  if (exact) return { kind: 'id', milestone: exact };

  const term = normaliseQuery(query);
  const direct = find(programme, query);
  if (direct) {
    const only = direct.milestones.length === 1 && !direct.related.length ? direct.milestones[0]! : undefined;
    if (only && termKey(only.id) === termKey(query)) return { kind: 'id', milestone: only };
    return { ...direct, term: query.trim() };
  }
  const nearestOf = (text: string) => [...(index.phrases.get(termKey(text))?.nearest ?? [])];
  const nearest = [...new Set([...nearestOf(query), ...words(term).flatMap(nearestOf)])];
  // "the", "what is": nothing to look for, and nothing to correct into a word that happens to be near.
  if (!words(term).some((w) => !STOP_WORDS.has(w))) return { kind: 'none', suggestions: [], nearest };
  if (nearest.length) return { kind: 'none', suggestions: [], nearest };
  // Correct each word on its own, so "kinshp stratgy" still finds kinship-strategy. A short word is not corrected:
  // one letter off a short alias is another council term as often as a typo ("CAF" is not "CAO"), so it is
  // neither corrected nor offered; the answer says plainly that nothing is about it.
  const correctable = (w: string) => w.length >= MIN_CORRECTED_LENGTH;
  const vocab = index.vocabulary;
  const corrected = words(term).map((w) => (correctable(w) ? nearestTerms(w, vocab, 1)[0] ?? w : w)).join(' ');
  const whole = correctable(term) ? nearestTerms(term, vocab, 1)[0] : undefined;
  for (const candidate of [whole, corrected]) {
    if (!candidate || candidate === term) continue;
    const found = find(programme, candidate, true);
    if (found) return { ...found, correctedFrom: query.trim(), term: candidate };
  }
  const longWords = words(term).every((w) => STOP_WORDS.has(w) || correctable(w));
  return { kind: 'none', suggestions: longWords ? nearestTerms(term, vocab, 3) : [], nearest: [] };
}
