import { describe, expect, it } from 'vitest';
import { bankHolidaysFromRules } from '../scripts/write-bank-holidays.js';
import { FIRST_YEAR, LAST_YEAR } from '../src/schedule/holiday-years.js';
import { isBankHoliday, isWorkingDay, onOrAfterWorkingDay } from '../src/schedule/working-days.js';

describe('the bank-holiday table', () => {
  it('holds exactly the bank holidays date-holidays gives for England and Wales, every year a phrase can name', () => {
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      const fromTable: string[] = [];
      for (let day = `${year}-01-01`; day.startsWith(String(year)); day = nextDay(day)) if (isBankHoliday(day)) fromTable.push(day);
      expect(fromTable, `bank holidays in ${year} (re-run npm run holidays after updating date-holidays)`).toEqual(bankHolidaysFromRules(year));
    }
  });

  it(`after ${LAST_YEAR} only weekends are not working days`, () => {
    expect(isWorkingDay('2201-01-01')).toBe(true); // a Thursday, New Year's Day: no table, so a working day
    expect(isWorkingDay('2201-01-03')).toBe(false); // a Saturday
    expect(onOrAfterWorkingDay('2201-01-03')).toBe('2201-01-05');
  });
});

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
