// GET /calendar/<secret>.ics: the calendar feed a `calendar` command gave out, built afresh from the programme
// and the store at each fetch. An unknown or revoked secret gets 404, the same answer as an address never made,
// so a guess learns nothing. The secret is never logged: the server names this route without it.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { FEED_SECRET } from '../src/commands/calendar.js';
import { currentProgramme, type ProgrammeInput } from '../src/programme/holder.js';
import type { Clock, Store } from '../src/ports.js';
import { buildReport } from '../src/report/model.js';

export interface CalendarRoute {
  /** Answers GET /calendar/<secret>.ics. */
  serve(path: string, res: ServerResponse): Promise<void>;
}

/** `programme`: the running bot's holder, so a feed follows a live edit of the programme file. */
export function calendarRoute(deps: { programme: ProgrammeInput; store: Store; clock: Clock }): CalendarRoute {
  return {
    async serve(path, res) {
      const secret = /^\/calendar\/([^/]+)\.ics$/.exec(path)?.[1];
      const notFound = () => void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      if (!secret || !FEED_SECRET.test(secret)) return notFound();
      const hash = createHash('sha256').update(secret).digest('hex');
      const state = await deps.store.read();
      const feed = state.calendars?.find((c) => c.hash === hash);
      if (!feed || feed.revokedAt) return notFound();
      // The iCalendar writer (ical-generator) is loaded at the first feed fetched, not at every start-up.
      const [{ calendarEvents, calendarName }, { writeIcs }] = await Promise.all([import('../src/report/calendar.js'), import('./report/ics.js')]);
      const model = buildReport(currentProgramme(deps.programme), state, deps.clock.now());
      const rows = [...model.milestones, ...model.actions].filter((r) => feed.kind === 'channel' || r.ownerId === feed.for);
      const owner = feed.kind === 'owner' ? (rows[0]?.owner ?? feed.for.replace(/^[a-z]+:/, '')) : undefined;
      const ics = writeIcs(calendarEvents(model, rows), { name: calendarName(model, owner), zone: model.zone });
      res
        .writeHead(200, {
          'Content-Type': 'text/calendar; charset=utf-8',
          'Content-Disposition': 'inline; filename="reform-deadlines.ics"',
          // A private feed: no shared cache keeps it.
          'Cache-Control': 'private, max-age=300',
          'X-Content-Type-Options': 'nosniff',
        })
        .end(ics);
    },
  };
}
