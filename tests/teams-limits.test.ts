// Teams' limits and card readability through the real botbuilder code against the fake Bot Connector: the size
// guard measures the activity as sent, reminder cards show RAG once and short buttons, and long notes are cut
// between words.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ACTIVITY_BYTES, MAX_CARD_TEXT, renderCard } from '../adapters/teams/render.js';
import { reply, type ReplyItem } from '../src/replies/model.js';
import { reminderMessage } from '../src/schedule/messages.js';
import { allMilestoneItems } from '../src/tracking/items.js';
import { PERSONAL, startTeams, type TeamsHarness } from './fakes/bot-connector.js';
import { at, testBot } from './helpers.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A real reminder for kinship-strategy, rated amber with a long note, as the scheduler builds it. */
async function realReminder(note: string) {
  const t = testBot(undefined, '2026-11-24T10:00:00Z');
  await t.say('rag kinship-strategy amber');
  await t.say(`note kinship-strategy ${note}`);
  const state = await t.store.read();
  const item = allMilestoneItems(t.bot.programme, state, at('2026-11-24T10:00:00Z')).find((i) => i.id === 'kinship-strategy')!;
  return reminderMessage(t.bot.programme, item, { kind: 'overdue', at: at('2026-11-24T09:00:00Z') } as never, at('2026-11-24T10:00:00Z'));
}

describe('Teams reminder cards', () => {
  it('show the RAG rating once, short button labels, and a long note cut after a whole word', async () => {
    const words = 'partners agreed the revised timetable at the board meeting ';
    const note = words.repeat(30).trim(); // 1,800 characters: more than a card shows, less than a command takes
    h = await startTeams();
    await h.say({ text: 'help', conversation: PERSONAL });
    const to = (await h.store.read()).directChannels['teams:aad-alice']!;
    h.connector.calls.length = 0;
    expect(await h.teams.chat.send(to, await realReminder(note), { key: 'k-card' })).toMatchObject({ ok: true });
    const call = await h.connector.waitFor((c) => c.kind === 'send');
    const card = call.body.attachments[0].content;
    const json = JSON.stringify(card.body);
    expect(json.match(/RAG/g)).toHaveLength(1);
    expect(json).toContain('RAG amber');
    expect(card.actions.map((a: { title: string }) => a.title)).toEqual(['Done', 'Take it', 'Snooze', 'Ack']); // an overdue nudge can be acknowledged
    const facts = card.body.flatMap((e: any) => e.items ?? []).flatMap((e: any) => e.facts ?? []);
    const shown: string = facts.find((f: { title: string }) => f.title === 'note').value;
    expect(shown.length).toBeLessThanOrEqual(MAX_CARD_TEXT + 20);
    // Cut after a whole word: what is shown is a prefix of the note ending at a word's end.
    const kept = shown.split('…')[0]!;
    expect(note.startsWith(kept)).toBe(true);
    expect(note[kept.length]).toBe(' ');
  });

  it('render the reply buttons with their long labels where a reply has no short ones', () => {
    const card = renderCard({ ...reply('answer', 'h'), buttons: [{ label: 'Show me everything', command: 'next' }] });
    expect((card.actions as { title: string }[])[0]!.title).toBe('Show me everything');
  });
});

describe('the Teams size guard', () => {
  // Many small items: the guard keeps as many as fit, so what it measures sits just under its line.
  const item = (i: number): ReplyItem => ({ id: `m-${i}`, title: `Milestone ${i}`, status: 'overdue', fields: [{ label: 'note', value: ['a short note that takes some room'] }] });
  const big = reply('answer', 'Overdue', [{ items: Array.from({ length: 200 }, (_, i) => item(i)) }]);

  it('measures a scheduled message as botbuilder sends it, addressing included', async () => {
    h = await startTeams();
    await h.say({ text: 'help', conversation: PERSONAL });
    const to = (await h.store.read()).directChannels['teams:aad-alice']!;
    h.connector.calls.length = 0;
    expect(await h.teams.chat.send(to, big, { key: 'k-size' })).toMatchObject({ ok: true });
    const call = await h.connector.waitFor((c) => c.kind === 'send');
    expect(JSON.stringify(call.body)).toContain('more not shown here');
    expect(call.bytes).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(call.bytes).toBeGreaterThan(MAX_ACTIVITY_BYTES - 1_000);
  });

  it('measures a reply as botbuilder sends it, addressing included', async () => {
    const tb = testBot();
    h = await startTeams({ testBot: { ...tb, bot: { programme: tb.bot.programme, handle: async () => big } } });
    await h.say({ text: 'overdue', conversation: PERSONAL });
    const call = await h.connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send');
    expect(JSON.stringify(call.body)).toContain('more not shown here');
    expect(call.bytes).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(call.bytes).toBeGreaterThan(MAX_ACTIVITY_BYTES - 1_000);
  });
});
