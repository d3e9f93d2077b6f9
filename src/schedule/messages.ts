// What a nudge and a digest say. Neutral replies: each adapter renders them and mentions owners.
import { DateTime } from 'luxon';
import { formatDay, formatInstant, type Programme } from '../programme/model.js';
import { daysLeft } from '../programme/status.js';
import { auditBy, auditChange, auditWhen } from '../replies/audit.js';
import { itemToReply, whenText } from '../replies/items.js';
import { clipWords, code, command, reply, type Reply, type Rich } from '../replies/model.js';
import { SNOOZED, stampOf, SUBSCRIPTION_ITEM } from '../tracking/changes.js';
import { timelineOfItems } from '../report/model.js';
import { allActionItems, allMilestoneItems, bySoonest, type Item } from '../tracking/items.js';
import type { AuditEntry, State } from '../tracking/state.js';
import type { Slot } from './slots.js';
import { escalatedSection } from './escalated.js';
import { acknowledgeButton } from './escalation-messages.js';

/** A message more than this late says so. */
export const LATE_AFTER_MINUTES = 15;

export function lateLine(slot: Slot, now: DateTime, zone: string): Rich[] {
  return now.diff(slot.at, 'minutes').minutes > LATE_AFTER_MINUTES
    ? [[`Sent late: this was due on ${formatDay(slot.at, zone)} at ${slot.at.setZone(zone).toFormat('HH:mm')}.`]]
    : [];
}

export function reminderMessage(programme: Programme, item: Item, slot: Slot, now: DateTime): Reply {
  const zone = programme.timezone;
  const left = item.deadline ? daysLeft(item.deadline, now, zone) : 0;
  const late = lateLine(slot, now, zone);
  const when = slot.kind === 'overdue' || left < 0 ? 'is overdue' : left === 0 ? 'is due today' : `is due in ${left} day${left === 1 ? '' : 's'}`;
  const r = reply(
    'answer',
    // "Overdue: x", not "Overdue: x is overdue"; the item's own line says by how many days.
    slot.kind === 'overdue' ? `Overdue: ${item.id}` : `Reminder: ${item.id} ${when}`,
    // The item names (and mentions) its owner and shows its RAG; the "Next:" line is the one prompt to assign.
    [{ items: [itemToReply(item, now, zone, { ownerPrompt: false })] }, ...(late.length ? [{ lines: late }] : [])],
    // Commands to type: Slack shows them after its slash command (`/reform done …`), Teams and the console as they are.
    [['Next: ', command(`done ${item.id}`), ' when it is done, ', command(`assign ${item.id} @name`), item.owner ? ' to hand it on, ' : ' to name an owner, ', command(`revise ${item.id} <date> because <reason>`), ' if it has moved.']],
  );
  r.more = `status ${item.id}`;
  r.buttons = [
    { label: 'Mark done', short: 'Done', command: `done ${item.id}` },
    { label: 'Assign to me', short: 'Take it', command: `assign ${item.id} me` },
    { label: 'Snooze a week', short: 'Snooze', command: `snooze ${item.id}` },
    // Overdue: saying it is in hand stops the escalation ladder (escalation.ts).
    ...(slot.kind === 'overdue' ? [acknowledgeButton(item.id)] : []),
  ];
  return r;
}

/** A change in the digest is one line: a long note is cut between words, and who and when stay whole after it. */
const CHANGE_CHARS = 300;

function changeLine(e: AuditEntry, zone: string): Rich {
  // The change is a piece of its own, so a renderer that shortens long text cuts it, not the "(" after it.
  return [code(e.item), ' ', clipWords(auditChange(e), CHANGE_CHARS), ' (', auditBy(e), `, ${auditWhen(e, zone)})`];
}

/**
 * What the last digest sent (to one subscription, or to any) covered: changes up to when it was built. The next
 * lists changes from then, so one made while a digest was going out is in the next.
 */
export function lastDigestSent(state: State, subscription?: string): DateTime | undefined {
  return lastDigestsSent(state, subscription).get(subscription);
}

/**
 * When each subscription's digest was last built or sent (`undefined`: any subscription's), from one pass over the
 * ledger: a tick with many digest channels asks for all of them. A channel that unsubscribed and subscribed again
 * starts afresh: its first digest covers a week, not the months since its last one under the old subscription.
 */
export function lastDigestsSent(state: State, only?: string): Map<string | undefined, DateTime> {
  const subscribed = new Map(state.subscriptions.map((s) => [s.id, Date.parse(s.createdAt)]));
  const latest = new Map<string | undefined, DateTime>();
  const later = (key: string | undefined, at: DateTime): void => {
    const known = latest.get(key);
    if (!known || at.toMillis() > known.toMillis()) latest.set(key, at);
  };
  for (const l of Object.values(state.ledger)) {
    if (l.kind !== 'digest' || l.state !== 'sent' || (only !== undefined && l.subscription !== only)) continue;
    const at = DateTime.fromISO(l.builtAt ?? l.sentAt ?? l.dueAt, { setZone: true });
    if (only === undefined) later(undefined, at);
    if (at.toMillis() >= (subscribed.get(l.subscription) ?? 0)) later(l.subscription, at);
  }
  return latest;
}

const MAX_CHANGES = 40;

/**
 * "Overdue or due in the next 6 weeks (3): `a`, `b` and `c`." Named by what they are, not by where: a card cut
 * to fit a chat's size limit may not show all of them above.
 */
function namedAbove(items: Item[], horizonWeeks: number): Rich {
  const what = `Overdue or due in the next ${horizonWeeks} weeks`;
  const line: Rich = [items.length === 1 ? `${what}: ` : `${what} (${items.length}): `];
  items.forEach((item, i) => {
    if (i > 0) line.push(i === items.length - 1 ? ' and ' : ', ');
    line.push(code(item.id));
  });
  line.push('.');
  return line;
}

/** The weekly digest: overdue, due in the horizon, changes since `since`, unowned milestones overdue or due soon. */
export function digestMessage(programme: Programme, state: State, now: DateTime, since: DateTime | undefined, late?: Slot): Reply {
  const zone = programme.timezone;
  const items = [...allMilestoneItems(programme, state, now), ...allActionItems(programme, state, now)];
  const open = items.filter((i) => !i.closed);
  // Whole days, as "due soon" counts them: on a Monday's digest, a deadline six weeks on, that Monday, is in.
  const within = (i: Item, weeks: number) => i.deadline !== undefined && daysLeft(i.deadline, now, zone) <= weeks * 7;
  const overdue = open.filter((i) => i.status === 'overdue').sort(bySoonest);
  const dueSoon = open.filter((i) => i.status !== 'overdue' && within(i, programme.digest.horizon_weeks)).sort(bySoonest);
  // Overdue ones first: a milestone past its deadline with nobody named is the one a committee most needs to see.
  const dueBy = open.filter((i) => i.kind === 'milestone' && within(i, programme.digest.unowned_weeks));
  const unowned = dueBy.filter((i) => !i.owner).sort(bySoonest);
  const above = new Set([...overdue, ...dueSoon].map((i) => i.id));
  const unownedAbove = unowned.filter((i) => above.has(i.id));
  const unownedLater = unowned.filter((i) => !above.has(i.id));
  // A first digest covers the week before it was due, not before it was sent, so its attempts differ only where
  // something really changed (after a crash between parts, a matching rendering can go on where it stopped).
  // A week on the clock in the programme's zone: across a change to or from summer time, the same hour.
  const start = since ?? (late?.at ?? now).setZone(zone).minus({ weeks: 1 });
  // Owners, RAG, notes, completions, revisions: the programme's changes, not the bot's own settings (subscriptions,
  // snoozes).
  const changes = state.audit
    .filter((e) => !e.item.startsWith(SUBSCRIPTION_ITEM) && e.change !== SNOOZED && DateTime.fromISO(e.at, { setZone: true }) > start)
    .reverse();
  const show = (list: Item[]) => list.map((i) => itemToReply(i, now, zone));
  // It opens with what went up the escalation ladder and still has no answer.
  const escalated = escalatedSection(programme, state, open, now);
  const digest = reply(
    'answer',
    `Weekly digest: ${programme.name}, week of ${now.setZone(zone).startOf('week').toFormat('d LLLL yyyy', { locale: 'en-GB' })}`,
    [
      ...(escalated ? [escalated] : []),
      { lines: [[`${overdue.length} overdue · ${dueSoon.length} due in the next ${programme.digest.horizon_weeks} weeks · ${changes.length} change${changes.length === 1 ? '' : 's'} since ${formatInstant(start, zone)}`], ...(late ? lateLine(late, now, zone) : [])] },
      { title: `Overdue (${overdue.length})`, ...(overdue.length ? { items: show(overdue) } : { lines: [['Nothing is overdue.']] }) },
      { title: `Due in the next ${programme.digest.horizon_weeks} weeks (${dueSoon.length})`, ...(dueSoon.length ? { items: show(dueSoon) } : { lines: [['Nothing falls due.']] }) },
      {
        title: `${since ? 'Changes since the last digest' : 'Changes in the last week'} (${changes.length})`,
        lines: changes.length ? [...changes.slice(0, MAX_CHANGES).map((e) => changeLine(e, zone)), ...(changes.length > MAX_CHANGES ? [[`…and ${changes.length - MAX_CHANGES} more (see history <id>).`]] : [])] : [['No changes.']],
      },
      {
        title: `Milestones with no owner, overdue or due within ${programme.digest.unowned_weeks} weeks (${unowned.length})`,
        // The question here is only who will own them. Those in the lists above are named, not repeated; the rest
        // (due after the horizon) get a line each.
        lines: unowned.length
          ? [...(unownedAbove.length ? [namedAbove(unownedAbove, programme.digest.horizon_weeks)] : []), ...unownedLater.map((i): Rich => [code(i.id), ` ${i.title} · ${whenText(i, now, zone)}`])]
          : [[dueBy.length ? 'Every milestone overdue or due soon has an owner.' : `No milestone is overdue or due within ${programme.digest.unowned_weeks} weeks.`]],
      },
    ],
  );
  digest.more = 'digest';
  // The timeline is the same for every channel at this instant: named by it, so it is drawn and uploaded once.
  digest.picture = { key: `timeline@${stampOf(now)}`, timeline: timelineOfItems(programme, items, now) };
  return digest;
}
