// `snooze <id> [days]`: skip the next nudge for an item (the "Snooze a week" button).
import { formatInstant } from '../programme/model.js';
import { reply } from '../replies/model.js';
import { audit, stampOf } from '../tracking/changes.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import type { Command } from './types.js';

export const snooze: Command = {
  name: 'snooze',
  usage: 'snooze <id> [days, default 7]',
  summary: 'skip reminders for an item for a while',
  changes: true,
  async run(ctx, args) {
    const days = args[1] === undefined ? 7 : Number(args[1]);
    if (args.length < 1 || !Number.isInteger(days) || days < 1 || days > 90) return usageReply(snooze);
    return changeItem(ctx, args[0], (state, item, s) => {
      const until = ctx.now.plus({ days });
      s.snoozedUntil = stampOf(until);
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'snoozed', to: `until ${formatInstant(until, ctx.programme.timezone)}` });
      return reply('change', `Reminders for ${item.id} are snoozed until ${formatInstant(until, ctx.programme.timezone)}`);
    });
  },
};
