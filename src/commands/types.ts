// What every command sees and returns.
import type { DateTime } from 'luxon';
import type { Programme } from '../programme/model.js';
import type { Store } from '../ports.js';
import type { Reply } from '../replies/model.js';

/** Someone talking to the bot. `id` is platform-qualified (`slack:U123`, `console:alice`). */
export interface Caller {
  id: string;
  name: string;
}

/** A message as the core sees it: adapters have already mapped platform mentions to `<@id|name>` tokens. */
export interface Incoming {
  text: string;
  user: Caller;
  platform: string;
  channel: string;
  /** Platform data the core stores but never reads (a Teams conversation reference). */
  extras?: Record<string, unknown>;
  /**
   * Typed at the bot's own terminal by whoever runs it (the console, `reform ask`), not in a chat channel: a reply
   * may name the server's files, and there is no channel for the bot to be invited to.
   */
  terminal?: boolean;
}

export interface Context {
  programme: Programme;
  store: Store;
  now: DateTime;
  message: Incoming;
  /** Identities allowed to change things; undefined means everyone. */
  editors?: readonly string[];
  /** The bot's public address (REFORM_PUBLIC_URL), for calendar feed addresses; undefined when it has none. */
  publicUrl?: string;
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line: `rag <id> red|amber|green [note]`. */
  usage: string;
  summary: string;
  /** True when the command changes tracking state (Slack shows the confirmation in the channel). */
  changes: boolean;
  /** `args` are the words after the verb; `rest` is the same text as typed (for free text). */
  run(ctx: Context, args: string[], rest: string): Promise<Reply>;
}
