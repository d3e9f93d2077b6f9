// `rag <id> red|amber|green [note]`, `note <id> <text>`: the RAG rating and notes the committee reads.
import { code, reply } from '../replies/model.js';
import { audit, stampOf } from '../tracking/changes.js';
import { RAG, type Rag } from '../tracking/state.js';
import { readableMentions } from '../tracking/owners.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import { textAfter } from './tokenize.js';
import type { Command } from './types.js';

export const rag: Command = {
  name: 'rag',
  aliases: ['rate'],
  usage: 'rag <id> red|amber|green [note]',
  summary: 'set the red/amber/green rating, with an optional note',
  changes: true,
  async run(ctx, args, rest) {
    if (args.length < 2) return usageReply(rag);
    const colour = args[1]!.toLowerCase();
    if (!RAG.includes(colour as Rag)) {
      return usageReply(rag, `"${args[1]!.slice(0, 20)}" is not a RAG rating: use red, amber or green`);
    }
    const note = readableMentions(textAfter(rest, 2));
    return changeItem(ctx, args[0], (state, item, s) => {
      const from = s.rag ?? 'none';
      // The same rating again is no change (its note, if any, is still added).
      const same = from === colour;
      if (same && !note) return reply('answer', `${item.id} is already rated ${colour}`);
      s.rag = colour as Rag;
      if (!same) audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'RAG', from, to: colour });
      if (note) {
        s.notes.push({ at: stampOf(ctx.now), by: ctx.message.user.id, text: note });
        audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'note', to: note });
      }
      const heading = same ? `${item.id} is still rated ${colour}; note added` : `${item.id} is rated ${colour}${from === 'none' ? '' : ` (was ${from})`}`;
      return reply('change', heading, note ? [{ lines: [['Note: ', note]] }] : []);
    });
  },
};

export const note: Command = {
  name: 'note',
  aliases: ['comment'],
  usage: 'note <id> <text>',
  summary: 'add a note to a milestone or action (the latest shows in status)',
  changes: true,
  async run(ctx, args, rest) {
    const text = readableMentions(textAfter(rest, 1));
    if (args.length < 2 || !text) return usageReply(note);
    return changeItem(ctx, args[0], (state, item, s) => {
      s.notes.push({ at: stampOf(ctx.now), by: ctx.message.user.id, text });
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'note', to: text });
      return reply('change', `Note added to ${item.id}`, [{ lines: [[code(item.id), ' ', text]] }]);
    });
  },
};
