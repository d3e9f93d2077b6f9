// Working days in England and Wales: not a Saturday, Sunday or bank holiday. Bank holidays come from the
// maintained `date-holidays` rules (region GB-ENG), which include substitute days and one-off holidays such as
// the Coronation (8 May 2023) and the State Funeral (19 September 2022). Pure computation, no I/O.
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

const rules = new Holidays('GB', 'ENG');
const byYear = new Map<number, Set<string>>();

function holidaysOf(year: number): Set<string> {
  let days = byYear.get(year);
  if (!days) {
    days = new Set(rules.getHolidays(year).filter((h) => h.type === 'public' || h.type === 'bank').map((h) => h.date.slice(0, 10)));
    byYear.set(year, days);
  }
  return days;
}

/** `day` is an ISO date (yyyy-mm-dd). */
export function isBankHoliday(day: string): boolean {
  return holidaysOf(Number(day.slice(0, 4))).has(day);
}

export function isWorkingDay(day: string): boolean {
  const weekday = DateTime.fromISO(day, { zone: 'utc' }).weekday;
  return weekday <= 5 && !isBankHoliday(day);
}

function step(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** The day itself when it is a working day, else the working day before it. */
export function onOrBeforeWorkingDay(day: string): string {
  let d = day;
  while (!isWorkingDay(d)) d = step(d, -1);
  return d;
}

/** The day itself when it is a working day, else the working day after it. */
export function onOrAfterWorkingDay(day: string): string {
  let d = day;
  while (!isWorkingDay(d)) d = step(d, 1);
  return d;
}

export function addDays(day: string, days: number): string {
  return step(day, days);
}
