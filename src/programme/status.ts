// Where a milestone stands at an instant. Revisions (the file's, then local re-baselines) replace the
// stated deadline for status; the stated phrase is always kept for display.
import type { DateTime } from 'luxon';
import { dayIn, endOfSpan, epochDay, type DatedPhrase } from './model.js';

/**
 * `undated`: no deadline (the seed gives none), so never overdue and never nudged. `superseded`: overtaken by later
 * policy, which is not the same as done: both are closed, and get no nudges.
 */
export type Status = 'done' | 'superseded' | 'overdue' | 'due-soon' | 'upcoming' | 'undated';

export const STATUS_LABEL: Record<Status, string> = {
  done: 'done',
  superseded: 'superseded',
  overdue: 'overdue',
  'due-soon': 'due soon',
  upcoming: 'upcoming',
  undated: 'undated',
};

/** Anything with a stated deadline that may have been revised or completed: a milestone or a local action. */
export interface Deadlined {
  due?: DatedPhrase;
  /** Newest last. */
  revisions: readonly DatedPhrase[];
  done: boolean;
}

/** The deadline that drives status and reminders: the latest revision, else the stated one. */
export function effectiveDue(item: Pick<Deadlined, 'due' | 'revisions'>): DatedPhrase | undefined {
  return item.revisions.at(-1) ?? item.due;
}

export function deadlineOf(item: Pick<Deadlined, 'due' | 'revisions'>, zone: string): DateTime | undefined {
  const due = effectiveDue(item);
  return due ? endOfSpan(due.span, zone) : undefined;
}

export function statusAt(item: Deadlined, now: DateTime, zone: string, dueSoonDays: number): Status {
  return statusOf(item.done, item.done ? undefined : deadlineOf(item, zone), now, zone, dueSoonDays);
}

/** statusAt, for a caller that has the deadline already. */
export function statusOf(done: boolean, deadline: DateTime | undefined, now: DateTime, zone: string, dueSoonDays: number): Status {
  if (done) return 'done';
  if (!deadline) return 'undated';
  if (now > deadline) return 'overdue';
  // Due soon from the day with `dueSoonDays` days left, as replies count them ("28 days left", the 28-day
  // reminder). Calendar days differ from elapsed days by less than two, so only deadlines near the threshold
  // need the count.
  const elapsed = (deadline.toMillis() - now.toMillis()) / DAY_MS;
  if (elapsed > dueSoonDays + 2) return 'upcoming';
  if (elapsed < dueSoonDays - 2) return 'due-soon';
  return daysLeft(deadline, now, zone) <= dueSoonDays ? 'due-soon' : 'upcoming';
}

const DAY_MS = 86_400_000;

/** Whole calendar days from `now` to the deadline day, in the programme's zone (negative when overdue). */
export function daysLeft(deadline: DateTime, now: DateTime, zone: string): number {
  // Calendar days between two ISO days: UTC midnights are whole days apart, whatever the zone's clocks did.
  return Math.round(epochDay(dayIn(deadline, zone)) - epochDay(dayIn(now, zone)));
}
