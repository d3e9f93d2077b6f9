// The programme as the bot uses it: milestones with their phrases already read into day spans.
import { DateTime } from 'luxon';
import type { DaySpan } from './phrases.js';
import type { DigestPolicy, ReminderPolicy } from './schema.js';

export interface DatedPhrase {
  /** The words as written, kept for display. */
  phrase: string;
  span: DaySpan;
}

export interface Milestone {
  id: string;
  title: string;
  /** The stated deadline: the seed's own words and how the bot reads them. */
  due: DatedPhrase;
  reading?: string;
  themes: string[];
  aliases: string[];
  source?: { seed: string; section: string; also?: string };
  revised?: DatedPhrase & { note?: string };
  completed?: DatedPhrase & { note?: string };
}

export interface Programme {
  name: string;
  /** File name the programme came from, for messages. */
  file: string;
  timezone: string;
  dueSoonDays: number;
  reminders: ReminderPolicy;
  digest: DigestPolicy;
  milestones: Milestone[];
  themes: string[];
}

/** The deadline of a span: the end of its last day in the programme's time zone. */
export function endOfSpan(span: DaySpan, zone: string): DateTime {
  return DateTime.fromISO(span.last, { zone }).endOf('day');
}

/** "11 May 2023": how dates are written to people. */
export function formatDay(day: DateTime | string, zone: string): string {
  const dt = typeof day === 'string' ? DateTime.fromISO(day, { zone }) : day.setZone(zone);
  return dt.toFormat('d LLLL yyyy');
}

/** "11 May 2023, 09:00": an instant in the programme's time zone. */
export function formatInstant(instant: DateTime, zone: string): string {
  return instant.setZone(zone).toFormat('d LLLL yyyy, HH:mm');
}
