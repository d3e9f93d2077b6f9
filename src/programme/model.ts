// The programme as the bot uses it: milestones with their phrases already read into day spans.
import { DateTime } from 'luxon';
import { validDay, type DaySpan } from './phrases.js';
import type { DigestPolicy, EscalationPolicy, GlossaryEntry, ReminderPolicy, SourceName } from './schema.js';

export interface DatedPhrase {
  /** The words as written, kept for display. */
  phrase: string;
  span: DaySpan;
}

export interface Milestone {
  id: string;
  title: string;
  /** The stated deadline: the seed's own words and how the bot reads them. Undefined when the seed gives no date. */
  due?: DatedPhrase;
  /** The seed's own words about when, always kept for display ("not stated", "timing unclear"). */
  stated: string;
  /** The seed gives no date: no deadline, no nudges, never overdue (until a local `revise` dates it). */
  undated?: boolean;
  reading?: string;
  themes: string[];
  aliases: string[];
  /** `report`: the seed as people know it ("North Lincolnshire Health and Wellbeing Board, 21 February 2023"). */
  source?: { seed: string; section: string; also?: string; quote?: string; report?: string };
  revised?: DatedPhrase & { note?: string };
  completed?: DatedPhrase & { note?: string };
  /** Overtaken by later policy (not done): `by` says what replaced it. */
  superseded?: DatedPhrase & { by: string; note?: string };
  /** What the public record shows so far, while it is neither done nor superseded. */
  progress?: string;
  /** No public record of the outcome: overdue may only mean nobody has confirmed it. */
  unverified?: boolean;
}

export interface Programme {
  name: string;
  /** File name the programme came from, for messages. */
  file: string;
  timezone: string;
  dueSoonDays: number;
  reminders: ReminderPolicy;
  digest: DigestPolicy;
  escalation: EscalationPolicy;
  /** Default lead per theme from the file (`role:` post or a chat identity); the store's `lead` overrides them. */
  leads: Record<string, { id: string; name: string }>;
  milestones: Milestone[];
  themes: string[];
  /** The sector's words: terms that mean the same, and the milestones they lead to. */
  glossary: GlossaryEntry[];
  /** Seed file name -> its readable name and date. */
  sources: Record<string, SourceName>;
}

// Time-zone arithmetic goes through Intl and is the costliest part of a status reply; days and zones repeat,
// and DateTimes are immutable, so they are computed once.
const startCache = new Map<string, DateTime>();
const endCache = new Map<string, DateTime>();
const MAX_CACHED = 50_000;

function cached(cache: Map<string, DateTime>, key: string, make: () => DateTime): DateTime {
  let value = cache.get(key);
  if (!value) {
    if (cache.size >= MAX_CACHED) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** The first instant of an ISO day in a zone. */
function startOfDay(day: string, zone: string): DateTime {
  return cached(startCache, `${zone} ${day}`, () => DateTime.fromISO(day, { zone }));
}

/** The first instant of a span's first day in a zone, remembered on the span like its deadline. */
export function startOfSpan(span: DaySpan, zone: string): DateTime {
  const known = spanStarts.get(span);
  if (known?.zone === zone) return known.start;
  const start = startOfDay(span.first, zone);
  spanStarts.set(span, { zone, start });
  return start;
}

const spanStarts = new WeakMap<DaySpan, { zone: string; start: DateTime }>();

/** The deadline of a span: the end of its last day in the programme's time zone. */
export function endOfSpan(span: DaySpan, zone: string): DateTime {
  // Spans are long-lived (the programme's, the store's): the object itself is the quickest key.
  const known = spanEnds.get(span);
  if (known?.zone === zone) return known.end;
  const end = cached(endCache, `${zone} ${span.last}`, () => DateTime.fromISO(span.last, { zone }).endOf('day'));
  spanEnds.set(span, { zone, end });
  return end;
}

const spanEnds = new WeakMap<DaySpan, { zone: string; end: DateTime }>();

/**
 * The calendar day (ISO, "2023-05-11") an instant falls on in a zone. Remembered per DateTime, and per zone
 * as the span of the last day asked about, so a clock that moves on within the day costs no Intl call.
 */
export function dayIn(instant: DateTime, zone: string): string {
  const known = dayCache.get(instant);
  if (known?.zone === zone) return known.day;
  const ms = instant.toMillis();
  const recent = recentDays.get(zone);
  // A clock's instants are new each time and fall on the recent day: not worth remembering one by one.
  if (recent && ms >= recent.from && ms < recent.to) return recent.day;
  const start = instant.setZone(zone).startOf('day');
  const day = start.toISODate() ?? instant.toISODate() ?? '';
  // The next day's own start: where a clock change skips midnight, a day starts at 01:00, the next at 00:00.
  if (start.isValid) recentDays.set(zone, { day, from: start.toMillis(), to: start.plus({ days: 1 }).startOf('day').toMillis() });
  dayCache.set(instant, { zone, day });
  return day;
}

const dayCache = new WeakMap<DateTime, { zone: string; day: string }>();

/** An ISO day as days since 1 January 1970 (NaN for text that is not one): differences count calendar days. */
export function epochDay(iso: string): number {
  let days = epochDays.get(iso);
  if (days === undefined) {
    if (epochDays.size >= MAX_CACHED) epochDays.clear();
    days = Date.parse(iso) / 86_400_000;
    epochDays.set(iso, days);
  }
  return days;
}

const epochDays = new Map<string, number>();
/** Per zone: the last day computed, as the instants it starts and the next day starts. */
const recentDays = new Map<string, { day: string; from: number; to: number }>();

/** Real ISO days as written to people: the same few days are on every status line. */
const dayTexts = new Map<string, string>();
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * "11 May 2023": how dates are written to people. A string is an ISO day, written as it is; an instant is
 * written as its day in `zone`. Done by hand because it is on every status line, and Intl formatting is not.
 */
export function formatDay(day: DateTime | string, zone: string): string {
  const iso = typeof day === 'string' ? day : dayIn(day, zone);
  const known = dayTexts.get(iso);
  if (known) return known;
  const parts = ISO_DAY.exec(iso);
  if (parts && validDay(Number(parts[1]), Number(parts[2]), Number(parts[3]))) {
    const text = `${Number(parts[3])} ${MONTHS[Number(parts[2]) - 1]} ${parts[1]}`;
    if (dayTexts.size >= MAX_CACHED) dayTexts.clear();
    dayTexts.set(iso, text);
    return text;
  }
  // Not a real day ("2023-02-30"): luxon says so, as it always has.
  return DateTime.fromISO(iso, { zone }).toFormat('d LLLL yyyy', { locale: 'en-GB' });
}

/** "11 May 2023, 09:00": an instant in the programme's time zone. */
export function formatInstant(instant: DateTime, zone: string): string {
  return instant.setZone(zone).toFormat('d LLLL yyyy, HH:mm', { locale: 'en-GB' });
}
