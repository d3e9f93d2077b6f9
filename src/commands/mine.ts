// `mine`, `owned <owner>`: what someone owns, milestones and actions, soonest deadline first.
import { itemToReply } from '../replies/items.js';
import { command, reply, type Reply, type Rich } from '../replies/model.js';
import { ownerName } from '../replies/plain.js';
import { allActionItems, allMilestoneItems, bySoonest, type Item } from '../tracking/items.js';
import { parseOwner } from '../tracking/owners.js';
import type { Owner, State } from '../tracking/state.js';
import { ownerText } from './assign.js';
import { usageReply } from './help.js';
import type { Command, Context } from './types.js';

/** Milestones and actions that `wanted` picks, soonest first; `none`: what to say when it picks nothing. */
async function listed(ctx: Context, wanted: (item: Item) => boolean, heading: string, none: Rich, footnotes: Rich[] = []): Promise<Reply> {
  const state = await ctx.store.read();
  const { programme, now } = ctx;
  const items = [...allMilestoneItems(programme, state, now), ...allActionItems(programme, state, now)].filter(wanted).sort(bySoonest);
  if (!items.length) return reply('answer', heading, [{ lines: [none] }], footnotes);
  return reply('answer', `${heading} (${items.length})`, [{ items: items.map((i) => itemToReply(i, now, programme.timezone)) }], footnotes);
}

/** What someone owns; `none` also says how to change that. */
function ownedBy(ctx: Context, owner: Owner, heading: string, none: Rich, footnotes: Rich[] = []): Promise<Reply> {
  return listed(ctx, (i) => i.owner?.id === owner.id, heading, none, footnotes);
}

const NOBODY = /^(?:nobody|no one|no-one|none|unowned)$/i;

/**
 * `owned bob` or `owned Carol Jones` (no mention) reads as a post title. When no post of that name owns anything
 * but exactly one person of that name does, that person is meant.
 */
function personMeant(state: State, post: Owner): Owner | undefined {
  if (!post.id.startsWith('role:')) return undefined;
  const owners = Object.values(state.items).flatMap((s) => (s.owner ? [s.owner] : []));
  if (owners.some((o) => o.id === post.id)) return undefined;
  const wanted = post.name.replace(/^@/, '').toLowerCase();
  const people = new Map(owners.filter((o) => !o.id.startsWith('role:') && o.name.toLowerCase() === wanted).map((o) => [o.id, o]));
  return people.size === 1 ? [...people.values()][0] : undefined;
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
      command('assign <id> me'),
      '.',
    ]),
};

export const owned: Command = {
  name: 'owned',
  aliases: ['owns'],
  usage: 'owned <@person | "Post title" | nobody>',
  summary: 'what someone owns, or (nobody) the open work with no owner',
  changes: false,
  async run(ctx, args, rest) {
    if (!args.length) return usageReply(owned);
    // `owned nobody`: the open work nobody owns, rather than a post called "nobody".
    if (NOBODY.test(rest.trim())) return listed(ctx, (i) => !i.owner && !i.closed, 'Open work with no owner', ['Everything open has an owner.']);
    const owner = parseOwner(ownerText(args, rest, 0), ctx.message.user);
    if (!owner) return usageReply(owned);
    const person = personMeant(await ctx.store.read(), owner);
    if (person) {
      return ownedBy(ctx, person, `Owned by ${ownerName(person)}`, [`${ownerName(person)} owns nothing yet.`], [
        [`No post called "${owner.name}" owns anything, so this is ${ownerName(person)}.`],
      ]);
    }
    return ownedBy(ctx, owner, `Owned by ${ownerName(owner)}`, [`${ownerName(owner)} owns nothing yet.`]);
  },
};
