// Delivering one claimed scheduled message: look before resending a send in doubt, retry passing troubles
// within the tick (honouring Retry-After), and hand what a failed attempt still posted to the next one.
// Called by tick() for each claimed ledger entry; tick() records the outcome.
import type { Chat, Destination, SendMeta, SendOutcome } from '../ports.js';
import type { Reply } from '../replies/model.js';
import type { LedgerEntry } from '../tracking/state.js';

const IN_TICK_RETRIES = 2;
const MAX_IN_TICK_WAIT_MS = 10_000;

export interface DeliveryJob {
  entry: LedgerEntry;
  target: { destination: Destination };
  chat: Chat;
  message: Reply;
  /** A claim that expired, or a last failure that may have delivered: the message may already be there. */
  recovering: boolean;
}

/** A recovered send whose channel history could not be checked: it may have gone out, so it is not sent again yet. */
export type Unchecked = { ok: false; unchecked: true; error: string; receipt?: Record<string, unknown> };

/**
 * A failure the platform did not clearly refuse (a timeout, a 5xx, a dropped connection) may still have
 * delivered the message; a 429 or a stated refusal did not.
 */
export function mayHaveArrived(outcome: SendOutcome): boolean {
  return !outcome.ok && !outcome.permanent && !outcome.refused && outcome.retryAfterMs === undefined;
}

/** Asks the platform whether the message already arrived; `undefined` when it cannot tell. */
async function arrived(job: DeliveryJob): Promise<boolean | 'unknown' | undefined> {
  if (!job.chat.alreadyDelivered) return undefined;
  try {
    return await job.chat.alreadyDelivered(job.target.destination, job.entry.key);
  } catch {
    return 'unknown';
  }
}

const UNCHECKED: Unchecked = { ok: false, unchecked: true, error: 'could not check whether it was already sent' };

/** Sends one claimed message, retrying passing troubles within the tick; `sleep` waits between attempts. */
export async function deliver(job: DeliveryJob, deps: { sleep: (ms: number) => Promise<void> }): Promise<SendOutcome | Unchecked> {
  const { entry: e, target, chat } = job;
  // Recovering an expired claim, or retrying after a failure that may have delivered: look before sending.
  let check = job.recovering;
  // What an earlier failed attempt still posted (parts of a long message), so the next one goes on from there.
  let receipt = e.receipt;
  let outcome: SendOutcome = { ok: false, error: 'not sent' };
  for (let attempt = 0; attempt <= IN_TICK_RETRIES; attempt++) {
    if (check) {
      const seen = await arrived(job);
      // Held, but what an attempt in this tick still posted is kept for the next one.
      if (seen === 'unknown') return receipt ? { ...UNCHECKED, receipt } : UNCHECKED;
      if (seen === true) return { ok: true, receipt: { recovered: true } };
    }
    const meta: SendMeta = { key: e.key, ...(receipt ? { receipt } : {}), ...(check ? { uncertain: true } : {}) };
    outcome = await chat.send(target.destination, job.message, meta).catch((error: unknown) => ({ ok: false as const, error: String(error) }));
    if (outcome.ok) break;
    if (outcome.receipt) receipt = outcome.receipt;
    else if (receipt) outcome = { ...outcome, receipt };
    if (outcome.permanent) break;
    check = mayHaveArrived(outcome);
    const wait = outcome.retryAfterMs ?? 500 * 2 ** attempt;
    if (attempt === IN_TICK_RETRIES || wait > MAX_IN_TICK_WAIT_MS) break;
    await deps.sleep(wait);
  }
  return outcome;
}
