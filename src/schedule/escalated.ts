// What the weekly digest opens with: items escalated (step 2 or 3 sent for their present deadline) that nobody
// has acknowledged since. The committee sees first what has gone up the ladder without an answer.
import { DateTime } from 'luxon';
import { dayIn, formatDay, type Programme } from '../programme/model.js';
import { itemToReply } from '../replies/items.js';
import type { Section } from '../replies/model.js';
import { bySoonest, type Item } from '../tracking/items.js';
import { standingAcknowledgement } from '../tracking/leads.js';
import type { State } from '../tracking/state.js';
import { isEscalation } from './escalation.js';

interface Escalated {
  step: 2 | 3;
  at: string;
}

/** The section, or nothing when no item is escalated and unanswered (the digest keeps to what needs reading). */
export function escalatedSection(programme: Programme, state: State, items: readonly Item[], now: DateTime): Section | undefined {
  const zone = programme.timezone;
  // Highest step sent per item and deadline day.
  const sent = new Map<string, Escalated>();
  for (const e of Object.values(state.ledger)) {
    if (!isEscalation(e.kind) || e.state !== 'sent') continue;
    const key = `${e.item}|${e.slot.slice(e.slot.lastIndexOf('@') + 1)}`;
    const step = e.kind === 'escalation-3' ? 3 : 2;
    const known = sent.get(key);
    if (!known || step > known.step || (step === known.step && (e.sentAt ?? e.dueAt) < known.at)) sent.set(key, { step, at: e.sentAt ?? e.dueAt });
  }
  if (!sent.size) return undefined;
  const shown = items
    .filter((i) => !i.done && i.deadline && sent.has(`${i.id}|${dayIn(i.deadline, zone)}`) && !standingAcknowledgement(i, zone))
    .sort(bySoonest)
    .map((i) => {
      const up = sent.get(`${i.id}|${dayIn(i.deadline!, zone)}`)!;
      const view = itemToReply(i, now, zone);
      view.fields.push({ label: 'escalated', value: [`${up.step === 3 ? 'to leadership' : 'to its lead'} on ${formatDay(DateTime.fromISO(up.at), zone)}, not acknowledged`] });
      return view;
    });
  return shown.length ? { title: `Escalated and not acknowledged (${shown.length})`, items: shown } : undefined;
}
