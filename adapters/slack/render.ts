// Block Kit rendering of the neutral reply. Every message has a `text` fallback made from its blocks (notifications,
// screen readers, old clients). A reply too big for one message is split into parts of at most 50 blocks, with
// sections of at most 3,000 characters and at most LIMITS.messageText characters of text in all blocks together
// (Slack refuses a message whose blocks hold more than about 12,000: msg_blocks_too_long); past the parts
// allowed it is summarised, so Slack never rejects it.
import type { types } from '@slack/bolt';
import type { Reply, ReplyItem, Rich, Section } from '../../src/replies/model.js';
import { escapeMrkdwn } from './mentions.js';
import { codeMrkdwn, itemLines, itemText, pack, plainMrkdwn, richMrkdwn, safeCut, truncate } from './mrkdwn.js';
import { visibleText } from '../../src/replies/visible.js';

type Block = types.KnownBlock;

/** Slack's documented limits, and ours. */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionChars: 3000,
  headerChars: 150,
  contextChars: 2000,
  buttonLabelChars: 75,
  buttonValueChars: 2000,
  buttonsPerMessage: 25,
  /** A response_url takes five messages: four parts leave one for an apology if a part cannot be sent. */
  parts: 4,
  /** A scheduled post (a digest) is posted part by part with chat.postMessage, which has no such cap. */
  scheduledParts: 24,
  /** Long items (many actions) are cut here and point at `status <id>`. */
  blocksPerItem: 8,
  /**
   * The text of all blocks in one message: Slack refuses more than about 12,000 characters (msg_blocks_too_long,
   * undocumented, counted over every text); this leaves a sixth of it spare.
   */
  messageText: 10_000,
  /** One item's text (its head and fields): cut here, pointing at `status <id>`, so any item fits a part. */
  itemChars: 5_000,
  /** The footnotes of a message, all together. */
  footnoteChars: 1_500,
  fallbackChars: 3000,
} as const;

/** Options for one rendering: a smaller text budget or fewer parts (a message Slack refused is re-split). */
export interface SplitOptions {
  /** Characters of text in all blocks of one message (default LIMITS.messageText). */
  messageText?: number;
  /** How many messages at most (default LIMITS.parts); past it, the last says what was left out. */
  parts?: number;
}

/** What Slack counts towards msg_blocks_too_long: every text in every block. */
export function blocksText(blocks: readonly unknown[]): number {
  return textIn(blocks);
}

/** Every `text` string's length under `value`. Keys are walked in place: no array of entries per object. */
function textIn(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += textIn(v);
    return n;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const v = record[key];
    if (key === 'text' && typeof v === 'string') n += v.length;
    else n += textIn(v);
  }
  return n;
}

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const mrkdwnSection = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } });

/**
 * One item without its children: a section, or a few when its notes are long, cut between words at
 * LIMITS.itemChars (or blocksPerItem sections) with a pointer to `status <id>`.
 */
function itemBlocks(item: ReplyItem, depth: number): Block[] {
  // Usually the item fits one section: its text is then exactly what packing its lines would give.
  const whole = itemText(item, depth);
  if (whole.length <= LIMITS.sectionChars && whole.trim()) return [mrkdwnSection(whole)];
  const texts = pack(itemLines(item, depth), LIMITS.sectionChars);
  const total = texts.reduce((n, t) => n + t.length, 0);
  if (texts.length <= LIMITS.blocksPerItem && total <= LIMITS.itemChars) return texts.map(mrkdwnSection);
  const more = `\n_…more in_ ${codeMrkdwn(`status ${visibleText(item.id)}`)}`;
  const kept: string[] = [];
  let room = LIMITS.itemChars - more.length;
  for (const text of texts) {
    if (kept.length === LIMITS.blocksPerItem || room <= 0) break;
    const last = kept.length === LIMITS.blocksPerItem - 1 || text.length > room;
    kept.push(last ? truncate(text, Math.min(room, LIMITS.sectionChars - more.length)) : text);
    room -= text.length;
    if (last) break;
  }
  kept[kept.length - 1] += more;
  return kept.map(mrkdwnSection);
}

/** An item and, below it, each of its children (a milestone's actions) in sections of their own. */
function itemTreeBlocks(item: ReplyItem, depth: number, into: Block[]): void {
  for (const block of itemBlocks(item, depth)) into.push(block);
  for (const child of item.children ?? []) itemTreeBlocks(child, depth + 1, into);
}

/** A line of a section as mrkdwn, cut between words at LIMITS.itemChars so any line fits a part. */
const lineMrkdwn = (line: Rich): string => truncate(richMrkdwn(line), LIMITS.itemChars);

function linesBlocks(lines: Rich[]): Block[] {
  return pack(lines.map(lineMrkdwn), LIMITS.sectionChars).map(mrkdwnSection);
}

/** A section's title, or nothing for one that shows as nothing (a line break alone). */
function titleBlock(title: string): Block[] {
  const shown = plainMrkdwn(title);
  return shown ? [mrkdwnSection(`*${truncate(shown, LIMITS.sectionChars - 2)}*`)] : [];
}

function contextBlock(lines: string[]): Block {
  const elements = pack([truncate(lines.join('\n'), LIMITS.footnoteChars)], LIMITS.contextChars).slice(0, 10);
  return { type: 'context', elements: elements.map((text) => ({ type: 'mrkdwn', text, verbatim: true })) };
}

function buttonsBlock(reply: Reply): Block[] {
  const buttons = (reply.buttons ?? []).slice(0, LIMITS.buttonsPerMessage).filter((b) => b.command.trim());
  if (!buttons.length) return [];
  return [{
    type: 'actions',
    elements: buttons.map((b, i) => ({
      type: 'button',
      action_id: `reform_cmd_${i}`,
      text: { type: 'plain_text', text: truncate(visibleText(b.label).trim() || b.command, LIMITS.buttonLabelChars), emoji: true },
      value: b.command.slice(0, safeCut(b.command, LIMITS.buttonValueChars)),
    })),
  }];
}

/**
 * The blocks of one reply, unsplit. Callers that post messages use renderSlack, which keeps to the limits.
 *
 * The reply is shown as visibleReply would show it (src/replies/visible.ts): control characters neutralised, line
 * breaks in a line shown as such. Each string is neutralised where it is turned into mrkdwn (plainMrkdwn, codeMrkdwn,
 * ownerMrkdwn) or plain text (the header, button labels), in the one scan that looks for mrkdwn's own markers, rather
 * than by walking and copying the reply first; a property test holds the blocks equal to those of the visible reply.
 */
export function renderBlocks(reply: Reply): Block[] {
  // A header's plain_text is shown literally (no mentions, no links), so it needs no escaping.
  const heading = truncate(visibleText(reply.heading).trim() || 'Reform Bot', LIMITS.headerChars);
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: heading, emoji: true } }];
  for (const section of reply.sections) {
    if (section.title) blocks.push(...titleBlock(section.title));
    if (section.lines?.length) blocks.push(...linesBlocks(section.lines));
    for (const item of section.items ?? []) itemTreeBlocks(item, 0, blocks);
  }
  const notes = reply.footnotes.map(richMrkdwn).filter((t) => t.trim());
  if (notes.length) blocks.push(contextBlock(notes));
  blocks.push(...buttonsBlock(reply));
  return blocks;
}

/**
 * The `text` fallback, read by screen readers (which do not read blocks) and shown in phone notifications: the
 * blocks' own text, in order, as Slack builds a fallback itself when a message has none. It says what the blocks
 * say, commands as `/reform …` included, and is escaped as they are.
 */
export function fallbackText(blocks: Block[]): string {
  const lines: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') lines.push(escapeMrkdwn(block.text.text));
    else if (block.type === 'section' && block.text) lines.push(block.text.text);
    else if (block.type === 'context') lines.push(block.elements.map((e) => ('text' in e ? e.text : '')).join(' '));
    else if (block.type === 'actions') lines.push(block.elements.map((e) => (e.type === 'button' ? `[${escapeMrkdwn(e.text.text)}]` : '')).join('  '));
  }
  return truncate(lines.join('\n'), LIMITS.fallbackChars) || 'Reform Bot';
}

/** A piece of a reply that moves between messages as a whole: a title, a group of lines, or one item node. */
interface Unit {
  section: number;
  title?: string;
  lines?: Rich[];
  /** The item without its children; `depth` 1 for a milestone's action. */
  item?: ReplyItem;
  depth?: number;
  blocks: number;
  /** The text of its blocks, as Slack counts it. */
  chars: number;
}

function itemUnits(section: number, item: ReplyItem, depth: number): Unit[] {
  const node: ReplyItem = { ...item, children: undefined };
  const blocks = itemBlocks(node, depth);
  return [
    { section, item: node, depth, blocks: blocks.length, chars: blocksText(blocks) },
    ...(item.children ?? []).flatMap((c) => itemUnits(section, c, depth + 1)),
  ];
}

function linesUnit(section: number, lines: Rich[]): Unit {
  const blocks = linesBlocks(lines);
  return { section, lines, blocks: blocks.length, chars: blocksText(blocks) };
}

function unitsOf(reply: Reply): Unit[] {
  const units: Unit[] = [];
  reply.sections.forEach((section, s) => {
    const title = section.title ? titleBlock(section.title) : [];
    if (title.length) units.push({ section: s, title: section.title, blocks: 1, chars: blocksText(title) });
    // Lines are grouped the way linesBlocks packs them, so a group re-renders as the blocks counted here.
    let group: Rich[] = [];
    let length = 0;
    for (const line of section.lines ?? []) {
      const size = lineMrkdwn(line).length;
      // The same test as pack(): the joined text of the group plus a newline and this line.
      if (group.length && length + size > LIMITS.sectionChars) {
        units.push(linesUnit(s, group));
        group = [];
        length = 0;
      }
      group.push(line);
      length += size + 1;
    }
    if (group.length) units.push(linesUnit(s, group));
    for (const item of section.items ?? []) units.push(...itemUnits(s, item, 0));
  });
  return units;
}

/**
 * Rebuilds sections from the units of one part. An action whose milestone went in an earlier part becomes a
 * top-level item here (its id still names the milestone), so nothing is lost at a part boundary.
 */
function sectionsOf(units: Unit[]): Section[] {
  const sections: Section[] = [];
  let last = -1;
  // The latest item at each depth in this part; a hole means the parent went in an earlier part.
  let parents: (ReplyItem | undefined)[] = [];
  for (const unit of units) {
    if (unit.section !== last || unit.title) {
      sections.push({});
      parents = [];
    }
    last = unit.section;
    const section = sections[sections.length - 1]!;
    if (unit.title) section.title = unit.title;
    if (unit.lines) (section.lines ??= []).push(...unit.lines);
    if (!unit.item) continue;
    const node: ReplyItem = { ...unit.item };
    const depth = unit.depth ?? 0;
    const parent = depth > 0 ? parents[depth - 1] : undefined;
    if (parent) (parent.children ??= []).push(node);
    else (section.items ??= []).push(node);
    parents = parents.slice(0, depth);
    parents[depth] = node;
  }
  return sections;
}

function countItems(units: Unit[]): number {
  return units.filter((u) => u.item).length;
}

/**
 * The reply as one or more messages, each within Slack's limits. Buttons and footnotes go on the last part;
 * when more than `options.parts` would be needed, the last part says how many items were left out.
 */
export function renderSlack(reply: Reply, options: SplitOptions = {}): SlackMessage[] {
  // Most replies fit one message: rendered once, they are exactly what the splitter would make of them
  // (a property test holds the two equal). The splitter drops empty sections, so they are dropped here too.
  const shown = reply.sections.every(hasContent) ? reply : { ...reply, sections: reply.sections.filter(hasContent) };
  const whole = renderBlocks(shown);
  if (whole.length <= BUDGET && blocksText(whole) <= (options.messageText ?? LIMITS.messageText)) return [{ text: fallbackText(whole), blocks: whole }];
  return splitSlack(reply, options);
}

const hasContent = (s: Section): boolean => Boolean(s.title || s.lines?.length || s.items?.length);

/** Blocks for a part's content: a message less its header and footer (footnotes, buttons, "not shown" note). */
const BUDGET = LIMITS.blocksPerMessage - 1 - 3;
/** Room kept in the last part for the "…and 12 more not shown here" note. */
const NOT_SHOWN_CHARS = 120;

/** The reply split into parts at item boundaries, each within the limits; renderSlack's general case. */
export function splitSlack(reply: Reply, options: SplitOptions = {}): SlackMessage[] {
  const budget = BUDGET;
  const maxParts = options.parts ?? LIMITS.parts;
  // Text left for the content of a part: the budget less the longest header and the last part's footer.
  const footer = [...buttonsBlock(reply), ...(reply.footnotes.length ? [contextBlock(reply.footnotes.map(richMrkdwn))] : [])];
  const room = Math.max(LIMITS.itemChars, (options.messageText ?? LIMITS.messageText) - LIMITS.headerChars - blocksText(footer) - NOT_SHOWN_CHARS);
  const parts: Unit[][] = [[]];
  let used = 0;
  let chars = 0;
  for (const unit of unitsOf(reply)) {
    if ((used + unit.blocks > budget || chars + unit.chars > room) && parts[parts.length - 1]!.length) {
      parts.push([]);
      used = 0;
      chars = 0;
    }
    parts[parts.length - 1]!.push(unit);
    used += unit.blocks;
    chars += unit.chars;
  }
  const hidden = parts.slice(maxParts).flat();
  const shown = parts.slice(0, maxParts);
  return shown.map((units, i) => {
    const lastPart = i === shown.length - 1;
    const part: Reply = {
      tone: reply.tone,
      heading: shown.length > 1 ? numbered(reply.heading, i + 1, shown.length) : reply.heading,
      sections: sectionsOf(units),
      footnotes: lastPart ? [...reply.footnotes, ...(hidden.length ? [[notShown(hidden)]] : [])] : [],
      ...(lastPart && reply.buttons ? { buttons: reply.buttons } : {}),
    };
    const blocks = renderBlocks(part);
    return guard({ text: fallbackText(blocks), blocks });
  });
}

/** "Heading (2 of 3)", with the heading shortened so the part number survives the header's limit. */
function numbered(heading: string, n: number, of: number): string {
  const suffix = ` (${n} of ${of})`;
  return truncate(visibleText(heading).trim() || 'Reform Bot', LIMITS.headerChars - suffix.length) + suffix;
}

function notShown(hidden: Unit[]): string {
  const items = countItems(hidden);
  return items ? `…and ${items} more not shown here: ask about one thing, such as "status <id>".` : '…and more not shown here.';
}

/** Belt and braces: whatever happened above, never hand Slack more blocks or more text than it accepts. */
function guard(message: SlackMessage): SlackMessage {
  if (message.blocks.length <= LIMITS.blocksPerMessage && blocksText(message.blocks) <= LIMITS.messageText) return message;
  const cut = contextBlock(['_…cut short to fit one Slack message._']);
  const blocks: Block[] = [];
  let chars = blocksText([cut]);
  for (const block of message.blocks) {
    const size = blocksText([block]);
    if (blocks.length === LIMITS.blocksPerMessage - 1 || chars + size > LIMITS.messageText) break;
    blocks.push(block);
    chars += size;
  }
  blocks.push(cut);
  return { ...message, blocks };
}
