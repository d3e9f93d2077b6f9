// Stores written before subscriptions belonged to the channel: a Teams channel subscription was keyed on the
// thread it was typed in (`19:…@thread.tacv2;messageid=…`), so its posts went into that thread, and subscribing
// again from another thread made a second one. At start-up each is moved to its channel, or, where the channel
// already has the same subscription, dropped in its favour. Run by the composition root when Teams is on.
import { supersede } from '../../src/schedule/ledger.js';
import type { State } from '../../src/tracking/state.js';

const THREAD = ';messageid=';

/** Moves thread-keyed Teams subscriptions (and their ledger entries) to their channel; returns how many. */
export function channelSubscriptions(state: State): number {
  let moved = 0;
  for (const sub of [...state.subscriptions]) {
    const cut = sub.platform === 'teams' ? sub.channel.indexOf(THREAD) : -1;
    if (cut < 0) continue;
    moved++;
    const channel = sub.channel.slice(0, cut);
    const id = `${sub.kind}:teams:${channel}`;
    const oldId = sub.id;
    if (state.subscriptions.some((s) => s.id === id)) {
      state.subscriptions.splice(state.subscriptions.indexOf(sub), 1);
      for (const e of Object.values(state.ledger)) {
        if (e.subscription === oldId && (e.state === 'pending' || e.state === 'claimed')) supersede(e, 'the channel has one subscription now');
      }
      continue;
    }
    sub.id = id;
    sub.channel = channel;
    // A refusal was the thread's: the channel is tried afresh, and marked failing again if it refuses too.
    delete sub.failing;
    const reference = sub.extras?.reference as { conversation?: Record<string, unknown> } | undefined;
    if (reference?.conversation) reference.conversation = { ...reference.conversation, id: channel };
    // Ledger keys start with the subscription's id: re-keyed, so what was sent stays sent.
    for (const [key, e] of Object.entries(state.ledger)) {
      if (e.subscription !== oldId) continue;
      delete state.ledger[key];
      const renamed = id + key.slice(oldId.length);
      state.ledger[renamed] = { ...e, key: renamed, subscription: id };
    }
  }
  return moved;
}
