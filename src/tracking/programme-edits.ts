// An edit of the programme file, as the store records it and the reminders channels hear of it. Called by the
// adapter that watches the file (and once at start-up), under the store's lock, so that however many processes
// notice the same edit, and however often the bot restarts, it is recorded and announced exactly once: the
// ledger keys the announcement by the content hashes of the file before and after.
import { DateTime } from 'luxon';
import { formatDay, formatInstant, type Programme } from '../programme/model.js';
import { code, reply, type Reply, type Rich } from '../replies/model.js';
import { audit, stampOf } from './changes.js';
import type { LedgerEntry, MilestoneSnapshot, ProgrammeEdit, State } from './state.js';

/** Who made a change the programme file brought: named (as a post is) in `history` and the digest, never a person. */
export const PROGRAMME_FILE = { id: 'role:programme-file', name: 'the programme file' };

/** The item of an announcement in the ledger: not a milestone id (ids have no colon). */
export const EDIT_ITEM = 'programme:';

export function snapshotOf(programme: Programme): Record<string, MilestoneSnapshot> {
  const out: Record<string, MilestoneSnapshot> = {};
  for (const m of programme.milestones) {
    const deadline = (m.revised ?? m.due)?.span.last;
    out[m.id] = {
      title: m.title,
      ...(deadline ? { deadline } : {}),
      ...(m.completed ? { completed: m.completed.phrase } : {}),
      ...(m.superseded ? { superseded: `by ${m.superseded.by} on ${m.superseded.phrase}` } : {}),
    };
  }
  return out;
}

type Change = ProgrammeEdit['changes'][number];

/** Milestones added, removed, re-dated, completed, superseded or left undated, in the new file's order. */
export function diffSnapshots(before: Record<string, MilestoneSnapshot>, after: Record<string, MilestoneSnapshot>, zone: string): Change[] {
  const changes: Change[] = [];
  const day = (iso?: string) => (iso ? formatDay(iso, zone) : undefined);
  for (const [item, now] of Object.entries(after)) {
    const was = Object.hasOwn(before, item) ? before[item] : undefined;
    if (!was) {
      changes.push({ change: 'added', item, title: now.title, ...(now.deadline ? { to: day(now.deadline) } : { to: 'undated' }) });
      continue;
    }
    if (now.deadline !== was.deadline) {
      if (now.deadline) changes.push({ change: 'redated', item, title: now.title, from: day(was.deadline) ?? 'undated', to: day(now.deadline)! });
      else changes.push({ change: 'undated', item, title: now.title, from: day(was.deadline)! });
    }
    if (now.completed && now.completed !== was.completed) changes.push({ change: 'completed', item, title: now.title, to: now.completed });
    if (now.superseded && now.superseded !== was.superseded) changes.push({ change: 'superseded', item, title: now.title, to: now.superseded });
  }
  for (const [item, was] of Object.entries(before)) {
    if (!Object.hasOwn(after, item)) changes.push({ change: 'removed', item, title: was.title });
  }
  return changes;
}

const short = (hash: string) => hash.slice(0, 12);

function announce(state: State, key: string, now: DateTime): void {
  for (const sub of state.subscriptions.filter((s) => s.kind === 'reminders')) {
    const id = `${sub.id}|${EDIT_ITEM}${key}|edit@${key}`;
    state.ledger[id] ??= { key: id, subscription: sub.id, item: `${EDIT_ITEM}${key}`, slot: `edit@${key}`, kind: 'programme', dueAt: stampOf(now), state: 'pending', attempts: 0 } satisfies LedgerEntry;
  }
}

function changeText(c: Change): string {
  switch (c.change) {
    case 'added': return `added to the programme file (${c.to === 'undated' ? 'undated' : `deadline ${c.to}`})`;
    case 'removed': return 'removed from the programme file';
    case 'redated': return 'programme file: deadline';
    case 'undated': return 'programme file: now undated';
    case 'completed': return 'programme file: completed';
    case 'superseded': return 'programme file: superseded';
  }
}

/**
 * Records the programme the bot now runs. The first time on a store it only notes the file; after that, a file
 * whose content differs from the last one taken is compared with it, its changes are written to the audit trail
 * (so `history` and the digest show them) and announced to every reminders channel. Returns the changes, or
 * undefined when this content was already taken (another process, or before a restart).
 */
export function recordProgramme(state: State, programme: Programme, hash: string, now: DateTime): Change[] | undefined {
  const last = state.programmeFile;
  if (last?.hash === hash) return undefined;
  const milestones = snapshotOf(programme);
  state.programmeFile = { hash, file: programme.file, at: stampOf(now), milestones };
  if (!last) return [];
  const changes = diffSnapshots(last.milestones, milestones, programme.timezone);
  const key = `${short(last.hash)}-${short(hash)}`;
  state.programmeEdits[key] = { at: stampOf(now), file: programme.file, taken: true, changes, errors: [] };
  for (const c of changes) {
    // A milestone that leaves the file with nothing recorded about it leaves no trace; one with a history keeps it.
    if (c.change === 'removed' && !Object.hasOwn(state.items, c.item)) continue;
    audit(state, PROGRAMME_FILE, now, { item: c.item, change: changeText(c), ...(c.from !== undefined ? { from: c.from } : {}), ...(c.to !== undefined && c.change !== 'added' ? { to: c.to } : {}) });
  }
  // An edit that changes no milestone's dates or state (a note, a glossary term) is not worth a channel's attention.
  if (changes.length) announce(state, key, now);
  return changes;
}

/** Records an edit that did not load: the bot keeps the programme it had, and each reminders channel is told once. */
export function recordRefusedEdit(state: State, file: string, hash: string, errors: string[], now: DateTime): boolean {
  const key = `refused-${short(hash)}`;
  if (state.programmeEdits[key]) return false;
  state.programmeEdits[key] = { at: stampOf(now), file, taken: false, changes: [], errors };
  announce(state, key, now);
  return true;
}

const HEADINGS: Record<Change['change'], string> = {
  added: 'Added', removed: 'Removed', redated: 'Re-dated', undated: 'Now undated', completed: 'Completed', superseded: 'Superseded',
};

/** The announcement of an edit, from its record: the same words from whichever process sends it. */
export function editMessage(programme: Programme, state: State, item: string): Reply | { skip: string } {
  const key = item.slice(EDIT_ITEM.length);
  const edit = Object.hasOwn(state.programmeEdits, key) ? state.programmeEdits[key] : undefined;
  if (!edit) return { skip: 'the edit is not on record' };
  const when = formatInstant(DateTime.fromISO(edit.at, { setZone: true }), programme.timezone);
  if (!edit.taken) {
    const shown = edit.errors.slice(0, 8).map((e): Rich => [e]);
    return reply('problem', `The edit to ${edit.file} was not taken`, [
      { lines: [[`The programme file was changed (${when}) but cannot be read, so the bot goes on with the programme as it was. Nothing else changed.`]] },
      { title: 'What to fix', lines: [...shown, ...(edit.errors.length > 8 ? [[`…and ${edit.errors.length - 8} more (npx reform check).`]] : [])] },
    ], [['Once the file is fixed, the bot takes it within seconds and says what changed.']]);
  }
  const sections = (Object.keys(HEADINGS) as Change['change'][])
    .map((kind) => ({ kind, list: edit.changes.filter((c) => c.change === kind) }))
    .filter((g) => g.list.length)
    .map((g) => ({
      title: `${HEADINGS[g.kind]} (${g.list.length})`,
      lines: g.list.map((c): Rich => [code(c.item), ` ${c.title}`, detail(c)]),
    }));
  const n = edit.changes.length;
  return reply('answer', `Programme file updated: ${n} change${n === 1 ? '' : 's'} to milestones`, sections, [
    [`Taken from ${edit.file} (${when}). Owners, notes and actions stay as they were; a removed milestone keeps its history.`],
  ]);
}

function detail(c: Change): string {
  switch (c.change) {
    case 'added': return c.to === 'undated' ? ' (undated)' : ` (deadline ${c.to})`;
    case 'redated': return `: ${c.from} → ${c.to}`;
    case 'undated': return ` (was ${c.from})`;
    case 'completed': return `: ${c.to}`;
    case 'superseded': return ` ${c.to}`;
    case 'removed': return '';
  }
}
