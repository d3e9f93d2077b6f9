// `lead <theme> [owner]`, `unlead <theme>`, `leads`: who leads each theme. An overdue item nobody acknowledges goes
// to its theme leads before leadership (the escalation ladder). Editors name leads; each change is in the history
// under `lead:<theme>` and shown by `lead <theme>`. A programme file may set defaults under `leads:`.
import { nearestTerms } from '../programme/search.js';
import { auditBy, auditChange, auditWhen } from '../replies/audit.js';
import { code, command, echoed, problem, reply, type Reply, type Rich } from '../replies/model.js';
import { ownerName } from '../replies/plain.js';
import { audit } from '../tracking/changes.js';
import { themeLead } from '../tracking/leads.js';
import { MAX_ROLE_LENGTH, parseOwner } from '../tracking/owners.js';
import { isEditor } from '../tracking/permissions.js';
import { ownerText } from './assign.js';
import { usageReply } from './help.js';
import type { Command, Context } from './types.js';

/** The audit item of a theme's lead: `history` shows items, `lead <theme>` shows these. */
export const LEAD_ITEM = 'lead:';
const SHOWN_CHANGES = 5;

/** The theme a word names, or a reply saying which themes there are. */
function themeOf(ctx: Context, word: string | undefined): string | Reply {
  const wanted = (word ?? '').trim().toLowerCase();
  const { themes } = ctx.programme;
  if (themes.includes(wanted)) return wanted;
  const near = nearestTerms(wanted.slice(0, 40), themes, 2, Math.max(2, Math.floor(wanted.length / 3)));
  return problem(`No theme "${echoed(wanted, 40)}"`, [...(near.length ? ['Did you mean ', ...near.flatMap((t, i) => [i ? ' or ' : '', code(t)]), '? '] : []), `Themes: ${themes.join(', ')}.`]);
}

function notEditor(ctx: Context): Reply | undefined {
  return isEditor(ctx) ? undefined : problem('Only the editors can name leads', ['Editors are set in REFORM_EDITORS. Nothing was changed.']);
}

export const lead: Command = {
  name: 'lead',
  usage: 'lead <theme> [@person | "Post title" | me]',
  summary: "name a theme's lead (overdue items nobody acknowledges go to them), or show who leads it",
  changes: true,
  async run(ctx, args, rest) {
    if (args.length < 1) return usageReply(lead);
    const theme = themeOf(ctx, args[0]);
    if (typeof theme !== 'string') return theme;
    if (args.length === 1) return showLead(ctx, theme);
    const owner = parseOwner(ownerText(args, rest, 1), ctx.message.user);
    if (!owner) return usageReply(lead, `Name one lead: a person (@name), a post title of at most ${MAX_ROLE_LENGTH} characters, or me`);
    const no = notEditor(ctx);
    if (no) return no;
    return ctx.store.update((state) => {
      const was = themeLead(ctx.programme, state, theme);
      if (was?.owner.id === owner.id && was.from === 'store') return reply('answer', `${ownerName(owner)} already leads ${theme}`);
      const from = was ? ownerName(was.owner) : 'nobody';
      state.leads[theme] = owner;
      audit(state, ctx.message.user, ctx.now, { item: `${LEAD_ITEM}${theme}`, change: 'lead', from, to: ownerName(owner) });
      return reply('change', `${ownerName(owner)} now leads ${theme}`, [
        { lines: [[`Overdue ${theme} milestones nobody acknowledges go to `, { owner }, ' before the leadership channel', was ? ` (was ${from}).` : '.']] },
      ]);
    });
  },
};

async function showLead(ctx: Context, theme: string): Promise<Reply> {
  const state = await ctx.store.read();
  const current = themeLead(ctx.programme, state, theme);
  const changes: Rich[] = state.audit
    .filter((e) => e.item === `${LEAD_ITEM}${theme}`)
    .slice(-SHOWN_CHANGES)
    .reverse()
    .map((e) => [`${auditWhen(e, ctx.programme.timezone)} — `, auditBy(e), ` ${auditChange(e)}`]);
  const heading = current ? `${ownerName(current.owner)} leads ${theme}${current.from === 'file' ? ' (set in the programme file)' : ''}` : `Nobody leads ${theme}`;
  const lines: Rich[] = current ? [['Lead: ', { owner: current.owner, quiet: true }]] : [['Name one with ', command(`lead ${theme} @name`), '.']];
  return reply('answer', heading, [{ lines }, ...(changes.length ? [{ title: 'Changes', lines: changes }] : [])]);
}

export const unlead: Command = {
  name: 'unlead',
  usage: 'unlead <theme>',
  summary: "remove a theme's lead",
  changes: true,
  async run(ctx, args) {
    if (args.length !== 1) return usageReply(unlead);
    const theme = themeOf(ctx, args[0]);
    if (typeof theme !== 'string') return theme;
    const no = notEditor(ctx);
    if (no) return no;
    return ctx.store.update((state) => {
      const named = Object.hasOwn(state.leads, theme) ? state.leads[theme] : undefined;
      const fileLead = Object.hasOwn(ctx.programme.leads, theme) ? ctx.programme.leads[theme] : undefined;
      if (!named) {
        return fileLead
          ? problem(`${ownerName(fileLead)} leads ${theme} in the programme file`, ['Remove it from "leads:" in the file, or name another lead with ', command(`lead ${theme} @name`), '. Nothing was changed.'])
          : reply('answer', `Nobody leads ${theme}`);
      }
      delete state.leads[theme];
      const now = fileLead ? ownerName(fileLead) : 'nobody';
      audit(state, ctx.message.user, ctx.now, { item: `${LEAD_ITEM}${theme}`, change: 'lead', from: ownerName(named), to: fileLead ? `${now} (the programme file's)` : now });
      return reply('change', fileLead ? `${now} leads ${theme} again, as the programme file sets` : `Nobody leads ${theme} now (was ${ownerName(named)})`);
    });
  },
};

export const leads: Command = {
  name: 'leads',
  usage: 'leads',
  summary: 'who leads each theme',
  changes: false,
  async run(ctx) {
    const state = await ctx.store.read();
    const lines: Rich[] = [];
    const none: string[] = [];
    for (const theme of ctx.programme.themes) {
      const current = themeLead(ctx.programme, state, theme);
      if (current) lines.push([code(theme), ' → ', { owner: current.owner, quiet: true }, current.from === 'file' ? ' (programme file)' : '']);
      else none.push(theme);
    }
    if (none.length) lines.push([`No lead: ${none.join(', ')}. `, command('lead <theme> @name'), ' names one.']);
    return reply('answer', `Theme leads (${ctx.programme.themes.length - none.length} of ${ctx.programme.themes.length})`, [{ lines }]);
  },
};
