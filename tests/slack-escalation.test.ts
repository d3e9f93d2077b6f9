// The escalation ladder through the real Bolt app and Web API client against the fake Slack API: `lead` and `ack`
// as slash commands, step 2 as a direct message to a lead on Slack (a post-title lead in the reminders channel),
// step 3 as a post in the channel subscribed with `subscribe escalations`, and the Acknowledge button.
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../src/ports.js';
import { formatDelivery, tick } from '../src/schedule/tick.js';
import { startHarness, waitFor, type Harness } from './fakes/slack-api.js';
import { at, testBot } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BOSS = { id: 'UBOSS', name: 'boss' };
const texts = (message: { blocks?: any[]; text?: string }): string =>
  [message.text, ...(message.blocks ?? []).flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text), ...(b.fields ?? []).map((f: any) => f.text)])].filter(Boolean).join('\n');

it('lead, a direct message to a Slack lead, a post-title lead in the channel, the leadership post, the Acknowledge button and ack', async () => {
  h = await startHarness({ editors: ['slack:UBOSS'] });
  const harness = h;
  // The channels subscribed in September 2025, before agency-compliance (due 1 October 2025) fell overdue.
  const early = testBot(undefined, '2025-09-01T10:00:00Z', { store: h.store });
  for (const [kind, channel] of [['escalations', 'CLEAD'], ['reminders', 'CREM']]) {
    await early.bot.handle({ text: `subscribe ${kind}`, user: { id: 'slack:UBOSS', name: 'boss' }, platform: 'slack', channel: channel! });
  }
  expect((await h.command('lead agency <@U0LEAD|lena>', 'l0')).ack!.text).toContain('Only the editors can name leads');
  const named = (await h.command('lead agency <@U0LEAD|lena>', 'l1', BOSS)).ack!;
  expect(named.response_type).toBe('in_channel');
  expect(texts(named)).toContain('@lena now leads agency');
  expect(h.store.snapshot().leads.agency).toEqual({ id: 'slack:U0LEAD', name: 'lena' });
  await h.command('lead workforce Head of Workforce', 'l2', BOSS);

  const run = (iso: string) => tick({ programme: harness.bot.programme, store: harness.store, chats: [harness.slack.chat], logger: silentLogger, sleep: async () => {}, tickId: 't' }, at(iso));
  // Step 2, Tuesday 7 October 2025 at 09:00 London: lena directly, the post title in the reminders channel.
  const step2 = (await run('2025-10-07T08:00:00Z')).sent.map(formatDelivery).filter((d) => d.includes('agency-compliance'));
  expect(step2).toEqual(['escalation-2 slack:U0LEAD agency-compliance escalation-2@2025-10-01', 'escalation-2 slack:CREM agency-compliance escalation-2@2025-10-01']);
  const posts = () => harness.api.callsTo('chat.postMessage').map((c) => c.args as any);
  const dm = posts().find((p) => p.channel === 'U0LEAD' && texts(p).includes('agency-compliance'))!;
  expect(texts(dm)).toContain('Escalated to its lead: agency-compliance is overdue by 6 days');
  expect(JSON.stringify(dm.blocks)).toContain('"value":"ack agency-compliance"');
  expect(texts(posts().find((p) => p.channel === 'CREM' && texts(p).includes('agency-compliance'))!)).toContain('Head of Workforce');

  // Step 3, Thursday 16 October: the leadership channel, mentioning the lead.
  const step3 = (await run('2025-10-16T08:00:00Z')).sent.map(formatDelivery).filter((d) => d.includes('agency-compliance'));
  expect(step3).toEqual(['escalation-3 slack:CLEAD agency-compliance escalation-3@2025-10-01']);
  const board = posts().find((p) => p.channel === 'CLEAD' && texts(p).includes('agency-compliance'))!;
  expect(texts(board)).toContain('Escalated to leadership: agency-compliance');
  expect(texts(board)).toContain('<@U0LEAD>');
  const button = board.blocks.find((b: any) => b.type === 'actions').elements.find((e: any) => e.value === 'ack agency-compliance');
  expect(button.text.text).toBe('Acknowledge');

  // Someone who is neither owner, lead nor editor cannot acknowledge; the lead can, with the button.
  expect((await h.command('ack agency-compliance', 'a0')).ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining("You can't acknowledge agency-compliance") });
  expect(await h.click(board, button, 'ack-click', { user: { id: 'U0LEAD', name: 'lena' }, channel: { id: 'CLEAD', name: 'leadership' }, ts: '1700000000.000200' })).toBe(200);
  const update = await waitFor(() => harness.api.responses.find((r) => r.path === '/respond/ack-click')?.body, 'the button outcome');
  expect(update.replace_original).toBe(true);
  expect(texts(update)).toContain('agency-compliance: overdue, acknowledged by @lena');
  expect(h.store.snapshot().items['agency-compliance']?.acknowledged).toMatchObject({ by: 'slack:U0LEAD', deadline: '2025-10-01' });
  expect(texts((await h.command('status agency-compliance', 's1')).ack!)).toContain('acknowledged by @lena on 24 November 2026');

  // An editor acknowledges another overdue item with the slash command, in the channel.
  const acked = (await h.command('ack national-framework waiting for the DfE', 'a1', BOSS)).ack!;
  expect(acked.response_type).toBe('in_channel');
  expect(texts(acked)).toContain('national-framework: overdue, acknowledged by @boss');
}, 30_000);
