// Milestones the store knows about but the programme file no longer has. Their history is kept;
// `reform check` reports them so nobody loses track of an owner or a note.
import type { Programme } from '../programme/model.js';
import { SUBSCRIPTION_ITEM } from './changes.js';
import type { State } from './state.js';

export interface Orphan {
  id: string;
  changes: number;
}

export function orphanedMilestones(programme: Programme, state: State): Orphan[] {
  const known = new Set(programme.milestones.map((m) => m.id));
  // A removed action's history stays under its milestone: its id is `<milestone>/<n>`.
  const milestoneOf = (id: string): string => (Object.hasOwn(state.actions, id) ? state.actions[id]?.milestoneId : undefined) ?? id.replace(/\/\d+$/, '');
  const audited = state.audit.map((a) => a.item).filter((item) => !item.startsWith(SUBSCRIPTION_ITEM));
  const ids = new Set([...Object.keys(state.items), ...audited].map(milestoneOf));
  return [...ids]
    .filter((id) => !known.has(id))
    .sort()
    .map((id) => ({ id, changes: state.audit.filter((a) => milestoneOf(a.item) === id).length }));
}
