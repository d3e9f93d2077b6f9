// Every change to tracking state goes through record(): it applies the change and appends the audit entry,
// in one store update. Nothing is ever removed from the audit trail.
import type { DateTime } from 'luxon';
import type { Caller } from '../commands/types.js';
import { itemStateSchema, type AuditEntry, type ItemState, type State } from './state.js';

export interface ChangeRecord {
  item: string;
  change: string;
  from?: string;
  to?: string;
}

/** Audit entries about subscriptions name `subscription:<id>` as their item; they belong to no milestone. */
export const SUBSCRIPTION_ITEM = 'subscription:';

/** The audit change of `reopen`: the scheduler reads it as the moment an item's reminders began again. */
export const REOPENED = 'reopened';

/** The audit change of `snooze`: a setting of the bot's, not a change to the programme, so no digest lists it. */
export const SNOOZED = 'snoozed';
/** The change recorded when a local action is removed: its id then names only its history. */
export const ACTION_REMOVED = 'action removed';

export function stampOf(now: DateTime): string {
  return now.toUTC().toISO() ?? '';
}

/** The item's state, created if this is its first change. */
export function editItem(state: State, id: string): ItemState {
  const existing = Object.hasOwn(state.items, id) ? state.items[id] : undefined;
  if (existing) return existing;
  const fresh = itemStateSchema.parse({});
  state.items[id] = fresh;
  return fresh;
}

export function audit(state: State, caller: Caller, now: DateTime, record: ChangeRecord): AuditEntry {
  const entry: AuditEntry = { at: stampOf(now), by: caller.id, byName: caller.name, ...record };
  state.audit.push(entry);
  return entry;
}
