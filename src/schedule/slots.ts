// When each nudge is due. For an open item with a deadline: reminders N days before the deadline day
// (moved to the previous working day) and one overdue nudge on the first working day after it, each at the
// policy's time (09:00) in the programme's zone. Weekly digests: the policy's weekday, moved to the next
// working day. A slot's name includes the deadline day, so a revised deadline gets fresh reminders.
import { DateTime } from 'luxon';
import type { DigestPolicy, ReminderPolicy } from '../programme/schema.js';
import { addDays, onOrAfterWorkingDay, onOrBeforeWorkingDay } from './working-days.js';

export interface Slot {
  /** Stable name within an item: `before-7@2024-05-31`, `overdue@2024-05-31`, `digest@2024-W14`. */
  name: string;
  kind: 'reminder' | 'overdue' | 'digest';
  /** Days before the deadline (reminders), 0 for overdue and digests. */
  daysBefore: number;
  at: DateTime;
}

function atTime(day: string, time: string, zone: string): DateTime {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return DateTime.fromISO(day, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
}

// Many items share a deadline day, and every tick asks again: slots are computed once per day, policy and zone.
const slotCache = new Map<string, Slot[]>();
const MAX_CACHED = 20_000;

/** Every nudge slot for a deadline day (ISO date), earliest first. */
export function reminderSlots(deadlineDay: string, policy: ReminderPolicy, zone: string): Slot[] {
  const key = `${zone}|${deadlineDay}|${policy.days_before.join(',')}|${policy.overdue}|${policy.at}`;
  let slots = slotCache.get(key);
  if (!slots) {
    if (slotCache.size >= MAX_CACHED) slotCache.clear();
    slots = computeSlots(deadlineDay, policy, zone);
    slotCache.set(key, slots);
  }
  return slots;
}

function computeSlots(deadlineDay: string, policy: ReminderPolicy, zone: string): Slot[] {
  const slots: Slot[] = [...new Set(policy.days_before)]
    .sort((a, b) => b - a)
    .map((n) => ({
      name: `before-${n}@${deadlineDay}`,
      kind: 'reminder' as const,
      daysBefore: n,
      at: atTime(onOrBeforeWorkingDay(addDays(deadlineDay, -n)), policy.at, zone),
    }));
  if (policy.overdue) {
    slots.push({ name: `overdue@${deadlineDay}`, kind: 'overdue', daysBefore: 0, at: atTime(onOrAfterWorkingDay(addDays(deadlineDay, 1)), policy.at, zone) });
  }
  return slots.sort((a, b) => a.at.toMillis() - b.at.toMillis());
}

/** The first send time of the policy (09:00 on a working day) at or after `after`. */
export function nextSendTime(after: DateTime, policy: ReminderPolicy, zone: string): DateTime {
  const day = after.setZone(zone).toISODate()!;
  const same = atTime(onOrAfterWorkingDay(day), policy.at, zone);
  return same >= after ? same : atTime(onOrAfterWorkingDay(addDays(day, 1)), policy.at, zone);
}

/** The latest slot due at or before `now`, or undefined. */
export function latestDue(slots: Slot[], now: DateTime): Slot | undefined {
  let found: Slot | undefined;
  for (const s of slots) if (s.at <= now) found = s;
  return found;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

/** This week's digest slot (ISO week of `now` in the zone). */
export function digestSlot(now: DateTime, policy: DigestPolicy, zone: string): Slot {
  const local = now.setZone(zone);
  const weekStart = local.startOf('week');
  const day = weekStart.plus({ days: WEEKDAYS.indexOf(policy.day) }).toISODate()!;
  return {
    name: `digest@${local.toFormat("kkkk-'W'WW")}`,
    kind: 'digest',
    daysBefore: 0,
    at: atTime(onOrAfterWorkingDay(day), policy.at, zone),
  };
}
