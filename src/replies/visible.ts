// Text as it may be shown: what people typed is kept as typed (store, history), and every renderer shows it as
// visibleReply makes it: plain text and Teams through visibleReply, Slack through visibleText on each string as it
// becomes mrkdwn (adapters/slack/mrkdwn.ts, held equal to visibleReply's result by a property test). Control
// characters would act rather than show: U+202E reverses the rest of a line, U+0000 or U+001B hide or restyle text
// in a terminal, U+0007 rings a bell. A line break inside a note, title or name would start a line that could pass
// for one of the bot's own (`owner: @boss`).
import type { Field, Inline, Reply, ReplyButton, ReplyItem, Rich, Section } from './model.js';

/**
 * C0 controls and DEL, C1 controls, bidirectional marks, embeddings, overrides and isolates, and Unicode's line
 * and paragraph separators. Zero-width space and joiner stay: emoji and our own escaping use them. As a character
 * class's source, for a renderer that tests for these and its own markers in one scan (adapters/slack/mrkdwn.ts).
 */
export const UNSAFE_CHARS = '\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069';
const UNSAFE = new RegExp(`[${UNSAFE_CHARS}]`);
const UNSAFE_ALL = new RegExp(`\\r\\n|[${UNSAFE_CHARS}]`, 'g');

/** Shown in place of a line break inside one line of a reply. */
export const LINE_BREAK = ' ↵ ';

function shownAs(ch: string): string {
  if (ch === '\n' || ch === '\r' || ch === '\r\n' || ch === '\u2028' || ch === '\u2029') return LINE_BREAK;
  if (ch === '\t') return ' ';
  const code = ch.charCodeAt(0);
  // C0 controls and DEL as their Control Pictures (␀, ␛, ␇, ␡): visible, and saying what was typed.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return '\uFFFD';
}

/** The text with every control character neutralised; the same string when there is none (the usual case). */
export function visibleText(text: string): string {
  if (!UNSAFE.test(text)) return text;
  // Line breaks at either end (a YAML block's last newline) are dropped rather than shown.
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === '\n' || text[start] === '\r')) start++;
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return text.slice(start, end).replace(UNSAFE_ALL, shownAs);
}

// Usually nothing needs neutralising: each step below gives back what it was given when nothing in it changed, so a
// reply is shown without being copied.

/** The list with `f` applied to each entry; the list itself when `f` changed none of them. */
function mapped<T>(list: T[], f: (entry: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const before = list[i]!;
    const after = f(before);
    if (out) out.push(after);
    else if (after !== before) {
      out = list.slice(0, i);
      out.push(after);
    }
  }
  return out ?? list;
}

function visibleInline(piece: Inline): Inline {
  if (typeof piece === 'string') return visibleText(piece);
  if ('code' in piece) {
    const code = visibleText(piece.code);
    return code === piece.code ? piece : { ...piece, code };
  }
  if ('owner' in piece) {
    const name = visibleText(piece.owner.name);
    return name === piece.owner.name ? piece : { ...piece, owner: { ...piece.owner, name } };
  }
  const strong = visibleText(piece.strong);
  return strong === piece.strong ? piece : { strong };
}

const visibleRich = (rich: Rich): Rich => mapped(rich, visibleInline);

function visibleField(field: Field): Field {
  const label = visibleText(field.label);
  const value = visibleRich(field.value);
  return label === field.label && value === field.value ? field : { label, value };
}

function visibleItem(item: ReplyItem): ReplyItem {
  const id = visibleText(item.id);
  const title = visibleText(item.title);
  const fields = mapped(item.fields, visibleField);
  const children = item.children && mapped(item.children, visibleItem);
  if (id === item.id && title === item.title && fields === item.fields && children === item.children) return item;
  return { ...item, id, title, fields, ...(children ? { children } : {}) };
}

function visibleSection(section: Section): Section {
  const title = section.title === undefined ? undefined : visibleText(section.title);
  const lines = section.lines && mapped(section.lines, visibleRich);
  const items = section.items && mapped(section.items, visibleItem);
  if (title === section.title && lines === section.lines && items === section.items) return section;
  return { ...section, ...(title === undefined ? {} : { title }), ...(lines ? { lines } : {}), ...(items ? { items } : {}) };
}

function visibleButton(button: ReplyButton): ReplyButton {
  const label = visibleText(button.label);
  return label === button.label ? button : { ...button, label };
}

/**
 * Replies this changed, and what each became. A reply is rendered more than once (a Teams card and its plain
 * fallback) and is not changed once rendering begins, so what was neutralised is neutralised once. A reply with
 * nothing to neutralise (the usual case) is not remembered: it is its own visible form, and looking it over again
 * is a few string tests, where putting every reply in this WeakMap cost more than the look itself (about 18 µs a
 * status reply against 4, docs/performance.md).
 */
const madeVisible = new WeakMap<Reply, Reply>();

/**
 * The reply as it may be shown. Button commands are left alone: they are sent back as typed, never shown (their
 * labels are). Applying it twice changes nothing more, so a reply made visible is its own visible form.
 */
export function visibleReply(reply: Reply): Reply {
  const known = madeVisible.get(reply);
  if (known) return known;
  const heading = visibleText(reply.heading);
  const sections = mapped(reply.sections, visibleSection);
  const footnotes = mapped(reply.footnotes, visibleRich);
  const buttons = reply.buttons && mapped(reply.buttons, visibleButton);
  const same = heading === reply.heading && sections === reply.sections && footnotes === reply.footnotes && buttons === reply.buttons;
  if (same) return reply;
  const shown: Reply = { ...reply, heading, sections, footnotes, ...(buttons ? { buttons } : {}) };
  madeVisible.set(reply, shown);
  madeVisible.set(shown, shown);
  return shown;
}
