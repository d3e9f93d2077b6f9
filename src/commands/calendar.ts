// `calendar`, `calendar mine`, `calendar reset [mine]`: a private iCalendar address for a channel's deadlines or
// for what the asker owns, for Outlook, Google Calendar or Apple Calendar to subscribe to. The address carries a
// secret of 160 random bits; only its SHA-256 is kept, so the store never holds a working address, and the
// answer (shown to the asker alone in Slack) is the only place it appears.
import { formatInstant } from '../programme/model.js';
import { code, command, problem, reply, type Reply } from '../replies/model.js';
import { audit, stampOf, SUBSCRIPTION_ITEM } from '../tracking/changes.js';
import { isEditor } from '../tracking/permissions.js';
import type { CalendarFeed } from '../tracking/state.js';
import { usageReply } from './help.js';
import type { Command, Context } from './types.js';
import { DateTime } from 'luxon';

/** 160 bits from the platform's cryptographic random source (Web Crypto: no I/O, no clock). */
export function newFeedSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The SHA-256 of a feed's secret, hex: what the store keeps and the feed route looks up. */
export async function feedHash(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Only letters, digits, - and _ (base64url): anything else in a feed address is not one of ours. */
export const FEED_SECRET = /^[A-Za-z0-9_-]{22,}$/;

function howTo(url: string, what: string, resetWith: string): Reply['sections'] {
  return [
    {
      lines: [
        [`${what}: `, code(url)],
        ['Subscribe to it in Outlook (Add calendar → Subscribe from web), Google Calendar (Other calendars → From URL) or Apple Calendar (File → New Calendar Subscription). Each deadline is an all-day event; done ones are cancelled.'],
        ['Anyone with the address can read these deadlines: share it only with those who should. ', command(resetWith), ' revokes it and gives a new one.'],
      ],
    },
  ];
}

export const calendar: Command = {
  name: 'calendar',
  usage: 'calendar [mine] [reset]',
  summary: "a private calendar address (iCalendar) for this channel's deadlines, or for what you own",
  // Not shown to a channel in Slack: the address is a secret, for the asker to pass on.
  changes: false,
  async run(ctx: Context, args: string[]): Promise<Reply> {
    const words = args.map((a) => a.toLowerCase());
    const mine = words.includes('mine');
    const reset = words.includes('reset');
    if (words.some((w) => w !== 'mine' && w !== 'reset') || words.length > 2) return usageReply(calendar);
    if (!ctx.publicUrl) {
      return problem("Calendar feeds need the bot's public address", ['Whoever runs the bot sets REFORM_PUBLIC_URL (such as https://reform.council.gov.uk) so calendars can reach it. Nothing was changed.']);
    }
    const { platform, channel, user } = ctx.message;
    const kind: CalendarFeed['kind'] = mine ? 'owner' : 'channel';
    const forWhom = mine ? user.id : channel;
    const secret = newFeedSecret();
    const hash = await feedHash(secret);
    const url = `${ctx.publicUrl.replace(/\/+$/, '')}/calendar/${secret}.ics`;
    const what = mine ? 'Your calendar (what you own)' : "This channel's calendar";
    const resetWith = mine ? 'calendar reset mine' : 'calendar reset';
    return ctx.store.update((state): Reply => {
      const live = state.calendars?.find((c) => c.kind === kind && c.platform === platform && c.for === forWhom && !c.revokedAt);
      if (live && !reset) {
        return reply('answer', `${mine ? 'You have' : 'This channel has'} a calendar address already`, [
          { lines: [[`It was made on ${formatInstant(DateTime.fromISO(live.createdAt, { setZone: true }), ctx.programme.timezone)}. The address is shown only once and not kept, so it cannot be shown again. `, command(resetWith), ' revokes it and gives a new one.']] },
        ]);
      }
      // A channel's address is the channel's: its maker or an editor may revoke it. Anyone may reset their own.
      if (live && !mine && !isEditor(ctx) && live.createdBy !== user.id) {
        return problem("You can't reset this channel's calendar", ['Only the editors (set in REFORM_EDITORS) or whoever made the address can revoke it. Nothing was changed.']);
      }
      const stamp = stampOf(ctx.now);
      if (live) live.revokedAt = stamp;
      (state.calendars ??= []).push({ kind, platform, for: forWhom, hash, createdAt: stamp, createdBy: user.id });
      // The audit names the feed, never its address; like subscriptions, it is the bot's setting, not a change to the programme.
      audit(state, user, ctx.now, { item: `${SUBSCRIPTION_ITEM}calendar:${kind}:${platform}:${forWhom}`, change: live ? 'calendar address reset' : 'calendar address made' });
      return reply('answer', live ? `${what}: a new address; the old one no longer works` : what, howTo(url, 'Address', resetWith));
    });
  },
};
