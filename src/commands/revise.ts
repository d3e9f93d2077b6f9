// `revise <id> <due phrase> because <reason>`: re-baseline a deadline locally. The stated date stays; the
// revised one drives status and reminders; the slip is recorded and shown in status.
import { dayIn, formatDay } from '../programme/model.js';
import { code, command, reply } from '../replies/model.js';
import { dueText } from '../replies/items.js';
import { audit, stampOf } from '../tracking/changes.js';
import { readableMentions } from '../tracking/owners.js';
import { typedDue, withDeadline } from './due.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import { textAfter } from './tokenize.js';
import type { Command } from './types.js';

export const revise: Command = {
  name: 'revise',
  aliases: ['rebaseline', 'slip'],
  usage: 'revise <id> <due phrase> because <reason>',
  summary: 'move a deadline locally, saying why (the slip is recorded)',
  changes: true,
  async run(ctx, args, rest) {
    const after = textAfter(rest, 1);
    // The first "because" between words: found by one scan (a lazy `(.*?)\s+because` backtracks on long spaces).
    const at = after.search(/\sbecause\s/i);
    const phrase = at < 0 ? '' : after.slice(0, at).trim();
    const said = at < 0 ? '' : after.slice(at + ' because '.length).trim();
    if (args.length < 2 || !phrase || !said) return usageReply(revise, 'Say the new date and why: revise <id> <due phrase> because <reason>');
    const reason = readableMentions(said);
    const due = typedDue(ctx, phrase);
    if (!due.ok) return usageReply(revise, due.problem);
    return changeItem(ctx, args[0], (state, item, s) => {
      // The deadline day it has already is no slip: nothing is recorded (a note says why, if that is the point).
      if (item.deadline && dayIn(item.deadline, ctx.programme.timezone) === due.span.last) {
        return reply('answer', `${item.id} is already due ${formatDay(due.span.last, ctx.programme.timezone)}: nothing changed`, [
          { lines: [['To record why it stands, type ', command(`note ${item.id} <text>`), '.']] },
        ]);
      }
      const from = dueText(item);
      const previous = item.revisions.at(-1)?.phrase ?? item.due?.phrase ?? 'no date';
      s.revisions.push({ phrase: due.phrase, span: due.span, at: stampOf(ctx.now), by: ctx.message.user.id, byName: ctx.message.user.name, reason, from: previous });
      // A snooze silenced the old deadline's nudges; a new deadline day's start afresh.
      if (!item.deadline || dayIn(item.deadline, ctx.programme.timezone) !== due.span.last) delete s.snoozedUntil;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: `deadline revised because ${reason}`, from: previous, to: due.phrase });
      return reply('change', `${item.id} now due ${due.phrase}`, [
        { lines: [[code(item.id), ` was due ${from}; now ${due.phrase}${withDeadline(due.phrase, formatDay(due.span.last, ctx.programme.timezone))}.`], ['Why: ', reason], ...due.notes] },
      ]);
    });
  },
};
