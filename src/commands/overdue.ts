// `overdue`: everything past its deadline and not done, oldest first.
import { bySoonest, allActionItems, allMilestoneItems } from '../tracking/items.js';
import { listOf } from './status.js';
import type { Command } from './types.js';

export const overdue: Command = {
  name: 'overdue',
  aliases: ['late'],
  usage: 'overdue',
  summary: 'milestones and actions past their deadline',
  changes: false,
  async run(ctx) {
    const state = await ctx.store.read();
    const { programme, now } = ctx;
    const late = [...allMilestoneItems(programme, state, now), ...allActionItems(programme, state, now)]
      .filter((i) => i.status === 'overdue')
      .sort(bySoonest);
    return listOf(`${late.length} overdue`, late, now, programme.timezone, 'Nothing is overdue.');
  },
};
