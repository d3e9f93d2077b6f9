// `revise <id> <due phrase> because <reason>`: re-baseline a deadline locally. The stated date stays; the
// revised one drives status and reminders; the slip is recorded and shown in status.
import { formatDay } from '../programme/model.js';
import { PHRASE_EXAMPLES, parsePhrase } from '../programme/phrases.js';
import { code, reply } from '../replies/model.js';
import { dueText } from '../replies/items.js';
import { audit, stampOf } from '../tracking/changes.js';
import { readableMentions } from '../tracking/owners.js';
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
    const split = after.match(/^(.*?)\s+because\s+(.+)$/is);
    if (args.length < 2 || !split) return usageReply(revise, 'Say the new date and why: revise <id> <due phrase> because <reason>');
    const phrase = split[1]!.trim();
    const reason = readableMentions(split[2]!.trim());
    const today = ctx.now.setZone(ctx.programme.timezone).toISODate() ?? undefined;
    const parsed = parsePhrase(phrase, today);
    if (!parsed.ok) {
      return usageReply(revise, `"${phrase.slice(0, 60)}" is not a date phrase (try ${PHRASE_EXAMPLES.map((p) => `"${p}"`).join(', ')})`);
    }
    return changeItem(ctx, args[0], (state, item, s) => {
      const from = dueText(item);
      const previous = item.revisions.at(-1)?.phrase ?? item.due?.phrase ?? 'no date';
      s.revisions.push({ phrase, span: parsed.span, at: stampOf(ctx.now), by: ctx.message.user.id, byName: ctx.message.user.name, reason, from: previous });
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: `deadline revised because ${reason}`, from: previous, to: phrase });
      return reply('change', `${item.id} now due ${phrase}`, [
        { lines: [[code(item.id), ` was due ${from}; now ${phrase} (deadline ${formatDay(parsed.span.last, ctx.programme.timezone)}).`], ['Why: ', reason]] },
      ]);
    });
  },
};
