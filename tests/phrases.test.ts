import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { endOfSpan } from '../src/programme/model.js';
import { parsePhrase, phraseExamples, phraseHint } from '../src/programme/phrases.js';

const LONDON = 'Europe/London';

// phrase -> [first day, last day]
const TABLE: [string, string, string][] = [
  ['2023-05-11', '2023-05-11', '2023-05-11'],
  ['11 May 2023', '2023-05-11', '2023-05-11'],
  ['11th May 2023', '2023-05-11', '2023-05-11'],
  ['Thursday 11 May 2023', '2023-05-11', '2023-05-11'],
  ['11/05/2023', '2023-05-11', '2023-05-11'],
  ['May 2023', '2023-05-01', '2023-05-31'],
  ['September 2023', '2023-09-01', '2023-09-30'],
  ['Sept 2023', '2023-09-01', '2023-09-30'],
  ['end March 2025', '2025-03-01', '2025-03-31'],
  ['end of March 2025', '2025-03-01', '2025-03-31'],
  ['by July 2025', '2025-07-01', '2025-07-31'],
  ['February 2024', '2024-02-01', '2024-02-29'],
  ['spring 2024', '2024-03-01', '2024-05-31'],
  ['summer 2024', '2024-06-01', '2024-08-31'],
  ['autumn 2023', '2023-09-01', '2023-11-30'],
  ['Autumn 2023', '2023-09-01', '2023-11-30'],
  ['winter 2024', '2024-12-01', '2025-02-28'],
  ['winter 2023', '2023-12-01', '2024-02-29'],
  ['winter 2024-25', '2024-12-01', '2025-02-28'],
  ['by spring 2024', '2024-03-01', '2024-05-31'],
  ['early 2024', '2024-01-01', '2024-04-30'],
  ['late 2024', '2024-09-01', '2024-12-31'],
  ['2027', '2027-01-01', '2027-12-31'],
  ['by 2027', '2027-01-01', '2027-12-31'],
  ['by end of 2027', '2027-01-01', '2027-12-31'],
  ['by the end of 2023', '2023-01-01', '2023-12-31'],
  ['in 2023', '2023-01-01', '2023-12-31'],
  ['Q1 2024', '2024-01-01', '2024-03-31'],
  ['Q2 2024', '2024-04-01', '2024-06-30'],
  ['Q4 2024', '2024-10-01', '2024-12-31'],
  ['Q1 2024-25', '2024-04-01', '2024-06-30'],
  ['Q4 2024-25', '2025-01-01', '2025-03-31'],
  ['2024-25', '2024-04-01', '2025-03-31'],
  ['2024/25', '2024-04-01', '2025-03-31'],
  ['FY2024-25', '2024-04-01', '2025-03-31'],
  ['FY 2024-25', '2024-04-01', '2025-03-31'],
  ['financial year 2024-25', '2024-04-01', '2025-03-31'],
  ['financial year 2024', '2024-04-01', '2025-03-31'],
  ['2099-26', '', ''],
  ['from April 2023', '2023-04-01', '2023-04-01'],
  ['before the end of March 2025', '2025-03-01', '2025-03-31'],
  ['before end of March 2025', '2025-03-01', '2025-03-31'],
  ['before end-March 2025', '2025-03-01', '2025-03-31'],
  ['before the end March 2025', '2025-03-01', '2025-03-31'],
  ['from end of March 2025', '2025-03-31', '2025-03-31'],
  ['from end-March 2025', '2025-03-31', '2025-03-31'],
  // Other ways reports write the same things.
  ['end-March 2025', '2025-03-01', '2025-03-31'],
  ['by end-2027', '2027-01-01', '2027-12-31'],
  ['mid-2024', '2024-05-01', '2024-08-31'],
  ['11th of May 2023', '2023-05-11', '2023-05-11'],
  ['11-05-2023', '2023-05-11', '2023-05-11'],
  ['11.05.2023', '2023-05-11', '2023-05-11'],
  ['the 2024/25 financial year', '2024-04-01', '2025-03-31'],
  ['2024-25 financial year', '2024-04-01', '2025-03-31'],
  ['FY24/25', '2024-04-01', '2025-03-31'],
  ['Q4 24/25', '2025-01-01', '2025-03-31'],
  ['Q3 of 2025/26', '2025-10-01', '2025-12-31'],
  ['Quarter 3 2025/26', '2025-10-01', '2025-12-31'],
  // Parts of a month and of a year.
  ['early May 2024', '2024-05-01', '2024-05-10'],
  ['mid-March 2025', '2025-03-11', '2025-03-20'],
  ['late February 2024', '2024-02-21', '2024-02-29'],
  ['H1 2025', '2025-01-01', '2025-06-30'],
  ['first half of 2025', '2025-01-01', '2025-06-30'],
  ['second half of 2025', '2025-07-01', '2025-12-31'],
  ['before April 2024', '2024-03-31', '2024-03-31'],
];

describe('deadline phrases', () => {
  it.each(TABLE.filter(([, first]) => first))('reads "%s" as %s to %s', (phrase, first, last) => {
    const result = parsePhrase(phrase);
    expect(result).toMatchObject({ ok: true, span: { first, last } });
  });

  it.each([
    'the twelfth of never', '', 'soon', '31 February 2024', '2024-13-01', 'Q5 2024', '2024-26', 'spring', 'May', '12345',
    'financial year 2024-26', 'x'.repeat(500), 'from whenever', '31-02-2024', 'mid Smarch 2025', 'H3 2025', 'FY24/26', 'autumn term 2024',
  ])('refuses "%s"', (phrase) => {
    expect(parsePhrase(phrase).ok).toBe(false);
  });

  it('says school terms are not read only for a school term, not for "longer term"', () => {
    expect(phraseHint('autumn term 2024')).toContain('school terms are not read');
    expect(phraseHint('spring-term 2025')).toContain('school terms are not read');
    expect(phraseHint('in the longer term')).not.toContain('school');
    expect(phraseHint('medium-term')).toContain('try "11 May 2023"');
    // A day the month does not have is named as such.
    expect(phraseHint('31 June 2023')).toBe('June 2023 has 30 days');
    expect(phraseHint('29th February 2023')).toBe('February 2023 has 28 days');
    expect(phraseHint('31 Smarch 2023')).toContain('try "11 May 2023"');
  });

  it.each(['2023-01-01', '2026-11-24', '2026-12-31', '2031-05-11'])('offers examples on %s that read as deadlines after that day', (today) => {
    for (const example of phraseExamples(today)) {
      const read = parsePhrase(example, today);
      expect(read.ok, example).toBe(true);
      if (read.ok) expect(read.span.last > today, example).toBe(true);
    }
    expect(phraseHint('autumn term', today)).toContain(`31 December ${Number(today.slice(0, 4)) + 1}`);
    // A term that names its year is answered in that year.
    expect(phraseHint('autumn term 2029', today)).toContain('such as "31 December 2029"');
  });

  it('flags "financial year 2024" and "FY 2024" as ambiguous, and reads both as 2024-25', () => {
    for (const phrase of ['financial year 2024', 'FY 2024', 'FY2024']) {
      const result = parsePhrase(phrase);
      expect(result).toMatchObject({ ok: true, span: { first: '2024-04-01', last: '2025-03-31' } });
      expect(result.ok && result.warning).toMatch(/ambiguous: read as 2024-25/);
    }
    // Another word before a year is still not a date.
    expect(parsePhrase('sometime 2024')).toMatchObject({ ok: false });
    expect(parsePhrase('2024-25')).not.toHaveProperty('warning');
  });

  it('needs an anchor for relative phrases and counts from it', () => {
    expect(parsePhrase("in six months' time")).toEqual({ ok: false, reason: 'needs-anchor' });
    expect(parsePhrase("in six months' time", '2025-01-15')).toMatchObject({ ok: true, span: { first: '2025-01-15', last: '2025-07-15' } });
    expect(parsePhrase('in two years', '2023-02-21')).toMatchObject({ ok: true, span: { last: '2025-02-21' } });
    expect(parsePhrase('over the next two years', '2023-02-02')).toMatchObject({ ok: true, span: { last: '2025-02-02' } });
    expect(parsePhrase('within 12 months', '2024-02-29')).toMatchObject({ ok: true, span: { last: '2025-02-28' } });
  });

  it('puts the deadline at the very end of the last day, in GMT and in BST', () => {
    const winter = endOfSpan({ first: '2025-03-01', last: '2025-03-25' }, LONDON);
    expect(winter.toUTC().toISO()).toBe('2025-03-25T23:59:59.999Z');
    // 31 May is in British Summer Time: the end of the day in London is 22:59:59.999 UTC.
    const summer = parsePhrase('spring 2024');
    if (!summer.ok) throw new Error('spring 2024 should parse');
    const deadline = endOfSpan(summer.span, LONDON);
    expect(deadline.toUTC().toISO()).toBe('2024-05-31T22:59:59.999Z');
    const start = DateTime.fromISO(summer.span.first, { zone: LONDON });
    expect(start.toUTC().toISO()).toBe('2024-03-01T00:00:00.000Z');
  });
});
