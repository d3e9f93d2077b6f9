// `done <id> [note]`, `reopen <id>`: completion, recorded with who and when.
import { code, reply } from '../replies/model.js';
import { audit, REOPENED, stampOf } from '../tracking/changes.js';
import { completedBy } from '../tracking/items.js';
import { readableMentions } from '../tracking/owners.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import { textAfter } from './tokenize.js';
import type { Command } from './types.js';

export const done: Command = {
  name: 'done',
  aliases: ['complete'],
  usage: 'done <id> [note]',
  summary: 'mark a milestone or action done (no more reminders)',
  changes: true,
  async run(ctx, args, rest) {
    if (args.length < 1) return usageReply(done);
    const text = readableMentions(textAfter(rest, 1));
    return changeItem(ctx, args[0], (state, item, s) => {
      if (item.done) return reply('answer', `${item.id} is already done${item.doneText ? ` (${item.doneText})` : ''}`);
      // Done again after a reopen, a milestone the programme file records as completed takes that record back
      // (its date and note are the public record); a note given now is kept as a note.
      const recorded = item.milestone?.completed;
      if (s.reopened && recorded && completedBy(recorded, ctx.programme.timezone, ctx.now)) {
        delete s.reopened;
        if (text) s.notes.push({ at: stampOf(ctx.now), by: ctx.message.user.id, text });
        audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'done', from: item.status, to: `done ${recorded.phrase}, as the programme file records${text ? `: ${text}` : ''}` });
        return reply('change', `${item.id} is done again, as the programme file records: ${recorded.phrase}`, [
          { lines: [[code(item.id), ` ${item.title}`], ...(recorded.note ? [[recorded.note]] : []), ...(text ? [['Note: ', text]] : [])] },
        ]);
      }
      s.done = { at: stampOf(ctx.now), by: ctx.message.user.id, ...(text ? { note: text } : {}) };
      delete s.reopened;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'done', from: item.status, to: text ? `done: ${text}` : 'done' });
      return reply('change', `${item.id} is done`, [{ lines: [[code(item.id), ` ${item.title}`], ...(text ? [['Note: ', text]] : [])] }]);
    });
  },
};

export const reopen: Command = {
  name: 'reopen',
  usage: 'reopen <id>',
  summary: 'undo done or superseded: the item is open again and reminders resume',
  changes: true,
  async run(ctx, args) {
    if (args.length !== 1) return usageReply(reopen);
    return changeItem(ctx, args[0], (state, item, s) => {
      if (!item.closed) return reply('answer', `${item.id} is not done or superseded`);
      const was = item.done ? 'done' : 'superseded';
      delete s.done;
      delete s.superseded;
      // A completion or supersession in the programme file stays there; reopening overrides it locally.
      if (item.milestone?.completed || item.milestone?.superseded) s.reopened = true;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: REOPENED, from: was, to: 'open' });
      return reply('change', `${item.id} is open again`);
    });
  },
};
