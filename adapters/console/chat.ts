// The console's side of the scheduler: a subscription made in the console prints its messages here.
import type { Chat } from '../../src/ports.js';
import { renderPlain } from '../../src/replies/plain.js';

export function consoleChat(output: NodeJS.WritableStream): Chat {
  return {
    platform: 'console',
    async send(to, message) {
      output.write(`── to ${to.channel} ──\n${renderPlain(message)}\n\n`);
      return { ok: true };
    },
    directDestination(identity) {
      return identity.startsWith('console:') ? { platform: 'console', channel: `@${identity.slice('console:'.length)}` } : undefined;
    },
  };
}
