// The interfaces the core needs from the outside world. Adapters implement them; tests use fakes.
import type { DateTime } from 'luxon';
import type { Reply } from './replies/model.js';
import type { State } from './tracking/state.js';

/** The only source of "now" in the core. Adapters supply the system clock or a frozen one (REFORM_NOW). */
export interface Clock {
  now(): DateTime;
}

/** Tracking state. Implementations must make `update` safe across processes sharing one store. */
export interface Store {
  /**
   * The saved state, for a query. Called on every query. It may be up to a fraction of a second behind another
   * process's change (the file store looks at its file at most every RECHECK_MS), never behind this process's.
   */
  read(): Promise<State>;
  /**
   * Runs `change` on the latest state under an exclusive lock and saves the result atomically. If `change`
   * throws, nothing is saved. Returns what `change` returned.
   */
  update<T>(change: (state: State) => T): Promise<T>;
  /**
   * A mark that changes whenever the saved state changes, by this process or another, read without reading the
   * state (a file's identity, a version row). Called by tick() once a minute to skip a minute in which nothing
   * changed and nothing can fall due. A store without it is ticked in full every minute.
   */
  revision?(): Promise<string | undefined>;
}

export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Where a scheduled message goes. `extras` carries platform data (a Teams conversation reference). */
export interface Destination {
  platform: string;
  channel: string;
  extras?: Record<string, unknown>;
}

export type SendOutcome =
  | { ok: true; receipt?: Record<string, unknown> }
  /**
   * `retryAfterMs`: the platform asked to wait (HTTP 429 Retry-After). `permanent`: never retry this channel.
   * `refused`: the platform answered that it did not post the message, so there is nothing to look for in the
   * channel before trying again (a timeout or a server error leaves that in doubt).
   * `receipt`: what a failed send still posted (the first parts of a message in parts), handed back to the next
   * attempt in `SendMeta.receipt`. Platform data: the core keeps it in the ledger and never reads it.
   */
  | { ok: false; error: string; permanent?: boolean; refused?: boolean; retryAfterMs?: number; receipt?: Record<string, unknown> };

/** What the scheduler tells a platform about one send. */
export interface SendMeta {
  /** The ledger key: the same on every attempt of this send. */
  key: string;
  /** The receipt of the last failed attempt that posted something, so the next one goes on where it stopped. */
  receipt?: Record<string, unknown>;
  /** The last attempt may have posted more than its receipt says (a timeout, a crash): look before posting. */
  uncertain?: boolean;
}

/** One chat platform's outbound side, used by the scheduler. Called from tick(), one message at a time. */
export interface Chat {
  readonly platform: string;
  /** A platform that posts a message in parts skips, on a later attempt, the parts `meta` says arrived. */
  send(to: Destination, message: Reply, meta: SendMeta): Promise<SendOutcome>;
  /** Whether a message with this ledger key already reached the channel (recovering a send that may have happened). */
  alreadyDelivered?(to: Destination, key: string): Promise<boolean>;
  /** Where to message this identity directly (a DM), when the platform allows it without more data. */
  directDestination?(identity: string): Destination | undefined;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * The store cannot be read or written (corrupt file, newer version, disk full, read-only folder). `message`
 * names the file and the problem and is safe to show to users; nothing was changed.
 */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}
