// What the escalation ladder's steps say. Step 2 goes to the item's lead(s), step 3 to the leadership channel:
// both name the owner and how late the item is, and carry the Acknowledge button.
import type { DateTime } from 'luxon';
import { dayIn, formatDay, type Programme } from '../programme/model.js';
import { daysLeft } from '../programme/status.js';
import { itemToReply } from '../replies/items.js';
import { code, command, grouped, reply, type Inline, type Reply, type ReplyButton, type Rich } from '../replies/model.js';
import type { Item } from '../tracking/items.js';
import { leadsOf } from '../tracking/leads.js';
import type { State } from '../tracking/state.js';
import { escalationSteps, type EscalationKind } from './escalation.js';
import { lateLine } from './messages.js';
import type { Slot } from './slots.js';

/** The buttons on every overdue and escalation message: acknowledging is the answer the ladder waits for. */
export const acknowledgeButton = (id: string): ReplyButton => ({ label: 'Acknowledge', short: 'Ack', command: `ack ${id}` });

function joined(parts: Inline[]): Rich {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [i === parts.length - 1 ? ' and ' : ', ', p]));
}

function ownerLine(item: Item): Rich {
  return item.owner ? ['Owner: ', { owner: item.owner }] : ['Owner: nobody (', command(`assign ${item.id} @name`), ' names one)'];
}

/** Who leads it, or, with none, what would name one: step 3 says so when step 2 had nobody to go to. */
function leadLine(programme: Programme, state: State, item: Item, now: DateTime): Rich {
  const leads = leadsOf(programme, state, item, now);
  if (leads.length) return [leads.length === 1 ? 'Lead: ' : 'Leads: ', ...joined(leads.map((owner) => ({ owner })))];
  // An action's lead is its milestone's owner: none, or the action's own owner, is no one to escalate to.
  if (item.kind === 'action') return ['No lead: nobody other than its owner owns its milestone ', code(item.milestoneId), ', so this did not go to a lead first (', command(`assign ${item.milestoneId} @name`), ').'];
  const theme = item.milestone?.themes[0] ?? '<theme>';
  return [`No lead is named for ${item.milestone?.themes.join(', ') ?? 'its themes'}, so this did not go to a lead first (`, command(`lead ${theme} @name`), ' names one).'];
}

export function escalationMessage(programme: Programme, state: State, item: Item, kind: EscalationKind, slot: Slot, now: DateTime, startedMs: number): Reply {
  const zone = programme.timezone;
  const late = item.deadline ? -daysLeft(item.deadline, now, zone) : 0;
  const by = `overdue by ${grouped(late)} day${late === 1 ? '' : 's'}`;
  const day = item.deadline ? dayIn(item.deadline, zone) : '';
  const [toLead, toLeadership] = escalationSteps(programme, day, startedMs);
  const leadership = kind === 'escalation-3';
  const history: Rich = leadership
    ? [`Nobody has acknowledged it since it fell overdue (deadline ${formatDay(day, zone)}); it went to its lead on ${formatDay(toLead!.at, zone)} where one is named.`]
    : [`Nobody has acknowledged it since it fell overdue (deadline ${formatDay(day, zone)}). If nobody does by ${formatDay(toLeadership!.at, zone)}, it goes to the leadership channel.`];
  const r = reply(
    'answer',
    leadership ? `Escalated to leadership: ${item.id} is ${by}` : `Escalated to its lead: ${item.id} is ${by}`,
    [
      { items: [itemToReply(item, now, zone, { ownerPrompt: false })] },
      { lines: [ownerLine(item), leadLine(programme, state, item, now), history, ...lateLine(slot, now, zone)] },
    ],
    [['Next: ', command(`ack ${item.id} <note>`), ' to say it is in hand (the escalation stops), ', command(`done ${item.id}`), ' when it is done, ', command(`revise ${item.id} <date> because <reason>`), ' if it has moved.']],
  );
  r.buttons = [acknowledgeButton(item.id), { label: 'Mark done', short: 'Done', command: `done ${item.id}` }];
  return r;
}
