// When a tick can be skipped. Everything the scheduler sends falls due at a known instant: reminders, overdue nudges
// and escalation steps at the reminder policy's time on a working day, digests at the digest policy's, a retry at
// its next attempt, a claim left by a dead tick when it expires. A tick that found nothing to send and changed
// nothing notes the earliest of those; until then, while the store's revision, the programme and the chats stay
// the same, the next minute's tick would find the same and is skipped without reading or locking the store.
import type { DateTime } from 'luxon';
import type { Programme } from '../programme/model.js';
import type { Chat, Store } from '../ports.js';
import type { State } from '../tracking/state.js';
import { digestSlot, nextSendTime } from './slots.js';
import type { TickReport } from './tick.js';

/** A claim older than this is taken to belong to a tick that died; the slot is recovered. */
export const CLAIM_TIMEOUT_MINUTES = 10;

/** What a skipped tick reports: the deliveries the quiet stretch began with, still waiting or held. */
type Waiting = Pick<TickReport, 'pending' | 'failing'>;

export interface Quiet {
  revision: string;
  programme: Programme;
  chats: readonly Chat[];
  elsewhere: readonly string[] | undefined;
  /** The quiet stretch: from the tick that found it (inclusive) to the next instant anything can fall due. */
  from: number;
  until: number;
  /** What that tick reported as waiting, reported again by the ticks it stands for. */
  report: Waiting;
}

/**
 * The first instant after `now` at which a tick on `state` could find something to send: the next send time of
 * reminders or digests, the earliest retry, the earliest claim to expire.
 */
export function nextDueAfter(programme: Programme, state: State, now: DateTime): number {
  const zone = programme.timezone;
  const after = now.toMillis();
  let first = nextSendTime(now.plus({ milliseconds: 1 }), programme.reminders, zone).toMillis();
  const consider = (at: number): void => {
    if (at > after && at < first) first = at;
  };
  // A digest moved by bank holidays can fall in the week after its own: look a week either side.
  for (const week of [-1, 0, 1]) consider(digestSlot(now.plus({ weeks: week }), programme.digest, zone).at.toMillis());
  for (const e of Object.values(state.ledger)) {
    if (e.state === 'pending' && e.nextAttemptAt) consider(Date.parse(e.nextAttemptAt));
    else if (e.state === 'claimed' && e.claimedAt) consider(Date.parse(e.claimedAt) + CLAIM_TIMEOUT_MINUTES * 60_000);
  }
  return first;
}

const quietOf = new WeakMap<Store, Quiet>();

/** The quiet stretch `now` falls in for this store, programme and chats, if the store has not changed since. */
export function stillQuiet(store: Store, revision: string | undefined, programme: Programme, chats: readonly Chat[], elsewhere: readonly string[] | undefined, now: DateTime): Quiet | undefined {
  const q = quietOf.get(store);
  const at = now.toMillis();
  const same = q !== undefined && revision !== undefined && q.revision === revision && q.programme === programme && sameList(q.chats, chats) && sameList(q.elsewhere ?? [], elsewhere ?? []);
  if (same && at >= q.from && at < q.until) return q;
  quietOf.delete(store);
  return undefined;
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function noteQuiet(store: Store, quiet: Quiet): void {
  quietOf.set(store, quiet);
}
