// `reform store copy <from> <to>`: moves everything (tracking, ledger, audit, subscriptions, Slack event ids)
// between a file store and a database, either way. A target that already holds anything is refused unless
// `force` is given, so a typo in the target cannot overwrite a council's history.
import type { State } from '../../src/tracking/state.js';
import type { OpenedStore } from './open.js';

/** A store command that cannot be done as asked (a non-empty target, a missing argument): its message says why. */
export class StoreCommandRefused extends Error {}

/** What a state holds, counted: "12 items, 3 actions, …" (only what it has). */
export function contentsOf(state: State): string {
  const counts: [number, string, string][] = [
    [Object.keys(state.items).length, 'tracked item', 'tracked items'],
    [Object.keys(state.actions).length, 'action', 'actions'],
    [state.audit.length, 'audit entry', 'audit entries'],
    [state.subscriptions.length, 'subscription', 'subscriptions'],
    [Object.keys(state.ledger).length, 'ledger entry', 'ledger entries'],
    [Object.keys(state.directChannels).length, 'direct channel', 'direct channels'],
    [Object.keys(state.slackEvents ?? {}).length, 'Slack event id', 'Slack event ids'],
  ];
  const held = counts.filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  return held.length ? held.join(', ') : 'nothing';
}

function isEmpty(state: State): boolean {
  return contentsOf(state) === 'nothing' && !state.digests.lastBuiltAt;
}

/** Copies `from` into `to`; returns what was copied, in words. */
export async function copyStore(from: OpenedStore, to: OpenedStore, force: boolean): Promise<string> {
  const state = await from.read();
  const existing = await to.read();
  if (!isEmpty(existing) && !force) {
    throw new StoreCommandRefused(`${to.where} is not empty (${contentsOf(existing)}). Nothing was copied; add --force to replace what it holds.`);
  }
  await to.replace(state);
  return contentsOf(state);
}
