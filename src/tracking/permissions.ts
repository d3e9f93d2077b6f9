// Who may change things: the editors (REFORM_EDITORS), or anyone when no editors are set. An owner may
// always update their own item, and the owner of a milestone the actions under it. Anyone may query.
import type { Context } from '../commands/types.js';
import { code, problem, type Reply, type Rich } from '../replies/model.js';
import type { Item } from './items.js';

export function isEditor(ctx: Context): boolean {
  return ctx.editors === undefined || ctx.editors.includes(ctx.message.user.id);
}

/** Undefined when the caller may change `item` (and, for an action, when they own its milestone); else a refusal. */
export function refusal(ctx: Context, item: Item, parent?: Item): Reply | undefined {
  if (isEditor(ctx)) return undefined;
  const me = ctx.message.user.id;
  if (item.owner?.id === me || parent?.owner?.id === me) return undefined;
  const who: Rich = ['Only the editors (set in REFORM_EDITORS'];
  who.push(ctx.editors && ctx.editors.length ? `: ${ctx.editors.join(', ')})` : ')');
  if (item.owner) who.push(' or its owner, ', { owner: item.owner }, ',');
  who.push(' can change ', code(item.id), '. Nothing was changed.');
  return problem(`You can't change ${item.id}`, who);
}
