import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayIn, formatDay } from '../src/programme/model.js';
import { daysLeft, statusAt } from '../src/programme/status.js';
import { milestoneItem } from '../src/tracking/items.js';
import { emptyState } from '../src/tracking/state.js';
import { at, programmeFrom } from './helpers.js';

const FILE = `programme: Test
milestones:
  - id: spring-thing
    title: Spring thing
    due: spring 2024
    themes: [agency]
  - id: revised-thing
    title: Revised thing
    due: September 2023
    themes: [agency]
    revised: { due: 31 October 2024 }
  - id: done-thing
    title: Done thing
    due: September 2023
    themes: [agency]
    completed: { date: 15 December 2023 }
  - id: month-done
    title: Done some time in a month
    due: September 2023
    themes: [agency]
    completed: { date: November 2023 }
  - id: follow-up
    title: Six months after a meeting known by its month
    due: in six months' time
    anchor: January 2025
    themes: [agency]
`;

const programme = programmeFrom(FILE);
const statusOf = (id: string, iso: string): string => {
  const m = programme.milestones.find((x) => x.id === id)!;
  return milestoneItem(programme, emptyState(), m, at(iso)).status;
};

describe('status at an instant', () => {
  it('is not overdue at 23:00 London on 31 May 2024 (BST) and is overdue on 1 June', () => {
    expect(statusOf('spring-thing', '2024-05-31T23:00:00+01:00')).toBe('due-soon');
    expect(statusOf('spring-thing', '2024-05-31T23:59:59.999+01:00')).toBe('due-soon');
    expect(statusOf('spring-thing', '2024-06-01T00:00:00+01:00')).toBe('overdue');
  });

  it('is due soon from the day with 28 days left (the 28-day reminder says so too) and upcoming before', () => {
    // Deadline: 31 May 2024, London. 3 May has 28 days left, all day; 2 May has 29.
    expect(statusOf('spring-thing', '2024-05-03T00:00:00+01:00')).toBe('due-soon');
    expect(statusOf('spring-thing', '2024-05-03T09:00:00+01:00')).toBe('due-soon');
    expect(statusOf('spring-thing', '2024-05-02T23:59:59.999+01:00')).toBe('upcoming');
    expect(statusOf('spring-thing', '2024-01-01T12:00:00Z')).toBe('upcoming');
  });

  it('lets a revised deadline replace the stated one', () => {
    expect(statusOf('revised-thing', '2024-01-01T12:00:00Z')).toBe('upcoming');
    expect(statusOf('revised-thing', '2024-10-31T23:00:00Z')).toBe('due-soon');
    expect(statusOf('revised-thing', '2024-11-01T00:00:00Z')).toBe('overdue');
  });

  it('counts a completion from its date, so the past stays the past', () => {
    expect(statusOf('done-thing', '2023-11-01T12:00:00Z')).toBe('overdue');
    expect(statusOf('done-thing', '2023-12-15T00:00:00Z')).toBe('done');
    // Recorded only as a month, it is certain once the month is over: never shown done within it.
    expect(statusOf('month-done', '2023-11-15T12:00:00Z')).toBe('overdue');
    expect(statusOf('month-done', '2023-11-30T23:59:00Z')).toBe('overdue');
    expect(statusOf('month-done', '2023-12-01T00:00:00Z')).toBe('done');
  });

  it('counts a relative phrase from the last day of an anchor given as a month: the latest it can be due', () => {
    const programme = programmeFrom(FILE);
    const m = programme.milestones.find((x) => x.id === 'follow-up')!;
    expect(formatDay(milestoneItem(programme, emptyState(), m, at('2025-03-01T12:00:00Z')).deadline!, 'Europe/London')).toBe('31 July 2025');
  });
});

describe('date arithmetic done without Intl agrees with luxon', () => {
  // Instants from 2020 to 2031, in zones with an hour's, half an hour's and a whole day's clock changes.
  // Santiago, Cairo and Havana have had clock changes at midnight, so some of their days start at 01:00.
  const ZONES = ['Europe/London', 'Australia/Lord_Howe', 'Pacific/Apia', 'America/St_Johns', 'America/Santiago', 'Africa/Cairo', 'America/Havana', 'UTC'];
  const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2031, 0, 1) }).map((ms) => DateTime.fromMillis(ms, { zone: 'UTC' }));
  const zone = fc.constantFrom(...ZONES);

  it('formatDay leaves a day that does not exist to luxon, which says it is invalid', () => {
    expect(formatDay('2023-02-30', 'Europe/London')).toBe(DateTime.fromISO('2023-02-30', { zone: 'Europe/London' }).toFormat('d LLLL yyyy'));
    expect(formatDay('2024-02-29', 'Europe/London')).toBe('29 February 2024');
    expect(formatDay('2023-02-29', 'Europe/London')).not.toBe('29 February 2023');
  });

  it('formatDay writes the day an instant falls on in the zone, as "11 May 2023"', () => {
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        expect(formatDay(t, z)).toBe(t.setZone(z).toFormat('d LLLL yyyy'));
        const iso = t.toISODate()!;
        expect(formatDay(iso, z)).toBe(DateTime.fromISO(iso, { zone: z }).toFormat('d LLLL yyyy'));
      }),
      { numRuns: 2000 },
    );
  });

  it('dayIn follows a clock moving on through days and clock changes', () => {
    // Days 23 or 25 hours long (London) or 23½ or 24½ (Lord Howe): the clock starts up to six hours before one
    // ends, then moves on in steps of up to three hours.
    const short = [
      ['Europe/London', '2024-03-31'], ['Europe/London', '2024-10-27'], ['Australia/Lord_Howe', '2024-04-07'], ['Australia/Lord_Howe', '2024-10-06'],
      // Days that start at 01:00, because their midnight was skipped, followed by days that start at 00:00.
      ['America/Santiago', '2024-09-08'], ['Africa/Cairo', '2024-04-26'],
    ] as const;
    const nearChange = fc.tuple(fc.constantFrom(...short), fc.integer({ min: 0, max: 6 * 3_600_000 })).map(([[z, day], back]) => ({
      z,
      start: DateTime.fromMillis(DateTime.fromISO(day, { zone: z }).endOf('day').toMillis() - back, { zone: 'UTC' }),
    }));
    const anywhere = fc.tuple(instant, zone).map(([start, z]) => ({ z, start }));
    const steps = fc.array(fc.integer({ min: 60_000, max: 3 * 3_600_000 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(fc.oneof(nearChange, anywhere), steps, ({ z, start }, moves) => {
        let ms = start.toMillis();
        for (const move of [0, ...moves]) {
          ms += move;
          // A new DateTime each time, as the system clock gives.
          const t = DateTime.fromMillis(ms, { zone: 'UTC' });
          expect(dayIn(t, z)).toBe(t.setZone(z).toISODate());
        }
      }),
      { numRuns: 400 },
    );
  });

  it('daysLeft counts calendar days in the zone, across clock changes', () => {
    fc.assert(
      fc.property(instant, instant, zone, (deadline, now, z) => {
        const exact = Math.round(deadline.setZone(z).startOf('day').diff(now.setZone(z).startOf('day'), 'days').days);
        expect(daysLeft(deadline, now, z)).toBe(exact);
      }),
      { numRuns: 2000 },
    );
  });

  it('statusAt marks due-soon by calendar days left in the zone, as luxon counts them, also within hours of the threshold', () => {
    const hour = 3_600_000;
    // Most deadlines within two hours of the threshold, where a clock change decides; some within three days.
    const jitter = fc.oneof(fc.integer({ min: -2 * hour, max: 2 * hour }), fc.integer({ min: -72 * hour, max: 72 * hour }));
    const near = fc.tuple(instant, fc.integer({ min: 0, max: 60 }), jitter, zone, fc.boolean());
    fc.assert(
      fc.property(near, ([deadlineAt, soon, offset, z, nowInZone]) => {
        // The deadline is a day's end in the zone; `now` sits `soon` days (give or take the offset) before it,
        // in UTC or in the zone (luxon counts calendar days when both are in the zone).
        const day = deadlineAt.setZone(z).toISODate()!;
        const deadline = DateTime.fromISO(day, { zone: z }).endOf('day');
        const now = DateTime.fromMillis(deadline.toMillis() - soon * 86_400_000 + offset, { zone: nowInZone ? z : 'UTC' });
        const item = { due: { phrase: day, span: { first: day, last: day } }, revisions: [], done: false };
        const left = deadline.setZone(z).startOf('day').diff(now.setZone(z).startOf('day'), 'days').days;
        const expected = now > deadline ? 'overdue' : Math.round(left) <= soon ? 'due-soon' : 'upcoming';
        expect(statusAt(item, now, z, soon)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
