// The scheduler's way out to Slack: nudges and digests posted with chat.postMessage, each carrying its
// ledger key in message metadata so a send that may have happened can be checked before it is repeated.
import type { webApi } from '@slack/bolt';
import type { Chat, Destination, Logger, SendOutcome } from '../../src/ports.js';
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

export /** Pages of channel history (200 messages each) searched for a ledger key when recovering a send. */
const HISTORY_PAGES = 5;
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

/** `client` must carry the bot token; app.ts passes the Bolt app's client. */
export function slackChat(client: webApi.WebClient, logger: Logger): Chat {
  return {
    platform: 'slack',
    async send(to: Destination, message: Reply, meta: { key: string }): Promise<SendOutcome> {
      const parts = renderSlack(message);
      let receipt: Record<string, unknown> = {};
      try {
        for (const [i, part] of parts.entries()) {
          // The key rides on the last part: alreadyDelivered() then means "all of it arrived".
          const metadata = i === parts.length - 1 ? { event_type: DELIVERY_EVENT, event_payload: { key: meta.key } } : undefined;
          const posted = await client.chat.postMessage({
            channel: to.channel,
            text: part.text,
            blocks: part.blocks,
            unfurl_links: false,
            unfurl_media: false,
            ...(metadata ? { metadata } : {}),
          });
          receipt = { ts: posted.ts, channel: posted.channel, parts: parts.length };
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
    /** Rejects when Slack cannot be asked; the scheduler decides what an unknown answer means. */
    async alreadyDelivered(to: Destination, key: string): Promise<boolean> {
      const channel = await historyChannel(client, to.channel);
      // A large catch-up can put many messages after the one in doubt: look back a few pages, not just one.
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const history = await client.conversations.history({ channel, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
        const found = (history.messages ?? []).some((m) => {
          const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
          return metadata?.event_type === DELIVERY_EVENT && metadata.event_payload?.key === key;
        });
        if (found) return true;
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) return false;
      }
      return false;
    },
  };
}
