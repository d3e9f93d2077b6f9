// The scheduler's way out to Slack: nudges and digests posted with chat.postMessage, each carrying its
// ledger key in message metadata so a send that may have happened can be checked before it is repeated.
import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Chat, Destination, Logger, SendMeta, SendOutcome } from '../../src/ports.js';
import type { Reply } from '../../src/replies/model.js';
import { withPicture, type SlackFiles } from './files.js';
import { LIMITS, renderSlack, type SlackMessage } from './render.js';
import { messageRefusal, REPLY_POINTER, smaller } from './resplit.js';
import { SLASH_COMMAND } from './mrkdwn.js';

/**
 * Slack's answers that mean "this channel (or this person's direct messages) will not take posts from us until a
 * person fixes something": the channel is marked failing; an owner's reminders go to the reminders channels.
 */
export const PERMANENT_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'no_permission',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
]);

/**
 * Refusals of the bot's own token or scopes: every channel would refuse alike, and none is to blame. Nothing is
 * marked failing; sends wait CREDENTIALS_RETRY_MS and go out once the token is fixed.
 */
export const CREDENTIAL_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'not_allowed_token_type', 'team_access_not_granted', 'ekm_access_denied']);
export const CREDENTIALS_RETRY_MS = 15 * 60_000;

/** Slack's own passing troubles, after which the message may or may not have been stored. */
export const IN_DOUBT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Pages of channel history (200 messages each) searched for a ledger key when recovering a send. */
export const HISTORY_PAGES = 5;
const DELIVERY_EVENT = 'reform_delivery';

interface SlackError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  original?: { name?: string; message?: string };
  message?: string;
}

/**
 * A WebClient error as a SendOutcome. The client must be built with rejectRateLimitedCalls (a 429 arrives
 * here instead of Bolt sleeping) and no retries (the scheduler owns retrying).
 */
export function outcomeOf(error: unknown): SendOutcome & { ok: false } {
  const e = (error ?? {}) as SlackError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { ok: false, error: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error': {
      // Slack answered with a reason, so nothing was posted, unless the reason is a trouble of its own.
      const reason = e.data?.error ?? 'unknown_error';
      if (PERMANENT_ERRORS.has(reason)) return { ok: false, error: reason, permanent: true, refused: true };
      if (CREDENTIAL_ERRORS.has(reason)) {
        return { ok: false, error: `${reason}: Slack refused the bot's token or scopes (SLACK_BOT_TOKEN, the app's scopes)`, refused: true, retryAfterMs: CREDENTIALS_RETRY_MS };
      }
      return IN_DOUBT_ERRORS.has(reason) ? { ok: false, error: reason } : { ok: false, error: reason, refused: true };
    }
    case 'slack_webapi_http_error':
      return { ok: false, error: `http_${e.statusCode ?? 'error'}` };
    case 'slack_webapi_request_error':
      return { ok: false, error: `unreachable: ${e.original?.name === 'TimeoutError' ? 'timed out' : (e.original?.message ?? 'request failed')}` };
    default:
      return { ok: false, error: e.message ?? String(error) };
  }
}

/** Direct messages to owners arrive as a user id; conversations.history needs the DM's channel id. */
async function historyChannel(client: webApi.WebClient, channel: string): Promise<string> {
  if (!/^[UW][A-Z0-9]+$/.test(channel)) return channel;
  const opened = await client.conversations.open({ users: channel });
  return opened.channel?.id ?? channel;
}

/**
 * The metadata on each message of a scheduled send. Each part of a message in parts carries its number and a
 * fingerprint of the whole rendering, so a later attempt goes on only where the very same parts stopped; a
 * one-part message carries the key alone.
 */
function deliveryMetadata(key: string, part: number, parts: number, render: string): { event_type: string; event_payload: Record<string, string | number> } {
  return { event_type: DELIVERY_EVENT, event_payload: parts > 1 ? { key, part, parts, render } : { key } };
}

/** How a history message marks a send: `whole` for the key without part numbers, else which part it is. */
type PartMark = 'whole' | { part: number; parts: number; render: unknown };

/** One message of conversations.history, as the Web API client types it. */
type HistoryMessage = NonNullable<webApi.ConversationsHistoryResponse['messages']>[number];

/** How this message marks the send with this ledger key, or undefined when it is not one of its posts. */
function partMarkOf(message: HistoryMessage, key: string): PartMark | undefined {
  const metadata = message.metadata;
  const payload = metadata?.event_payload as Record<string, unknown> | undefined;
  if (metadata?.event_type !== DELIVERY_EVENT || payload?.key !== key) return undefined;
  const { part, parts, render } = payload;
  // Without part numbers: a one-part send, or the last part as earlier versions marked it.
  return typeof part === 'number' && typeof parts === 'number' ? { part, parts, render } : 'whole';
}

/**
 * Reads the channel's history newest first, a page at a time, until `stop` returns true or HISTORY_PAGES have
 * been read: a large catch-up can put many messages after the one in doubt. Rejects when Slack cannot be asked.
 */
async function searchHistory(client: webApi.WebClient, to: Destination, stop: (message: HistoryMessage) => boolean): Promise<void> {
  const channel = await historyChannel(client, to.channel);
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const history = await client.conversations.history({ channel, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
    if ((history.messages ?? []).some(stop)) return;
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return;
  }
}

/** A short fingerprint of a rendering, carried on each part, so the history tells this rendering's parts apart. */
function fingerprint(parts: SlackMessage[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/**
 * The receipt of a send in parts that failed: its rendering, how many parts are known to have gone out (perhaps
 * none), and the parts still to post exactly as first rendered, so every attempt sends the same message. It
 * comes back from the ledger in the store, so its shape is checked; the blocks are our own rendering.
 */
const unfinishedSchema = z
  .object({
    render: z.string(),
    parts: z.number().int().min(2),
    posted: z.number().int().min(0),
    rest: z.array(z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) })).min(1),
  })
  .refine((u) => u.posted + u.rest.length === u.parts);

/** What is left to post: parts `from + 1` to `total` of one rendering. `resumed`: it came from a receipt. */
interface Plan {
  render: string;
  total: number;
  from: number;
  pending: SlackMessage[];
  resumed: boolean;
}

/** The parts an earlier attempt left, as rendered then; otherwise the message rendered afresh. */
function planOf(message: Reply, receipt: Record<string, unknown> | undefined): Plan {
  const unfinished = unfinishedSchema.safeParse(receipt);
  if (unfinished.success) {
    const { render, parts, posted, rest } = unfinished.data;
    return { render, total: parts, from: posted, pending: rest as unknown as SlackMessage[], resumed: true };
  }
  // A digest goes out whole, in as many messages as it takes: chat.postMessage has no five-message cap.
  const parts = renderSlack(message, { parts: LIMITS.scheduledParts });
  const render = parts.length > 1 ? fingerprint(parts) : '';
  return { render, total: parts.length, from: 0, pending: parts, resumed: false };
}

/** The plan less the parts already in the channel. */
function skipTo(plan: Plan, there: number): Plan {
  return there > plan.from ? { ...plan, from: there, pending: plan.pending.slice(there - plan.from) } : plan;
}

/** Re-splits, then one shortening, then one more try of the shortened message. */
const MAX_SHRINKS = 3;

/** `client` must carry the bot token; app.ts passes the Bolt app's client. `files` shows a message's picture. */
export function slackChat(client: webApi.WebClient, logger: Logger, files?: SlackFiles): Chat {
  /**
   * How many leading parts of this rendering are in the channel. Parts go out in order and history comes newest
   * first, so the first part of this rendering found is the highest one posted.
   */
  async function partsInChannel(to: Destination, key: string, render: string, total: number): Promise<number> {
    let found = 0;
    await searchHistory(client, to, (message) => {
      const mark = partMarkOf(message, key);
      if (mark === 'whole') found = total;
      else if (mark?.render === render) found = mark.part;
      return found > 0;
    });
    return found;
  }

  return {
    platform: 'slack',
    async send(to: Destination, message: Reply, meta: SendMeta): Promise<SendOutcome> {
      let plan = planOf(message, meta.receipt);
      // The digest's picture, uploaded once for every channel; an upload that fails leaves the text to go alone.
      if (files && message.picture && !plan.resumed) plan = { ...plan, pending: withPicture(plan.pending, await files.pictureBlock(message.picture)) };
      if (meta.uncertain && plan.total > 1) {
        // The last attempt may have posted a part it never heard back about: the channel says which.
        try {
          plan = skipTo(plan, await partsInChannel(to, meta.key, plan.render, plan.total));
        } catch (error) {
          const reason = outcomeOf(error).error;
          // The scheduler has just read the history, so this is a passing trouble. With a receipt, go on from
          // it (at worst the parts posted unheard since are posted again); without one (a crash), wait and look again.
          logger.warn('could not check which parts already arrived', { channel: to.channel, key: meta.key, error: reason, resumed: plan.resumed });
          if (!plan.resumed) return { ok: false, error: `could not check which parts already arrived: ${reason}` };
        }
      }
      const { from } = plan;
      let { render, total } = plan;
      const pending = [...plan.pending];
      if (!pending.length) return { ok: true, receipt: { recovered: true, parts: total, render } };
      // How many times Slack has refused each pending part for what it is (too long, a block it will not take).
      const refusals = pending.map(() => 0);
      const more = message.more ? `${SLASH_COMMAND} ${message.more}` : REPLY_POINTER;
      let posted = from;
      let receipt: Record<string, unknown> = {};
      while (posted - from < pending.length) {
        const i = posted - from;
        const part = pending[i]!;
        try {
          const reply = await client.chat.postMessage({
            channel: to.channel,
            text: part.text,
            blocks: part.blocks,
            unfurl_links: false,
            unfurl_media: false,
            metadata: deliveryMetadata(meta.key, posted + 1, total, render),
          });
          posted += 1;
          receipt = { ts: reply.ts, channel: reply.channel, parts: total };
          if (total > 1) Object.assign(receipt, { posted, render }, from ? { resumedAt: from + 1 } : {});
        } catch (error) {
          const refused = messageRefusal(error);
          // Bounded: past a shortened message Slack still refuses, the failure is recorded like any other.
          if (refused && refusals[i]! <= MAX_SHRINKS) {
            // Sent again unchanged it would be refused again, on every tick: smaller, or shortened with a pointer.
            const { how, parts, level } = smaller(part, refusals[i]!, more);
            logger.warn(`slack refused a message as it was (${refused}); ${how === 're-split' ? `re-split into ${parts.length}` : `shortened, pointing at ${more}`}`, { channel: to.channel, key: meta.key, error: refused, part: posted + 1, parts: total, how });
            pending.splice(i, 1, ...parts);
            refusals.splice(i, 1, ...parts.map(() => level + 1));
            total += parts.length - 1;
            // A new rendering from here on: after a crash, the history then shows only the parts posted before
            // this one, and the message goes on from there (re-split again) rather than skip a part never posted.
            render = fingerprint(pending);
            continue;
          }
          const outcome = outcomeOf(error);
          const where = total > 1 ? { part: posted + 1, parts: total } : {};
          logger.warn('slack send failed', { channel: to.channel, key: meta.key, error: outcome.error, permanent: outcome.permanent === true, ...where });
          if (total === 1) return outcome;
          // The parts still to post, as rendered: every later attempt sends this same message.
          return { ...outcome, receipt: { render, parts: total, posted, rest: pending.slice(posted - from) } };
        }
      }
      return { ok: true, receipt };
    },
    /** chat.postMessage to a user id opens the direct message with them, so a Slack owner needs no stored data. */
    directDestination(identity: string): Destination | undefined {
      const id = identity.startsWith('slack:') ? identity.slice('slack:'.length) : '';
      return /^[UW][A-Z0-9]+$/.test(id) ? { platform: 'slack', channel: id } : undefined;
    },
    /** Whether all of the send arrived: its last part, of whichever rendering. Rejects when Slack cannot be asked. */
    async alreadyDelivered(to: Destination, key: string): Promise<boolean> {
      let found = false;
      await searchHistory(client, to, (message) => {
        const mark = partMarkOf(message, key);
        found = mark === 'whole' || (mark !== undefined && mark.part === mark.parts);
        return found;
      });
      return found;
    },
  };
}
