// The neutral reply model. The core builds these; each adapter renders them (plain text, Block Kit,
// Adaptive Cards). User-provided text stays in `text` pieces, so every renderer can escape it.
import type { Status } from '../programme/status.js';
import type { ReportModel, ReportTimeline } from '../report/model.js';
import { readableMentions } from '../tracking/owners.js';
import type { Owner, Rag } from '../tracking/state.js';

/**
 * A piece of inline content. Renderers escape `string` pieces for their platform. An owner is mentioned (and so
 * notified) where the platform allows, unless `quiet`: then it is only named.
 */
/** `command`: the code is a command to type; Slack shows it as its slash command (`/reform assign …`). */
export type Inline = string | { code: string; command?: true } | { owner: Owner; quiet?: true } | { strong: string };
export type Rich = Inline[];

export interface Field {
  label: string;
  value: Rich;
}

export interface ReplyItem {
  id: string;
  title: string;
  status?: Status;
  rag?: Rag;
  fields: Field[];
  /** Sub-items, such as the open actions under a milestone. */
  children?: ReplyItem[];
}

export interface Section {
  title?: string;
  lines?: Rich[];
  items?: ReplyItem[];
}

/** A button that runs a command when pressed (reminders carry these). */
export interface ReplyButton {
  label: string;
  command: string;
  /** A label of a word or two for narrow buttons (Teams on a phone shows three in 360 px); `label` otherwise. */
  short?: string;
}

export interface Reply {
  /**
   * `answer`: a query result. `change`: something was changed (shown to the channel).
   * `help`: usage. `problem`: an expected failure (unknown id, not allowed, bad date).
   */
  tone: 'answer' | 'change' | 'help' | 'problem';
  heading: string;
  sections: Section[];
  footnotes: Rich[];
  buttons?: ReplyButton[];
  /**
   * The command that shows this in full (`digest`, `status <id>`), for a platform that must shorten the message
   * to deliver it at all.
   */
  more?: string;
  /** The committee pack to hand over as files (`report`): each adapter writes or uploads what it can show. */
  pack?: ReportModel;
  /** A picture shown with the message (the digest's timeline). `key` names it: drawn once for every channel it goes to. */
  picture?: { key: string; timeline: ReportTimeline };
}

export function reply(tone: Reply['tone'], heading: string, sections: Section[] = [], footnotes: Rich[] = []): Reply {
  return { tone, heading, sections, footnotes };
}

export function problem(heading: string, ...lines: Rich[]): Reply {
  return reply('problem', heading, lines.length ? [{ lines }] : []);
}

export const code = (text: string): Inline => ({ code: text });
/** A command to type, as the platform needs it typed: in Slack, after `/reform`. */
export const command = (text: string): Inline => ({ code: text, command: true });
export const strong = (text: string): Inline => ({ strong: text });

/** 1334 -> "1,334": numbers as UK readers write them. */
export function grouped(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 1000 ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : String(n);
}

/**
 * What someone typed, as a reply repeats it: a few words, not a pasted page, never half an emoji, and people as
 * `@name`, not the bot's own mention tokens.
 */
export function echoed(typed: string, max = 60): string {
  const text = readableMentions(typed);
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 3);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/**
 * At most `max` characters, cut after a whole word where there is one in the last third, marked with an
 * ellipsis, never half an emoji: for a long note repeated in a one-line summary.
 */
export function clipWords(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const space = text.lastIndexOf(' ', cut);
  if (space > (max * 2) / 3) cut = space;
  if (/[\uD800-\uDBFF]/.test(text[cut - 1] ?? '')) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}…`;
}

const quietRich = (rich: Rich): Rich => rich.map((p) => (typeof p === 'object' && 'owner' in p ? { owner: p.owner, quiet: true } : p));
const quietItem = (item: ReplyItem): ReplyItem => ({
  ...item,
  fields: item.fields.map((f) => ({ ...f, value: quietRich(f.value) })),
  ...(item.children ? { children: item.children.map(quietItem) } : {}),
});

/** The reply with every owner named but not mentioned: an answer shown to a whole channel pings nobody it lists. */
export function quietOwners(r: Reply): Reply {
  return {
    ...r,
    sections: r.sections.map((s) => ({ ...s, ...(s.lines ? { lines: s.lines.map(quietRich) } : {}), ...(s.items ? { items: s.items.map(quietItem) } : {}) })),
    footnotes: r.footnotes.map(quietRich),
  };
}
