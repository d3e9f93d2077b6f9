// `subscribe reminders|digest`, `unsubscribe reminders|digest`, `subscriptions`: which channels get nudges
// and the weekly digest. The subscription keeps the platform's data (a Teams conversation reference) so the
// scheduler can post there after restarts.
import { DateTime } from 'luxon';
import { formatInstant } from '../programme/model.js';
import { code, command, reply, type Rich } from '../replies/model.js';
import { audit, stampOf, SUBSCRIPTION_ITEM } from '../tracking/changes.js';
import { isEditor } from '../tracking/permissions.js';
import { supersede } from '../schedule/ledger.js';
import { usageReply } from './help.js';
import type { Command, Context } from './types.js';

const KINDS = ['reminders', 'digest', 'escalations'] as const;
type Kind = (typeof KINDS)[number];

function kindOf(word: string | undefined): Kind | undefined {
  const w = word?.toLowerCase().replace(/s$/, '');
  return w === 'reminder' ? 'reminders' : w === 'digest' ? 'digest' : w === 'escalation' ? 'escalations' : undefined;
}

function refused(ctx: Context) {
  return isEditor(ctx)
    ? undefined
    : reply('problem', 'Only the editors can change subscriptions', [{ lines: [['Editors are set in REFORM_EDITORS. Nothing was changed.']] }]);
}

const named = (kind: Kind): string => (kind === 'digest' ? 'the weekly digest' : kind === 'escalations' ? 'escalations' : 'reminders');

/** "28, 7 and 1", "7". */
function listed(days: readonly number[]): string {
  const n = [...new Set(days)].sort((a, b) => b - a).map(String);
  return n.length > 1 ? `${n.slice(0, -1).join(', ')} and ${n.at(-1)}` : (n[0] ?? '');
}

/** When this kind of message comes, as the programme file sets it. */
function schedule(ctx: Context, kind: Kind): string {
  const { reminders, digest, escalation } = ctx.programme;
  if (kind === 'escalations') {
    return `overdue items nobody has acknowledged ${escalation.leadership_after} working days after their overdue nudge (their leads hear at ${escalation.lead_after}), at ${reminders.at} on working days`;
  }
  if (kind === 'digest') {
    const day = digest.day[0]!.toUpperCase() + digest.day.slice(1);
    return `the weekly digest, ${day}s at ${digest.at} (the next working day when that is a bank holiday)`;
  }
  const before = reminders.days_before.length ? `reminders ${listed(reminders.days_before)} day${reminders.days_before.length === 1 && reminders.days_before[0] === 1 ? '' : 's'} before each deadline` : '';
  const overdue = reminders.overdue ? 'an overdue nudge' : '';
  return `${[before, overdue].filter(Boolean).join(' and ') || 'no reminders (the programme file sets none)'}, at ${reminders.at} on working days`;
}

export const subscribe: Command = {
  name: 'subscribe',
  usage: 'subscribe reminders|digest|escalations',
  summary: 'send deadline reminders, the weekly digest, or escalations of overdue items nobody acknowledged, to this channel',
  changes: true,
  async run(ctx, args) {
    const kind = kindOf(args[0]);
    if (!kind || args.length !== 1) return usageReply(subscribe);
    const no = refused(ctx);
    if (no) return no;
    const { platform, channel, extras } = ctx.message;
    const id = `${kind}:${platform}:${channel}`;
    return ctx.store.update((state) => {
      const existing = state.subscriptions.find((s) => s.id === id);
      if (existing && !existing.failing) {
        if (extras) existing.extras = extras;
        return reply('answer', `This channel already gets ${named(kind)}`);
      }
      if (existing) {
        delete existing.failing;
        if (extras) existing.extras = extras;
      } else {
        state.subscriptions.push({ id, kind, platform, channel, ...(extras ? { extras } : {}), createdAt: stampOf(ctx.now), createdBy: ctx.message.user.id });
      }
      audit(state, ctx.message.user, ctx.now, { item: `${SUBSCRIPTION_ITEM}${id}`, change: existing ? 'resubscribed' : 'subscribed', to: kind });
      // A chat channel takes posts only from members; the terminal has no members to invite.
      const membership = ctx.message.terminal ? [] : [['The bot must be a member of this channel to post here: invite it if it is not.']];
      return reply('change', `This channel will get ${named(kind)}`, [{ lines: [[`From now on: ${schedule(ctx, kind)}. `, command(`unsubscribe ${kind}`), ` stops ${kind === 'digest' ? 'it' : 'them'}.`], ...membership] }]);
    });
  },
};

export const unsubscribe: Command = {
  name: 'unsubscribe',
  usage: 'unsubscribe reminders|digest|escalations',
  summary: 'stop reminders, or the digest, in this channel',
  changes: true,
  async run(ctx, args) {
    const kind = kindOf(args[0]);
    if (!kind || args.length !== 1) return usageReply(unsubscribe);
    const no = refused(ctx);
    if (no) return no;
    const id = `${kind}:${ctx.message.platform}:${ctx.message.channel}`;
    return ctx.store.update((state) => {
      const at = state.subscriptions.findIndex((s) => s.id === id);
      if (at < 0) return reply('answer', `This channel does not get ${named(kind)}`);
      state.subscriptions.splice(at, 1);
      // Messages still waiting for this channel are not sent any more; the ledger keeps them as a record.
      for (const e of Object.values(state.ledger)) {
        if (e.subscription === id && (e.state === 'pending' || e.state === 'claimed')) supersede(e, 'unsubscribed');
      }
      audit(state, ctx.message.user, ctx.now, { item: `${SUBSCRIPTION_ITEM}${id}`, change: 'unsubscribed', from: kind });
      return reply('change', `This channel will no longer get ${named(kind)}`);
    });
  },
};

export const subscriptions: Command = {
  name: 'subscriptions',
  usage: 'subscriptions',
  summary: 'which channels get reminders and the digest',
  changes: false,
  async run(ctx) {
    const state = await ctx.store.read();
    if (!state.subscriptions.length) {
      return reply('answer', 'No subscriptions yet', [{ lines: [['In a channel, type ', command('subscribe reminders'), ' or ', command('subscribe digest'), '.']] }]);
    }
    const zone = ctx.programme.timezone;
    const lines: Rich[] = state.subscriptions.map((s) => {
      const held = Object.values(state.ledger).filter((e) => e.subscription === s.id && e.state === 'pending').length;
      const since = formatInstant(DateTime.fromISO(s.createdAt, { setZone: true }), zone);
      const failing = s.failing ? ` · FAILING since ${formatInstant(DateTime.fromISO(s.failing.at, { setZone: true }), zone)}: ${s.failing.reason} (subscribe again once fixed)` : '';
      return [`${s.kind} → ${s.platform} `, code(s.channel), ` · since ${since}${held ? ` · ${held} waiting` : ''}${failing}`];
    });
    return reply('answer', `${state.subscriptions.length} subscription${state.subscriptions.length === 1 ? '' : 's'}`, [{ lines }]);
  },
};
