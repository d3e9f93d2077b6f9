// Shared by the changing commands: find the item an id names, or say which ids are near.
import { nearestTerms } from '../programme/search.js';
import { code, command, echoed, problem, type Reply, type Rich } from '../replies/model.js';
import { findItem, type Item } from '../tracking/items.js';
import { ACTION_REMOVED, editItem } from '../tracking/changes.js';
import { auditBy, auditWhen } from '../replies/audit.js';
import { refusal } from '../tracking/permissions.js';
import type { AuditEntry, ItemState, State } from '../tracking/state.js';
import type { Context } from './types.js';

export function resolveItem(ctx: Context, state: State, id: string | undefined): Item | Reply {
  const wanted = (id ?? '').trim();
  const item = wanted ? findItem(ctx.programme, state, wanted.toLowerCase(), ctx.now) : undefined;
  if (item) return item;
  const removed = removal(state, wanted.toLowerCase());
  if (removed) {
    return problem(`${removed.item} was removed`, [
      `Removed ${auditWhen(removed, ctx.programme.timezone)} by `, auditBy(removed), `: ${removed.to ?? ''}. See `, command(`history ${removed.item}`), '.',
    ]);
  }
  const ids = [...ctx.programme.milestones.map((m) => m.id), ...Object.keys(state.actions)];
  const shown = echoed(wanted);
  const near = nearestTerms(wanted.toLowerCase().slice(0, 60), ids, 3, Math.max(2, Math.floor(wanted.length / 3)));
  const prefix = ids.filter((i) => wanted.length >= 3 && i.startsWith(wanted.toLowerCase())).slice(0, 3);
  const suggestions = [...new Set([...near, ...prefix])];
  const lines: Rich[] = [suggestions.length ? ['Did you mean ', ...suggestions.flatMap((s, i) => [i ? ', ' : '', code(s)]), '?'] : ['Find ids with ', command('status <words>'), '.']];
  return problem(`No milestone or action "${shown}"`, ...lines);
}

/** The audit entry that removed the local action `id`, if one did. */
export function removal(state: State, id: string): AuditEntry | undefined {
  if (!id.includes('/')) return undefined;
  return state.audit.findLast((e) => e.item === id && e.change === ACTION_REMOVED);
}

export function isReply(x: Item | Reply): x is Reply {
  return 'tone' in x;
}

/**
 * Runs a change to one item under the store's lock: resolves the id, applies the editors rule, asks `refuse`
 * whether the change makes sense for this item, then calls `apply` with the item's (created if new) state.
 * Refusals and unknown ids change nothing.
 */
export function changeItem(
  ctx: Context,
  id: string | undefined,
  apply: (state: State, item: Item, itemState: ItemState) => Reply,
  refuse?: (item: Item) => Reply | undefined,
): Promise<Reply> {
  return ctx.store.update((state) => {
    const item = resolveItem(ctx, state, id);
    if (isReply(item)) return item;
    const parent = item.kind === 'action' ? findItem(ctx.programme, state, item.milestoneId, ctx.now) : undefined;
    const refused = refusal(ctx, item, parent);
    if (refused) return refused;
    const pointless = refuse?.(item);
    if (pointless) return pointless;
    return apply(state, item, editItem(state, item.id));
  });
}
