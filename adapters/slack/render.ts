// Block Kit rendering of the neutral reply. Every message has a `text` fallback made from its blocks (notifications,
// screen readers, old clients). A reply too big for one message is split into parts of at most 50 blocks
// with sections of at most 3,000 characters; past MAX_PARTS it is summarised, so Slack never rejects it.
import type { types } from '@slack/bolt';
import type { Reply, ReplyItem, Rich, Section } from '../../src/replies/model.js';
import { escapeMrkdwn } from './mentions.js';
import { codeMrkdwn, itemLines, pack, richMrkdwn, safeCut, truncate } from './mrkdwn.js';
import { visibleReply } from '../../src/replies/visible.js';

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
  /** Long items (many actions) are cut here and point at `status <id>`. */
  blocksPerItem: 8,
  fallbackChars: 3000,
} as const;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const mrkdwnSection = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } });

/** One item without its children: a section, or a few when its notes are long (cut at blocksPerItem). */
function itemBlocks(item: ReplyItem, depth: number): Block[] {
  const texts = pack(itemLines(item, depth), LIMITS.sectionChars);
  if (texts.length > LIMITS.blocksPerItem) {
    texts.length = LIMITS.blocksPerItem;
    const more = `\n_…more in_ ${codeMrkdwn(`status ${item.id}`)}`;
    texts[texts.length - 1] = truncate(texts[texts.length - 1]!, LIMITS.sectionChars - more.length) + more;
  }
  return texts.map(mrkdwnSection);
}

/** An item and, below it, each of its children (a milestone's actions) in sections of their own. */
function itemTreeBlocks(item: ReplyItem, depth: number, into: Block[]): void {
  for (const block of itemBlocks(item, depth)) into.push(block);
  for (const child of item.children ?? []) itemTreeBlocks(child, depth + 1, into);
}

function linesBlocks(lines: Rich[]): Block[] {
  return pack(lines.map(richMrkdwn), LIMITS.sectionChars).map(mrkdwnSection);
}

function titleBlock(title: string): Block {
  return mrkdwnSection(`*${truncate(escapeMrkdwn(title), LIMITS.sectionChars - 2)}*`);
}

function contextBlock(lines: string[]): Block {
  const elements = pack(lines, LIMITS.contextChars).slice(0, 10);
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
      text: { type: 'plain_text', text: truncate(b.label.trim() || b.command, LIMITS.buttonLabelChars), emoji: true },
      value: b.command.slice(0, safeCut(b.command, LIMITS.buttonValueChars)),
    })),
  }];
}

/** The blocks of one reply, unsplit. Callers that post messages use renderSlack, which keeps to the limits. */
export function renderBlocks(given: Reply): Block[] {
  // Control characters neutralised, line breaks in a line shown as such (src/replies/visible.ts).
  const reply = visibleReply(given);
  // A header's plain_text is shown literally (no mentions, no links), so it needs no escaping.
  const heading = truncate(reply.heading.trim() || 'Reform Bot', LIMITS.headerChars);
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: heading, emoji: true } }];
  for (const section of reply.sections) {
    if (section.title) blocks.push(titleBlock(section.title));
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
}

function itemUnits(section: number, item: ReplyItem, depth: number): Unit[] {
  const node: ReplyItem = { ...item, children: undefined };
  return [
    { section, item: node, depth, blocks: itemBlocks(node, depth).length },
    ...(item.children ?? []).flatMap((c) => itemUnits(section, c, depth + 1)),
  ];
}

function unitsOf(reply: Reply): Unit[] {
  const units: Unit[] = [];
  reply.sections.forEach((section, s) => {
    if (section.title) units.push({ section: s, title: section.title, blocks: 1 });
    // Lines are grouped the way linesBlocks packs them, so a group re-renders as the blocks counted here.
    let group: Rich[] = [];
    let length = 0;
    for (const line of section.lines ?? []) {
      const size = richMrkdwn(line).length;
      // The same test as pack(): the joined text of the group plus a newline and this line.
      if (group.length && length + size > LIMITS.sectionChars) {
        units.push({ section: s, lines: group, blocks: linesBlocks(group).length });
        group = [];
        length = 0;
      }
      group.push(line);
      length += size + 1;
    }
    if (group.length) units.push({ section: s, lines: group, blocks: linesBlocks(group).length });
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
 * when more than LIMITS.parts would be needed, the last part says how many items were left out.
 */
export function renderSlack(reply: Reply): SlackMessage[] {
  // Most replies fit one message: rendered once, they are exactly what the splitter would make of them
  // (a property test holds the two equal). The splitter drops empty sections, so they are dropped here too.
  const shown = reply.sections.every(hasContent) ? reply : { ...reply, sections: reply.sections.filter(hasContent) };
  const whole = renderBlocks(shown);
  if (whole.length <= BUDGET) return [{ text: fallbackText(whole), blocks: whole }];
  return splitSlack(reply);
}

const hasContent = (s: Section): boolean => Boolean(s.title || s.lines?.length || s.items?.length);

/** Blocks for a part's content: a message less its header and footer (footnotes, buttons, "not shown" note). */
const BUDGET = LIMITS.blocksPerMessage - 1 - 3;

/** The reply split into parts at item boundaries, each within the limits; renderSlack's general case. */
export function splitSlack(reply: Reply): SlackMessage[] {
  const budget = BUDGET;
  const parts: Unit[][] = [[]];
  let used = 0;
  for (const unit of unitsOf(reply)) {
    if (used + unit.blocks > budget && parts[parts.length - 1]!.length) {
      parts.push([]);
      used = 0;
    }
    parts[parts.length - 1]!.push(unit);
    used += unit.blocks;
  }
  const hidden = parts.slice(LIMITS.parts).flat();
  const shown = parts.slice(0, LIMITS.parts);
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
  return truncate(heading.trim() || 'Reform Bot', LIMITS.headerChars - suffix.length) + suffix;
}

function notShown(hidden: Unit[]): string {
  const items = countItems(hidden);
  return items ? `…and ${items} more not shown here: ask about one thing, such as "status <id>".` : '…and more not shown here.';
}

/** Belt and braces: whatever happened above, never hand Slack more blocks than it accepts. */
function guard(message: SlackMessage): SlackMessage {
  if (message.blocks.length <= LIMITS.blocksPerMessage) return message;
  const blocks = message.blocks.slice(0, LIMITS.blocksPerMessage - 1);
  blocks.push(contextBlock(['_…cut short to fit one Slack message._']));
  return { ...message, blocks };
}
