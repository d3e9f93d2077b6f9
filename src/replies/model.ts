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
