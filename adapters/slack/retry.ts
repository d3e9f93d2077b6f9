// Replies (respond() to a response_url, say() to a channel) are retried a few times on 429, 5xx and network
// failures, honouring Retry-After, so a passing fault does not drop an answer. Scheduled posts do not use
// this: the ledger retries them across ticks.
import { IN_DOUBT_ERRORS, outcomeOf } from './chat.js';

const ATTEMPTS = 3;
const MAX_WAIT_MS = 10_000;
const RESPONSE_TIMEOUT_MS = 10_000;
const TRANSIENT = new Set([...IN_DOUBT_ERRORS, 'ratelimited']);

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A response_url that did not accept a reply; `retryAfter` is its Retry-After header, if any, and `reason` the
 * start of its answer (Slack says why in plain text: `invalid_blocks`, `expired_url`).
 */
export class ResponseUrlError extends Error {
  override name = 'ResponseUrlError';
  constructor(
    readonly statusCode: number,
    readonly retryAfter: string | null,
    readonly reason = '',
  ) {
    super(`the response_url answered HTTP ${statusCode}${reason ? `: ${reason}` : ''}`);
  }
}

/**
 * Posts a reply to a response_url. Bolt's own respond() hides the Retry-After header, which a retry needs.
 * The URL comes from a request whose Slack signature was checked.
 */
export function responder(url: string): (message: Record<string, unknown>) => Promise<void> {
  return async (message) => {
    // A plain timer, cleared on answer: AbortSignal.timeout() costs measurably more per request on Node 20.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), RESPONSE_TIMEOUT_MS);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(message), signal: abort.signal });
      const answer = await res.text().catch(() => '');
      if (!res.ok) throw new ResponseUrlError(res.status, res.headers.get('retry-after'), answer.trim().slice(0, 60));
    } finally {
      clearTimeout(timer);
    }
  };
}

/** How long to wait before trying again, or undefined when the failure will not pass (a 4xx, a bad request). */
export function retryDelay(error: unknown, attempt: number): number | undefined {
  const backoff = 500 * 2 ** attempt;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'slack_webapi_platform_error') {
    // Slack answered with a reason: only its own passing troubles are worth another try.
    return TRANSIENT.has(outcomeOf(error).error) ? backoff : undefined;
  }
  if (typeof code === 'string' && code.startsWith('slack_webapi_')) {
    const outcome = outcomeOf(error);
    return outcome.permanent ? undefined : (outcome.retryAfterMs ?? backoff);
  }
  // No status means the network failed (refused, reset, timed out): worth another try.
  if (!(error instanceof ResponseUrlError)) return backoff;
  if (error.statusCode === 429) {
    const seconds = Number(error.retryAfter);
    return error.retryAfter !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : backoff;
  }
  return error.statusCode >= 500 ? backoff : undefined;
}

export async function withRetries<T>(send: () => Promise<T>, sleep: Sleep = realSleep): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const wait = retryDelay(error, attempt);
      if (wait === undefined || wait > MAX_WAIT_MS || attempt === ATTEMPTS - 1) throw error;
      await sleep(wait);
    }
  }
}
