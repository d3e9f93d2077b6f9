// The escalation ladder through the real botbuilder CloudAdapter and the fake Bot Connector: `lead` typed in a
// channel, step 3 posted as a card to the channel subscribed with `subscribe escalations`, and its Acknowledge button.
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../src/ports.js';
import { formatDelivery, tick } from '../src/schedule/tick.js';
import { BOT_MENTION, CHANNEL, startTeams, type TeamsHarness } from './fakes/bot-connector.js';
import { at, testBot } from './helpers.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const CAROL = { id: '29:carol', name: 'Carol King', aadObjectId: 'aad-carol' };

it('lead and subscribe escalations in a channel, the leadership card with its mention and Acknowledge, and the click', async () => {
  // Only Alice edits: Carol may acknowledge because she leads the theme.
  const tb = testBot(undefined, '2025-09-01T10:00:00Z', { editors: ['teams:aad-alice'] });
  h = await startTeams({ testBot: tb });
  await h.say({ text: '<at>Reform</at> subscribe escalations', entities: [BOT_MENTION] });
  const carol = { type: 'mention', text: '<at>Carol King</at>', mentioned: CAROL };
  await h.say({ text: '<at>Reform</at> lead agency <at>Carol King</at>', entities: [BOT_MENTION, carol] });
  expect((await h.store.read()).leads.agency).toEqual({ id: 'teams:aad-carol', name: 'Carol King' });
  const replies = h.connector.calls.filter((c) => c.kind === 'reply').map((c) => JSON.stringify(c.body));
  expect(replies.some((r) => r.includes('Carol King now leads agency'))).toBe(true);
  h.connector.calls.length = 0;

  // Carol has no personal chat with the bot and there is no reminders channel: step 2 has nowhere to go; step 3,
  // Thursday 16 October 2025, goes to the leadership channel.
  const report = await tick({ programme: tb.bot.programme, store: h.store, chats: [h.teams.chat], logger: silentLogger, sleep: async () => {}, tickId: 't' }, at('2025-10-16T08:00:00Z'));
  const channel = CHANNEL.id.split(';')[0]!;
  expect(report.sent.map(formatDelivery)).toContain(`escalation-3 teams:${channel} agency-compliance escalation-3@2025-10-01`);
  const call = await h.connector.waitFor((c) => c.kind === 'send' && JSON.stringify(c.body).includes('Escalated to leadership: agency-compliance'));
  expect(call.conversationId).toBe(channel);
  const card = call.body.attachments.find((a: { contentType: string }) => a.contentType === ADAPTIVE).content;
  // Teams shows the buttons' short labels, readable at phone width.
  expect(card.actions).toContainEqual({ type: 'Action.Submit', title: 'Ack', data: { reformCommand: 'ack agency-compliance' } });
  expect(card.msteams.entities).toContainEqual({ type: 'mention', text: '<at>Carol King</at>', mentioned: { id: 'aad-carol', name: 'Carol King' } });

  // Carol, the lead, presses Acknowledge: the card is replaced with the outcome, and no step waits any more.
  tb.setNow('2025-10-16T10:00:00Z');
  await h.say({ value: { reformCommand: 'ack agency-compliance' }, replyToId: 'card-esc', from: CAROL });
  const update = await h.connector.waitFor((c) => c.kind === 'update');
  expect(update.activityId).toBe('card-esc');
  expect(JSON.stringify(update.body)).toContain('agency-compliance: overdue, acknowledged by @Carol King');
  expect((await h.store.read()).items['agency-compliance']?.acknowledged).toMatchObject({ by: 'teams:aad-carol', deadline: '2025-10-01' });
}, 30_000);
