// The neutral reply model's pieces as Slack mrkdwn, and packing of mrkdwn lines into section texts that
// respect Slack's per-section limit, cut between words, never inside an escape (`&amp;`), a mention (`<@U123>`)
// or the bot's own formatting (`*bold*`, `_italic_`, a code span).
//
// User text inside the bot's formatting: mrkdwn has no escape for `*`, `_`, `~` or a backtick, so in text the
// bot did not write those characters, where they could open or close formatting (at a word's edge), become
// look-alikes (∗ ˍ ∼ ˋ). Chosen over plain_text or rich_text blocks because then every marker left in a
// rendered string is the bot's own: the splitter can see where formatting starts and ends, the text fallback is
// the blocks' own text, and a title shows the same in a heading, a list and a notification.
import { STATUS_LABEL, type Status } from '../../src/programme/status.js';
import type { Field, Inline, ReplyItem, Rich } from '../../src/replies/model.js';
import type { Rag } from '../../src/tracking/state.js';
import { UNSAFE_CHARS, visibleText } from '../../src/replies/visible.js';
import { escapeMrkdwn, ownerMrkdwn, shownOwnerName } from './mentions.js';

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

/** Anything codeMrkdwn changes: a character escapeMrkdwn escapes, a backtick, or one visibleText neutralises. */
const CODE_MAY_NEED_WORK = new RegExp(`[&<>\\]\`${UNSAFE_CHARS}]`);

/**
 * Code as shown (control characters neutralised, visibleText), in a code span. Code spans cannot contain a backtick
 * in mrkdwn; a straight quote reads the same.
 */
export function codeMrkdwn(text: string): string {
  if (!CODE_MAY_NEED_WORK.test(text)) return text ? '`' + text + '`' : '';
  const shown = visibleText(text);
  if (!shown) return '';
  return '`' + escapeMrkdwn(shown.includes('`') ? shown.replace(/`/g, "'") : shown) + '`';
}

const LOOK_ALIKE: Record<string, string> = { '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB' };
/** A formatting character where mrkdwn could read it as one: at a word's edge (a backtick anywhere). */
const ACTIVE_MARKER = /`|[*_~](?![\p{L}\p{N}])|(?<![\p{L}\p{N}])[*_~]/gu;

/**
 * Text the bot did not write -> mrkdwn that shows it and cannot start or end formatting: control characters
 * neutralised (visibleText), escaped (escapeMrkdwn), and its formatting characters at a word's edge replaced by
 * look-alikes. `snake_case` stays as typed.
 */
export function plainMrkdwn(text: string): string {
  // Most text has nothing to neutralise, escape or mark: one test says so.
  if (!MAY_NEED_WORK.test(text)) return text;
  const escaped = escapeMrkdwn(visibleText(text));
  return /[*_~`]/.test(escaped) ? escaped.replace(ACTIVE_MARKER, (m) => LOOK_ALIKE[m]!) : escaped;
}

/** Any character escapeMrkdwn escapes, a formatting character, or one visibleText neutralises. */
const MAY_NEED_WORK = new RegExp(`[&<>\\]*_~\`${UNSAFE_CHARS}]`);

/**
 * A piece of a reply as mrkdwn. Every piece of text goes through plainMrkdwn, codeMrkdwn or ownerMrkdwn, which
 * neutralise control characters as visibleReply does, so a reply is shown as its visible form would be without
 * being walked and copied first (a test holds the two equal).
 */
export function inlineMrkdwn(piece: Inline): string {
  if (typeof piece === 'string') return plainMrkdwn(piece);
  // In Slack a command is typed after the slash command; typed alone, it would be a message nobody reads.
  if ('code' in piece) return codeMrkdwn(piece.command ? `${SLASH_COMMAND} ${visibleText(piece.code)}` : piece.code);
  if ('owner' in piece) return piece.quiet ? plainMrkdwn(shownOwnerName(piece.owner)) : ownerMrkdwn(piece.owner);
  const strong = plainMrkdwn(piece.strong);
  return strong ? `*${strong}*` : '';
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
  return `${emoji}${codeMrkdwn(item.id)} *${plainMrkdwn(item.title)}*${status}${rag}`;
}

/** One item (not its children) as mrkdwn lines: its head, then its fields, indented by depth. */
export function itemLines(item: ReplyItem, depth = 0): string[] {
  const pad = '\u2003'.repeat(depth);
  const lines = [headLine(item, pad)];
  for (const field of item.fields) lines.push(fieldLine(field, pad));
  return lines;
}

/**
 * itemLines joined by line breaks, made as one string without the array of lines: most items are one section
 * (adapters/slack/render.ts), and their lines would be garbage as soon as they were joined.
 */
export function itemText(item: ReplyItem, depth = 0): string {
  const pad = '\u2003'.repeat(depth);
  let text = headLine(item, pad);
  for (const field of item.fields) text += '\n' + fieldLine(field, pad);
  return text;
}

const headLine = (item: ReplyItem, pad: string): string => `${pad}${pad ? '↳ ' : ''}${itemHead(item)}`;
const fieldLine = (field: Field, pad: string): string => `${pad}\u2003*${plainMrkdwn(field.label)}:* ${richMrkdwn(field.value)}`;

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

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Where to cut `text` to at most `max` characters: after the last space that is outside the bot's formatting
 * (`*…*`, `_…_`, `~…~`, a code span), so no section ends in `_` with the next beginning `again_`; a space
 * cannot be inside an entity or a mention. Only a space in the last half counts (a long word is cut at a safe
 * point instead, see safeCut), so a part is never much shorter than it could be. Markers are read as mrkdwn
 * reads them, at a word's edge; plainMrkdwn has made every such marker the bot's own.
 */
export function wordCut(text: string, max: number): number {
  if (text.length <= max) return text.length;
  let code = false;
  const open = { '*': false, _: false, '~': false } as Record<string, boolean>;
  let best = -1;
  for (let i = 0; i < max; i++) {
    const c = text[i]!;
    if (c === '`') code = !code;
    else if (!code && (c === '*' || c === '_' || c === '~')) {
      if (open[c] ? !isWordChar(text[i + 1]) : !isWordChar(text[i - 1]) && text[i + 1] !== undefined && !/\s/.test(text[i + 1]!)) open[c] = !open[c];
    } else if (/\s/.test(c) && !code && !open['*'] && !open._ && !open['~']) best = i + 1;
  }
  return best >= max / 2 ? best : safeCut(text, max);
}

/** Shortens to at most `max` characters at a safe point, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, wordCut(text, max - 1)).trimEnd() + '…';
}

/**
 * Joins lines into texts of at most `limit` characters; a line longer than that is split at safe points.
 * Whitespace-only texts are dropped.
 */
export function pack(lines: string[], limit: number): string[] {
  // Most often all of them fit one text: joined at once, into one flat string, as the loop below would join them
  // (empty lines before the first text are dropped).
  let total = lines.length - 1;
  for (const line of lines) total += line.length;
  if (total <= limit) {
    let first = 0;
    while (first < lines.length && !lines[first]) first++;
    const text = (first ? lines.slice(first) : lines).join('\n');
    return text.trim() ? [text] : [];
  }
  return packEach(lines, limit);
}

/** pack's general case, line by line; what pack gives for any lines (tests hold the two equal). */
export function packEach(lines: string[], limit: number): string[] {
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
      const cut = wordCut(rest, limit);
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
