// `action add <milestone-id> "<title>" [due <phrase>] [owner <owner>]`: a local action under a milestone,
// with its own id (kinship-strategy/1) and the same verbs as milestones. `action rename <id> "<title>"` mends a
// title and `action remove <id> [because <reason>]` takes back one added by mistake; the audit keeps both, and an
// id is never given again.
import { formatDay } from '../programme/model.js';
import { code, command, echoed, problem, reply, type Reply } from '../replies/model.js';
import { ownerName } from '../replies/plain.js';
import { supersede } from '../schedule/ledger.js';
import { ACTION_REMOVED, audit, editItem, stampOf } from '../tracking/changes.js';
import { parseOwner, readableMentions } from '../tracking/owners.js';
import { refusal } from '../tracking/permissions.js';
import type { Owner, State } from '../tracking/state.js';
import { typedDue, withDeadline } from './due.js';
import { unclosedQuote } from './tokenize.js';
import { usageReply } from './help.js';
import { changeItem, isReply, resolveItem } from './resolve.js';
import type { Command, Context } from './types.js';

const MAX_TITLE = 300;

interface ActionArgs {
  milestone: string;
  title: string;
  due?: string;
  owner?: string;
}

/** A title as typed, in words: single quotes around the whole of it ('Brief members') are quoting, as double quotes are. */
function titleOf(words: string[]): string {
  return readableMentions(words.join(' ').trim().replace(/^['\u2018](.+)['\u2019]$/s, '$1').trim());
}

/** Splits `<milestone> <title...> [due <phrase...>] [owner <owner...>]`; the title may be quoted or not. */
function parseActionArgs(args: string[]): ActionArgs | undefined {
  const [milestone, ...rest] = args;
  if (!milestone || !rest.length) return undefined;
  const dueAt = rest.findIndex((w, i) => i > 0 && w.toLowerCase() === 'due');
  const ownerAt = rest.findIndex((w, i) => i > 0 && w.toLowerCase() === 'owner');
  const ends = [dueAt, ownerAt, rest.length].filter((i) => i > 0);
  const titleEnd = Math.min(...ends);
  const title = titleOf(rest.slice(0, titleEnd));
  const part = (from: number): string | undefined => {
    if (from <= 0) return undefined;
    const stop = Math.min(...[dueAt, ownerAt, rest.length].filter((i) => i > from));
    return rest.slice(from + 1, stop).join(' ').trim();
  };
  if (!title) return undefined;
  return { milestone, title, due: part(dueAt), owner: part(ownerAt) };
}

export const action: Command = {
  name: 'action',
  aliases: ['actions'],
  usage: 'action add <milestone-id> "<title>" [due <phrase>] [owner <owner>] | action rename <action-id> "<title>" | action remove <action-id> [because <reason>]',
  summary: 'add a local action under a milestone (its id is e.g. kinship-strategy/1), mend its title, or remove one added by mistake',
  changes: true,
  async run(ctx, args, rest) {
    const verb = args[0]?.toLowerCase();
    // An opening quote never closed swallows the rest ("Title due May 2024" as the title, and no deadline).
    if ((verb === 'add' || verb === 'rename') && unclosedQuote(rest)) return usageReply(action, UNCLOSED);
    if (verb === 'rename') return rename(ctx, args.slice(1), rest.replace(/^\S+\s*/, ''));
    if (verb === 'remove') return remove(ctx, args.slice(1));
    if (verb !== 'add') return usageReply(action);
    const parsed = parseActionArgs(args.slice(1));
    if (!parsed) return usageReply(action);
    if (parsed.title.length > MAX_TITLE) return usageReply(action, `The title is too long (at most ${MAX_TITLE} characters)`);
    if (parsed.due === '') return usageReply(action, 'Say when after "due", e.g. due end of March 2025');
    const due = parsed.due === undefined ? undefined : typedDue(ctx, parsed.due);
    if (due && !due.ok) return usageReply(action, due.problem);
    let owner: Owner | undefined;
    if (parsed.owner !== undefined) {
      owner = parseOwner(parsed.owner, ctx.message.user);
      if (!owner) return usageReply(action, 'Say who after "owner", e.g. owner @alice');
    }
    return ctx.store.update((state) => {
      const milestone = resolveItem(ctx, state, parsed.milestone);
      if (isReply(milestone)) return milestone;
      if (milestone.kind !== 'milestone') return usageReply(action, 'Actions go under a milestone, not under another action');
      const refused = refusal(ctx, milestone);
      if (refused) return refused;
      const id = `${milestone.id}/${nextNumber(state, milestone.id)}`;
      state.actions[id] = {
        id,
        milestoneId: milestone.id,
        title: parsed.title,
        ...(due?.ok ? { due: { phrase: due.phrase, span: due.span } } : {}),
        createdAt: stampOf(ctx.now),
        createdBy: ctx.message.user.id,
      };
      audit(state, ctx.message.user, ctx.now, { item: id, change: 'action added', to: parsed.title });
      if (owner) {
        editItem(state, id).owner = owner;
        audit(state, ctx.message.user, ctx.now, { item: id, change: 'owner', from: 'nobody', to: ownerName(owner) });
      }
      return reply('change', `Action ${id} added under ${milestone.id}`, [
        {
          lines: [
            [code(id), ` ${parsed.title}`],
            // The deadline as worked out, how an ambiguous phrase was read, and a date already past (recording
            // late work is allowed, but a typo in the year would otherwise only show as a long-overdue nudge).
            ...(due?.ok ? [[`due ${due.phrase}${withDeadline(due.phrase, formatDay(due.span.last, ctx.programme.timezone))}`], ...due.notes] : []),
            ...(owner ? [['owner ', { owner }]] : []),
          ],
        },
      ], [['Use the same verbs on it: ', command(`assign ${id} @name`), ', ', command(`done ${id}`), '.']]);
    });
  },
};

const UNCLOSED = 'The title\'s opening quote is never closed: put a quote after the title';

/** `action rename kinship-strategy/1 "Publish the local offer"`: the new title, and the old one in the audit. */
function rename(ctx: Context, args: string[], rest: string): Promise<Reply> | Reply {
  const [id, ...words] = args;
  const title = titleOf(words);
  if (!id || !title) return usageReply(action, 'Say which action and its new title, e.g. action rename kinship-strategy/1 "Publish the local kinship offer"');
  // Words after a quoted title are not part of it: "due May 2027" there would otherwise end up in the title.
  if (words.length > 1 && /^["\u201c]/.test(rest.slice(id.length).trim())) {
    return usageReply(action, 'Only the new title goes after the id: to move the deadline, use revise <id> <date> because <reason>');
  }
  if (title.length > MAX_TITLE) return usageReply(action, `The title is too long (at most ${MAX_TITLE} characters)`);
  return changeItem(
    ctx,
    id,
    (state, item) => {
      const record = state.actions[item.id]!;
      const was = record.title;
      record.title = title;
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: 'renamed', from: was, to: title });
      return reply('change', `Action ${item.id} renamed`, [{ lines: [[code(item.id), ` ${title}`], [`It was: ${was}`]] }]);
    },
    (item) => {
      if (item.kind !== 'action') {
        return problem(`${item.id} is a milestone: its title comes from the programme file`, ['Only local actions are renamed here; change a milestone\'s title in the programme file.']);
      }
      return item.title === title ? reply('answer', `${item.id} is already called "${echoed(title)}"`) : undefined;
    },
  );
}

/**
 * The next number under a milestone: one past any it has had, removed ones included (the audit remembers them), so
 * a history or a message that names an id always means one action.
 */
function nextNumber(state: State, milestoneId: string): number {
  const prefix = `${milestoneId}/`;
  let last = 0;
  const see = (id: string) => {
    const digits = id.startsWith(prefix) ? id.slice(prefix.length) : '';
    if (/^\d+$/.test(digits) && Number(digits) > last) last = Number(digits);
  };
  for (const id of Object.keys(state.actions)) see(id);
  for (const e of state.audit) see(e.item);
  return last + 1;
}

/** `action remove kinship-strategy/3 because duplicate of /2`: gone from every list and reminder; its history stays. */
function remove(ctx: Context, args: string[]): Promise<Reply> | Reply {
  const [id, first, ...words] = args;
  const example = 'e.g. action remove kinship-strategy/3 because it duplicates kinship-strategy/2';
  if (!id) return usageReply(action, `Say which action, ${example}`);
  // One action at a time, and a reason only after "because": a second id typed here must not pass for a reason
  // while the first is removed.
  if (first !== undefined && !/^because:?$/i.test(first)) return usageReply(action, `Remove one action at a time, with any reason after "because", ${example}`);
  const because = readableMentions(words.join(' ').trim());
  if (because.length > MAX_TITLE) return usageReply(action, `The reason is too long (at most ${MAX_TITLE} characters)`);
  return changeItem(
    ctx,
    id,
    (state, item) => {
      const title = state.actions[item.id]!.title;
      delete state.actions[item.id];
      delete state.items[item.id];
      // Reminders still waiting to go (a failing channel, a retry) are not sent; the ledger keeps them as a record.
      for (const e of Object.values(state.ledger)) {
        if (e.item === item.id && (e.state === 'pending' || e.state === 'claimed')) supersede(e, 'the action was removed');
      }
      audit(state, ctx.message.user, ctx.now, { item: item.id, change: ACTION_REMOVED, to: because ? `"${title}", because ${because}` : `"${title}"` });
      return reply('change', `Action ${item.id} removed`, [
        { lines: [[code(item.id), ` ${title}`], ...(because ? [[`Because ${because}`]] : []), ['Its reminders stop; ', command(`history ${item.id}`), ' keeps what happened to it.']] },
      ]);
    },
    (item) =>
      item.kind === 'action'
        ? undefined
        : problem(`${item.id} is a milestone: milestones come from the programme file`, ['Only local actions are removed here; a milestone leaves when it is taken out of the programme file.']),
  );
}
