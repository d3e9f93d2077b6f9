// How a milestone or action is shown in any reply: id, title, due phrase, status, owner, RAG, latest note.
import { DateTime } from 'luxon';
import { formatDay, formatInstant } from '../programme/model.js';
import { daysLeft } from '../programme/status.js';
import type { Item } from '../tracking/items.js';
import { standingAcknowledgement } from '../tracking/leads.js';
import { code, command, grouped, type Field, type Inline, type ReplyItem, type Rich } from './model.js';

function plural(n: number, word: string): string {
  return `${grouped(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** "September 2023, revised to 31 October 2024" */
export function dueText(item: Item): string {
  const stated = item.due?.phrase ?? item.milestone?.stated ?? 'no due date';
  const latest = item.revisions.at(-1);
  return latest ? `${stated}, revised to ${latest.phrase}` : stated;
}

/** "deadline 31 May 2024, 12 days left" / "overdue by 3 days" / "done 15 December 2023" */
export function whenText(item: Item, now: DateTime, zone: string): string {
  if (item.done) return item.doneText ? `done ${item.doneText}` : 'done';
  // "on 31 March 2025" for a day, "in March 2025" for a month or a year, as the programme file recorded it.
  if (item.superseded) return `superseded${item.superseded.by ? ` by ${item.superseded.by}` : ''} ${/^\d/.test(item.superseded.when) ? 'on' : 'in'} ${item.superseded.when}`;
  // An undated milestone: the seed gives no date, so none is invented; an action: none was given.
  if (!item.deadline) return item.kind === 'milestone' ? 'undated: the source gives no date, so no reminders' : 'no deadline set';
  const days = daysLeft(item.deadline, now, zone);
  const day = formatDay(item.deadline, zone);
  if (item.status === 'overdue') return days === 0 ? `overdue since today (deadline ${day})` : `overdue by ${plural(-days, 'day')} (deadline ${day})`;
  if (days === 0) return `deadline today, ${day}`;
  return `deadline ${day}, ${plural(days, 'day')} left`;
}

export function ownerField(item: Item, prompt = true): Field {
  if (item.owner) return { label: 'owner', value: [{ owner: item.owner }] };
  // Work already done needs no owner: no prompt to assign one.
  if (item.closed) return { label: 'owner', value: ['none recorded'] };
  return { label: 'owner', value: prompt ? ['nobody yet (', command(`assign ${item.id} @name`), ')'] : ['nobody yet'] };
}

export interface ItemView {
  /** Show the source, reading, themes and revision history too. */
  detail?: boolean;
  /** Open actions to list under a milestone. */
  children?: Item[];
  /** False where the message says how to assign an owner itself (a reminder's "Next:" line). */
  ownerPrompt?: boolean;
}

export function itemToReply(item: Item, now: DateTime, zone: string, view: ItemView = {}): ReplyItem {
  const fields: Field[] = [
    { label: 'due', value: [dueText(item), ' · ', whenText(item, now, zone)] },
    ownerField(item, view.ownerPrompt),
  ];
  if (item.rag) fields.push({ label: 'RAG', value: [item.rag] });
  if (item.latestNote) {
    fields.push({ label: 'note', value: [item.latestNote.text, ` (${formatDay(item.latestNote.at.slice(0, 10), zone)})`] });
  }
  if (item.done && item.doneNote) fields.push({ label: 'completed', value: [item.doneNote] });
  if (!item.done && item.superseded?.note) fields.push({ label: 'superseded', value: [item.superseded.note] });
  const progress = item.milestone?.progress;
  if (!item.closed && progress) fields.push({ label: 'so far', value: [progress] });
  // A snooze is shown where the item is: otherwise only `history` said why its reminders stopped.
  const snoozed = item.state.snoozedUntil;
  if (!item.closed && snoozed && Date.parse(snoozed) > now.toMillis()) {
    fields.push({ label: 'snoozed', value: [`reminders paused until ${formatInstant(DateTime.fromISO(snoozed), zone)} (`, command(`unsnooze ${item.id}`), ')'] });
  }
  // Someone answered for it: the escalation ladder stopped (ack). Named, never pinged: digests repeat this line.
  const ack = standingAcknowledgement(item, zone);
  if (ack) {
    const by: Inline = { owner: { id: ack.by, name: ack.byName ?? ack.by.replace(/^[a-z]+:/, '') }, quiet: true };
    fields.push({ label: 'escalation', value: ['acknowledged by ', by, ` on ${formatDay(DateTime.fromISO(ack.at), zone)}`, ...(ack.note ? [`: ${ack.note}`] : [])] });
  }
  // Overdue on the programme file's word alone: say so wherever it is listed, so nobody reads it as a known failure.
  if (item.status === 'overdue' && item.milestone?.unverified && !item.revisions.some((r) => r.reason !== undefined)) {
    fields.push({ label: 'record', value: ['no public record of the outcome yet; confirm with ', command(`done ${item.id}`), ' or ', command(`revise ${item.id} <date> because <reason>`)] });
  }
  for (const [i, r] of item.revisions.entries()) {
    if (r.reason !== undefined && r.by !== undefined) {
      // Who moved the date is named, never pinged: reminders and digests repeat this line.
      const by: Inline = { owner: { id: r.by, name: r.byName ?? r.by.replace(/^[a-z]+:/, '') }, quiet: true };
      // A date moved earlier is brought forward, not a slip.
      const before = (i > 0 ? item.revisions[i - 1] : item.due)?.span?.last;
      const label = before !== undefined && r.span.last < before ? 'brought forward' : 'slipped';
      fields.push({ label, value: [`${r.from} → ${r.phrase}: ${r.reason} (by `, by, ')'] });
    }
  }
  if (view.detail) {
    const m = item.milestone;
    const fileRevision = item.revisions.find((r) => r.reason === undefined);
    if (fileRevision?.note) fields.push({ label: 'revised', value: [fileRevision.note] });
    if (m?.reading) fields.push({ label: 'reading', value: [m.reading] });
    if (m?.source) {
      // The report as people know it; the file name is only for whoever edits the programme file.
      const src: Rich = [`${m.source.report ?? m.source.seed}, ${m.source.section}`];
      if (m.source.also) src.push(`; ${m.source.also}`);
      fields.push({ label: 'source', value: src });
    }
    if (m) fields.push({ label: 'themes', value: [m.themes.join(', ') + (m.aliases.length ? ` · also: ${m.aliases.join(', ')}` : '')] });
    if (item.action) fields.push({ label: 'under', value: [code(item.milestoneId)] });
  }
  const children = view.children?.map((c) => itemToReply(c, now, zone));
  return { id: item.id, title: item.title, status: item.status, rag: item.rag, fields, ...(children?.length ? { children } : {}) };
}
