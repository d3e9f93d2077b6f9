// The bot: one entry point for every adapter. handle(message) runs a command and returns a neutral reply.
import type { Programme } from './programme/model.js';
import { currentProgramme, type ProgrammeInput } from './programme/holder.js';
import { StoreUnavailable, type Clock, type Logger, type Store } from './ports.js';
import { runCommand } from './commands/index.js';
import type { Incoming } from './commands/types.js';
import { problem, reply, type Reply } from './replies/model.js';

export interface BotDeps {
  /** A programme, or the holder the file watcher swaps an edited one into. */
  programme: ProgrammeInput;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Identities allowed to change tracking state; undefined means everyone. */
  editors?: readonly string[];
  /** The bot's public address, for the calendar feed's addresses. */
  publicUrl?: string;
}

export interface Bot {
  readonly programme: Programme;
  handle(message: Incoming): Promise<Reply>;
}

/** What a user sees when something unexpected breaks. The details go to the log, never to the channel. */
export const APOLOGY = reply('problem', 'Sorry, something went wrong on my side. It has been logged; please try again in a minute.');

export function createBot(deps: BotDeps): Bot {
  return {
    get programme() {
      return currentProgramme(deps.programme);
    },
    async handle(message) {
      const now = deps.clock.now();
      try {
        return await runCommand({ programme: currentProgramme(deps.programme), store: deps.store, now, message, editors: deps.editors, publicUrl: deps.publicUrl });
      } catch (error) {
        if (error instanceof StoreUnavailable) {
          deps.logger.error('store unavailable', { user: message.user.id, error: error.message });
          // The details name the server's files (and may quote one): for the operator at the terminal and the log,
          // not for a chat channel. "Try again" is in both: a busy or briefly changed store passes.
          const details = message.terminal ? error.message : 'Nothing was changed. The details are in the bot\'s log; try again in a minute, and tell whoever runs the bot if it goes on.';
          return problem('The tracking store is unavailable', [details]);
        }
        deps.logger.error('command failed', { user: message.user.id, platform: message.platform, error: String(error) });
        return APOLOGY;
      }
    },
  };
}
