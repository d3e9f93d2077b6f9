// The scheduler's way into Teams: post a reply to a stored conversation reference with
// continueConversationAsync, once, and say whether to retry. Called from tick(), one message at a time.
import type { Activity, CloudAdapter, ConversationReference, TurnContext as Context } from 'botbuilder';
import { TurnContext } from './botbuilder.js';
import type { Chat, Destination, SendOutcome } from '../../src/ports.js';
import type { Reply } from '../../src/replies/model.js';
import type { Present } from './files.js';
import { replyActivity } from './render.js';

/** The part of botbuilder's ConnectorClient used here (the package itself is not a direct dependency). */
interface Connector {
  conversations: {
    sendToConversation(conversationId: string, activity: Partial<Activity>, options?: { abortSignal?: AbortSignal }): Promise<{ id?: string }>;
  };
}

interface SendError {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

export function referenceOf(to: Destination): Partial<ConversationReference> | undefined {
  const ref = to.extras?.reference as Partial<ConversationReference> | undefined;
  const ok = typeof ref === 'object' && ref !== null && typeof ref.serviceUrl === 'string' && typeof ref.conversation?.id === 'string';
  return ok ? ref : undefined;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** What a failed send means for the ledger. 403/404: the bot was removed or the conversation is gone. */
export function outcomeOf(error: unknown, timeoutMs: number): SendOutcome {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SendError;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return { ok: false, error: `Teams did not answer within ${timeoutMs} ms` };
  const status = e.statusCode;
  const what = [status ? `HTTP ${status}` : undefined, e.code, (e.message ?? '').slice(0, 300)].filter(Boolean).join(' ');
  const message = `Teams refused the message: ${what}`;
  if (status === 403 || status === 404) return { ok: false, error: message, permanent: true, refused: true };
  if (status === 429) return { ok: false, error: message, retryAfterMs: retryAfterMs(e.response?.headers?.get('retry-after'), Date.now()) };
  // Any other 4xx (a token the connector refused, a bad request) was answered, not stored; a 5xx leaves doubt.
  return status !== undefined && status >= 400 && status < 500 ? { ok: false, error: message, refused: true } : { ok: false, error: message };
}

/**
 * botbuilder's HTTP pipeline retries up to three times and sleeps through any Retry-After, all inside one
 * tick. Scheduled sends try once instead: the ledger retries with backoff and needs to see 429 itself. This
 * reaches into the connector's pipeline, so it is best effort: if botbuilder changes shape, its own bounded
 * retry stays, and the single-attempt test in tests/teams.test.ts fails.
 */
function withoutSdkRetry(connector: Connector): void {
  const inner = (connector as unknown as { client?: { pipeline?: { removePolicy?(p: { name: string }): unknown } } }).client;
  inner?.pipeline?.removePolicy?.({ name: 'defaultRetryPolicy' });
}

/** `present` adds what a message shows beside its text (the digest's picture). */
export function teamsChat(cloud: CloudAdapter, appId: string, timeoutMs: number, present?: Present): Chat {
  async function postOnce(ctx: Context, message: Reply, key: string): Promise<SendOutcome> {
    const connector = ctx.turnState.get(ctx.adapter.ConnectorClientKey) as Connector | undefined;
    if (!connector) return { ok: false, error: 'botbuilder gave no connector for this conversation' };
    withoutSdkRetry(connector);
    // The addressing first, so the size guard measures the activity as it is sent.
    const envelope = TurnContext.applyConversationReference({ channelData: { reformKey: key } }, TurnContext.getConversationReference(ctx.activity));
    // Reminders and digests exist to reach owners, so they mention them.
    const shown = present ? await present(message, { notify: true }, envelope) : replyActivity(message, { notify: true }, envelope);
    const activity: Partial<Activity> = { ...shown, ...envelope };
    // A new message in the conversation, not a reply to the synthetic continuation activity.
    delete activity.replyToId;
    try {
      const sent = await connector.conversations.sendToConversation(activity.conversation!.id, activity, { abortSignal: AbortSignal.timeout(timeoutMs) });
      return { ok: true, receipt: { activityId: sent.id, conversationId: activity.conversation!.id } };
    } catch (error) {
      return outcomeOf(error, timeoutMs);
    }
  }

  return {
    platform: 'teams',
    async send(to, message, { key }) {
      const reference = referenceOf(to);
      if (!reference) return { ok: false, error: 'no Teams conversation reference stored for this destination', permanent: true };
      let outcome: SendOutcome = { ok: false, error: 'the Teams send did not run' };
      try {
        // postOnce catches its own errors: a throw inside this callback would go to onTurnError instead of here.
        await cloud.continueConversationAsync(appId, reference, async (ctx) => {
          outcome = await postOnce(ctx, message, key);
        });
      } catch (error) {
        outcome = outcomeOf(error, timeoutMs);
      }
      return outcome;
    },
  };
}
