// When Slack refuses a message for what it is (too much text, a block it will not take), sending it again
// unchanged can only be refused again, forever. The part is re-split smaller instead, and past that shortened
// to a pointer at the full answer, so the message still arrives, once and in order. Used by the scheduler's
// Chat (chat.postMessage) and by replies (response_url, say, postEphemeral).
import type { types } from '@slack/bolt';
import { codeMrkdwn, truncate } from './mrkdwn.js';
import { blocksText, fallbackText, LIMITS, type SlackMessage } from './render.js';

type Block = types.KnownBlock;

/** Slack's answers about the message itself, not the channel or the moment: never worth repeating unchanged. */
export const MESSAGE_REFUSALS = new Set(['msg_blocks_too_long', 'invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'invalid_arguments']);

/** The refusal about the message itself in a Web API or response_url error, or undefined for any other failure. */
export function messageRefusal(error: unknown): string | undefined {
  // A response_url error is told by its name: retry.ts imports chat.ts, which imports this module.
  const e = (error ?? {}) as { name?: string; statusCode?: number; reason?: string; code?: string; data?: { error?: string } };
  const reason = e.name === 'ResponseUrlError' ? (e.statusCode === 400 ? e.reason : undefined) : e.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
  return reason !== undefined && MESSAGE_REFUSALS.has(reason) ? reason : undefined;
}

/** Text budgets of the re-splits, one after another; past the last, the part is shortened to a pointer. */
const SMALLER = [LIMITS.messageText / 2, LIMITS.messageText / 4];

export interface Smaller {
  how: 're-split' | 'shortened';
  parts: SlackMessage[];
  /** The level this went to: a refusal of one of these parts goes on from the next. */
  level: number;
}

/** A block's texts cut between words so the block holds at most `max` characters of text. */
function shortenBlock(block: Block, max: number): Block {
  if (block.type === 'section' && block.text) return { ...block, text: { ...block.text, text: truncate(block.text.text, Math.max(20, max)) } };
  return block;
}

/** The blocks of `message` less its header, in chunks of at most `budget` characters of text (and 45 blocks). */
function chunks(body: Block[], budget: number): Block[][] {
  const out: Block[][] = [[]];
  let chars = 0;
  for (const original of body) {
    const block = blocksText([original]) > budget ? shortenBlock(original, budget) : original;
    const size = blocksText([block]);
    const current = out[out.length - 1]!;
    if (current.length && (chars + size > budget || current.length >= LIMITS.blocksPerMessage - 5)) {
      out.push([block]);
      chars = size;
    } else {
      current.push(block);
      chars += size;
    }
  }
  return out.filter((c) => c.length);
}

const headerOf = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerChars), emoji: true } });

/**
 * `message` made smaller after Slack refused it `level` times (0 the first): split into more messages with less
 * text each, the header repeated; or, past the last level, its header and first lines with a pointer to the
 * full answer (`more`: a command to type, such as `/reform digest`).
 */
export function smaller(message: SlackMessage, level: number, more: string): Smaller {
  const [first, ...rest] = message.blocks;
  const header = first?.type === 'header' ? first.text.text : undefined;
  const body = header === undefined ? message.blocks : rest;
  for (let at = level; at < SMALLER.length; at++) {
    const budget = SMALLER[at]! - LIMITS.headerChars;
    // A level the message already fits would send it again unchanged: go on to the next.
    if (blocksText(body) <= budget) continue;
    const pieces = chunks(body, budget);
    const parts = pieces.map((blocks, i): SlackMessage => {
      const all = header === undefined ? blocks : [headerOf(i === 0 ? header : `${header} (continued)`), ...blocks];
      return { text: fallbackText(all), blocks: all };
    });
    return { how: 're-split', parts, level: at };
  }
  const lead = body.find((b) => b.type === 'section');
  const pointer: Block = { type: 'context', elements: [{ type: 'mrkdwn', text: `_Slack would not take this message in full: see it with_ ${codeMrkdwn(more)}` }] };
  const blocks: Block[] = [...(header === undefined ? [] : [headerOf(header)]), ...(lead ? [shortenBlock(lead, 1_000)] : []), pointer];
  return { how: 'shortened', parts: [{ text: fallbackText(blocks), blocks }], level: Math.max(level, SMALLER.length) };
}

/** How many messages one response_url takes (Slack: five uses in 30 minutes). */
export const RESPONSE_URL_POSTS = 5;

/** A pointer to the full answer when a reply had to be shortened: one thing at a time is always short enough. */
export const REPLY_POINTER = '/reform status <id>';

/**
 * Posts a reply's parts in order with `post`; a part Slack refuses for what it is is re-split smaller, then
 * shortened (`more`: where to see it in full), and logged; any other failure is thrown as it was. `maxPosts`:
 * how many messages the destination takes (a response_url, five), past which a part is shortened, not split.
 */
export async function postInParts(parts: SlackMessage[], post: (part: SlackMessage) => Promise<unknown>, log: (message: string, context: Record<string, unknown>) => void, maxPosts = Infinity, more = REPLY_POINTER): Promise<void> {
  const pending = parts.map((part) => ({ part, refused: 0 }));
  for (let i = 0; i < pending.length; i++) {
    const { part, refused } = pending[i]!;
    try {
      await post(part);
    } catch (error) {
      const reason = messageRefusal(error);
      if (!reason || refused > 3) throw error;
      let made = smaller(part, refused, more);
      if (pending.length - 1 + made.parts.length > maxPosts) made = smaller(part, SMALLER.length, more);
      const { how, parts: pieces, level } = made;
      log(`slack refused a reply as it was (${reason}); ${how === 're-split' ? `re-split into ${pieces.length}` : `shortened, pointing at ${more}`}`, { error: reason, part: i + 1, how });
      pending.splice(i, 1, ...pieces.map((p) => ({ part: p, refused: level + 1 })));
      i -= 1;
    }
  }
}
