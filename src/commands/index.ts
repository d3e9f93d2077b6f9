// The command registry: text in, reply out. One command per file; this file lists them and dispatches.
import { nearestTerms } from '../programme/search.js';
import { code, grouped, problem, type Reply } from '../replies/model.js';
import { readableMentions } from '../tracking/owners.js';
import { ack } from './ack.js';
import { action } from './action.js';
import { assign, unassign } from './assign.js';
import { done, reopen } from './completion.js';
import { helpReply, makeHelp } from './help.js';
import { history } from './history.js';
import { lead, leads, unlead } from './lead.js';
import { mine, owned } from './mine.js';
import { note, rag } from './rating.js';
import { revise } from './revise.js';
import { digest } from './digest.js';
import { snooze, unsnooze } from './snooze.js';
import { subscribe, subscriptions, unsubscribe } from './subscribe.js';
import { next } from './next.js';
import { overdue } from './overdue.js';
import { status } from './status.js';
import { supersede } from './supersede.js';
import { report } from './report.js';
import { calendar } from './calendar.js';
import { tokenize, tokenizeWithEnds } from './tokenize.js';
import type { Command, Context } from './types.js';

export const COMMANDS: readonly Command[] = [status, next, overdue, mine, owned, assign, unassign, rag, note, done, reopen, supersede, action, revise, history, snooze, unsnooze, ack, lead, unlead, leads, digest, report, calendar, subscribe, unsubscribe, subscriptions];
const help = makeHelp(() => ALL);
const ALL: readonly Command[] = [...COMMANDS, help];

export function findCommand(verb: string): Command | undefined {
  const v = verb.toLowerCase();
  return ALL.find((c) => c.name === v || c.aliases?.includes(v));
}

/**
 * Strips what platforms put in front of a command (`/reform`, `reform`, `@Reform`), and quotes around the whole
 * of it (`'status kinship'`, as pasted from an email).
 */
export function commandText(text: string): string {
  const body = text.replace(/^\s*(?:\/reform|@reform|reform)(?=\s|$)/i, '').trim();
  const quoted = /^(['"\u2018\u201c])([^'"\u2018\u2019\u201c\u201d]+)(['"\u2019\u201d])$/.exec(body);
  return quoted ? quoted[2]!.trim() : body;
}

export interface ParsedCommand {
  command: Command;
  args: string[];
  rest: string;
}

/** The command a text names, or undefined for empty and unknown text. */
export function parseCommand(text: string): ParsedCommand | undefined {
  const body = commandText(text);
  const words = tokenizeWithEnds(body);
  const verb = words[0];
  if (verb === undefined) return undefined;
  const command = findCommand(verb.value);
  return command ? { command, args: words.slice(1).map((w) => w.value), rest: body.slice(verb.end).trim() } : undefined;
}

/**
 * The longest command taken, in characters: a status note of a few paragraphs fits. Anything longer is refused
 * whole, never cut short and stored half.
 */
export const MAX_COMMAND_CHARS = 2_000;

/**
 * `status kinship share`: a query ending in "share" asks for its answer to be shown to the channel, and the word
 * is not part of the query. In a change it is part of what was typed ("note x we will share"), so it stays.
 */
export function splitShare(text: string): { text: string; share: boolean } {
  // The last word, found by walking back from the end: adapters call this on text of any length, before the
  // core's limit, so it must take time in proportion to the text (a pattern with `\s+` took seconds on spaces).
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  const start = end - 'share'.length;
  const isShare = start >= 0 && text.slice(start, end).toLowerCase() === 'share' && (start === 0 || /\s/.test(text[start - 1]!));
  if (!isShare || parseCommand(text)?.command.changes === true) return { text, share: false };
  return { text: text.slice(0, start).trim(), share: true };
}

// Made at the first long command, not at start-up: a segmenter loads the grapheme rules, about 1 MiB.
let graphemes: Intl.Segmenter | undefined;

/**
 * The length of a command as its writer sees it: characters as shown (an emoji, with its skin tone or as a flag,
 * is one), and a mention as the name shown, not the token an adapter made of it. Counted only when the text is
 * longer than the limit in UTF-16 units (it cannot be longer in characters otherwise); a text far past any limit
 * is not looked at closely.
 */
function typedLength(text: string): number {
  if (text.length <= MAX_COMMAND_CHARS || text.length > MAX_COMMAND_CHARS * 8) return text.length;
  let count = 0;
  graphemes ??= new Intl.Segmenter('en-GB', { granularity: 'grapheme' });
  for (const _ of graphemes.segment(readableMentions(text))) count++;
  return count;
}

/**
 * The refusal of a text over the limit, or undefined. Adapters ask before they look anything up for a text (names
 * of the people it mentions); a text far over the limit is refused without being read.
 */
export function tooLong(text: string): Reply | undefined {
  const length = typedLength(text.length > MAX_COMMAND_CHARS * 8 ? text : text.trim());
  if (length <= MAX_COMMAND_CHARS) return undefined;
  return problem('That message is too long for a command', [
    `It is ${grouped(length)} characters; a command can be at most ${grouped(MAX_COMMAND_CHARS)}. Nothing was changed: shorten it, or keep the detail in a document and note where it is.`,
  ]);
}

export async function runCommand(ctx: Context): Promise<Reply> {
  const refusal = tooLong(ctx.message.text);
  if (refusal) return refusal;
  // "share" at the end of a query is for the chat (show the answer to the channel), never part of what is asked,
  // whichever way the text came in: the console and `reform ask` too.
  const body = splitShare(commandText(ctx.message.text)).text;
  const parsed = parseCommand(body);
  if (!parsed) {
    const verb = tokenize(body)[0];
    if (verb === undefined) return helpReply(ALL);
    const names = ALL.flatMap((c) => [c.name, ...(c.aliases ?? [])]).filter((n) => n.length > 1);
    const typed = verb.toLowerCase().slice(0, 40);
    const guess = nearestTerms(typed, names, 1, Math.max(1, Math.floor(typed.length / 3)))[0];
    return helpReply(ALL, [
      `I don't know "${verb.slice(0, 40)}".`,
      ...(guess ? [' Did you mean ', code(guess), '?'] : []),
    ]);
  }
  return parsed.command.run(ctx, parsed.args, parsed.rest);
}
