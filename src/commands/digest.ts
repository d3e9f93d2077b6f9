// `digest`: preview this week's digest as subscribers will get it.
import { digestMessage, lastDigestSent } from '../schedule/messages.js';
import type { Command } from './types.js';

export const digest: Command = {
  name: 'digest',
  usage: 'digest',
  summary: "preview this week's digest",
  changes: false,
  async run(ctx) {
    const state = await ctx.store.read();
    return digestMessage(ctx.programme, state, ctx.now, lastDigestSent(state));
  },
};
