// What falls due: plan() adds to the ledger every reminder, overdue nudge, escalation step and digest whose slot has
// come, for each channel or owner it goes to, and supersedes the older ones it replaces. Pure changes to the state,
// made by tick.ts under the store's lock; the series helpers tell a later message from the ones it replaces.
import { DateTime } from 'luxon';
import { dayIn, type Programme } from '../programme/model.js';
import type { Chat, Destination } from '../ports.js';
import { REOPENED, stampOf } from '../tracking/changes.js';
import { allActionItems, allMilestoneItems, type Item } from '../tracking/items.js';
import type { LedgerEntry, State, Subscription } from '../tracking/state.js';
import { DM_REFUSED, supersede } from './ledger.js';
import { isEscalation, planEscalations } from './escalation.js';
import { digestSlot, latestDue, nextSendTime, reminderSlots, type Slot } from './slots.js';

/** Where a ledger entry goes: a subscription's channel, or an owner's direct messages (`dm:<identity>`). */
export interface Target {
  id: string;
  destination: Destination;
  createdAt: DateTime;
  failing: boolean;
}

// Ledger stamps are UTC (stampOf); reading them in UTC avoids a time-zone lookup per entry.
export const instant = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });

/** A direct target has no subscription: it takes whatever its item's schedule holds. */
const SINCE_EVER = instant('1970-01-01T00:00:00Z');

function subscriptionTarget(s: Subscription): Target {
  return { id: s.id, destination: { platform: s.platform, channel: s.channel, extras: s.extras }, createdAt: instant(s.createdAt), failing: !!s.failing };
}

function directDestination(identity: string, state: State, chats: readonly Chat[]): Destination | undefined {
  const chat = chats.find((c) => identity.startsWith(`${c.platform}:`));
  return state.directChannels[identity] ?? chat?.directDestination?.(identity);
}

/**
 * Where an action's nudges go: its owner directly where the platform allows, else the reminders channels. An
 * owner whose direct messages the platform refused for good for this action (they left, or closed them) is
 * reached there too; another action, or another owner, is tried directly again.
 */
function directTarget(item: Item, state: State, chats: readonly Chat[], refused: ReadonlySet<string>): Target | undefined {
  if (item.kind !== 'action' || !item.owner || !item.action || refused.has(`dm:${item.owner.id}|${item.id}`)) return undefined;
  const destination = directDestination(item.owner.id, state, chats);
  // Not before the action existed: scheduleStarts() says so for every route alike.
  return destination ? { id: `dm:${item.owner.id}`, destination, createdAt: SINCE_EVER, failing: false } : undefined;
}

export function targetOf(state: State, subscriptions: Map<string, Subscription>, chats: readonly Chat[], id: string): Target | undefined {
  const sub = subscriptions.get(id);
  if (sub) return subscriptionTarget(sub);
  const destination = id.startsWith('dm:') ? directDestination(id.slice(3), state, chats) : undefined;
  return destination ? { id, destination, createdAt: SINCE_EVER, failing: false } : undefined;
}

/**
 * Whether an action's owner is on a platform another process runs and this one does not (`reform tick` from a
 * terminal has only the console): only a process with that platform can tell whether the owner can be messaged
 * directly, so the action's reminders are left to it, rather than sent to the channels here and to the owner
 * there. An owner on a platform the deployment no longer runs is reached in the channels, as before.
 */
function ownerServedElsewhere(item: Item, state: State, chats: readonly Chat[], elsewhere: readonly string[]): boolean {
  const owner = item.owner?.id;
  if (item.kind !== 'action' || !owner || state.directChannels[owner]) return false;
  const platform = owner.slice(0, owner.indexOf(':'));
  return elsewhere.includes(platform) && !chats.some((c) => c.platform === platform);
}

/**
 * When each item's present schedule began (ms): an action's creation, its latest local revise, its latest
 * reopening. A reminder due before then was never due for the item as it now stands, so it is not caught up:
 * a deadline revised, or an item reopened, on Christmas Day does not bring a "late" reminder that day.
 */
export function scheduleStarts(state: State): Map<string, number> {
  const starts = new Map<string, number>();
  const after = (item: string, iso: string) => {
    const at = Date.parse(iso);
    if (at > (starts.get(item) ?? 0)) starts.set(item, at);
  };
  for (const a of Object.values(state.actions)) after(a.id, a.createdAt);
  for (const [id, s] of Object.entries(state.items)) {
    const revised = s.revisions.at(-1);
    if (revised) after(id, revised.at);
  }
  for (const e of state.audit) if (e.change === REOPENED) after(e.item, e.at);
  return starts;
}

/** Reminder entries by item, for the routes of actions (an owner changes; the reminder follows them). */
function remindersByItem(state: State): Map<string, LedgerEntry[]> {
  const byItem = new Map<string, LedgerEntry[]>();
  for (const e of Object.values(state.ledger)) {
    // Escalations go to leads and leadership, not the owner: an action changing hands does not reroute them.
    if (e.kind === 'digest' || isEscalation(e.kind)) continue;
    const list = byItem.get(e.item);
    if (list) list.push(e);
    else byItem.set(e.item, [e]);
  }
  return byItem;
}

/**
 * An action's reminders go one way at a time: to its owner, or to the reminders channels. Those still waiting to
 * go another way (to the owner before last) are superseded, and go the new way; a slot sent, or being sent,
 * another way is not sent again. Returns whether `slot` was, and how many were superseded.
 */
function reroute(entries: LedgerEntry[], route: readonly Target[], slot: string): { delivered: boolean; superseded: number } {
  // A route that reaches nowhere from here (no channel subscribed) cancels nothing: what waits still goes its way.
  if (!route.length) return { delivered: false, superseded: 0 };
  const ids = new Set(route.map((t) => t.id));
  let delivered = false;
  let superseded = 0;
  for (const e of entries) {
    if (ids.has(e.subscription)) continue;
    if (e.state === 'pending') {
      supersede(e, 'the action changed hands: its reminders go to the new owner, or the channels');
      superseded++;
    } else if (e.slot === slot && (e.state === 'sent' || e.state === 'claimed')) delivered = true;
  }
  return { delivered, superseded };
}

/** Adds ledger entries for every slot now due. Older missed slots of the same item are superseded. */
export function plan(programme: Programme, state: State, chats: readonly Chat[], now: DateTime, elsewhere: readonly string[] = []): number {
  let superseded = 0;
  const zone = programme.timezone;
  const reminderTargets = state.subscriptions.filter((s) => s.kind === 'reminders').map(subscriptionTarget);
  const items = [...allMilestoneItems(programme, state, now), ...allActionItems(programme, state, now)];
  // Owner and action whose direct messages were refused for good: later reminders for it go to the channels.
  const refused = new Set(Object.values(state.ledger).filter((e) => e.state === 'superseded' && e.note?.startsWith(DM_REFUSED)).map((e) => `${e.subscription}|${e.item}`));
  const starts = scheduleStarts(state);
  const byItem = remindersByItem(state);
  for (const item of items) {
    // Done, superseded or undated: nothing to nudge about.
    if (item.closed || !item.deadline || ownerServedElsewhere(item, state, chats, elsewhere)) continue;
    const slots = reminderSlots(dayIn(item.deadline, zone), programme.reminders, zone);
    const latest = latestDue(slots, now);
    if (!latest) continue;
    const direct = directTarget(item, state, chats, refused);
    const route = direct ? [direct] : reminderTargets;
    if (item.kind === 'action') {
      const moved = reroute(byItem.get(item.id) ?? [], route, latest.name);
      superseded += moved.superseded;
      if (moved.delivered) continue;
    }
    const snoozedUntil = item.state.snoozedUntil ? instant(item.state.snoozedUntil) : undefined;
    const started = starts.get(item.id) ?? 0;
    for (const target of route) {
      // Nothing from before the channel subscribed, or before the item's present schedule began; except that an
      // item overdue when it began (revised to a past date, reopened, added late) is nudged at the next send time.
      let due = latest;
      if (latest.at.toMillis() < started) {
        if (latest.kind !== 'overdue') continue;
        due = { ...latest, at: nextSendTime(DateTime.fromMillis(started), programme.reminders, zone) };
        if (due.at > now) continue;
      }
      // A channel that subscribed before the nudge is sent gets it, as it gets any due after it subscribed.
      if (due.at < target.createdAt) continue;
      const from = Math.max(target.createdAt.toMillis(), started);
      const key = `${target.id}|${item.id}|${due.name}`;
      if (state.ledger[key]) continue;
      for (const older of slots) {
        const olderKey = `${target.id}|${item.id}|${older.name}`;
        if (older === latest || older.at > now || older.at.toMillis() < from || state.ledger[olderKey]) continue;
        state.ledger[olderKey] = entry(olderKey, target.id, item.id, older, 'superseded', 'a later reminder was sent instead');
        superseded++;
      }
      const snoozed = snoozedUntil !== undefined && due.at < snoozedUntil;
      state.ledger[key] = entry(key, target.id, item.id, due, snoozed ? 'superseded' : 'pending', snoozed ? 'snoozed' : undefined);
      if (snoozed) superseded++;
    }
  }
  superseded += planEscalations(programme, state, items, chats, now, starts, elsewhere);
  // Last week's digest counts too when bank holidays moved it into this week (Good Friday, then Easter Monday).
  const lastWeek = digestSlot(now.minus({ weeks: 1 }), programme.digest, zone);
  const thisWeek = digestSlot(now, programme.digest, zone);
  const moved = lastWeek.at >= now.setZone(zone).startOf('week') && lastWeek.at <= now;
  const weekly = thisWeek.at <= now ? thisWeek : moved ? lastWeek : undefined;
  if (weekly) {
    for (const sub of state.subscriptions.filter((s) => s.kind === 'digest')) {
      const key = `${sub.id}|digest|${weekly.name}`;
      if (weekly.at < instant(sub.createdAt) || state.ledger[key]) continue;
      state.ledger[key] = entry(key, sub.id, 'digest', weekly, 'pending');
    }
  }
  return superseded;
}

/**
 * The reminders of one item, for one deadline, to one target: `sub|item|deadline day` (slot names end `@day`);
 * a subscription's weekly digests are one series of their own.
 */
export const seriesOf = (e: LedgerEntry): string => (e.kind === 'digest' ? `${e.subscription}|digest` : `${e.subscription}|${e.item}|${slotDay(e)}`);

/** The deadline day a reminder's slot was planned for (`before-7@2024-05-31` -> `2024-05-31`). */
export const slotDay = (e: LedgerEntry): string => e.slot.slice(e.slot.lastIndexOf('@') + 1);

/**
 * The due instant (ms) of the latest message in the ledger for each series. A deadline moved (either way) starts
 * a series of its own, so its reminders are never taken for older ones.
 */
export function latestInSeries(state: State): Map<string, number> {
  const latest = new Map<string, number>();
  for (const e of Object.values(state.ledger)) {
    const key = seriesOf(e);
    const due = Date.parse(e.dueAt);
    if (due > (latest.get(key) ?? 0)) latest.set(key, due);
  }
  return latest;
}

function entry(key: string, subscription: string, item: string, slot: Slot, state: LedgerEntry['state'], note?: string): LedgerEntry {
  return { key, subscription, item, slot: slot.name, kind: slot.kind, dueAt: stampOf(slot.at), state, attempts: 0, ...(note ? { note } : {}) };
}
