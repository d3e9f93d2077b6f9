// `next [n]`: the next open deadlines, milestones and local actions together.
import { bySoonest, allActionItems, allMilestoneItems } from '../tracking/items.js';
import { command, problem } from '../replies/model.js';
import { listOf } from './status.js';
import type { Command } from './types.js';

const MAX = 50;

export const next: Command = {
  name: 'next',
  aliases: ['upcoming', 'soon'],
  usage: 'next [how many, 1 to 50, default 5]',
  summary: 'the next deadlines that are not done',
  changes: false,
  async run(ctx, args) {
    const wanted = args[0] === undefined ? 5 : Number(args[0]);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX) {
      return problem(`"${args[0]}" is not a number from 1 to ${MAX}`, ['Usage: ', command(next.usage)]);
    }
    const state = await ctx.store.read();
    const { programme, now } = ctx;
    const open = [...allMilestoneItems(programme, state, now), ...allActionItems(programme, state, now)]
      .filter((i) => i.status === 'due-soon' || i.status === 'upcoming')
      .sort(bySoonest)
      .slice(0, wanted);
    return listOf(open.length ? `Next ${open.length} deadline${open.length === 1 ? '' : 's'}` : 'Next deadlines', open, now, programme.timezone, 'No open deadlines ahead.');
  },
};
