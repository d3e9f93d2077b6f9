// Deadline phrases as people write them in committee reports ("spring 2024", "end March 2025", "2024-25")
// become a span of calendar days. The deadline of a phrase is the end of the span's last day, in the
// programme's time zone (see model.ts). Pure: no clock, no I/O.
import { DateTime } from 'luxon';

/** Calendar days, inclusive, as ISO dates (yyyy-mm-dd). */
export interface DaySpan {
  first: string;
  last: string;
}

export type PhraseResult =
  | { ok: true; span: DaySpan; kind: PhraseKind; warning?: string }
  | { ok: false; reason: 'unreadable' | 'needs-anchor' | 'out-of-range' };

export type PhraseKind = 'day' | 'month' | 'season' | 'part-year' | 'quarter' | 'year' | 'financial-year' | 'start' | 'relative';

export const PHRASE_EXAMPLES = ['11 May 2023', 'September 2023', 'spring 2024', 'end of 2027'];

/** The same kinds of phrase, dated after `today` (yyyy-mm-dd), for someone typing a deadline in chat. */
export function phraseExamples(today: string): string[] {
  const year = Number(today.slice(0, 4)) + 1;
  return [`11 May ${year}`, `September ${year}`, `spring ${year}`, `end of ${year + 1}`, 'in six months'];
}

/** Why a phrase was not read, and what to write instead; with `today`, the examples lie ahead of it. */
export function phraseHint(text: string, today?: string): string {
  const examples = today ? phraseExamples(today) : PHRASE_EXAMPLES;
  if (/\b(?:autumn|spring|summer|christmas|easter|half)[ -]terms?\b/i.test(text)) {
    // The term's own year where it gives one ("autumn term 2024"), else a year ahead.
    const year = /\b(\d{4})\b/.exec(text)?.[1] ?? (today ? examples[0]!.slice(-4) : '2024');
    return `school terms are not read, as their dates differ between councils: write the date, such as "31 December ${year}"`;
  }
  // "31 June 2023": the month is right and the day is not in it.
  const day = /^\s*(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\s+(\d{4})\s*$/i.exec(text);
  const month = day ? MONTHS.indexOf(day[2]!.toLowerCase()) : -1;
  if (day && month >= 0) {
    const length = daysInMonth(Number(day[3]), month + 1);
    if (Number(day[1]) > length) return `${MONTHS[month]![0]!.toUpperCase()}${MONTHS[month]!.slice(1)} ${day[3]} has ${length} days`;
  }
  return `try ${examples.map((p) => `"${p}"`).join(', ')}`;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, eighteen: 18, 'twenty-four': 24,
};

// Meteorological seasons, as UK public-sector readers take them; winter belongs to the year it starts in.
const SEASONS: Record<string, [number, number]> = { spring: [3, 5], summer: [6, 8], autumn: [9, 11], winter: [12, 14] };
const PARTS_OF_YEAR: Record<string, [number, number]> = { early: [1, 4], mid: [5, 8], late: [9, 12] };

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;
/** The years read, as a refusal says them. */
export const YEAR_RANGE = `${MIN_YEAR} to ${MAX_YEAR}`;
const MAX_PHRASE_LENGTH = 120;

/** A table entry by a typed word; own keys only, so `constructor` or `__proto__` is not a season or a number. */
function lookup<T>(table: Record<string, T>, word: string): T | undefined {
  return Object.hasOwn(table, word) ? table[word] : undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function iso(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

function daysInMonth(year: number, month: number): number {
  return DateTime.utc(year, month).daysInMonth ?? 31;
}

/** A span of whole months; months past 12 run into the next year (winter is 12..14). */
function monthSpan(year: number, fromMonth: number, toMonth: number): DaySpan {
  const at = (month: number): [number, number] => [year + Math.floor((month - 1) / 12), ((month - 1) % 12) + 1];
  const [startYear, startMonth] = at(fromMonth);
  const [endYear, endMonth] = at(toMonth);
  return { first: iso(startYear, startMonth, 1), last: iso(endYear, endMonth, daysInMonth(endYear, endMonth)) };
}

function monthNumber(word: string): number | undefined {
  const w = word.replace(/\.$/, '');
  const index = MONTHS.findIndex((m) => m === w || m.slice(0, 3) === w || (w === 'sept' && m === 'september'));
  return index >= 0 ? index + 1 : undefined;
}

function yearNumber(text: string): number | undefined {
  if (!/^\d{4}$/.test(text)) return undefined;
  const y = Number(text);
  return y >= MIN_YEAR && y <= MAX_YEAR ? y : undefined;
}

/** Whether year, month and day name a real calendar day (not 30 February, not month 13). */
export function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Lower-case, single spaces, curly quotes straightened, no trailing full stop; then the other ways reports write
 * the same thing, rewritten to one: "end-March" as "end March", "11th of May" as "11th May", "Quarter 3 of" as
 * "q3", "2024/25 financial year" as "financial year 2024/25", two-digit years ("FY24/25", "Q4 24/25") in full.
 */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.,;]+$/, '')
    .replace(/\b(end|mid|early|late)-(?=[a-z0-9])/g, '$1 ')
    .replace(/\b(\d{1,2}(?:st|nd|rd|th)?) of (?=[a-z])/g, '$1 ')
    .replace(/\bquarter ([1-4])\b/g, 'q$1')
    .replace(/\b(q[1-4]) of\b/g, '$1')
    .replace(/^(.*?)(\d{4}[-/]\d{2,4}) financial year$/, '$1financial year $2')
    .replace(/\b(fy ?|q[1-4] )(\d{2})[-/](\d{2})$/, '$120$2-$3');
}

// Words in front of a phrase that do not move its deadline: "by end of 2027" is due when "2027" is.
const LEADING_WORDS = /^(?:by|in|during|before the end of|before the end|before end of|before end|by the end of|by end of|the end of|end of|end|the|no later than|deadline)\s+/;

function stripLeading(text: string): string {
  let previous = '';
  let current = text;
  while (current !== previous) {
    previous = current;
    current = current.replace(LEADING_WORDS, '');
  }
  return current;
}

function addDays(isoDay: string, days: number): string {
  return DateTime.fromISO(isoDay, { zone: 'utc' }).plus({ days }).toISODate() ?? isoDay;
}

function addMonths(isoDay: string, months: number): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return iso(year, month, Math.min(d, daysInMonth(year, month)));
}

function financialYear(startText: string, endText: string | undefined): DaySpan | undefined {
  const start = yearNumber(startText);
  if (start === undefined) return undefined;
  if (endText !== undefined) {
    const end = endText.length === 2 ? Math.floor(start / 100) * 100 + Number(endText) : Number(endText);
    if (end !== start + 1) return undefined;
  }
  return { first: iso(start, 4, 1), last: iso(start + 1, 3, 31) };
}

/** Parses an absolute phrase (no "from", no relative words). */
function parseAbsolute(text: string): Extract<PhraseResult, { ok: true }> | undefined {
  let m: RegExpMatchArray | null;

  if ((m = text.match(/^(\d{4})-(\d{2})-(\d{2})$/))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (yearNumber(m[1]!) === undefined || !validDay(y, mo, d)) return undefined;
    return { ok: true, kind: 'day', span: { first: iso(y, mo, d), last: iso(y, mo, d) } };
  }
  // "11/05/2023", "11-05-2023", "11.05.2023": day first, as UK reports write them.
  if ((m = text.match(/^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/))) {
    const [d, mo, y] = [Number(m[1]), Number(m[3]), Number(m[4])];
    if (yearNumber(m[4]!) === undefined || !validDay(y, mo, d)) return undefined;
    return { ok: true, kind: 'day', span: { first: iso(y, mo, d), last: iso(y, mo, d) } };
  }
  // "11 May 2023", "11th May 2023", "Thursday 11 May 2023"
  if ((m = text.match(/^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,? )?(\d{1,2})(?:st|nd|rd|th)? ([a-z]+\.?),? (\d{4})$/))) {
    const month = monthNumber(m[2]!);
    const year = yearNumber(m[3]!);
    const day = Number(m[1]);
    if (month === undefined || year === undefined || !validDay(year, month, day)) return undefined;
    return { ok: true, kind: 'day', span: { first: iso(year, month, day), last: iso(year, month, day) } };
  }
  // "mid March 2025": early is the 1st to the 10th, mid the 11th to the 20th, late the 21st to the month's end.
  if ((m = text.match(/^(early|mid|late) ([a-z]+\.?) (\d{4})$/))) {
    const month = monthNumber(m[2]!);
    const year = yearNumber(m[3]!);
    if (month === undefined || year === undefined) return undefined;
    const [from, to] = m[1] === 'early' ? [1, 10] : m[1] === 'mid' ? [11, 20] : [21, daysInMonth(year, month)];
    return { ok: true, kind: 'month', span: { first: iso(year, month, from), last: iso(year, month, to) } };
  }
  // "H1 2025", "first half of 2025": calendar halves.
  if ((m = text.match(/^(?:h([12])|(first|second) half(?: of)?) (\d{4})$/))) {
    const year = yearNumber(m[3]!);
    if (year === undefined) return undefined;
    const first = m[1] === '1' || m[2] === 'first';
    return { ok: true, kind: 'part-year', span: monthSpan(year, first ? 1 : 7, first ? 6 : 12) };
  }
  // "May 2023"
  if ((m = text.match(/^([a-z]+\.?) (\d{4})$/))) {
    const year = yearNumber(m[2]!);
    if (year === undefined) return undefined;
    const month = monthNumber(m[1]!);
    if (month !== undefined) return { ok: true, kind: 'month', span: monthSpan(year, month, month) };
    const season = lookup(SEASONS, m[1]!);
    if (season) return { ok: true, kind: 'season', span: monthSpan(year, season[0], season[1]) };
    const part = lookup(PARTS_OF_YEAR, m[1]!);
    if (part) return { ok: true, kind: 'part-year', span: monthSpan(year, part[0], part[1]) };
    // Not a month, season or part of a year: another form may read it ("FY 2024" below).
  }
  // "winter 2024-25"
  if ((m = text.match(/^winter (\d{4})[-/](\d{2}|\d{4})$/))) {
    const fy = financialYear(m[1]!, m[2]!);
    if (!fy) return undefined;
    const year = Number(m[1]);
    return { ok: true, kind: 'season', span: monthSpan(year, 12, 14) };
  }
  // "Q2 2024" (calendar), "Q1 2024-25" (financial year quarter: Q1 = April–June)
  if ((m = text.match(/^q([1-4]) (\d{4})$/))) {
    const year = yearNumber(m[2]!);
    if (year === undefined) return undefined;
    const q = Number(m[1]);
    return { ok: true, kind: 'quarter', span: monthSpan(year, q * 3 - 2, q * 3) };
  }
  if ((m = text.match(/^q([1-4]) (?:fy ?)?(\d{4})[-/](\d{2}|\d{4})$/))) {
    const fy = financialYear(m[2]!, m[3]!);
    if (!fy) return undefined;
    const q = Number(m[1]);
    const year = Number(m[2]);
    return { ok: true, kind: 'quarter', span: monthSpan(year, q * 3 + 1, q * 3 + 3) };
  }
  // "2024-25", "2024/25", "FY2024-25", "financial year 2024-25"
  if ((m = text.match(/^(?:fy ?|financial year )?(\d{4})[-/](\d{2}|\d{4})$/))) {
    const span = financialYear(m[1]!, m[2]!);
    return span ? { ok: true, kind: 'financial-year', span } : undefined;
  }
  if ((m = text.match(/^(?:fy ?|financial year )(\d{4})$/))) {
    const span = financialYear(m[1]!, undefined);
    if (!span) return undefined;
    return {
      ok: true,
      kind: 'financial-year',
      span,
      warning: `"${text}" is ambiguous: read as ${m[1]}-${String(Number(m[1]) + 1).slice(2)} (1 April ${m[1]} to 31 March ${Number(m[1]) + 1})`,
    };
  }
  if ((m = text.match(/^(\d{4})$/))) {
    const year = yearNumber(m[1]!);
    return year === undefined ? undefined : { ok: true, kind: 'year', span: monthSpan(year, 1, 12) };
  }
  return undefined;
}

const RELATIVE = /^(?:in|within|over the (?:next|coming)|over|after) (\d{1,3}|[a-z-]+) (day|week|month|year)s?(?:'? time)?$/;

/**
 * Reads a deadline phrase. `anchor` (an ISO day) resolves relative phrases such as "in six months' time";
 * without one they fail with reason `needs-anchor`.
 */
export function parsePhrase(input: string, anchor?: string): PhraseResult {
  const result = parseInRange(input, anchor);
  if (result.ok) {
    // "in 999 years" reads, but lands where no year is read: chat and the file refuse it alike.
    const outside = (day: string) => Number(day.slice(0, 4)) < MIN_YEAR || Number(day.slice(0, 4)) > MAX_YEAR;
    return outside(result.span.first) || outside(result.span.last) ? { ok: false, reason: 'out-of-range' } : result;
  }
  if (result.reason !== 'unreadable' || typeof input !== 'string' || input.length > MAX_PHRASE_LENGTH) return result;
  // "May 9999": a phrase that reads with a year in range in place of its own is refused for its year.
  let outOfRange = false;
  const inRange = input.replace(/\b\d{4}\b/g, (year) => {
    if (yearNumber(year) !== undefined) return year;
    outOfRange = true;
    return String(MIN_YEAR + 100);
  });
  return outOfRange && parseInRange(inRange, anchor).ok ? { ok: false, reason: 'out-of-range' } : result;
}

function parseInRange(input: string, anchor?: string): PhraseResult {
  if (typeof input !== 'string' || input.length > MAX_PHRASE_LENGTH) return { ok: false, reason: 'unreadable' };
  const text = normalise(input);

  const relative = text.match(RELATIVE);
  if (relative) {
    const count = /^\d+$/.test(relative[1]!) ? Number(relative[1]) : lookup(NUMBER_WORDS, relative[1]!);
    if (count === undefined || count < 1) return { ok: false, reason: 'unreadable' };
    if (anchor === undefined) return { ok: false, reason: 'needs-anchor' };
    const unit = relative[2]!;
    const last =
      unit === 'day' ? addDays(anchor, count)
      : unit === 'week' ? addDays(anchor, 7 * count)
      : unit === 'month' ? addMonths(anchor, count)
      : addMonths(anchor, 12 * count);
    return { ok: true, kind: 'relative', span: { first: anchor, last } };
  }

  // "from April 2023": a start date. The commitment must be in place on the first day.
  const from = text.match(/^(?:from|starting|with effect from|w\/e\/f) (.+)$/);
  if (from) {
    const inner = parseAbsolute(stripLeading(from[1]!));
    if (!inner) return { ok: false, reason: 'unreadable' };
    // "from end of March 2025" starts on the span's last day, not its first.
    const day = /^(?:the )?end\b/.test(from[1]!) ? inner.span.last : inner.span.first;
    return { ok: true, kind: 'start', span: { first: day, last: day } };
  }

  // "before April 2024": the day before the span starts. "Before the end of March" is due when March is.
  const before = text.match(/^before (.+)$/);
  if (before && !/^before (?:the )?end\b/.test(text)) {
    const inner = parseAbsolute(stripLeading(before[1]!));
    if (!inner) return { ok: false, reason: 'unreadable' };
    const day = addDays(inner.span.first, -1);
    return { ok: true, kind: 'day', span: { first: day, last: day } };
  }

  return parseAbsolute(stripLeading(text)) ?? { ok: false, reason: 'unreadable' };
}
