// `ack <id> [note]` (and the Acknowledge button): someone answers for an overdue item, so its escalation stops for
// this deadline. The owner, a lead of the item or an editor may; it is recorded, and shown wherever the item is.
import { DateTime } from 'luxon';
import { dayIn, formatDay } from '../programme/model.js';
import { daysLeft } from '../programme/status.js';
import { code, command, grouped, problem, reply, type Rich } from '../replies/model.js';
import { ownerName } from '../replies/plain.js';
import { supersede } from '../schedule/ledger.js';
import { isEscalation } from '../schedule/escalation.js';
import { audit, editItem, stampOf } from '../tracking/changes.js';
import { leadsOf, standingAcknowledgement } from '../tracking/leads.js';
import { readableMentions } from '../tracking/owners.js';
import { isEditor } from '../tracking/permissions.js';
import { usageReply } from './help.js';
import { isReply, resolveItem } from './resolve.js';
import { textAfter } from './tokenize.js';
import type { Command } from './types.js';

export const ACKNOWLEDGED = 'acknowledged';

export const ack: Command = {
  name: 'ack',
  aliases: ['acknowledge'],
  usage: 'ack <id> [note]',
  summary: 'say an overdue item is in hand: its escalation to the lead and leadership stops (owner, lead or editor)',
  changes: true,
  async run(ctx, args, rest) {
    if (args.length < 1) return usageReply(ack);
    const note = readableMentions(textAfter(rest, 1));
    const zone = ctx.programme.timezone;
    return ctx.store.update((state) => {
      const item = resolveItem(ctx, state, args[0]);
      if (isReply(item)) return item;
      const me = ctx.message.user.id;
      const leads = leadsOf(ctx.programme, state, item, ctx.now);
      if (!isEditor(ctx) && item.owner?.id !== me && !leads.some((l) => l.id === me)) {
        const who: Rich = ['Only its owner', ...(item.owner ? [' (', { owner: item.owner, quiet: true as const }, ')'] : []), ', a lead of it or an editor can acknowledge ', code(item.id), '. Nothing was changed.'];
        return problem(`You can't acknowledge ${item.id}`, who);
      }
      if (item.done) return reply('answer', `${item.id} is done: there is nothing to acknowledge`);
      if (!item.deadline || item.deadline > ctx.now) {
        return reply('answer', `${item.id} is not overdue: there is nothing to acknowledge yet`, [{ lines: [['To record where it stands, type ', command(`note ${item.id} <text>`), '.']] }]);
      }
      const standing = standingAcknowledgement(item, zone);
      if (standing) {
        return reply('answer', `${item.id} is already acknowledged by ${ownerName({ id: standing.by, name: standing.byName ?? standing.by })} on ${formatDay(DateTime.fromISO(standing.at), zone)}`);
      }
      const deadline = dayIn(item.deadline, zone);
      editItem(state, item.id).acknowledged = { at: stampOf(ctx.now), by: me, byName: ctx.message.user.name, ...(note ? { note } : {}), deadline };
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: ACKNOWLEDGED, to: `overdue since ${formatDay(deadline, zone)}${note ? `: ${note}` : ''}` });
      // Steps still waiting for this item (a retry, a platform elsewhere) will not go now.
      for (const e of Object.values(state.ledger)) {
        if (e.item === item.id && isEscalation(e.kind) && (e.state === 'pending' || e.state === 'claimed')) supersede(e, 'the item was acknowledged');
      }
      const late = -daysLeft(item.deadline, ctx.now, zone);
      return reply('change', `${item.id}: overdue, acknowledged by ${ownerName(ctx.message.user)}`, [
        {
          lines: [
            [code(item.id), ` ${item.title} · overdue by ${grouped(late)} day${late === 1 ? '' : 's'} (deadline ${formatDay(deadline, zone)})`],
            ...(note ? [['Note: ', note] as Rich] : []),
            ['It will not be escalated further for this deadline. ', command(`done ${item.id}`), ' when it is done, or ', command(`revise ${item.id} <date> because <reason>`), ' if it has moved.'],
          ],
        },
      ]);
    });
  },
};
