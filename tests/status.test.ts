import { describe, expect, it } from 'vitest';
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

  it('is due soon within 28 days of the deadline and upcoming before', () => {
    // Deadline: 31 May 2024 23:59:59.999 London. 28 days before is 3 May 23:59:59.999.
    expect(statusOf('spring-thing', '2024-05-03T23:59:59.999+01:00')).toBe('due-soon');
    expect(statusOf('spring-thing', '2024-05-03T23:59:59.998+01:00')).toBe('upcoming');
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
  });
});
