// `assign <id> <owner>`, `unassign <id>`: name who owns a milestone or action (a person or a post).
import { code, command, reply } from '../replies/model.js';
import { ownerName } from '../replies/plain.js';
import { audit } from '../tracking/changes.js';
import { MAX_ROLE_LENGTH, parseOwner } from '../tracking/owners.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import { textAfter } from './tokenize.js';
import type { Command } from './types.js';

/** The owner words after the id: one token, or the rest of the line for an unquoted post title. */
export function ownerText(args: string[], rest: string, skip: number): string {
  return args.length === skip + 1 ? args[skip]! : textAfter(rest, skip);
}

export const assign: Command = {
  name: 'assign',
  aliases: ['owner'],
  usage: 'assign <id> <@person | "Post title" | me>',
  summary: 'name the owner of a milestone or action',
  changes: true,
  async run(ctx, args, rest) {
    if (args.length < 2) return usageReply(assign);
    const owner = parseOwner(ownerText(args, rest, 1), ctx.message.user);
    if (!owner) return usageReply(assign, `Name one owner: a person (@name), a post title of at most ${MAX_ROLE_LENGTH} characters, or me`);
    return changeItem(ctx, args[0], (state, item, s) => {
      // The same owner again changes nothing, and leaves nothing in the history or the digest.
      if (s.owner?.id === owner.id) return reply('answer', `${item.id} is already owned by ${ownerName(s.owner)}`);
      const from = s.owner ? ownerName(s.owner) : 'nobody';
      s.owner = owner;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'owner', from, to: ownerName(owner) });
      // One word without @ is taken as a post ("Safeguarding"), but it may have been meant as a person.
      const word = owner.id.startsWith('role:') && !/\s/.test(owner.name) ? [['Taken as a post title. To name a person, type ', command(`assign ${item.id} @${owner.name}`), '.']] : [];
      return reply('change', `${item.id} is now owned by ${ownerName(owner)}`, [
        { lines: [[code(item.id), ` ${item.title}: owner `, { owner }, from === 'nobody' ? '' : ` (was ${from})`]] },
      ], word);
    });
  },
};

export const unassign: Command = {
  name: 'unassign',
  usage: 'unassign <id>',
  summary: 'remove the owner of a milestone or action',
  changes: true,
  async run(ctx, args) {
    if (args.length !== 1) return usageReply(unassign);
    return changeItem(ctx, args[0], (state, item, s) => {
      if (!s.owner) return reply('answer', `${item.id} has no owner`);
      const from = ownerName(s.owner);
      delete s.owner;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'owner', from, to: 'nobody' });
      return reply('change', `${item.id} has no owner now (was ${from})`);
    });
  },
};
