// The calendar feed's events, from the report model: one all-day event per dated milestone and action on its
// deadline day. Pure; adapters/report/ics.ts writes them as iCalendar.
import { revisionText } from './columns.js';
import type { ReportModel, ReportRow } from './model.js';

export interface CalendarEvent {
  /** Never changes for an item, so a subscribed calendar updates the event rather than adding another. */
  uid: string;
  /** ISO day of the deadline: an all-day event (VALUE=DATE). */
  day: string;
  summary: string;
  description: string;
  /** Rises with each change to the deadline or to whether it is done, never falls (audit entries are kept). */
  sequence: number;
  /** Done (or superseded) items stay in the feed, cancelled, so calendars take them out rather than keep them. */
  cancelled: boolean;
  /** When the item last changed (ISO instant), for DTSTAMP and LAST-MODIFIED; else the feed's instant. */
  stamp: string;
}

/** The feed's UID domain: the UID must be globally unique, and an item's id is unique within its programme. */
const UID_DOMAIN = 'reform-bot';

function description(row: ReportRow, zone: string): string {
  const lines = [
    `${row.kind === 'milestone' ? 'Milestone' : `Action under ${row.milestoneId}`}: ${row.id}`,
    `Status: ${row.statusLabel}${row.doneText ? ` (${row.doneText})` : ''}`,
    `Owner: ${row.owner ?? 'nobody'}`,
    `RAG: ${row.rag ?? 'not rated'}`,
    ...(row.dueAsWritten ? [`Due as written: ${row.dueAsWritten}`] : []),
    ...(row.revisions.length ? [`Revised: ${revisionText(row, zone)}`] : []),
    ...(row.latestNote ? [`Latest note: ${row.latestNote.text}`] : []),
    ...(row.source ? [`Source: ${row.source.text}`] : []),
  ];
  return lines.join('\n');
}

export function calendarEvents(model: ReportModel, rows: readonly ReportRow[] = [...model.milestones, ...model.actions]): CalendarEvent[] {
  return rows
    .filter((r) => r.standing !== 'undated' && r.deadlineDay)
    .map((r) => ({
      uid: `${r.id.replace(/\//g, '.')}@${UID_DOMAIN}`,
      day: r.deadlineDay!,
      summary: `${r.status === 'done' ? 'Done: ' : ''}${r.title} (${r.id})`,
      description: description(r, model.zone),
      sequence: r.fileVersions + r.changesRecorded,
      cancelled: r.status === 'done' || r.standing === 'superseded',
      stamp: r.lastChangedAt ?? r.createdAt ?? model.at,
    }));
}

/** What a calendar's name says: the programme, and whose items when it is one person's. */
export function calendarName(model: ReportModel, owner?: string): string {
  return owner ? `${model.programme}: ${owner}` : model.programme;
}
