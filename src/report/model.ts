// The committee pack's one model: what a report says, worked out once from the programme, the tracking state and
// `now`. Every writer (Word, Excel, CSV, the timeline picture, the calendar) reads this and nothing else, so they
// agree with each other and with `status`. Pure: no I/O, no clock.
import { DateTime } from 'luxon';
import { dayIn, formatDay, formatInstant, type Programme } from '../programme/model.js';
import { daysLeft, STATUS_LABEL, type Status } from '../programme/status.js';
import { auditChange } from '../replies/audit.js';
import { SNOOZED, SUBSCRIPTION_ITEM } from '../tracking/changes.js';
import { allActionItems, allMilestoneItems, bySoonest, completedBy, type Item } from '../tracking/items.js';
import type { Rag, State } from '../tracking/state.js';

/**
 * Where a commitment stands as a matter of record. `dated`: it has a deadline. `undated`: none today (an action
 * added without `due`, or a milestone the programme file marks `undated`). `superseded`: overtaken by later policy
 * (the programme file's `superseded:`, or `supersede` in chat): closed, but not done.
 */
export type Standing = 'dated' | 'undated' | 'superseded';

export interface ReportRevision {
  phrase: string;
  /** The ISO day the revised deadline falls on (its last day). */
  day: string;
  /** The programme file's note, or the reason given to `revise`. */
  reason?: string;
  /** Who revised it locally (a name), and when (ISO instant); absent for the programme file's own revision. */
  by?: string;
  at?: string;
}

export interface ReportSource {
  /** The key items cite: the seed report's file name today. */
  seed: string;
  /** How people read it. Until the programme file names its sources, the file name. */
  name: string;
  /** ISO day of the report, when known. */
  date?: string;
  /** Items that cite it, in programme order. */
  items: string[];
}

export interface ReportRow {
  kind: 'milestone' | 'action';
  id: string;
  title: string;
  /** An action's milestone; a milestone's own id. */
  milestoneId: string;
  /** The theme a row is filed under: its milestone's first theme. */
  theme: string;
  standing: Standing;
  /** The deadline as the report wrote it ("spring 2024"); undefined for an undated action. */
  dueAsWritten?: string;
  /** The stated deadline's day (ISO, the last day of its span). */
  statedDay?: string;
  /** Every revision, oldest first; the last one drives status. */
  revisions: ReportRevision[];
  /** The deadline that drives status (ISO day): the last revision's, else the stated one. */
  deadlineDay?: string;
  status: Status;
  statusLabel: string;
  /** Days past the deadline, for overdue rows. */
  daysLate?: number;
  /** "15 December 2023", or the file's own phrase, once done. */
  doneText?: string;
  owner?: string;
  ownerId?: string;
  rag?: Rag;
  latestNote?: { text: string; at: string; by: string };
  /** "000_164c2f14e9dbab43.txt §1.1": the seed and section, while sources have no names of their own. */
  source?: { seed: string; section: string; text: string };
  /** Versions the programme file itself records (a revision, a completion now past): for the calendar's sequence. */
  fileVersions: number;
  /** Audit changes recorded for it (done, reopen, revise…): how often it changed, for the calendar's sequence. */
  changesRecorded: number;
  /** The last recorded change to it (ISO instant), if any. */
  lastChangedAt?: string;
  /** When an action was added (ISO instant). */
  createdAt?: string;
}

export interface ReportChange {
  at: string;
  when: string;
  item: string;
  by: string;
  change: string;
}

export interface TimelineRow {
  id: string;
  title: string;
  theme: string;
  status: Status;
  statusLabel: string;
  /** The marker: the deadline that drives status. */
  day: string;
  /** Where a line starts when the deadline slipped: the stated deadline's day. */
  statedDay?: string;
}

export interface ReportTimeline {
  today: string;
  rows: TimelineRow[];
  /** Milestones with no deadline: listed beside the picture, not plotted. */
  undated: { id: string; title: string }[];
  /** Dated milestones left out to keep the picture readable (beyond MAX_TIMELINE_ROWS): in the tables instead. */
  notShown: number;
  /** The picture in words, for alt text and screen readers. */
  alt: string;
}

export interface ReportModel {
  programme: string;
  file: string;
  zone: string;
  /** The report's instant (ISO) and day, and how they are written. */
  at: string;
  day: string;
  dayText: string;
  atText: string;
  since: { at: string; text: string };
  summary: {
    milestones: number;
    actions: number;
    byStatus: Record<Status, number>;
    byRag: Record<Rag | 'none', number>;
  };
  /** Milestones and their actions, per theme in the programme's theme order; each milestone followed by its actions. */
  themes: { theme: string; rows: ReportRow[] }[];
  milestones: ReportRow[];
  actions: ReportRow[];
  /** Overdue milestones and actions, most overdue first. */
  overdue: ReportRow[];
  changes: ReportChange[];
  undated: ReportRow[];
  superseded: ReportRow[];
  sources: ReportSource[];
  timeline: ReportTimeline;
}

export const STATUS_ORDER: readonly Status[] = ['overdue', 'due-soon', 'upcoming', 'done'];

/** Audit changes that alter a deadline or whether an item is done: each one is a new version of its calendar event. */
const VERSION_CHANGE = /^(done|reopened|deadline revised)/;

function rowOf(item: Item, programme: Programme, now: DateTime, changes: Map<string, { count: number; last?: string }>): ReportRow {
  const zone = programme.timezone;
  const milestone = item.milestone ?? programme.milestones.find((m) => m.id === item.milestoneId);
  const theme = milestone?.themes[0] ?? programme.themes[0] ?? 'programme';
  const revisions: ReportRevision[] = item.revisions.map((r) => ({
    phrase: r.phrase,
    day: r.span.last,
    ...(r.reason ?? r.note ? { reason: r.reason ?? r.note } : {}),
    ...(r.byName ?? r.by ? { by: r.byName ?? r.by!.replace(/^[a-z]+:/, '') } : {}),
    ...('at' in r && typeof r.at === 'string' ? { at: r.at } : {}),
  }));
  const deadlineDay = revisions.at(-1)?.day ?? item.due?.span.last;
  const source = item.kind === 'milestone' && milestone?.source ? milestone.source : undefined;
  const recorded = changes.get(item.id);
  return {
    kind: item.kind,
    id: item.id,
    title: item.title,
    milestoneId: item.milestoneId,
    theme,
    standing: item.superseded ? 'superseded' : deadlineDay ? 'dated' : 'undated',
    ...(item.due ? { dueAsWritten: item.due.phrase, statedDay: item.due.span.last } : {}),
    revisions,
    ...(deadlineDay ? { deadlineDay } : {}),
    status: item.status,
    statusLabel: STATUS_LABEL[item.status],
    ...(item.status === 'overdue' && item.deadline ? { daysLate: -daysLeft(item.deadline, now, zone) } : {}),
    ...(item.doneText ? { doneText: item.doneText } : {}),
    ...(item.owner ? { owner: item.owner.name, ownerId: item.owner.id } : {}),
    ...(item.rag ? { rag: item.rag } : {}),
    ...(item.latestNote ? { latestNote: { text: item.latestNote.text, at: item.latestNote.at, by: item.latestNote.by.replace(/^[a-z]+:/, '') } } : {}),
    // Cited by the report's name and date where the programme file gives them (`sources:`), else by the seed file.
    ...(source ? { source: { seed: source.seed, section: source.section, text: `${source.report ?? source.seed}, ${source.section}` } } : {}),
    fileVersions: (milestone && item.kind === 'milestone' ? (milestone.revised ? 1 : 0) + (milestone.completed && completedBy(milestone.completed, zone, now) ? 1 : 0) : 0),
    changesRecorded: recorded?.count ?? 0,
    ...(recorded?.last ? { lastChangedAt: recorded.last } : {}),
    ...(item.action ? { createdAt: item.action.createdAt } : {}),
  };
}

function timelineAlt(rows: TimelineRow[], undated: ReportTimeline['undated'], dayText: string): string {
  const count = (s: Status) => rows.filter((r) => r.status === s).length;
  const overdue = rows.filter((r) => r.status === 'overdue').map((r) => r.id);
  const slipped = rows.filter((r) => r.statedDay).length;
  const themes = new Set(rows.map((r) => r.theme)).size;
  const parts = [
    `Timeline of ${rows.length} dated milestone${rows.length === 1 ? '' : 's'} in ${themes} theme${themes === 1 ? '' : 's'}, as at ${dayText}.`,
    `${count('done')} done, ${count('overdue')} overdue, ${count('due-soon')} due soon, ${count('upcoming')} upcoming.`,
    overdue.length ? `Overdue: ${overdue.join(', ')}.` : 'Nothing is overdue.',
    slipped ? `${slipped} slipped from the deadline first stated (a line joins the stated and revised deadlines).` : 'None has slipped from its stated deadline.',
    undated.length ? `Not plotted, with no deadline: ${undated.map((u) => u.id).join(', ')}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export interface ReportOptions {
  /** Changes from this instant on are listed; default four weeks before `now`. */
  since?: DateTime;
}

export function buildReport(programme: Programme, state: State, now: DateTime, opts: ReportOptions = {}): ReportModel {
  const zone = programme.timezone;
  const since = opts.since ?? now.setZone(zone).minus({ weeks: 4 });
  const changesByItem = new Map<string, { count: number; last?: string }>();
  for (const e of state.audit) {
    const known = changesByItem.get(e.item) ?? { count: 0 };
    if (VERSION_CHANGE.test(e.change)) known.count += 1;
    known.last = e.at;
    changesByItem.set(e.item, known);
  }
  const milestoneItems = allMilestoneItems(programme, state, now);
  const actionItems = allActionItems(programme, state, now).sort(bySoonest);
  const milestones = milestoneItems.map((i) => rowOf(i, programme, now, changesByItem));
  const actions = actionItems.map((i) => rowOf(i, programme, now, changesByItem));
  const all = [...milestones, ...actions];

  const byStatus = { overdue: 0, 'due-soon': 0, upcoming: 0, done: 0 } as Record<Status, number>;
  const byRag = { red: 0, amber: 0, green: 0, none: 0 } as Record<Rag | 'none', number>;
  for (const r of all) {
    byStatus[r.status] += 1;
    byRag[r.rag ?? 'none'] += 1;
  }

  // Themes in the programme's order; a milestone under its first theme only, so no row is counted twice.
  const actionsOf = new Map<string, ReportRow[]>();
  for (const a of actions) actionsOf.set(a.milestoneId, [...(actionsOf.get(a.milestoneId) ?? []), a]);
  const themeOrder = [...programme.themes, ...new Set(milestones.map((m) => m.theme))].filter((t, i, list) => list.indexOf(t) === i);
  const themes = themeOrder
    .map((theme) => ({ theme, rows: milestones.filter((m) => m.theme === theme).flatMap((m) => [m, ...(actionsOf.get(m.id) ?? [])]) }))
    .filter((t) => t.rows.length > 0);

  const overdue = all.filter((r) => r.status === 'overdue').sort((a, b) => (b.daysLate ?? 0) - (a.daysLate ?? 0) || a.id.localeCompare(b.id));
  const changes = state.audit
    .filter((e) => !e.item.startsWith(SUBSCRIPTION_ITEM) && e.change !== SNOOZED && Date.parse(e.at) > since.toMillis())
    .reverse()
    .map((e) => ({ at: e.at, when: formatInstant(DateTime.fromISO(e.at, { setZone: true }), zone), item: e.item, by: e.byName ?? e.by.replace(/^[a-z]+:/, ''), change: auditChange(e) }));

  const sources = new Map<string, ReportSource>();
  for (const m of milestones) {
    if (!m.source) continue;
    const named = programme.sources[m.source.seed];
    const name = named ? [named.name, named.date].filter(Boolean).join(', ') : m.source.seed;
    const known = sources.get(m.source.seed) ?? { seed: m.source.seed, name, items: [] };
    known.items.push(m.id);
    sources.set(m.source.seed, known);
  }

  return {
    programme: programme.name,
    file: programme.file,
    zone,
    at: now.toUTC().toISO() ?? '',
    day: dayIn(now, zone),
    dayText: formatDay(dayIn(now, zone), zone),
    atText: formatInstant(now, zone),
    since: { at: since.toUTC().toISO() ?? '', text: formatInstant(since, zone) },
    summary: { milestones: milestones.length, actions: actions.length, byStatus, byRag },
    themes,
    milestones,
    actions,
    overdue,
    changes,
    undated: all.filter((r) => r.standing === 'undated'),
    superseded: all.filter((r) => r.standing === 'superseded'),
    sources: [...sources.values()].sort((a, b) => a.seed.localeCompare(b.seed)),
    timeline: timelineFrom(milestones, now, zone),
  };
}

/**
 * The most milestones the picture plots: at about 22 pixels a row, more would not be read at a glance (and a
 * programme of thousands would make a picture hundreds of megabytes in memory). The open ones soonest first,
 * then the latest done, are kept; the tables list everything.
 */
export const MAX_TIMELINE_ROWS = 120;

function plotted(dated: TimelineRow[]): TimelineRow[] {
  if (dated.length <= MAX_TIMELINE_ROWS) return dated;
  const open = dated.filter((m) => m.status !== 'done').sort((a, b) => a.day.localeCompare(b.day));
  const done = dated.filter((m) => m.status === 'done').sort((a, b) => b.day.localeCompare(a.day));
  const kept = new Set([...open, ...done].slice(0, MAX_TIMELINE_ROWS));
  return dated.filter((m) => kept.has(m));
}

function timelineOf(dated: TimelineRow[], undated: ReportTimeline['undated'], now: DateTime, zone: string): ReportTimeline {
  const today = dayIn(now, zone);
  const rows = plotted(dated);
  const notShown = dated.length - rows.length;
  const alt = timelineAlt(rows, undated, formatDay(today, zone)) + (notShown ? ` ${notShown} more dated milestones are not plotted, to keep it readable: they are in the tables.` : '');
  return { today, rows, undated, notShown, alt };
}

function timelineFrom(milestones: readonly ReportRow[], now: DateTime, zone: string): ReportTimeline {
  // A superseded milestone keeps the deadline it had, plotted in its own colour, as the digest's timeline shows it.
  const dated: TimelineRow[] = milestones
    .filter((m) => m.standing !== 'undated' && m.deadlineDay)
    .map((m) => ({
      id: m.id,
      title: m.title,
      theme: m.theme,
      status: m.status,
      statusLabel: m.statusLabel,
      day: m.deadlineDay!,
      ...(m.revisions.length && m.statedDay && m.statedDay !== m.deadlineDay ? { statedDay: m.statedDay } : {}),
    }));
  const undated = milestones.filter((m) => m.standing === 'undated').map((m) => ({ id: m.id, title: m.title }));
  return timelineOf(dated, undated, now, zone);
}

/**
 * The timeline alone, from milestone items already made (the digest's): the same rows as the report's, without
 * the cost of the whole report, since every digest carries it.
 */
export function timelineOfItems(programme: Programme, items: readonly Item[], now: DateTime): ReportTimeline {
  const dated: TimelineRow[] = [];
  const undated: ReportTimeline['undated'] = [];
  for (const i of items) {
    if (i.kind !== 'milestone') continue;
    const day = (i.revisions.at(-1) ?? i.due)?.span.last;
    if (!day) {
      undated.push({ id: i.id, title: i.title });
      continue;
    }
    const stated = i.due?.span.last;
    dated.push({
      id: i.id,
      title: i.title,
      theme: i.milestone?.themes[0] ?? programme.themes[0] ?? 'programme',
      status: i.status,
      statusLabel: STATUS_LABEL[i.status],
      day,
      ...(i.revisions.length && stated && stated !== day ? { statedDay: stated } : {}),
    });
  }
  return timelineOf(dated, undated, now, programme.timezone);
}
