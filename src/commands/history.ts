// `history <id>`: the audit trail of a milestone or action, newest first, in London time.
import { auditBy, auditChange, auditWhen } from '../replies/audit.js';
import { reply, type Rich } from '../replies/model.js';
import { usageReply } from './help.js';
import { isReply, removal, resolveItem } from './resolve.js';
import type { Command } from './types.js';

const MAX_ENTRIES = 50;

export const history: Command = {
  name: 'history',
  aliases: ['log', 'audit'],
  usage: 'history <id>',
  summary: 'who changed what and when, newest first',
  changes: false,
  async run(ctx, args) {
    if (args.length !== 1) return usageReply(history);
    const state = await ctx.store.read();
    // A removed action has no item any more, but its history is kept.
    const removed = removal(state, args[0]!.trim().toLowerCase());
    let id: string;
    if (removed) id = removed.item;
    else {
      const item = resolveItem(ctx, state, args[0]);
      if (isReply(item)) return item;
      id = item.id;
    }
    const entries = state.audit.filter((e) => e.item === id).reverse();
    if (!entries.length) return reply('answer', `History of ${id}`, [{ lines: [['No changes recorded yet.']] }]);
    const lines: Rich[] = entries
      .slice(0, MAX_ENTRIES)
      .map((e) => [`${auditWhen(e, ctx.programme.timezone)} — `, auditBy(e), ` ${auditChange(e)}`]);
    const more = entries.length > MAX_ENTRIES ? [[`…and ${entries.length - MAX_ENTRIES} older changes.`]] : [];
    return reply('answer', `History of ${id} (${entries.length} change${entries.length === 1 ? '' : 's'})`, [{ lines }], more);
  },
};
