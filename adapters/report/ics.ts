// The calendar feed as iCalendar (RFC 5545), written by ical-generator: CRLF line ends, lines folded at 75
// octets, text escaped, DTSTAMP on every event, all-day events as VALUE=DATE. Outlook, Google and Apple are
// strict about each of these.
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import type { CalendarEvent } from '../../src/report/calendar.js';

export interface IcsOptions {
  name: string;
  zone: string;
  /** How often a subscribed calendar should fetch the feed again. */
  refreshHours?: number;
}

/** RFC 5545 TEXT escaping for the calendar's name, which ical-generator writes as given. */
const escapeText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

export function writeIcs(events: readonly CalendarEvent[], opts: IcsOptions): string {
  const calendar = ical({
    name: escapeText(opts.name),
    prodId: { company: 'Reform Bot', product: 'Reform Bot', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: (opts.refreshHours ?? 6) * 3600,
  });
  for (const e of events) {
    const start = DateTime.fromISO(e.day, { zone: opts.zone });
    calendar.createEvent({
      id: e.uid,
      start,
      // The day after, exclusive: one whole day, which Outlook reads more reliably than a DTSTART alone.
      end: start.plus({ days: 1 }),
      allDay: true,
      summary: e.summary,
      description: e.description,
      sequence: e.sequence,
      status: e.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      stamp: DateTime.fromISO(e.stamp, { setZone: true }),
      lastModified: DateTime.fromISO(e.stamp, { setZone: true }),
      // A deadline is not time taken from anyone's day.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  // Every content line, the last included, ends with CRLF (RFC 5545 §3.1).
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
