// The neutral reply as an Adaptive Card for Teams, with a plain-text fallback. Teams renders markdown in every
// TextBlock and Fact value and turns `<at>…</at>` into mentions, so every piece of user text is escaped here:
// only the owners the core names become mentions, and nothing a user typed becomes a link or emphasis.
import type { Activity } from 'botbuilder';
import { CardFactory } from './botbuilder.js';
import type { Status } from '../../src/programme/status.js';
import { STATUS_LABEL } from '../../src/programme/status.js';
import type { Inline, Reply, ReplyItem, Rich } from '../../src/replies/model.js';
import { ownerName, plainOfShown } from '../../src/replies/plain.js';
import type { Owner } from '../../src/tracking/state.js';
import { ownerMention, type MentionEntity } from './mentions.js';
import { visibleReply } from '../../src/replies/visible.js';

export const CARD_VERSION = '1.4';
const MAX_SUMMARY = 1_000;
/** Teams refuses a message over about 28 KB; a reply is kept to this many bytes of JSON, with room to spare. */
export const MAX_ACTIVITY_BYTES = 24_000;
/** A note or title longer than this is cut in a card; the store keeps the whole text (and Slack shows it). */
export const MAX_CARD_TEXT = 1_500;
/** The plain text carried in the card for clients that cannot show cards. */
const MAX_FALLBACK = 4_000;

/**
 * Shortens to at most `max` characters, marking the cut: after a whole word when one ends in the last third,
 * never inside a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const space = text.lastIndexOf(' ', cut);
  if (space > (max * 2) / 3) cut = space;
  const before = text.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}…`;
}

const STATUS_EMOJI: Record<Status, string> = { done: '✅', overdue: '🔴', 'due-soon': '🟠', upcoming: '⚪', superseded: '↩️', undated: '❔' };
const RAG_EMOJI = { red: '🔴', amber: '🟠', green: '🟢' } as const;

/** Matches wherever any of escapeCardText's patterns could: text without a match is returned as it is. */
const MAY_NEED_ESCAPE = /[\r\n\\`*_~[\]<]|^\s*[-+#>]|^\s*\d+[.)]|\w:\/\//;

/**
 * Backslash-escapes what Teams' card markdown would interpret in typed text: emphasis, link brackets, `<at>`
 * tags and `<scheme:…>` autolinks anywhere, list, heading and quote markers at the start. Other `<…>` (usage
 * such as `<id>`) stays as it is: cards render no HTML. Newlines become spaces, so no marker starts mid-block.
 */
export function escapeCardText(text: string): string {
  return MAY_NEED_ESCAPE.test(text) ? escapeEveryMarker(text) : text;
}

/** escapeCardText's work, pattern by pattern; a property test holds the shortcut above to it. */
export function escapeEveryMarker(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_~[\]]/g, '\\$&')
    .replace(/<(?=\s*\/?\s*at\b|[a-z][a-z0-9+.-]*:)/gi, '\\<')
    .replace(/^(\s*)([-+#>])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
    // Breaks bare-URL autolinking (`http\://…`) so typed text never becomes a link.
    .replace(/(\w)(:\/\/)/g, '$1\\$2');
}

/** Renders inline pieces to card markdown, collecting a mention entity for each Teams owner it notifies. */
class CardText {
  readonly mentions: MentionEntity[] = [];

  constructor(private readonly notify: boolean) {}

  /** The mention for an owner piece, when this card notifies and the piece is not quiet. */
  mentionOf(piece: { owner: Owner; quiet?: true }): MentionEntity | undefined {
    return this.notify && !piece.quiet ? ownerMention(piece.owner) : undefined;
  }

  inline(piece: Inline): string {
    if (typeof piece === 'string') return escapeCardText(clip(piece, MAX_CARD_TEXT));
    if ('code' in piece) return escapeCardText(clip(piece.code, MAX_CARD_TEXT));
    if ('strong' in piece) return `**${escapeCardText(clip(piece.strong, MAX_CARD_TEXT))}**`;
    const mention = this.mentionOf(piece);
    if (!mention) return escapeCardText(clip(ownerName(piece.owner), MAX_CARD_TEXT));
    if (!this.mentions.some((m) => m.text === mention.text && m.mentioned.id === mention.mentioned.id)) this.mentions.push(mention);
    return mention.text;
  }

  rich(rich: Rich): string {
    return rich.map((p) => this.inline(p)).join('');
  }
}

type Element = Record<string, unknown>;

const textBlock = (text: string, extra: Element = {}): Element => ({ type: 'TextBlock', text, wrap: true, ...extra });

function itemElements(item: ReplyItem, t: CardText, depth: number): Element[] {
  const status = item.status ? `${STATUS_EMOJI[item.status]} ${STATUS_LABEL[item.status]}` : '';
  const rag = item.rag ? ` · ${RAG_EMOJI[item.rag]} RAG ${item.rag}` : '';
  const header: Element = {
    type: 'ColumnSet',
    spacing: depth ? 'Small' : 'Medium',
    separator: depth === 0,
    columns: [
      // The id is what people type back in commands, so it is shown in monospace on its own.
      { type: 'Column', width: 'auto', items: [textBlock(escapeCardText(clip(item.id, MAX_CARD_TEXT)), { fontType: 'Monospace', weight: 'Bolder' })] },
      { type: 'Column', width: 'stretch', items: [textBlock(`${escapeCardText(clip(item.title, MAX_CARD_TEXT))}${status ? `  ${status}` : ''}${rag}`)] },
    ],
  };
  // Mentions are only documented for TextBlocks, so a field naming a Teams owner is a TextBlock, not a Fact.
  const facts: Element[] = [];
  const mentionLines: Element[] = [];
  for (const field of item.fields) {
    // The RAG rating is in the header line already, in words and colour.
    if (item.rag && field.label === 'RAG') continue;
    const value = t.rich(field.value);
    if (field.value.some((p) => typeof p === 'object' && 'owner' in p && t.mentionOf(p))) {
      mentionLines.push(textBlock(`${escapeCardText(clip(field.label, MAX_CARD_TEXT))}: ${value}`, { spacing: 'None' }));
    } else {
      facts.push({ title: escapeCardText(clip(field.label, MAX_CARD_TEXT)), value });
    }
  }
  const children = (item.children ?? []).flatMap((c) => itemElements(c, t, depth + 1));
  const body: Element[] = [header, ...(facts.length ? [{ type: 'FactSet', spacing: 'Small', facts }] : []), ...mentionLines];
  const container: Element = { type: 'Container', items: body, ...(depth ? { style: 'emphasis', spacing: 'Small' } : {}) };
  return [container, ...children];
}

export interface CardOptions {
  /**
   * Mention Teams owners so Teams notifies them: for reminders, digests and changes. Answers to queries name
   * owners without notifying them, or every `status` in a channel would ping everyone it lists.
   */
  notify?: boolean;
}

const notifies = (reply: Reply, o: CardOptions): boolean => o.notify ?? reply.tone === 'change';

/** The Adaptive Card for a reply, including `msteams.entities` for the owners it mentions. */
export function renderCard(given: Reply, o: CardOptions = {}, plain?: string): Element {
  // Control characters neutralised, line breaks in a line shown as such (src/replies/visible.ts).
  const reply = visibleReply(given);
  return cardOfShown(reply, o, plain ?? plainOfShown(reply));
}

/** renderCard of a reply already made visible. */
function cardOfShown(reply: Reply, o: CardOptions, plain: string): Element {
  const t = new CardText(notifies(reply, o));
  const body: Element[] = [
    textBlock(escapeCardText(clip(reply.heading, MAX_CARD_TEXT)), { size: 'Medium', weight: 'Bolder', ...(reply.tone === 'problem' ? { color: 'Attention' } : {}) }),
  ];
  for (const section of reply.sections) {
    if (section.title) body.push(textBlock(escapeCardText(clip(section.title, MAX_CARD_TEXT)), { weight: 'Bolder', spacing: 'Medium' }));
    for (const line of section.lines ?? []) body.push(textBlock(t.rich(line), { spacing: 'Small' }));
    for (const item of section.items ?? []) body.push(...itemElements(item, t, 0));
  }
  for (const note of reply.footnotes) body.push(textBlock(t.rich(note), { isSubtle: true, size: 'Small' }));
  // Short labels where the reply has them: three buttons share a phone's width (360 px) in Teams.
  const actions = (reply.buttons ?? []).map((b) => ({ type: 'Action.Submit', title: b.short ?? b.label, data: { reformCommand: b.command } }));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: plain,
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full', ...(t.mentions.length ? { entities: t.mentions } : {}) },
  };
}

/**
 * The message activity for a reply. The plain rendering rides in `summary` (notifications, clients without
 * cards) and the card's `fallbackText`; not in `text`, because Teams shows `text` above the card as a second copy.
 * A reply too big for one Teams message keeps its first items and says how many more there are, so Teams never
 * refuses it.
 */
export function replyActivity(reply: Reply, o: CardOptions = {}, envelope: Partial<Activity> = {}): Partial<Activity> {
  // Measured as sent: with the addressing botbuilder adds (from, recipient, conversation, serviceUrl, ids). Most
  // replies are well under the limit, and a bound says so without writing the JSON (jsonBytesAtMost); only a reply
  // near it is written out and counted. No UTF-16 unit takes more than 3 bytes of UTF-8, so JSON of up to a third
  // of the limit in units fits without counting.
  const fits = (activity: Partial<Activity>): boolean => {
    if (jsonBytesAtMost(envelope) + jsonBytesAtMost(activity) <= MAX_ACTIVITY_BYTES) return true;
    const json = JSON.stringify({ ...envelope, ...activity });
    return json.length * 3 <= MAX_ACTIVITY_BYTES || Buffer.byteLength(json) <= MAX_ACTIVITY_BYTES;
  };
  const whole = activityOf(reply, o);
  if (fits(whole)) return whole;
  // The largest number of item nodes (milestones and their actions, in order) that still fits.
  let lo = 0;
  let hi = countNodes(reply.sections.flatMap((s) => s.items ?? [])) - 1;
  let best = activityOf(shortened(reply, 0), o);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = activityOf(shortened(reply, mid), o);
    if (fits(candidate)) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (fits(best)) return best;
  // Too long without any items (many long lines): the heading and a pointer, never a message Teams refuses.
  const pointer: Reply = { tone: reply.tone, heading: clip(reply.heading, 200), sections: [{ lines: [['This answer is too long for one Teams message: ask about one thing, such as "status <id>".']] }], footnotes: [] };
  return activityOf(pointer, o);
}

/** Characters JSON writes as six bytes (`\u001b`); the common ones (`\n`, `\t`) take two, within the bound of three. */
const SIX_BYTES = /[\u0000-\u0007\u000b\u000e-\u001f]/;

/**
 * At least as many bytes as the UTF-8 of JSON.stringify(value), found by walking it rather than writing it: writing
 * a status card's 8 KB of JSON and counting it cost more than making the card. A string's unit takes at most three
 * bytes (two for a `"` or `\` escaped, two per unit of a surrogate pair, three for the rest of the BMP), except a
 * lone surrogate or a control character written as `\uXXXX`, six. Keys, quotes, commas and brackets are counted as
 * written; a value JSON leaves out (undefined, a function) is counted as if it were there.
 */
export function jsonBytesAtMost(value: unknown): number {
  if (typeof value === 'string') return 2 + value.length * (value.isWellFormed() && !SIX_BYTES.test(value) ? 3 : 6);
  // `null` for what JSON cannot write as itself (NaN, Infinity, a function in a list): four bytes at least.
  if (typeof value !== 'object' || value === null) return Math.max(4, typeof value === 'number' || typeof value === 'boolean' ? String(value).length : 4);
  // A Date, or anything else that says how it is written: written, and counted.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Buffer.byteLength(JSON.stringify(value) ?? 'null');
  let n = 2;
  if (Array.isArray(value)) {
    for (const v of value) n += jsonBytesAtMost(v) + 1;
    return n;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (Object.hasOwn(record, key)) n += jsonBytesAtMost(key) + jsonBytesAtMost(record[key]) + 2;
  }
  return n;
}

function activityOf(reply: Reply, o: CardOptions): Partial<Activity> {
  // Made visible once for both forms (src/replies/visible.ts).
  const shown = visibleReply(reply);
  const plain = plainOfShown(shown);
  // The summary is a notification preview; the fallbackText is for clients that cannot show cards.
  const summary = clip(plain, MAX_SUMMARY);
  return { type: 'message', summary, attachments: [CardFactory.adaptiveCard(cardOfShown(shown, o, clip(plain, MAX_FALLBACK)))] };
}

function countNodes(items: ReplyItem[]): number {
  return items.reduce((n, item) => n + 1 + countNodes(item.children ?? []), 0);
}

/** The reply with only its first `keep` item nodes, and a footnote saying how many were left out. */
function shortened(reply: Reply, keep: number): Reply {
  let left = keep;
  let hidden = 0;
  const take = (item: ReplyItem): ReplyItem | undefined => {
    if (left <= 0) {
      hidden += countNodes([item]);
      return undefined;
    }
    left -= 1;
    const children = (item.children ?? []).map(take).filter((c): c is ReplyItem => c !== undefined);
    return { ...item, children };
  };
  const sections = reply.sections
    .map((section) => (section.items ? { ...section, items: section.items.map(take).filter((i): i is ReplyItem => i !== undefined) } : section))
    // A section whose items all went, with nothing else to show, goes too rather than stand as a bare title.
    .filter((section, i) => section.items?.length || section.lines?.length || !reply.sections[i]!.items?.length);
  const note = `…and ${hidden} more not shown here: ask about one thing, such as "status <id>".`;
  // Buttons act on what the whole reply was about, so they stay.
  return { ...reply, sections, footnotes: [...reply.footnotes, [note]] };
}
