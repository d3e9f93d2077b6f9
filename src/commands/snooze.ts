// `snooze <id> [days]`: skip the next nudge for an item (the "Snooze a week" button).
import { formatInstant } from '../programme/model.js';
import { code, problem, reply } from '../replies/model.js';
import { audit, stampOf } from '../tracking/changes.js';
import type { Item } from '../tracking/items.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import type { Command } from './types.js';

/** Longer than a quarter, and an item should be revised or reassigned rather than silenced. */
const MAX_DAYS = 90;

export const snooze: Command = {
  name: 'snooze',
  usage: 'snooze <id> [days, default 7]',
  summary: 'skip reminders for an item for a while',
  changes: true,
  async run(ctx, args) {
    if (args.length < 1) return usageReply(snooze);
    const days = args[1] === undefined ? 7 : Number(args[1]);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return usageReply(snooze, `"${args[1]}" is not a number of days from 1 to ${MAX_DAYS}`);
    // A done item gets no reminders: a snooze would do nothing, and be forgotten until it is reopened.
    const notDone = (item: Item) =>
      item.done ? problem(`${item.id} is done: it gets no reminders to snooze`, ['To nudge about it again: ', code(`reopen ${item.id}`), '.']) : undefined;
    return changeItem(ctx, args[0], (state, item, s) => {
      const until = ctx.now.plus({ days });
      s.snoozedUntil = stampOf(until);
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'snoozed', to: `until ${formatInstant(until, ctx.programme.timezone)}` });
      return reply('change', `Reminders for ${item.id} are snoozed until ${formatInstant(until, ctx.programme.timezone)}`);
    }, notDone);
  },
};
