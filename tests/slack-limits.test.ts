// Slack's field limits through the real Bolt app and Web API client against the strict fake Slack: a digest and
// an answer too long for one message arrive whole, in order, once; a message Slack refuses as it is gets
// smaller, never sent again unchanged; and user text cannot break the bot's own formatting.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { reply } from '../src/replies/model.js';
import { startHarness, waitFor, type Harness } from './fakes/slack-api.js';
import { blocksTextLength } from './fakes/slack-limits.js';
import { at, programmeFrom } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A programme of `n` milestones, m-0 … m-(n-1), due on successive days of March 2026 (overdue by November). */
function bigProgramme(n: number) {
  const lines = ['programme: Big programme', 'milestones:'];
  for (let i = 0; i < n; i++) lines.push(`  - id: m-${i}`, `    title: Milestone number ${i} of the big programme`, `    due: ${(i % 28) + 1} ${i < 28 ? 'March' : 'April'} 2026`, '    themes: [t]');
  return programmeFrom(lines.join('\n'));
}

/** A long note, different for each milestone, in plain words; it ends with a word that marks its end. */
const longNote = (i: number) => `${`Update ${i}: the partners met again and agreed the next steps for the board. `.repeat(9)}End${i}.`;

const as = (h: Harness, text: string) => h.bot.handle({ text, user: { id: 'console:setup', name: 'setup' }, platform: 'console', channel: 'setup' });

/** Every text of every block of a message, in order. */
const textsOf = (blocks: any[]): string[] => blocks.flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text)]).filter((t): t is string => typeof t === 'string');

describe('long messages within Slack limits', () => {
  it('a digest of 40 milestones with long notes reaches the channel whole, in order, once', async () => {
    const programme = bigProgramme(40);
    h = await startHarness({ programme });
    for (let i = 0; i < 40; i++) await as(h, `note m-${i} ${longNote(i)}`);
    await h.bot.handle({ text: 'subscribe digest', user: { id: 'slack:U1', name: 'clerk' }, platform: 'slack', channel: 'C3' });
    const run = (iso: string) => tick({ programme, store: h!.store, chats: [h!.slack.chat], logger: silentLogger, sleep: async () => undefined, tickId: 't' }, at(iso));
    const report = await run('2026-11-30T09:00:00Z');
    expect(report.sent).toHaveLength(1);
    expect(report.pending).toEqual([]);
    const posts = h.api.callsTo('chat.postMessage').map((c) => c.args);
    // More than the four parts a reply may have, and each within what Slack takes (the fake refuses the rest).
    expect(posts.length).toBeGreaterThan(4);
    for (const p of posts) expect(blocksTextLength(p.blocks)).toBeLessThanOrEqual(12_000);
    expect(posts.map((p) => p.metadata.event_payload.part)).toEqual(posts.map((_, i) => i + 1));
    const all = posts.flatMap((p) => textsOf(p.blocks)).join('\n');
    expect(all).not.toContain('not shown');
    // Every milestone, in order, with its whole note.
    const where = Array.from({ length: 40 }, (_, i) => all.indexOf(`\`m-${i}\``));
    expect(where.every((w) => w >= 0)).toBe(true);
    expect([...where].sort((a, b) => a - b)).toEqual(where);
    for (let i = 0; i < 40; i++) expect(all).toContain(longNote(i));
    // Once: a later tick posts nothing more.
    expect((await run('2026-11-30T09:05:00Z')).sent).toEqual([]);
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts.length);
  });

  it('a long "owned nobody" answer arrives whole at the response_url, in order, in messages Slack takes', async () => {
    h = await startHarness({ programme: bigProgramme(30) });
    for (let i = 0; i < 30; i++) await as(h, `note m-${i} ${longNote(i)}`);
    const { ack } = await h.command('owned nobody', 'nobody');
    expect(ack).toBeUndefined();
    const first = await waitFor(() => h!.api.responses[0]?.body, 'the first part');
    const count = Number(first.blocks[0].text.text.match(/of (\d)\)$/)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
    await waitFor(() => (h!.api.responses.length >= count ? true : undefined), `all ${count} parts`);
    const all = h.api.responses.map((r) => textsOf(r.body.blocks).join('\n')).join('\n');
    expect(all).not.toContain('not shown');
    const where = Array.from({ length: 30 }, (_, i) => all.indexOf(`\`m-${i}\``));
    expect(where.every((w) => w >= 0)).toBe(true);
    for (let i = 0; i < 30; i++) expect(all).toContain(longNote(i));
  });

  it('a reply Slack refuses at the response_url is re-split or shortened, never lost, within five messages', async () => {
    h = await startHarness({ programme: bigProgramme(30) });
    for (let i = 0; i < 30; i++) await as(h, `note m-${i} ${longNote(i)}`);
    h.api.blocksTextLimit = 4_000;
    await h.command('owned nobody', 'low');
    // Every part was refused once (HTTP 400 msg_blocks_too_long) and then taken smaller; the last says where the rest is.
    // The last part is the one numbered "(n of n)".
    await waitFor(() => h!.api.responses.find((r) => /\((\d) of \1\)/.test(r.body.blocks?.[0]?.text?.text ?? '')), 'the last part');
    expect(JSON.stringify(h.api.responses.map((r) => r.body))).toContain('would not take this message in full: see it with_ `/reform status &lt;id&gt;`');
    expect(h.api.refusals.length).toBeGreaterThan(0);
    expect(h.api.refusals.every((r) => r.error === 'msg_blocks_too_long')).toBe(true);
    h.api.refusals.length = 0;
    expect(h.api.responses.length).toBeLessThanOrEqual(5);
    const all = h.api.responses.map((r) => textsOf(r.body.blocks).join('\n')).join('\n');
    expect(all).toContain('`m-0`');
    expect(h.logs.some((l) => /refused a reply as it was \(msg_blocks_too_long\)/.test(l.message))).toBe(true);
    // No apology: the answer got through.
    expect(all).not.toMatch(/sorry/i);
  });

  it('a busy council\'s App Home (many overdue items with long notes) stays within the 100 blocks Slack takes in a view', async () => {
    h = await startHarness({ programme: bigProgramme(60) });
    for (let i = 0; i < 60; i++) await as(h, `note m-${i} ${longNote(i)}`);
    const event = { team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'EvHome', event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', event_ts: '1.1' } };
    await h.post(JSON.stringify(event), 'application/json');
    const published = await waitFor(() => h!.api.callsTo('views.publish')[0], 'views.publish');
    // The fake refuses a view past Slack's limits (it would be in h.api.refusals); this one was taken.
    expect(h.api.refusals).toEqual([]);
    expect(published.args.view.blocks.length).toBeLessThanOrEqual(100);
    // The overdue panel was full, and says where the rest are.
    expect(JSON.stringify(published.args.view.blocks)).toContain('more with_ `/reform overdue`');
  });

  it('a message Slack refuses as too long is re-split smaller, logged, and counted as delivered once', async () => {
    h = await startHarness();
    // Slack's cumulative limit is undocumented: here it is lower than the bot's budget.
    h.api.blocksTextLimit = 4_000;
    const long = reply('answer', 'Weekly digest', [{ lines: Array.from({ length: 30 }, (_, i) => [`Line ${i}: ${'words that fill the line '.repeat(10)}`]) }]);
    long.more = 'digest';
    const chat = h.slack.chat;
    const outcome = await chat.send({ platform: 'slack', channel: 'C5' }, long, { key: 'C5|digest|w' });
    expect(outcome.ok).toBe(true);
    const calls = h.api.callsTo('chat.postMessage');
    expect(h.api.refusals.map((r) => r.error)).toEqual(['msg_blocks_too_long']);
    h.api.refusals.length = 0;
    // The refused message was not sent again as it was: what followed is smaller, and all of it arrived.
    expect(blocksTextLength(calls[1]!.args.blocks)).toBeLessThan(blocksTextLength(calls[0]!.args.blocks));
    const accepted = calls.slice(1);
    const shown = accepted.flatMap((c) => textsOf(c.args.blocks)).join('\n');
    for (let i = 0; i < 30; i++) expect(shown).toContain(`Line ${i}:`);
    expect(accepted.map((c) => c.args.metadata.event_payload.part)).toEqual(accepted.map((_, i) => i + 1));
    expect(accepted.at(-1)!.args.metadata.event_payload).toMatchObject({ part: accepted.length, parts: accepted.length });
    expect(h.logs.some((l) => l.level === 'warn' && /refused a message as it was \(msg_blocks_too_long\); re-split into \d/.test(l.message))).toBe(true);
    expect(await chat.alreadyDelivered!({ platform: 'slack', channel: 'C5' }, 'C5|digest|w')).toBe(true);
  });
});

