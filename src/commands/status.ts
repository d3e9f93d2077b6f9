// `status`, `status <anything>`: where the programme, a milestone, a theme or an alias stands.
import type { DateTime } from 'luxon';
import { formatInstant } from '../programme/model.js';
import { searchMilestones } from '../programme/search.js';
import { isReply, resolveItem } from './resolve.js';
import { STATUS_LABEL, type Status } from '../programme/status.js';
import { itemToReply } from '../replies/items.js';
import { code, command, echoed, reply, type Reply, type Rich } from '../replies/model.js';
import type { Milestone } from '../programme/model.js';
import { actionsOf, allActionItems, allMilestoneItems, bySoonest, findItem, milestoneItem } from '../tracking/items.js';
import type { State } from '../tracking/state.js';
import type { Command, Context } from './types.js';

const ORDER: Status[] = ['overdue', 'due-soon', 'upcoming', 'done', 'superseded', 'undated'];

/** What to ask about, from this programme: a theme, a milestone id and an alias. */
function examples(programme: Context['programme']): string[] {
  const aliases = programme.milestones.flatMap((m) => m.aliases);
  const alias = aliases.find((a) => !/\s/.test(a)) ?? aliases[0];
  return [programme.themes[0], programme.milestones[0]?.id, alias].filter((e): e is string => Boolean(e));
}

/**
 * The programme at a glance. Agrees with `overdue` and `next`: local actions are counted, an overdue action shows
 * under Overdue (with its milestone when that is overdue too), and the next deadlines are `next 5`'s.
 */
function summary(ctx: Context, state: State): Reply {
  const { programme, now } = ctx;
  const zone = programme.timezone;
  const items = allMilestoneItems(programme, state, now);
  const actions = allActionItems(programme, state, now).filter((a) => !a.done);
  // Superseded and undated are counted only where the programme has them: most councils' own files have neither.
  const counts = ORDER.filter((s) => (s !== 'superseded' && s !== 'undated') || items.some((i) => i.status === s))
    .map((s) => `${items.filter((i) => i.status === s).length} ${STATUS_LABEL[s]}`)
    .join(' · ');
  // Undated commitments are open but have no deadline: listed by name, never among the deadlines.
  const undated = items.filter((i) => i.status === 'undated').sort(bySoonest);
  const overdue = items.filter((i) => i.status === 'overdue').sort(bySoonest);
  const shownUnder = new Set(overdue.map((i) => i.id));
  const lateActions = actions.filter((a) => a.status === 'overdue');
  const next = [...items, ...actions].filter((i) => i.status === 'due-soon' || i.status === 'upcoming').sort(bySoonest).slice(0, 5);
  const withActions = (i: ReturnType<typeof milestoneItem>) =>
    itemToReply(i, now, zone, { children: actionsOf(programme, state, i.id, now).filter((a) => !a.done) });
  const overdueShown = [
    ...overdue.map(withActions),
    ...lateActions.filter((a) => !shownUnder.has(a.milestoneId)).sort(bySoonest).map((a) => itemToReply(a, now, zone)),
  ];
  const late = overdue.length + lateActions.length;
  const soonActions = actions.filter((a) => a.status === 'due-soon').length;
  const actionStates = [...(lateActions.length ? [`${lateActions.length} overdue`] : []), ...(soonActions ? [`${soonActions} due soon`] : [])];
  const actionCount = actions.length
    ? ` · ${actions.length} open local action${actions.length === 1 ? '' : 's'}${actionStates.length ? ` (${actionStates.join(', ')})` : ''}`
    : '';
  return reply(
    'answer',
    `${programme.name}: ${items.length} milestone${items.length === 1 ? '' : 's'}`,
    [
      { lines: [[counts + actionCount]] },
      { title: late ? `Overdue (${late})` : 'Overdue', ...(overdueShown.length ? { items: overdueShown } : { lines: [['Nothing is overdue.']] }) },
      { title: 'Next deadlines', ...(next.length ? { items: next.map((i) => itemToReply(i, now, zone)) } : { lines: [['No open deadlines ahead.']] }) },
      ...(undated.length
        ? [{ title: `Undated (${undated.length})`, lines: [['No date in the source, so no reminders: ', ...undated.flatMap((i, n) => [...(n ? [', '] : []), code(i.id)]), '.']] }]
        : []),
    ],
    [['Ask about one thing: ', ...examples(programme).flatMap((e, i) => [...(i ? [', '] : []), command(`status ${e}`)]), `. As at ${formatInstant(now, zone)}.`]],
  );
}

export async function queryStatus(ctx: Context, query: string): Promise<Reply> {
  const { programme, now } = ctx;
  const zone = programme.timezone;
  const state = await ctx.store.read();
  if (!query) return summary(ctx, state);

  const exactAction = Object.hasOwn(state.actions, query.trim()) ? state.actions[query.trim()] : undefined;
  if (exactAction) {
    const item = findItem(programme, state, exactAction.id, now)!;
    return reply('answer', `${item.id}: ${item.title}`, [{ items: [itemToReply(item, now, zone, { detail: true })] }]);
  }

  // An action id (`kinship-strategy/9`) that names no action is a mistyped id, not words to search for: the
  // search would answer with the milestone alone, as though the action were found.
  if (/^[a-z0-9-]+\/\d+$/i.test(query.trim())) {
    const item = resolveItem(ctx, state, query.trim());
    if (isReply(item)) return item;
    return reply('answer', `${item.id}: ${item.title}`, [{ items: [itemToReply(item, now, zone, { detail: true })] }]);
  }

  const found = searchMilestones(programme, query);
  if (found.kind === 'id') {
    const item = milestoneItem(programme, state, found.milestone, now);
    const children = actionsOf(programme, state, item.id, now);
    return reply('answer', `${item.id}: ${item.title}`, [{ items: [itemToReply(item, now, zone, { detail: true, children })] }]);
  }
  if (found.kind === 'none') {
    // Said plainly, never corrected into something else: "Nothing in this programme is about adoption."
    const lines: Rich[] = [[`Nothing in this programme is about "${echoed(query.trim())}".`]];
    if (found.nearest.length) lines.push(['Nearest: ', ...found.nearest.flatMap((m, i) => [...(i ? [', '] : []), code(m.id)]), '.']);
    if (found.suggestions.length) lines.push([`Did you mean: ${found.suggestions.join(', ')}?`]);
    lines.push([`Themes: ${programme.themes.join(', ')}.`]);
    return reply('problem', 'No match', [{ lines }], [['Try ', command('status'), ' for the whole programme, or ', command('next'), ' for the next deadlines.']]);
  }
  // Best matches first; among equals, soonest deadline first.
  const ranked = (list: readonly Milestone[]) =>
    list.map((m) => milestoneItem(programme, state, m, now)).sort((a, b) => (found.scores.get(b.milestone!) ?? 0) - (found.scores.get(a.milestone!) ?? 0) || bySoonest(a, b));
  const items = ranked(found.milestones);
  const shown = items.map((i) =>
    itemToReply(i, now, zone, { children: actionsOf(programme, state, i.id, now).filter((a) => !a.done) }),
  );
  const related = ranked(found.related);
  const footnotes: Rich[] = found.correctedFrom ? [[`Did you mean "${echoed(found.term)}"? Nothing matched "${echoed(found.correctedFrom)}" exactly.`]] : [];
  const by = found.matchedBy === 'theme' ? 'Theme' : found.matchedBy === 'alias' ? 'Also known as' : 'Matching';
  // Found by one word of the phrase only: named in a line, so the answer stays about the phrase.
  const also = related.length
    ? [{ title: `Also mentioning "${echoed(found.relatedBy ?? found.term)}" (${related.length})`, lines: [related.flatMap((i, n): Rich => [...(n ? [', '] : []), code(i.id)])] }]
    : [];
  return reply('answer', `${by} "${echoed(found.term)}": ${items.length} milestone${items.length === 1 ? '' : 's'}`, [{ items: shown }, ...also], footnotes);
}

export const status: Command = {
  name: 'status',
  aliases: ['s', 'show'],
  usage: 'status [milestone id | theme | words]',
  summary: 'where the programme stands, or one milestone, theme or alias (e.g. status kinship, status SGO)',
  changes: false,
  // Quotes around what is asked about (`status "kinship"`) are not part of it.
  run: (ctx, _args, rest) => queryStatus(ctx, rest.replace(/^["'\u2018\u2019\u201c\u201d]+|["'\u2018\u2019\u201c\u201d]+$/g, '').trim()),
};

/** For `next` and `overdue`: a list of open milestones and actions, soonest first. */
export function listOf(heading: string, items: ReturnType<typeof milestoneItem>[], now: DateTime, zone: string, empty: string): Reply {
  return reply('answer', heading, [items.length ? { items: items.map((i) => itemToReply(i, now, zone)) } : { lines: [[empty]] }]);
}
