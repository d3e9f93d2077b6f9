// The scheduler's way out to Slack: nudges and digests posted with chat.postMessage, each carrying its
// ledger key in message metadata so a send that may have happened can be checked before it is repeated.
import type { webApi } from '@slack/bolt';
import type { Chat, Destination, Logger, SendMeta, SendOutcome } from '../../src/ports.js';
import type { Reply } from '../../src/replies/model.js';
import { renderSlack } from './render.js';

/** Slack's answers that mean "this channel will not take posts from us until a person fixes something". */
export const PERMANENT_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'missing_scope',
  'restricted_action',
  'user_not_found',
  'cannot_dm_bot',
]);

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
      const reason = e.data?.error ?? 'unknown_error';
      return PERMANENT_ERRORS.has(reason) ? { ok: false, error: reason, permanent: true } : { ok: false, error: reason };
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
 * The metadata on each message of a scheduled send. A message in parts marks every part with its number, so
 * a resend can skip what already arrived; a one-part message carries the key alone.
 */
function deliveryMetadata(key: string, part: number, parts: number): { event_type: string; event_payload: Record<string, string | number> } {
  return { event_type: DELIVERY_EVENT, event_payload: parts > 1 ? { key, part, parts } : { key } };
}

/**
 * Which part of the send with this key a history message is: `whole` for a message that carries the key
 * without part numbers (a one-part send, or the last part as earlier versions marked it), else its number and
 * how many parts its send had; undefined for any other message.
 */
function deliveryOf(message: unknown, key: string): 'whole' | { part: number; parts: number } | undefined {
  const metadata = (message as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
  if (metadata?.event_type !== DELIVERY_EVENT || metadata.event_payload?.key !== key) return undefined;
  const { part, parts } = metadata.event_payload;
  return typeof part === 'number' && typeof parts === 'number' ? { part, parts } : 'whole';
}

/**
 * Reads the channel's history newest first, a page at a time, until `stop` returns true or HISTORY_PAGES have
 * been read: a large catch-up can put many messages after the one in doubt. Rejects when Slack cannot be asked.
 */
async function searchHistory(client: webApi.WebClient, to: Destination, stop: (message: unknown) => boolean): Promise<void> {
  const channel = await historyChannel(client, to.channel);
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const history = await client.conversations.history({ channel, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
    if ((history.messages ?? []).some(stop)) return;
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return;
  }
}

/** `client` must carry the bot token; app.ts passes the Bolt app's client. */
export function slackChat(client: webApi.WebClient, logger: Logger): Chat {
  /**
   * How many leading parts of a send in `total` parts already arrived. Parts go out in order, so the highest
   * part found counts the ones before it too. A send split differently since (its content changed) starts again.
   */
  async function partsArrived(to: Destination, key: string, total: number): Promise<number> {
    let arrived = 0;
    await searchHistory(client, to, (message) => {
      const found = deliveryOf(message, key);
      if (found === 'whole') arrived = total;
      else if (found && found.parts === total) arrived = Math.max(arrived, found.part);
      return arrived === total;
    });
    return arrived;
  }

  return {
    platform: 'slack',
    async send(to: Destination, message: Reply, meta: SendMeta): Promise<SendOutcome> {
      const parts = renderSlack(message);
      let from = 0;
      if (meta.resend && parts.length > 1) {
        try {
          from = await partsArrived(to, meta.key, parts.length);
        } catch (error) {
          // As with recovering a send, the message waits rather than risk posting a part twice; the scheduler
          // retries later (and checks the history again first).
          const reason = outcomeOf(error).error;
          logger.warn('could not check which parts already arrived; will retry', { channel: to.channel, key: meta.key, error: reason });
          return { ok: false, error: `could not check which parts already arrived: ${reason}` };
        }
        if (from === parts.length) return { ok: true, receipt: { recovered: true, channel: to.channel, parts: parts.length } };
      }
      let receipt: Record<string, unknown> = {};
      try {
        for (let i = from; i < parts.length; i++) {
          const part = parts[i]!;
          const posted = await client.chat.postMessage({
            channel: to.channel,
            text: part.text,
            blocks: part.blocks,
            unfurl_links: false,
            unfurl_media: false,
            metadata: deliveryMetadata(meta.key, i + 1, parts.length),
          });
          receipt = { ts: posted.ts, channel: posted.channel, parts: parts.length, ...(from ? { resumedAt: from + 1 } : {}) };
        }
        return { ok: true, receipt };
      } catch (error) {
        const outcome = outcomeOf(error);
        logger.warn('slack send failed', { channel: to.channel, key: meta.key, error: outcome.error, permanent: outcome.permanent === true });
        return outcome;
      }
    },
    /** chat.postMessage to a user id opens the direct message with them, so a Slack owner needs no stored data. */
    directDestination(identity: string): Destination | undefined {
      const id = identity.startsWith('slack:') ? identity.slice('slack:'.length) : '';
      return /^[UW][A-Z0-9]+$/.test(id) ? { platform: 'slack', channel: id } : undefined;
    },
    /** Whether all of the send arrived (its last part). Rejects when Slack cannot be asked; the scheduler decides. */
    async alreadyDelivered(to: Destination, key: string): Promise<boolean> {
      let found = false;
      await searchHistory(client, to, (message) => {
        const delivery = deliveryOf(message, key);
        found = delivery === 'whole' || (delivery !== undefined && delivery.part === delivery.parts);
        return found;
      });
      return found;
    },
  };
}
