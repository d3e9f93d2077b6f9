// Plain-text rendering of the neutral reply model: the console adapter, the CLI, and every platform's
// text fallback use this.
import { STATUS_LABEL } from '../programme/status.js';
import type { Inline, Reply, ReplyItem, Rich } from './model.js';
import { visibleReply } from './visible.js';

/** How an owner reads in plain text: `@alice` for people, the post title for roles. */
export function ownerName(owner: { id: string; name: string }): string {
  if (owner.id.startsWith('role:')) return owner.name;
  return `@${owner.name}`;
}

export function inlineText(piece: Inline): string {
  if (typeof piece === 'string') return piece;
  if ('code' in piece) return piece.code;
  if ('owner' in piece) return ownerName(piece.owner);
  return piece.strong;
}

export function richText(rich: Rich): string {
  let text = '';
  for (const piece of rich) text += inlineText(piece);
  return text;
}

function itemLines(item: ReplyItem, indent: string, lines: string[] = []): string[] {
  const status = item.status ? ` [${STATUS_LABEL[item.status]}]` : '';
  lines.push(`${indent}${item.id}  ${item.title}${status}`);
  for (const field of item.fields) lines.push(`${indent}    ${field.label}: ${richText(field.value)}`);
  for (const child of item.children ?? []) itemLines(child, `${indent}    `, lines);
  return lines;
}

export function renderPlain(given: Reply): string {
  // Control characters neutralised, line breaks in a line shown as such: what was typed stays in the store.
  return plainOfShown(visibleReply(given));
}

/**
 * renderPlain of a reply already made visible (visibleReply), for a renderer that shows one reply in two forms (a
 * Teams card and its plain fallback) and so looks it over once.
 */
export function plainOfShown(r: Reply): string {
  const out: string[] = [r.heading];
  for (const section of r.sections) {
    out.push('');
    if (section.title) out.push(section.title);
    for (const line of section.lines ?? []) out.push(richText(line));
    for (const item of section.items ?? []) itemLines(item, section.title ? '  ' : '', out);
  }
  if (r.footnotes.length) {
    out.push('');
    for (const note of r.footnotes) out.push(richText(note));
  }
  if (r.buttons?.length) out.push('', r.buttons.map((b) => `[${b.label}: ${b.command}]`).join('  '));
  return out.join('\n');
}
