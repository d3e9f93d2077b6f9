// The escalation ladder: an overdue item nobody acknowledges goes up. Step 1 is the overdue nudge (slots.ts);
// `lead_after` working days after it, step 2, a direct message to the item's lead(s); `leadership_after` working
// days after it, step 3, a post in the channels subscribed with `subscribe escalations`. Each step goes out once
// per deadline day (the ledger keys it), at the policy's 09:00 on a working day; after downtime only the highest
// step due goes out. An acknowledgement for the deadline (`ack`), done or a new deadline ends the ladder.
import { DateTime } from 'luxon';
import { dayIn, type Programme } from '../programme/model.js';
import type { Chat } from '../ports.js';
import { stampOf } from '../tracking/changes.js';
import type { Item } from '../tracking/items.js';
import { leadsOf, standingAcknowledgement } from '../tracking/leads.js';
import type { LedgerEntry, State } from '../tracking/state.js';
import { supersede } from './ledger.js';
import { nextSendTime, reminderSlots } from './slots.js';
import { addDays, isWorkingDay } from './working-days.js';

export type EscalationKind = 'escalation-2' | 'escalation-3';

export interface EscalationStep {
  kind: EscalationKind;
  /** `escalation-2@2024-05-31`: the step and the deadline day it escalates, like a reminder's slot name. */
  name: string;
  at: DateTime;
}

export const isEscalation = (kind: LedgerEntry['kind']): kind is EscalationKind => kind === 'escalation-2' || kind === 'escalation-3';

/** The working day `n` working days after `day` (ISO). */
export function addWorkingDays(day: string, n: number): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/**
 * Steps 2 and 3 for an item's deadline day. The ladder counts from the overdue nudge, or, for an item whose
 * present schedule began after that (revised to a past date, reopened, added late), from the nudge it got then.
 */
export function escalationSteps(programme: Programme, deadlineDay: string, startedMs = 0): EscalationStep[] {
  const zone = programme.timezone;
  const policy = programme.reminders;
  const overdue = reminderSlots(deadlineDay, { ...policy, overdue: true }, zone).at(-1)!.at;
  const late = overdue.toMillis() < startedMs;
  // Every tick asks for every overdue item: steps are computed once per day, start, policy and zone.
  const key = `${zone}|${deadlineDay}|${late ? startedMs : 0}|${policy.at}|${programme.escalation.lead_after}|${programme.escalation.leadership_after}`;
  const known = stepCache.get(key);
  if (known) return known;
  if (stepCache.size >= MAX_CACHED) stepCache.clear();
  const base = late ? nextSendTime(DateTime.fromMillis(startedMs, { zone }), policy, zone) : overdue;
  const baseDay = base.setZone(zone).toISODate()!;
  const [hour, minute] = policy.at.split(':').map(Number) as [number, number];
  const at = (n: number) => DateTime.fromISO(addWorkingDays(baseDay, n), { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  const steps: EscalationStep[] = [
    { kind: 'escalation-2', name: `escalation-2@${deadlineDay}`, at: at(programme.escalation.lead_after) },
    { kind: 'escalation-3', name: `escalation-3@${deadlineDay}`, at: at(programme.escalation.leadership_after) },
  ];
  stepCache.set(key, steps);
  return steps;
}

const stepCache = new Map<string, EscalationStep[]>();
const MAX_CACHED = 20_000;

interface StepTarget {
  id: string;
  createdAt: number;
}

/**
 * Where step 2 goes: each lead who can be messaged directly (`dm:<id>`), and for a post, or a person who cannot,
 * the reminders channels, where the item's nudges are seen. A lead on a platform another process runs is left
 * pending for that process, as an action owner's reminders are.
 */
function leadTargets(programme: Programme, state: State, item: Item, chats: readonly Chat[], elsewhere: readonly string[], now: DateTime): StepTarget[] {
  const targets: StepTarget[] = [];
  const channels = state.subscriptions.filter((s) => s.kind === 'reminders' && !s.failing);
  for (const lead of leadsOf(programme, state, item, now)) {
    const platform = lead.id.slice(0, lead.id.indexOf(':'));
    const chat = chats.find((c) => c.platform === platform);
    const direct = !lead.id.startsWith('role:') && (state.directChannels[lead.id] ?? chat?.directDestination?.(lead.id) ?? (elsewhere.includes(platform) && !chat ? true : undefined));
    if (direct) targets.push({ id: `dm:${lead.id}`, createdAt: 0 });
    else for (const s of channels) targets.push({ id: s.id, createdAt: Date.parse(s.createdAt) });
  }
  return targets.filter((t, i) => targets.findIndex((u) => u.id === t.id) === i);
}

/**
 * Adds ledger entries for the escalation step now due for each overdue item nobody acknowledged. When step 3
 * is due, what still waits of the lower steps for that deadline (after downtime) is superseded: only the highest
 * step goes out. Returns how many entries were superseded.
 */
export function planEscalations(programme: Programme, state: State, items: readonly Item[], chats: readonly Chat[], now: DateTime, starts: ReadonlyMap<string, number>, elsewhere: readonly string[] = []): number {
  const zone = programme.timezone;
  const leadership = state.subscriptions.filter((s) => s.kind === 'escalations').map((s) => ({ id: s.id, createdAt: Date.parse(s.createdAt) }));
  let superseded = 0;
  for (const item of items) {
    if (item.closed || !item.deadline || item.deadline > now || standingAcknowledgement(item, zone)) continue;
    const day = dayIn(item.deadline, zone);
    const steps = escalationSteps(programme, day, starts.get(item.id) ?? 0);
    const due = steps.filter((s) => s.at <= now).at(-1);
    if (!due) continue;
    const targets = due.kind === 'escalation-3' ? leadership : leadTargets(programme, state, item, chats, elsewhere, now);
    let planned = false;
    for (const target of targets) {
      // Nothing from before the channel subscribed, as for reminders.
      if (due.at.toMillis() < target.createdAt) continue;
      const key = `${target.id}|${item.id}|${due.name}`;
      if (state.ledger[key]) continue;
      state.ledger[key] = { key, subscription: target.id, item: item.id, slot: due.name, kind: due.kind, dueAt: stampOf(due.at), state: 'pending', attempts: 0 };
      planned = true;
    }
    if (!planned) continue;
    // The highest step due replaces what of the lower ones for this deadline still waits (downtime, failed sends).
    for (const e of Object.values(state.ledger)) {
      if (e.item !== item.id || e.state !== 'pending' || e.kind === 'digest' || e.kind === due.kind || !e.slot.endsWith(`@${day}`)) continue;
      if (e.kind === 'escalation-3') continue;
      supersede(e, 'a later escalation step was sent instead');
      superseded++;
    }
  }
  return superseded;
}
