// The console's side of the scheduler: a subscription made in the console prints its messages here.
import type { Chat } from '../../src/ports.js';
import { renderPlain } from '../../src/replies/plain.js';

/** How long a message printed into a closed output (`reform tick | head`) waits before the next try. */
const CLOSED_RETRY_MS = 60_000;

/**
 * Prints each message and reports it sent only once the output has taken it. A reader that went away (EPIPE) is
 * not a failing channel: the message stays pending for a later tick. The caller keeps an 'error' listener on the
 * output, or a closed pipe would stop the process.
 */
export function consoleChat(output: NodeJS.WritableStream): Chat {
  return {
    platform: 'console',
    async send(to, message) {
      const error = await new Promise<Error | null | undefined>((resolve) => output.write(`── to ${to.channel} ──\n${renderPlain(message)}\n\n`, resolve));
      return error ? { ok: false, error: `could not print it: ${error.message}`, retryAfterMs: CLOSED_RETRY_MS } : { ok: true };
    },
    directDestination(identity) {
      return identity.startsWith('console:') ? { platform: 'console', channel: `@${identity.slice('console:'.length)}` } : undefined;
    },
  };
}
