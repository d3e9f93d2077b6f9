// tick(now): decide what is due (plan.ts), claim it in the ledger under the store's lock, send it, record the outcome.
// Exactly once: a slot is claimed before it is sent (so two ticks never both send it) and recorded as sent
// only after the platform accepted it. Failed sends stay pending and are retried with backoff; a channel
// that refuses posts for good is marked failing and its messages are held, never dropped.
import type { DateTime } from 'luxon';
import { dayIn, type Programme } from '../programme/model.js';
import { currentProgramme, type ProgrammeInput } from '../programme/holder.js';
import { EDIT_ITEM, editMessage } from '../tracking/programme-edits.js';
import type { Chat, Clock, Logger, SendOutcome, Store } from '../ports.js';
import type { Reply } from '../replies/model.js';
import { stampOf } from '../tracking/changes.js';
import { findItem } from '../tracking/items.js';
import type { LedgerEntry, State } from '../tracking/state.js';
import { deliver, mayHaveArrived, type DeliveryJob, type Unchecked } from './deliver.js';
import { DM_REFUSED, supersede } from './ledger.js';
import { escalationMessage } from './escalation-messages.js';
import { isEscalation } from './escalation.js';
import { standingAcknowledgement } from '../tracking/leads.js';
import { digestMessage, lastDigestsSent, LATE_AFTER_MINUTES, reminderMessage } from './messages.js';
import { instant, latestInSeries, plan, scheduleStarts, seriesOf, slotDay, targetOf, type Target } from './plan.js';
import { CLAIM_TIMEOUT_MINUTES, nextDueAfter, noteQuiet, stillQuiet } from './quiet.js';
import type { Slot } from './slots.js';

export interface TickDeps {
  /** A programme, or the holder an edited file is swapped into: read once, when the tick starts. */
  programme: ProgrammeInput;
  store: Store;
  chats: readonly Chat[];
  logger: Logger;
  /** Waits inside a tick before a retry (Retry-After). Injected so tests do not sleep. */
  sleep: (ms: number) => Promise<void>;
  /** Who is ticking, recorded on claims (process id and a random word). */
  tickId: string;
  /**
   * The time as the tick goes on. A long tick (a large catch-up, a slow platform) renews its remaining claims
   * with it, so another process does not take them for a dead tick's and send them again, and records outcomes
   * (sent at, next attempt) at the time they happened. Without a clock, or with a frozen one (REFORM_NOW), all
   * of this uses the tick's start time and claims are never renewed.
   */
  clock?: Clock;
  /**
   * Platforms the deployment runs in another process and not here: `reform tick` from a terminal has only the
   * console, while the running bot has Slack or Teams too. Actions owned on them are left to that process.
   */
  elsewhere?: readonly string[];
}

export interface Delivery {
  kind: LedgerEntry['kind'];
  platform: string;
  channel: string;
  item: string;
  slot: string;
  late: boolean;
  error?: string;
}

export interface TickReport {
  sent: Delivery[];
  /** Waiting for a retry, or for a platform that is not configured here. */
  pending: Delivery[];
  /** Held because the channel refuses posts (bot removed, channel archived). */
  failing: Delivery[];
  superseded: number;
}

/**
 * A tick renews its remaining claims once this long has passed since it made or last renewed them. One delivery
 * is bounded (a few attempts with timeouts, waits of at most 10 seconds), well inside the rest of the timeout.
 */
const RENEW_AFTER_MINUTES = 3;
/**
 * Outcomes are recorded every RECORD_BATCH sends: a crash loses the record of at most that many, which are then
 * checked (Slack) or sent again (Teams, console) once their claims expire. Each record writes the store, whose cost
 * grows with the ledger; when sends go faster than that (a catch-up of thousands to a quick platform) and the clock
 * moves, a record waits until RECORD_EVERY_MS has passed, so the window stays about a second of sends.
 */
const RECORD_BATCH = 100;
const RECORD_EVERY_MS = 1_000;

interface Job extends DeliveryJob {
  target: Target;
}

function delivery(e: LedgerEntry, target: Target | undefined, now: DateTime, error?: string): Delivery {
  return {
    kind: e.kind,
    platform: target?.destination.platform ?? '?',
    channel: target?.destination.channel ?? e.subscription,
    item: e.item,
    slot: e.slot,
    late: now.diff(instant(e.dueAt), 'minutes').minutes > LATE_AFTER_MINUTES,
    ...(error ? { error } : {}),
  };
}

/**
 * The message for a ledger entry, or why it will not go out after all: a reminder waiting for a retry is
 * dropped once its item is done or snoozed past the slot, as plan() would not have made it then.
 */
function messageFor(programme: Programme, state: State, e: LedgerEntry, now: DateTime, since: DateTime | undefined): Reply | { skip: string } {
  if (e.kind === 'programme') return e.item.startsWith(EDIT_ITEM) ? editMessage(programme, state, e.item) : { skip: 'not an edit of the programme file' };
  // An escalation step is timed like the overdue nudge it follows.
  const slot: Slot = { name: e.slot, kind: isEscalation(e.kind) ? 'overdue' : e.kind, daysBefore: 0, at: instant(e.dueAt) };
  if (e.kind === 'digest') {
    return digestMessage(programme, state, now, since, slot);
  }
  const item = findItem(programme, state, e.item, now);
  if (!item) return { skip: 'the item no longer exists' };
  if (item.done) return { skip: 'the item was marked done' };
  if (item.superseded) return { skip: 'the item was superseded' };
  // Held for a deadline that has moved since: the new deadline has reminders of its own.
  if (!item.deadline || slotDay(e) !== dayIn(item.deadline, programme.timezone)) return { skip: 'the deadline has moved' };
  if (isEscalation(e.kind)) {
    // A snooze pauses reminders to the owner; only an answer for the deadline (`ack`) stops the ladder.
    if (standingAcknowledgement(item, programme.timezone)) return { skip: 'the item was acknowledged' };
    return escalationMessage(programme, state, item, e.kind, slot, now, scheduleStarts(state).get(item.id) ?? 0);
  }
  if (item.state.snoozedUntil && slot.at < instant(item.state.snoozedUntil)) return { skip: 'the item was snoozed' };
  return reminderMessage(programme, item, slot, now);
}

export async function tick(deps: TickDeps, now: DateTime): Promise<TickReport> {
  const { store, chats } = deps;
  const programme = currentProgramme(deps.programme);
  // 0. A minute in which nothing changed and nothing can fall due (quiet.ts) is skipped without the store's lock.
  const revision = await store.revision?.();
  const quiet = stillQuiet(store, revision, programme, chats, deps.elsewhere, now);
  if (quiet) return { sent: [], pending: [...quiet.report.pending], failing: [...quiet.report.failing], superseded: 0 };
  const report: TickReport = { sent: [], pending: [], failing: [], superseded: 0 };
  const chatFor = (platform: string): Chat | undefined => chats.find((c) => c.platform === platform);

  // 1. Plan and claim, under the store's lock.
  let until: number | undefined;
  const jobs = await store.update((state) => {
    report.superseded = plan(programme, state, chats, now, deps.elsewhere);
    const claimed: Job[] = [];
    const subscriptions = new Map(state.subscriptions.map((s) => [s.id, s]));
    // The same reminder goes to many channels: build each message once per tick.
    const messages = new Map<string, Reply | { skip: string }>();
    const latest = latestInSeries(state);
    let digestsSent: Map<string | undefined, DateTime> | undefined;
    for (const e of Object.values(state.ledger)) {
      const stale = e.state === 'claimed' && e.claimedAt !== undefined && now.diff(instant(e.claimedAt), 'minutes').minutes >= CLAIM_TIMEOUT_MINUTES;
      if (e.state !== 'pending' && !stale) continue;
      const target = targetOf(state, subscriptions, chats, e.subscription);
      if (!target) continue;
      // Held by failed sends, a failing channel or a missing platform while a later reminder for the same deadline
      // (or the next week's digest) fell due: only the latest goes out, as after downtime.
      if (Date.parse(e.dueAt) < (latest.get(seriesOf(e)) ?? 0)) {
        supersede(e, e.kind === 'digest' ? 'a later digest replaces it' : 'a later reminder replaces it');
        report.superseded++;
        continue;
      }
      const chat = chatFor(target.destination.platform);
      if (target.failing) {
        report.failing.push(delivery(e, target, now, e.lastError ?? 'channel refuses posts'));
        continue;
      }
      if (!chat) {
        report.pending.push(delivery(e, target, now, `${target.destination.platform} is not configured here`));
        continue;
      }
      if (e.nextAttemptAt && instant(e.nextAttemptAt) > now && !stale) {
        report.pending.push(delivery(e, target, now, e.lastError));
        continue;
      }
      // Digests to channels whose last digest was built at the same time (most of them) read the same.
      const since = e.kind === 'digest' ? (digestsSent ??= lastDigestsSent(state)).get(e.subscription) : undefined;
      const messageKey = e.kind === 'digest' ? `${e.slot}|${since?.toMillis() ?? 'never'}` : `${e.item}|${e.slot}`;
      if (!messages.has(messageKey)) messages.set(messageKey, messageFor(programme, state, e, now, since));
      const message = messages.get(messageKey)!;
      if ('skip' in message) {
        supersede(e, message.skip);
        report.superseded++;
        continue;
      }
      // A digest's contents are as of now; one whose earlier parts went out keeps its first rendering, and time.
      if (e.kind === 'digest' && !e.receipt) e.builtAt = stampOf(now);
      e.state = 'claimed';
      e.claimedAt = stampOf(now);
      e.claimedBy = deps.tickId;
      claimed.push({ entry: { ...e }, target, chat, message, recovering: stale || e.uncertain === true });
    }
    if (!claimed.length && revision !== undefined) until = nextDueAfter(programme, state, now);
    return claimed;
  });
  // Nothing to send, and (the revision unchanged) nothing planned, superseded or changed by anyone meanwhile.
  if (until !== undefined && (await store.revision?.()) === revision) {
    const waiting = { pending: [...report.pending], failing: [...report.failing] };
    noteQuiet(store, { revision: revision!, programme, chats, elsewhere: deps.elsewhere, from: now.toMillis(), until, report: waiting });
  }

  // 2. Send, outside the lock, one at a time; 3. record outcomes under the lock, a few at a time (one store
  // write per send would make a large catch-up quadratic). A crash before recording leaves the slot claimed;
  // the claim expires and the send is recovered (Slack checks the channel's history for the key first).
  // A long tick renews the claims still to send along with its next record. A claim another tick has taken
  // meanwhile (one send outlasted the timeout) is that tick's to send now: this one drops it.
  let outcomes: { job: Job; result: SendOutcome | Unchecked }[] = [];
  let renewedAt = now;
  let recordedAt = now;
  const lost = new Set<string>();
  const flush = async (renewal?: { at: DateTime; rest: Job[] }): Promise<void> => {
    const batch = outcomes;
    outcomes = [];
    if (!batch.length && !renewal) return;
    const at = renewal?.at ?? deps.clock?.now() ?? now;
    const taken = await store.update((state) => {
      for (const { job, result } of batch) record(state, job, result, at, deps, report);
      return (renewal?.rest ?? []).filter((job) => !renewClaim(state, job, at, deps.tickId));
    });
    recordedAt = at;
    if (renewal) renewedAt = at;
    for (const job of taken) lost.add(job.entry.key);
    // Taken over by another tick (which sends them), or dropped meanwhile (the channel unsubscribed).
    if (taken.length) deps.logger.warn('claims of this tick were taken over or dropped meanwhile; not sending them', { count: taken.length });
  };
  for (const [i, job] of jobs.entries()) {
    if (lost.has(job.entry.key)) continue;
    outcomes.push({ job, result: await deliver(job, deps) });
    const current = deps.clock?.now();
    const renew = current !== undefined && i + 1 < jobs.length && current.diff(renewedAt, 'minutes').minutes >= RENEW_AFTER_MINUTES;
    if (renew) await flush({ at: current, rest: jobs.slice(i + 1) });
    else if (outcomes.length >= RECORD_BATCH && recordDue(now, recordedAt, current)) await flush();
  }
  await flush();
  return report;
}

/**
 * Whether a full batch of outcomes is recorded now: always without a clock, or with one that does not move (a frozen
 * REFORM_NOW), and otherwise once RECORD_EVERY_MS has passed since the last record.
 */
function recordDue(started: DateTime, recordedAt: DateTime, current: DateTime | undefined): boolean {
  if (current === undefined || current.toMillis() === started.toMillis()) return true;
  return current.toMillis() - recordedAt.toMillis() >= RECORD_EVERY_MS;
}

/**
 * Moves a claim this tick still holds on to `at`, and says whether it held it. One another tick has recovered in
 * the meantime is left alone.
 */
function renewClaim(state: State, job: Job, at: DateTime, tickId: string): boolean {
  const live = state.ledger[job.entry.key];
  if (live?.state !== 'claimed' || live.claimedBy !== tickId) return false;
  live.claimedAt = stampOf(at);
  return true;
}

function record(state: State, job: Job, result: SendOutcome | Unchecked, now: DateTime, deps: TickDeps, report: TickReport): void {
  const { entry: e, target } = job;
  const live = state.ledger[e.key];
  if (!live || live.claimedBy !== deps.tickId) return;
  // Dropped while it was being sent (the channel unsubscribed): a failure leaves it dropped; a success is a fact.
  if (live.state !== 'claimed' && !('ok' in result && result.ok)) return;
  if ('unchecked' in result) {
    // Still claimed: the claim expires ten minutes after it was made or last renewed, and the history is asked
    // again before anything is sent.
    live.lastError = result.error;
    if (result.receipt) live.receipt = result.receipt;
    report.pending.push(delivery(live, target, now, result.error));
    deps.logger.warn('could not check the channel for an earlier send; will check again', { channel: target.destination.channel, item: live.item, error: result.error });
    return;
  }
  live.attempts += 1;
  if (result.ok) {
    live.state = 'sent';
    live.sentAt = stampOf(now);
    delete live.uncertain;
    if (result.receipt) live.receipt = result.receipt;
    else delete live.receipt;
    delete live.lastError;
    delete live.nextAttemptAt;
    report.sent.push(delivery(live, target, now));
    return;
  }
  live.state = 'pending';
  live.lastError = result.error;
  if (result.receipt) live.receipt = result.receipt;
  if (mayHaveArrived(result)) live.uncertain = true;
  else delete live.uncertain;
  const sub = result.permanent ? state.subscriptions.find((s) => s.id === live.subscription) : undefined;
  if (sub) {
    sub.failing = { at: stampOf(now), reason: result.error };
    report.failing.push(delivery(live, target, now, result.error));
    deps.logger.warn('channel refuses posts; messages held', { channel: target.destination.channel, error: result.error });
    return;
  }
  const channels = state.subscriptions.filter((s) => s.kind === 'reminders');
  if (result.permanent && live.subscription.startsWith('dm:') && channels.length) {
    // The owner cannot be messaged directly (they left, or closed direct messages): the reminder goes to the
    // reminders channels instead, now and for this owner's later reminders.
    supersede(live, `${DM_REFUSED} (${result.error}); sent to the reminders channels instead`);
    for (const s of channels) {
      const key = `${s.id}|${live.item}|${live.slot}`;
      state.ledger[key] ??= { key, subscription: s.id, item: live.item, slot: live.slot, kind: live.kind, dueAt: live.dueAt, state: 'pending', attempts: 0 };
    }
    report.failing.push(delivery(live, target, now, result.error));
    deps.logger.warn('an owner cannot be messaged directly; their reminders go to the reminders channels', { owner: live.subscription.slice(3), item: live.item, error: result.error });
    return;
  }
  // A refusal for good is not going to pass in a minute: it is asked again hourly, the longest wait.
  const backoffMs = (result.permanent ? 60 : Math.min(60, 2 ** Math.min(live.attempts - 1, 6))) * 60_000;
  live.nextAttemptAt = stampOf(now.plus({ milliseconds: Math.max(backoffMs, result.retryAfterMs ?? 0) }));
  report.pending.push(delivery(live, target, now, result.error));
  deps.logger.warn('send failed; will retry', { channel: target.destination.channel, item: live.item, error: result.error, attempts: live.attempts });
}

export function formatDelivery(d: Delivery): string {
  // A digest's item is the digest itself: `digest console:clerks digest@2026-W48`, not `… digest digest@…`.
  const what = d.kind === 'digest' ? d.slot : `${d.item} ${d.slot}`;
  return `${d.kind} ${d.platform}:${d.channel} ${what}${d.late ? ' (late)' : ''}${d.error ? ` — ${d.error}` : ''}`;
}
