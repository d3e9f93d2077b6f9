// A state that has something in every collection, for the store tests.
import type { State } from '../../src/tracking/state.js';

export const note = (text: string) => ({ at: '2026-11-24T10:00:00.000Z', by: 'console:alice', text });

/** One change touching every collection of the state. */
export function fill(s: State): void {
  s.items['kinship-strategy'] = { owner: { id: 'console:alice', name: 'alice' }, rag: 'amber', notes: [note('first')], revisions: [] };
  s.items['kinship-guidance'] = { notes: [], revisions: [], snoozedUntil: '2026-12-01T09:00:00.000Z' };
  s.actions['kinship-strategy/1'] = { id: 'kinship-strategy/1', milestoneId: 'kinship-strategy', title: 'Draft the plan', createdAt: '2026-11-24T10:00:00.000Z', createdBy: 'console:alice' };
  s.audit.push({ at: '2026-11-24T10:00:00.000Z', by: 'console:alice', item: 'kinship-strategy', change: 'rag', from: 'green', to: 'amber' });
  s.audit.push({ at: '2026-11-24T10:01:00.000Z', by: 'console:bob', byName: 'bob', item: 'kinship-strategy', change: 'note' });
  for (const [id, kind] of [['reminders:slack:C1', 'reminders'], ['digest:slack:C2', 'digest'], ['reminders:teams:19:x', 'reminders']] as const) {
    s.subscriptions.push({ id, kind, platform: id.split(':')[1]!, channel: id.split(':').slice(2).join(':'), createdAt: '2026-11-01T00:00:00.000Z', createdBy: 'console:alice' });
  }
  for (const slot of ['before-7@2026-12-01', 'before-1@2026-12-01', 'overdue@2026-12-01']) {
    const key = `reminders:slack:C1|kinship-strategy|${slot}`;
    s.ledger[key] = { key, subscription: 'reminders:slack:C1', item: 'kinship-strategy', slot, kind: slot.startsWith('overdue') ? 'overdue' : 'reminder', dueAt: '2026-11-24T09:00:00.000Z', state: 'pending', attempts: 0 };
  }
  s.ledger['reminders:slack:C1|kinship-strategy|before-7@2026-12-01']!.receipt = { ts: '1.2', parts: [1, 2] };
  s.directChannels['teams:abc'] = { platform: 'teams', channel: 'a:1', extras: { reference: { conversation: { id: 'a:1' } } } };
  s.digests.lastBuiltAt = '2026-11-23T09:00:00.000Z';
  s.slackEvents['Ev01'] = '2026-11-24T10:00:00.000Z';
}
