// `mine`, `owned <owner>`: what someone owns, milestones and actions, soonest deadline first.
import { itemToReply } from '../replies/items.js';
import { code, reply, type Reply, type Rich } from '../replies/model.js';
import { ownerName } from '../replies/plain.js';
import { allActionItems, allMilestoneItems, bySoonest } from '../tracking/items.js';
import { parseOwner } from '../tracking/owners.js';
import type { Owner } from '../tracking/state.js';
import { ownerText } from './assign.js';
import { usageReply } from './help.js';
import type { Command, Context } from './types.js';

/** `none`: what to say when the owner has nothing, which also says how to change that. */
async function ownedBy(ctx: Context, owner: Owner, heading: string, none: Rich): Promise<Reply> {
  const state = await ctx.store.read();
  const { programme, now } = ctx;
  const items = [...allMilestoneItems(programme, state, now), ...allActionItems(programme, state, now)]
    .filter((i) => i.owner?.id === owner.id)
    .sort(bySoonest);
  if (!items.length) return reply('answer', heading, [{ lines: [none] }]);
  return reply('answer', `${heading} (${items.length})`, [{ items: items.map((i) => itemToReply(i, now, programme.timezone)) }]);
}

/** `owned bob` reads "bob" as a post title; when a person of that name owns things, say how to ask about them. */
async function personHint(ctx: Context, owner: Owner): Promise<Rich> {
  if (!owner.id.startsWith('role:')) return [];
  const state = await ctx.store.read();
  const wanted = owner.name.replace(/^@/, '').toLowerCase();
  const person = Object.values(state.items).find((s) => s.owner && !s.owner.id.startsWith('role:') && s.owner.name.toLowerCase() === wanted)?.owner;
  return person ? [' Did you mean ', code(`owned @${person.name}`), '?'] : [];
}

export const mine: Command = {
  name: 'mine',
  aliases: ['my'],
  usage: 'mine',
  summary: 'what you own, soonest deadline first',
  changes: false,
  run: (ctx) =>
    ownedBy(ctx, { id: ctx.message.user.id, name: ctx.message.user.name }, 'What you own', [
      'You own nothing yet. To take something on: ',
      code('assign <id> me'),
      '.',
    ]),
};

export const owned: Command = {
  name: 'owned',
  aliases: ['owns'],
  usage: 'owned <@person | "Post title">',
  summary: 'what someone owns',
  changes: false,
  async run(ctx, args, rest) {
    if (!args.length) return usageReply(owned);
    const owner = parseOwner(ownerText(args, rest, 0), ctx.message.user);
    if (!owner) return usageReply(owned);
    return ownedBy(ctx, owner, `Owned by ${ownerName(owner)}`, [`${ownerName(owner)} owns nothing yet.`, ...(await personHint(ctx, owner))]);
  },
};
