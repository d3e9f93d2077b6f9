// Working days in England and Wales: not a Saturday, Sunday or bank holiday. Bank holidays come from a table
// generated from the maintained `date-holidays` rules (region GB-ENG), which include substitute days and one-off
// holidays such as the Coronation (8 May 2023) and the State Funeral (19 September 2022); loading those rules for
// every country took 25 MiB and 130 ms at start-up for one region's dates. Pure computation, no I/O.
import { DateTime } from 'luxon';
import { BANK_HOLIDAYS_BY_YEAR } from './bank-holidays.js';
import { FIRST_YEAR } from './holiday-years.js';

const byYear = new Map<number, Set<string>>();

function holidaysOf(year: number): Set<string> {
  let days = byYear.get(year);
  if (!days) {
    // Outside the table's years (beyond any deadline a phrase can name) only weekends count.
    const codes = BANK_HOLIDAYS_BY_YEAR[year - FIRST_YEAR]?.split(' ').filter(Boolean) ?? [];
    days = new Set(codes.map((c) => `${year}-${c.slice(0, 2)}-${c.slice(2)}`));
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
