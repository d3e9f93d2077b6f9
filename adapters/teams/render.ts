// The neutral reply as an Adaptive Card for Teams, with a plain-text fallback. Teams renders markdown in every
// TextBlock and Fact value and turns `<at>…</at>` into mentions, so every piece of user text is escaped here:
// only the owners the core names become mentions, and nothing a user typed becomes a link or emphasis.
import { CardFactory, type Activity } from 'botbuilder';
import type { Status } from '../../src/programme/status.js';
import { STATUS_LABEL } from '../../src/programme/status.js';
import type { Inline, Reply, ReplyItem, Rich } from '../../src/replies/model.js';
import { ownerName, renderPlain } from '../../src/replies/plain.js';
import type { Owner } from '../../src/tracking/state.js';
import { ownerMention, type MentionEntity } from './mentions.js';

export const CARD_VERSION = '1.4';
const MAX_SUMMARY = 1_000;

const STATUS_EMOJI: Record<Status, string> = { done: '✅', overdue: '🔴', 'due-soon': '🟠', upcoming: '⚪' };
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

  mentionOf(owner: Owner): MentionEntity | undefined {
    return this.notify ? ownerMention(owner) : undefined;
  }

  inline(piece: Inline): string {
    if (typeof piece === 'string') return escapeCardText(piece);
    if ('code' in piece) return escapeCardText(piece.code);
    if ('strong' in piece) return `**${escapeCardText(piece.strong)}**`;
    const mention = this.mentionOf(piece.owner);
    if (!mention) return escapeCardText(ownerName(piece.owner));
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
      { type: 'Column', width: 'auto', items: [textBlock(escapeCardText(item.id), { fontType: 'Monospace', weight: 'Bolder' })] },
      { type: 'Column', width: 'stretch', items: [textBlock(`${escapeCardText(item.title)}${status ? `  ${status}` : ''}${rag}`)] },
    ],
  };
  // Mentions are only documented for TextBlocks, so a field naming a Teams owner is a TextBlock, not a Fact.
  const facts: Element[] = [];
  const mentionLines: Element[] = [];
  for (const field of item.fields) {
    const value = t.rich(field.value);
    if (field.value.some((p) => typeof p === 'object' && 'owner' in p && t.mentionOf(p.owner))) {
      mentionLines.push(textBlock(`${escapeCardText(field.label)}: ${value}`, { spacing: 'None' }));
    } else {
      facts.push({ title: escapeCardText(field.label), value });
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
export function renderCard(reply: Reply, o: CardOptions = {}, plain = renderPlain(reply)): Element {
  const t = new CardText(notifies(reply, o));
  const body: Element[] = [
    textBlock(escapeCardText(reply.heading), { size: 'Medium', weight: 'Bolder', ...(reply.tone === 'problem' ? { color: 'Attention' } : {}) }),
  ];
  for (const section of reply.sections) {
    if (section.title) body.push(textBlock(escapeCardText(section.title), { weight: 'Bolder', spacing: 'Medium' }));
    for (const line of section.lines ?? []) body.push(textBlock(t.rich(line), { spacing: 'Small' }));
    for (const item of section.items ?? []) body.push(...itemElements(item, t, 0));
  }
  for (const note of reply.footnotes) body.push(textBlock(t.rich(note), { isSubtle: true, size: 'Small' }));
  const actions = (reply.buttons ?? []).map((b) => ({ type: 'Action.Submit', title: b.label, data: { reformCommand: b.command } }));
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
 */
export function replyActivity(reply: Reply, o: CardOptions = {}): Partial<Activity> {
  const plain = renderPlain(reply);
  // Teams refuses activities over about 28 KB; the card's fallbackText keeps the whole text, so the summary
  // (a notification preview) is capped rather than carried a second time in full.
  const summary = plain.length > MAX_SUMMARY ? `${plain.slice(0, MAX_SUMMARY - 1)}…` : plain;
  return { type: 'message', summary, attachments: [CardFactory.adaptiveCard(renderCard(reply, o, plain))] };
}
