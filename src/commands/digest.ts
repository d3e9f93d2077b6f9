// `digest`: preview this week's digest as subscribers will get it.
import { DateTime } from 'luxon';
import { digestMessage } from '../schedule/messages.js';
import type { Command } from './types.js';

export const digest: Command = {
  name: 'digest',
  usage: 'digest',
  summary: "preview this week's digest",
  changes: false,
  async run(ctx) {
    const state = await ctx.store.read();
    const sent = Object.values(state.ledger)
      .filter((e) => e.kind === 'digest' && e.state === 'sent' && e.sentAt)
      .map((e) => DateTime.fromISO(e.sentAt!, { setZone: true }))
      .sort((a, b) => b.toMillis() - a.toMillis());
    return digestMessage(ctx.programme, state, ctx.now, sent[0]);
  },
};
