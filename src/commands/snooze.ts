// `snooze <id> [days]`: skip the next nudge for an item (the "Snooze a week" button).
import type { DateTime } from 'luxon';
import { dayIn, formatInstant } from '../programme/model.js';
import { reminderSlots } from '../schedule/slots.js';
import { command, problem, reply } from '../replies/model.js';
import { audit, SNOOZED, stampOf } from '../tracking/changes.js';
import type { Item } from '../tracking/items.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import type { Command, Context } from './types.js';

/** Longer than a quarter, and an item should be revised or reassigned rather than silenced. */
const MAX_DAYS = 90;

/** When the item's next reminder or overdue nudge falls due, if it has one still to come. */
function nextNudge(ctx: Context, item: Item): DateTime | undefined {
  if (!item.deadline) return undefined;
  const { reminders, timezone } = ctx.programme;
  return reminderSlots(dayIn(item.deadline, timezone), reminders, timezone).find((slot) => slot.at > ctx.now)?.at;
}

export const snooze: Command = {
  name: 'snooze',
  usage: 'snooze <id> [days]',
  summary: 'skip reminders for an item: without days, until after its next one (a week at least); or for the days given',
  changes: true,
  async run(ctx, args) {
    if (args.length < 1) return usageReply(snooze);
    const days = args[1] === undefined ? 7 : Number(args[1]);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return usageReply(snooze, `"${args[1]}" is not a number of days from 1 to ${MAX_DAYS}`);
    // A done item gets no reminders: a snooze would do nothing, and be forgotten until it is reopened.
    const notDone = (item: Item) =>
      !item.closed && !item.deadline && item.kind === 'milestone' ? problem(`${item.id} is undated: it gets no reminders to snooze`, ['To give it a deadline: ', command(`revise ${item.id} <date> because <reason>`), '.']) : item.superseded && !item.done ? problem(`${item.id} was superseded: it gets no reminders to snooze`, ['To nudge about it again: ', command(`reopen ${item.id}`), '.']) : item.done ? problem(`${item.id} is done: it gets no reminders to snooze`, ['To nudge about it again: ', command(`reopen ${item.id}`), '.']) : undefined;
    return changeItem(ctx, args[0], (state, item, s) => {
      // The button's week is at least long enough to skip the next nudge (after the 28-day reminder, the 7-day
      // one is three weeks away), but never longer than MAX_DAYS; a number of days typed is taken as it is.
      const next = args[1] === undefined ? nextNudge(ctx, item) : undefined;
      // Days on London's calendar: across a change of the clocks, the same time of day.
      const local = ctx.now.setZone(ctx.programme.timezone);
      const week = local.plus({ days });
      const longest = local.plus({ days: MAX_DAYS });
      const until = next && next >= week && next < longest ? next.plus({ minutes: 1 }) : week;
      s.snoozedUntil = stampOf(until);
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: SNOOZED, to: `until ${formatInstant(until, ctx.programme.timezone)}` });
      return reply('change', `Reminders for ${item.id} are snoozed until ${formatInstant(until, ctx.programme.timezone)}`, [
        { lines: [[command(`unsnooze ${item.id}`), ' resumes them sooner.']] },
      ]);
    }, notDone);
  },
};

export const unsnooze: Command = {
  name: 'unsnooze',
  aliases: ['resume'],
  usage: 'unsnooze <id>',
  summary: 'end a snooze: reminders for the item resume',
  changes: true,
  async run(ctx, args) {
    if (args.length !== 1) return usageReply(unsnooze);
    return changeItem(ctx, args[0], (state, item, s) => {
      if (!s.snoozedUntil || Date.parse(s.snoozedUntil) <= ctx.now.toMillis()) return reply('answer', `${item.id} is not snoozed`);
      delete s.snoozedUntil;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: SNOOZED, to: 'ended' });
      return reply('change', `Reminders for ${item.id} resume`);
    });
  },
};
