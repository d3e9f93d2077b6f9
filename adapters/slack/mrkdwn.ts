// The neutral reply model's pieces as Slack mrkdwn, and packing of mrkdwn lines into section texts that
// respect Slack's per-section limit without cutting an escape (`&amp;`) or a mention (`<@U123>`) in half.
import { STATUS_LABEL, type Status } from '../../src/programme/status.js';
import type { Inline, ReplyItem, Rich } from '../../src/replies/model.js';
import type { Rag } from '../../src/tracking/state.js';
import { ownerName } from '../../src/replies/plain.js';
import { escapeMrkdwn, ownerMrkdwn } from './mentions.js';

/** The app's slash command (adapters/slack/manifest.yaml). */
export const SLASH_COMMAND = '/reform';

export const STATUS_EMOJI: Record<Status, string> = {
  overdue: ':red_circle:',
  'due-soon': ':large_orange_circle:',
  done: ':white_check_mark:',
  upcoming: ':calendar:',
  superseded: ':leftwards_arrow_with_hook:',
  undated: ':grey_question:',
};

const RAG_EMOJI: Record<Rag, string> = {
  red: ':large_red_square:',
  amber: ':large_orange_square:',
  green: ':large_green_square:',
};

/** Code spans cannot contain a backtick in mrkdwn; a straight quote reads the same. */
export function codeMrkdwn(text: string): string {
  return text ? '`' + escapeMrkdwn(text.replace(/`/g, "'")) + '`' : '';
}

export function inlineMrkdwn(piece: Inline): string {
  if (typeof piece === 'string') return escapeMrkdwn(piece);
  // In Slack a command is typed after the slash command; typed alone, it would be a message nobody reads.
  if ('code' in piece) return codeMrkdwn(piece.command ? `${SLASH_COMMAND} ${piece.code}` : piece.code);
  if ('owner' in piece) return piece.quiet ? escapeMrkdwn(ownerName(piece.owner)) : ownerMrkdwn(piece.owner);
  return piece.strong ? `*${escapeMrkdwn(piece.strong)}*` : '';
}

export function richMrkdwn(rich: Rich): string {
  let text = '';
  for (const piece of rich) text += inlineMrkdwn(piece);
  return text;
}

/** `:red_circle: `kinship-strategy` *Title* · _overdue_ :large_orange_square:` */
function itemHead(item: ReplyItem): string {
  const emoji = item.status ? `${STATUS_EMOJI[item.status]} ` : '';
  const status = item.status ? ` · _${STATUS_LABEL[item.status]}_` : '';
  const rag = item.rag ? ` ${RAG_EMOJI[item.rag]}` : '';
  return `${emoji}${codeMrkdwn(item.id)} *${escapeMrkdwn(item.title)}*${status}${rag}`;
}

/** One item (not its children) as mrkdwn lines: its head, then its fields, indented by depth. */
export function itemLines(item: ReplyItem, depth = 0): string[] {
  const pad = '\u2003'.repeat(depth);
  const lines = [`${pad}${depth ? '↳ ' : ''}${itemHead(item)}`];
  for (const field of item.fields) lines.push(`${pad}\u2003*${escapeMrkdwn(field.label)}:* ${richMrkdwn(field.value)}`);
  return lines;
}

/**
 * The longest prefix of `text` no longer than `max` that does not end inside an HTML entity, a `<…>` token
 * or a surrogate pair. Slack would reject or garble any of those.
 */
export function safeCut(text: string, max: number): number {
  if (text.length <= max) return text.length;
  let cut = max;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 6 && !text.slice(amp, cut).includes(';')) cut = amp;
  const lt = text.lastIndexOf('<', cut - 1);
  if (lt >= 0 && text.indexOf('>', lt) >= cut) cut = lt;
  const before = text.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
  return cut > 0 ? cut : max;
}

/** Shortens to at most `max` characters at a safe point, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, safeCut(text, max - 1)) + '…';
}

/**
 * Joins lines into texts of at most `limit` characters; a line longer than that is split at safe points.
 * Whitespace-only texts are dropped.
 */
export function pack(lines: string[], limit: number): string[] {
  const texts: string[] = [];
  let current = '';
  for (const line of lines) {
    // Most lines fit as they are: nothing to cut.
    if (line.length <= limit) {
      if (current && current.length + 1 + line.length > limit) {
        texts.push(current);
        current = line;
      } else {
        current = current ? `${current}\n${line}` : line;
      }
      continue;
    }
    let rest = line;
    do {
      const cut = safeCut(rest, limit);
      const piece = rest.slice(0, cut);
      rest = rest.slice(cut);
      if (current && current.length + 1 + piece.length > limit) {
        texts.push(current);
        current = piece;
      } else {
        current = current ? `${current}\n${piece}` : piece;
      }
    } while (rest);
  }
  if (current) texts.push(current);
  // Slack rejects a section or context text that is only whitespace.
  return texts.filter((t) => t.trim());
}
