// Who answers for an item above its owner: a theme's lead (named with `lead`, else the programme file's `leads:`),
// and for a local action the owner of its milestone. The escalation ladder and `ack` read leads through here.
import type { DateTime } from 'luxon';
import { dayIn, type Programme } from '../programme/model.js';
import { findItem, type Item } from './items.js';
import type { ItemState, Owner, State } from './state.js';

export interface ThemeLead {
  owner: Owner;
  /** `store`: named with `lead`; `file`: the programme file's default. */
  from: 'store' | 'file';
}

export function themeLead(programme: Programme, state: State, theme: string): ThemeLead | undefined {
  const named = Object.hasOwn(state.leads, theme) ? state.leads[theme] : undefined;
  if (named) return { owner: named, from: 'store' };
  const given = Object.hasOwn(programme.leads, theme) ? programme.leads[theme] : undefined;
  return given ? { owner: given, from: 'file' } : undefined;
}

/**
 * The item's leads, without its own owner (escalating to the person already nudged is no escalation): each theme
 * lead of a milestone, once each; the milestone's owner for an action.
 */
export function leadsOf(programme: Programme, state: State, item: Item, now: DateTime): Owner[] {
  const found: Owner[] = [];
  const add = (o: Owner | undefined) => {
    if (o && o.id !== item.owner?.id && !found.some((f) => f.id === o.id)) found.push(o);
  };
  if (item.kind === 'action') add(findItem(programme, state, item.milestoneId, now)?.owner);
  else for (const theme of item.milestone?.themes ?? []) add(themeLead(programme, state, theme)?.owner);
  return found;
}

/** The acknowledgement that stands for the item's present deadline, if any: a revised deadline needs a new one. */
export function standingAcknowledgement(item: Item, zone: string): NonNullable<ItemState['acknowledged']> | undefined {
  const ack = item.state.acknowledged;
  if (!ack || item.done || !item.deadline) return undefined;
  return ack.deadline === dayIn(item.deadline, zone) ? ack : undefined;
}
