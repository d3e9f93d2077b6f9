// One view over milestones (from the programme file) and local actions (from the store), with their
// tracking state merged in. Commands, the scheduler and the digest all read items through here.
import type { DateTime } from 'luxon';
import { endOfSpan, formatDay, startOfSpan, type DatedPhrase, type Milestone, type Programme } from '../programme/model.js';
import { deadlineOf, statusOf, type Status } from '../programme/status.js';
import { itemState, type ActionRecord, type ItemState, type Note, type Owner, type Rag, type State } from './state.js';

export interface Item {
  kind: 'milestone' | 'action';
  id: string;
  title: string;
  /** The parent milestone of an action; a milestone's own id. */
  milestoneId: string;
  due?: DatedPhrase;
  /**
   * File revision first, then local re-baselines, oldest first. The last one drives status. Read-only: it may be
   * the store's own list.
   */
  revisions: readonly (DatedPhrase & { note?: string; by?: string; byName?: string; reason?: string; from?: string })[];
  done: boolean;
  /** Overtaken by later policy (the programme file's record, or `supersede`): closed, but not done. */
  superseded?: { by?: string; when: string; note?: string; fromFile: boolean };
  /** Done or superseded: no nudges, not in `next`, not open work. */
  closed: boolean;
  /** When it was done, as people read it: "15 December 2023", or the file's own phrase ("July 2023"). */
  doneText?: string;
  doneNote?: string;
  owner?: Owner;
  rag?: Rag;
  latestNote?: Note;
  status: Status;
  deadline?: DateTime;
  milestone?: Milestone;
  action?: ActionRecord;
  state: ItemState;
}

/**
 * Whether a completion in the programme file has happened by `now`. One recorded to the day counts from that day;
 * one recorded as a month or a year ("November 2023", "2023") is certain only once that span is over, so a look
 * back from within it never shows done what may not have been done yet.
 */
export function completedBy(completed: DatedPhrase, zone: string, now: DateTime): boolean {
  const { span } = completed;
  return span.first === span.last ? now >= startOfSpan(span, zone) : now > endOfSpan(span, zone);
}

export function milestoneItem(programme: Programme, state: State, m: Milestone, now: DateTime): Item {
  const s = itemState(state, m.id);
  // Read-only, like an action's: the store's own list is shared when the file has no revision.
  const revisions = m.revised ? [m.revised, ...s.revisions] : s.revisions;
  // A completion from the public record counts once it is certain (completedBy), so a past `now` sees the past.
  const completedInFile =
    m.completed !== undefined && !s.reopened && completedBy(m.completed, programme.timezone, now);
  const done = s.done !== undefined || completedInFile;
  const superseded = supersededOf(programme, s, m, now);
  const deadline = deadlineOf({ due: m.due, revisions }, programme.timezone);
  return {
    kind: 'milestone',
    id: m.id,
    title: m.title,
    milestoneId: m.id,
    due: m.due,
    revisions,
    done,
    ...(superseded ? { superseded } : {}),
    closed: done || superseded !== undefined,
    doneText: s.done ? formatDay(s.done.at.slice(0, 10), programme.timezone) : completedInFile ? m.completed?.phrase : undefined,
    doneNote: s.done ? s.done.note : completedInFile ? m.completed?.note : undefined,
    owner: s.owner,
    rag: s.rag,
    latestNote: s.notes.at(-1),
    status: superseded && !done ? 'superseded' : statusOf(done, deadline, now, programme.timezone, programme.dueSoonDays),
    deadline,
    milestone: m,
    state: s,
  };
}

/**
 * Whether, and how, a milestone is superseded at `now`: a local `supersede` first; else the programme file's record
 * once its date has come (as for a completion), unless someone reopened it.
 */
function supersededOf(programme: Programme, s: ItemState, m: Milestone, now: DateTime): Item['superseded'] {
  if (s.superseded) {
    const note = s.superseded.reason;
    return { ...(s.superseded.replacedBy ? { by: s.superseded.replacedBy } : {}), when: formatDay(s.superseded.at.slice(0, 10), programme.timezone), note, fromFile: false };
  }
  const file = m.superseded;
  if (!file || s.reopened || !completedBy(file, programme.timezone, now)) return undefined;
  return { by: file.by, when: file.phrase, ...(file.note ? { note: file.note } : {}), fromFile: true };
}

export function actionItem(programme: Programme, state: State, a: ActionRecord, now: DateTime): Item {
  const s = itemState(state, a.id);
  const done = s.done !== undefined;
  const deadline = deadlineOf({ due: a.due, revisions: s.revisions }, programme.timezone);
  return {
    kind: 'action',
    id: a.id,
    title: a.title,
    milestoneId: a.milestoneId,
    due: a.due,
    revisions: s.revisions,
    done,
    closed: done,
    doneText: s.done ? formatDay(s.done.at.slice(0, 10), programme.timezone) : undefined,
    doneNote: s.done?.note,
    owner: s.owner,
    rag: s.rag,
    latestNote: s.notes.at(-1),
    status: statusOf(done, deadline, now, programme.timezone, programme.dueSoonDays),
    deadline,
    action: a,
    state: s,
  };
}

export function allMilestoneItems(programme: Programme, state: State, now: DateTime): Item[] {
  return programme.milestones.map((m) => milestoneItem(programme, state, m, now));
}

export function allActionItems(programme: Programme, state: State, now: DateTime): Item[] {
  return Object.values(state.actions).map((a) => actionItem(programme, state, a, now));
}

export function actionsOf(programme: Programme, state: State, milestoneId: string, now: DateTime): Item[] {
  return Object.values(state.actions)
    .filter((a) => a.milestoneId === milestoneId)
    .map((a) => actionItem(programme, state, a, now));
}

/** A milestone or action by id, or undefined. */
export function findItem(programme: Programme, state: State, id: string, now: DateTime): Item | undefined {
  const m = programme.milestones.find((x) => x.id === id);
  if (m) return milestoneItem(programme, state, m, now);
  // Own keys only: an id such as `__proto__` or `constructor` must not find Object.prototype's members.
  const a = Object.hasOwn(state.actions, id) ? state.actions[id] : undefined;
  return a ? actionItem(programme, state, a, now) : undefined;
}

/** Open items soonest deadline first (undated last), then closed ones; ties by id. */
export function bySoonest(a: Item, b: Item): number {
  if (a.closed !== b.closed) return a.closed ? 1 : -1;
  const da = a.deadline?.toMillis() ?? Number.POSITIVE_INFINITY;
  const db = b.deadline?.toMillis() ?? Number.POSITIVE_INFINITY;
  return da === db ? a.id.localeCompare(b.id) : da - db;
}
