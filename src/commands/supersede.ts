// `supersede <id> [by <what>] because <reason>`: a commitment overtaken by later policy. Not done: it is closed
// without being delivered, so it gets no more nudges and says what replaced it. Editors only (an owner may mark
// their own work done, but whether government dropped a commitment is the programme's call). `reopen` undoes it.
import { code, command, problem, reply } from '../replies/model.js';
import { audit, stampOf } from '../tracking/changes.js';
import { readableMentions } from '../tracking/owners.js';
import { isEditor } from '../tracking/permissions.js';
import { usageReply } from './help.js';
import { changeItem } from './resolve.js';
import { textAfter } from './tokenize.js';
import type { Command } from './types.js';

/** The change recorded by `supersede`; `reopen` takes it back. */
export const SUPERSEDED = 'superseded';

/** "by Families First Partnership because …" -> what replaced it and why; the reason is required. */
function parse(after: string): { replacedBy?: string; reason: string } | undefined {
  const at = after.search(/(?:^|\s)because\s/i);
  if (at < 0) return undefined;
  const before = after.slice(0, at).trim();
  const reason = after.slice(at).trim().replace(/^because\s+/i, '').trim();
  if (!reason) return undefined;
  if (!before) return { reason };
  const by = /^by\s+(.+)$/i.exec(before);
  return by ? { replacedBy: by[1]!.trim(), reason } : undefined;
}

export const supersede: Command = {
  name: 'supersede',
  aliases: ['superseded'],
  usage: 'supersede <id> [by <what replaced it>] because <reason>',
  summary: 'record that later policy overtook a commitment (not done): no more reminders; reopen undoes it',
  changes: true,
  async run(ctx, args, rest) {
    const parsed = parse(textAfter(rest, 1));
    if (args.length < 2 || !parsed) return usageReply(supersede, 'Say why: supersede <id> [by <what replaced it>] because <reason>');
    if (!isEditor(ctx)) {
      return problem(`Only the editors can supersede ${args[0]}`, [
        `Only the editors (set in REFORM_EDITORS${ctx.editors?.length ? `: ${ctx.editors.join(', ')}` : ''}) can record that a commitment was superseded. Nothing was changed.`,
      ]);
    }
    const replacedBy = parsed.replacedBy === undefined ? undefined : readableMentions(parsed.replacedBy);
    const reason = readableMentions(parsed.reason);
    return changeItem(
      ctx,
      args[0],
      (state, item, s) => {
        s.superseded = { at: stampOf(ctx.now), by: ctx.message.user.id, byName: ctx.message.user.name, ...(replacedBy ? { replacedBy } : {}), reason };
        // Any snooze ends with the reminders themselves.
        delete s.snoozedUntil;
        audit(state, ctx.message.user, ctx.now, { item: item.id, change: SUPERSEDED, from: item.status, to: `superseded${replacedBy ? ` by ${replacedBy}` : ''} because ${reason}` });
        return reply('change', `${item.id} is superseded${replacedBy ? ` by ${replacedBy}` : ''}`, [
          { lines: [[code(item.id), ` ${item.title}`], ['Why: ', reason], ['No more reminders. It is not counted as done; ', command(`reopen ${item.id}`), ' undoes this.']] },
        ]);
      },
      (item) =>
        item.kind === 'action'
          ? problem(`${item.id} is a local action`, ['A local action is done (', command(`done ${item.id}`), ') or removed (', command(`action remove ${item.id} because <reason>`), '); superseding is for programme milestones.'])
          : item.superseded
            ? reply('answer', `${item.id} is already superseded${item.superseded.by ? ` by ${item.superseded.by}` : ''} (${item.superseded.when})`)
            : item.done
              ? reply('answer', `${item.id} is done${item.doneText ? ` (${item.doneText})` : ''}: nothing to supersede`, [{ lines: [['If it was in fact overtaken, ', command(`reopen ${item.id}`), ' first.']] }])
              : undefined,
    );
  },
};
