// Slack resends an Events API event (x-slack-retry-num) when it did not see our 200 in time: straight away, after
// a minute and after five. Each event_id is run once, whichever process or restart receives it: the id is claimed
// in the store (State.slackEvents) before the event is run, and a retry finds it there and is only acknowledged.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger, Store } from '../../src/ports.js';
import type { State } from '../../src/tracking/state.js';
import { warnOnce } from '../warnings.js';

/**
 * How long an event id is remembered. Slack's last retry comes about five minutes after the event; an hour is a
 * wide margin (a clock step, a retry queued at Slack during an outage) and keeps the list to an hour's events.
 */
export const SLACK_EVENT_RETENTION_MS = 60 * 60_000;

/**
 * Claims `eventId` in `state`: true the first time, false for an id already claimed within the retention. Drops
 * claims older than the retention, so the list stays bounded. A pure change for Store.update.
 */
export function claimSlackEvent(state: State, eventId: string, nowMs: number): boolean {
  for (const [id, at] of Object.entries(state.slackEvents)) {
    const seen = Date.parse(at);
    if (!(nowMs - seen < SLACK_EVENT_RETENTION_MS)) delete state.slackEvents[id];
  }
  if (Object.hasOwn(state.slackEvents, eventId)) return false;
  state.slackEvents[eventId] = new Date(nowMs).toISOString();
  return true;
}

/**
 * Listener middleware for the events the bot handles: an event whose id was already claimed is acknowledged (Bolt
 * acks events before any middleware runs) and not run again. Claimed first, in its own store update: an event is
 * run at most once (a crash between the claim and the reply loses that reply, where running it twice would note or
 * assign twice). A store that cannot be written does not stop the event: answering twice is better than not
 * answering. On the event listeners only: slash commands and button clicks are not resent with a retry number, and
 * an event the bot has no listener for is neither claimed nor run.
 */
export function dedupeEvents(store: Store, logger: Logger, now: () => number = Date.now): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const b = body as { type?: unknown; event_id?: unknown; event?: { type?: unknown } };
    if (b.type !== 'event_callback' || typeof b.event_id !== 'string' || !b.event_id) return next();
    const eventId = b.event_id;
    let first: boolean;
    try {
      first = await store.update((state) => claimSlackEvent(state, eventId, now()));
    } catch (error) {
      warnOnce(logger, 'slack event dedupe unavailable; running the event', 'store', { error: String(error) });
      return next();
    }
    if (!first) {
      logger.info('slack event retry ignored: already taken', { event: eventId, type: String(b.event?.type ?? '') });
      return;
    }
    await next();
  };
}
