// The scheduler's Slack Chat (chat.postMessage with the ledger key in metadata, errors as SendOutcomes) and the
// start-up credential check, through the real Bolt app and Web API client against the fake Slack API.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, SlackStartupError } from '../adapters/slack/app.js';
import { silentLogger } from '../src/ports.js';
import { reply } from '../src/replies/model.js';
import { startFakeSlackApi, startHarness, type FakeSlackApi, type Harness } from './fakes/slack-api.js';
import { at, programmeFrom, testBot } from './helpers.js';
import { tick } from '../src/schedule/tick.js';

const nudge = reply('answer', 'Due soon: multi-agency-cp', [{ lines: [['Owner ', { owner: { id: 'slack:U123', name: 'alice' } }, ' please update <!channel>']] }]);

/** A digest too long for one Slack message: it goes out in parts. */
const longDigest = reply('answer', 'Weekly digest', [
  { items: Array.from({ length: 120 }, (_, i) => ({ id: `m-${i}`, title: `Milestone ${i}`, fields: [{ label: 'due', value: [`end March 2027 · deadline ${i} days away`] }] })) },
]);

/** The delivery marks of every chat.postMessage call, in order (a refused call included). */
const partsOf = (api: FakeSlackApi) => api.callsTo('chat.postMessage').map((c) => c.args.metadata.event_payload as Record<string, unknown>);

let h: Harness | undefined;
let api: FakeSlackApi | undefined;
afterEach(async () => {
  await h?.close();
  await api?.close();
  h = api = undefined;
});

describe('Slack Chat for nudges and digests', () => {
  it('posts to the channel with the ledger key in metadata and returns the receipt', async () => {
    h = await startHarness();
    const outcome = await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'reminder:multi-agency-cp:2026-11-24' });
    const [call] = h.api.callsTo('chat.postMessage');
    expect(call!.args.metadata).toEqual({ event_type: 'reform_delivery', event_payload: { key: 'reminder:multi-agency-cp:2026-11-24' } });
    expect(call!.args.channel).toBe('C9');
    expect(call!.args.text).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(call!.args.blocks)).toContain('<@U123>');
    expect(outcome).toEqual({ ok: true, receipt: { ts: expect.any(String), channel: 'C9', parts: 1 } });
  });

  it('honours a 429 by returning Retry-After as retryAfterMs, without retrying or sleeping itself', async () => {
    h = await startHarness();
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '7' }, body: { ok: false, error: 'ratelimited' } });
    const started = Date.now();
    const outcome = await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k1' });
    expect(outcome).toMatchObject({ ok: false, retryAfterMs: 7000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('marks a channel that refuses posts as permanent, and a server error as worth retrying', async () => {
    h = await startHarness();
    for (const error of ['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action_read_only_channel', 'user_not_found']) {
      h.api.script('chat.postMessage', { body: { ok: false, error } });
      expect(await h.slack.chat.send({ platform: 'slack', channel: 'C404' }, nudge, { key: 'k' })).toEqual({ ok: false, error, permanent: true, refused: true });
    }
    h.api.script('chat.postMessage', { status: 503, body: { ok: false } });
    const outcome = await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k' });
    expect(outcome).toMatchObject({ ok: false, error: 'http_503' });
    expect(outcome).not.toHaveProperty('permanent');
    expect(outcome).not.toHaveProperty('refused');
    // Slack's own trouble may have stored the message; any other stated reason did not.
    h.api.script('chat.postMessage', { body: { ok: false, error: 'internal_error' } });
    expect(await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k' })).toEqual({ ok: false, error: 'internal_error' });
    h.api.script('chat.postMessage', { body: { ok: false, error: 'team_added_to_org' } });
    expect(await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k' })).toEqual({ ok: false, error: 'team_added_to_org', refused: true });
  });

  it('a refused bot token marks no channel failing: sends wait a quarter of an hour and go out once it is fixed', async () => {
    h = await startHarness();
    const programme = programmeFrom('programme: P\nmilestones:\n  - id: m1\n    title: Thing\n    due: 5 April 2024\n    themes: [kinship]\n');
    const { bot } = testBot(programme, '2024-01-01T12:00:00Z', { store: h.store });
    for (const channel of ['C1', 'C2']) await bot.handle({ text: 'subscribe reminders', user: { id: 'slack:U1', name: 'alice' }, platform: 'slack', channel });
    const run = (iso: string) => tick({ programme, store: h!.store, chats: [h!.slack.chat], logger: silentLogger, sleep: async () => {}, tickId: 't' }, at(iso));
    for (let i = 0; i < 2; i++) h.api.script('chat.postMessage', { body: { ok: false, error: 'token_revoked' } });
    const first = await run('2024-03-08T09:00:00Z');
    expect(first.failing).toEqual([]);
    expect(first.pending.map((d) => d.error)).toEqual([expect.stringContaining('token_revoked: Slack refused the bot'), expect.stringContaining('token_revoked')]);
    let state = await h.store.read();
    expect(state.subscriptions.map((s) => s.failing)).toEqual([undefined, undefined]);
    expect(Object.values(state.ledger).map((e) => [e.uncertain, e.nextAttemptAt])).toEqual([[undefined, '2024-03-08T09:15:00.000Z'], [undefined, '2024-03-08T09:15:00.000Z']]);
    expect((await run('2024-03-08T09:10:00Z')).sent).toEqual([]);
    // Fixed: both go out, without reading the history first (nothing was posted).
    expect((await run('2024-03-08T09:15:00Z')).sent.map((d) => d.channel)).toEqual(['C1', 'C2']);
    expect(h.api.callsTo('conversations.history')).toEqual([]);
    state = await h.store.read();
    expect(Object.values(state.ledger).map((e) => e.state)).toEqual(['sent', 'sent']);
  });

  it('a send Slack refused with a stated reason is tried again without reading the history first', async () => {
    h = await startHarness();
    const programme = programmeFrom('programme: P\nmilestones:\n  - id: m1\n    title: Thing\n    due: 5 April 2024\n    themes: [kinship]\n');
    const { bot } = testBot(programme, '2024-01-01T12:00:00Z', { store: h.store });
    await bot.handle({ text: 'subscribe reminders', user: { id: 'slack:U1', name: 'alice' }, platform: 'slack', channel: 'C1' });
    h.api.script('chat.postMessage', { body: { ok: false, error: 'team_added_to_org' } });
    const report = await tick({ programme, store: h.store, chats: [h.slack.chat], logger: silentLogger, sleep: async () => {}, tickId: 't' }, at('2024-03-08T09:00:00Z'));
    expect(report.sent.map((d) => d.channel)).toEqual(['C1']);
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(2);
    expect(h.api.callsTo('conversations.history')).toEqual([]);
  });

  it('alreadyDelivered finds the key in conversations.history metadata, also for an owner DM by user id', async () => {
    h = await startHarness();
    const chat = h.slack.chat;
    await chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'digest:2026-W48' });
    expect(await chat.alreadyDelivered!({ platform: 'slack', channel: 'C9' }, 'digest:2026-W48')).toBe(true);
    expect(await chat.alreadyDelivered!({ platform: 'slack', channel: 'C9' }, 'digest:2026-W49')).toBe(false);
    expect(h.api.callsTo('conversations.history')[0]!.args).toMatchObject({ channel: 'C9', include_all_metadata: 'true', limit: '200' });
    const dm = chat.directDestination!('slack:U123');
    expect(dm).toEqual({ platform: 'slack', channel: 'U123' });
    expect(chat.directDestination!('console:alice')).toBeUndefined();
    await chat.send(dm!, nudge, { key: 'owner:U123:1' });
    expect(h.api.callsTo('chat.postMessage').at(-1)!.args.channel).toBe('U123');
    expect(await chat.alreadyDelivered!({ platform: 'slack', channel: 'U123' }, 'owner:U123:1')).toBe(true);
  });

  it('alreadyDelivered looks back past the first page of history', async () => {
    h = await startHarness();
    const chat = h.slack.chat;
    const to = { platform: 'slack', channel: 'C7' };
    await chat.send(to, nudge, { key: 'old-key' });
    for (let i = 0; i < 450; i++) await h.slack.chat.send(to, { ...nudge, buttons: [] }, { key: `later-${i}` });
    expect(await chat.alreadyDelivered!(to, 'old-key')).toBe(true);
    expect(h.api.callsTo('conversations.history').filter((c) => c.args.channel === 'C7')).toHaveLength(3);
  }, 30_000);

  it('marks every part of a long send; after a 429 on part 2, the next attempt goes on from its receipt', async () => {
    h = await startHarness();
    const chat = h.slack.chat;
    const to = { platform: 'slack', channel: 'C5' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '3' }, body: { ok: false, error: 'ratelimited' } });
    const first = await chat.send(to, longDigest, { key: 'digest:2026-W48' });
    const total = partsOf(h.api)[0]!.parts as number;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(first).toEqual({ ok: false, error: 'rate_limited', retryAfterMs: 3000, receipt: { parts: total, posted: 1, render: expect.any(String), rest: expect.any(Array) } });
    expect((first as { receipt: Record<string, unknown> }).receipt.rest).toHaveLength(total - 1);
    // Part 1 arrived, so the send is not delivered as a whole.
    expect(await chat.alreadyDelivered!(to, 'digest:2026-W48')).toBe(false);
    const historyReads = h.api.callsTo('conversations.history').length;

    const second = await chat.send(to, longDigest, { key: 'digest:2026-W48', receipt: (first as { receipt: Record<string, unknown> }).receipt });
    expect(partsOf(h.api).map((p) => p.part)).toEqual([1, 2, ...Array.from({ length: total - 1 }, (_, i) => i + 2)]);
    expect(partsOf(h.api).every((p) => p.key === 'digest:2026-W48' && p.parts === total)).toBe(true);
    expect(second).toMatchObject({ ok: true, receipt: { channel: 'C5', parts: total, posted: total, resumedAt: 2 } });
    // Going on from a receipt needs no history: a channel the bot may post to but not read is served too.
    expect(h.api.callsTo('conversations.history')).toHaveLength(historyReads);
    expect(await chat.alreadyDelivered!(to, 'digest:2026-W48')).toBe(true);
  });

  it('an attempt after one that may have posted unheard reads the channel, and goes on after the last part there', async () => {
    h = await startHarness();
    const chat = h.slack.chat;
    const to = { platform: 'slack', channel: 'C4' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 500, body: { ok: false } });
    const first = (await chat.send(to, longDigest, { key: 'k' })) as { receipt: Record<string, unknown> };
    expect(first.receipt.posted).toBe(2);
    const total = first.receipt.parts as number;
    // A receipt that knows only of part 1 (as if part 2's answer had been lost): the channel shows part 2 too.
    const part2 = h.api.callsTo('chat.postMessage')[1]!.args;
    const behind = { ...first.receipt, posted: 1, rest: [{ text: part2.text, blocks: part2.blocks }, ...(first.receipt.rest as unknown[])] };
    const second = await chat.send(to, longDigest, { key: 'k', receipt: behind, uncertain: true });
    expect(partsOf(h.api).map((p) => p.part)).toEqual([1, 2, 3, ...Array.from({ length: total - 2 }, (_, i) => i + 3)]);
    expect(second).toMatchObject({ ok: true, receipt: { resumedAt: 3 } });
    // With no receipt at all (a crash), the same rendering's parts in the channel are found just the same.
    const fresh = { platform: 'slack', channel: 'C4-crash' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 500, body: { ok: false } });
    await chat.send(fresh, longDigest, { key: 'k2' });
    expect(await chat.send(fresh, longDigest, { key: 'k2', uncertain: true })).toMatchObject({ ok: true, receipt: { resumedAt: 2 } });
    // A history that shows fewer parts than the receipt (they are past the pages read) never undoes the receipt.
    const elsewhere = { platform: 'slack', channel: 'C4-empty' };
    expect(await chat.send(elsewhere, longDigest, { key: 'k', receipt: first.receipt, uncertain: true })).toMatchObject({ ok: true, receipt: { resumedAt: 3 } });
    // A send marked the old way (the key without part numbers) counts as all there.
    await chat.send(to, nudge, { key: 'old-style' });
    const before = h.api.callsTo('chat.postMessage').length;
    expect(await chat.send(to, longDigest, { key: 'old-style', uncertain: true })).toMatchObject({ ok: true, receipt: { recovered: true } });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(before);
  });

  it('a failure on part 1 that Slack may have stored keeps the whole rendering, and the next attempt looks first', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C7' };
    // Slack stores part 1 but the answer is a 500: the bot cannot know part 1 is there.
    h.api.script('chat.postMessage', { alsoStore: true, status: 500, body: { ok: false } });
    const first = (await h.slack.chat.send(to, longDigest, { key: 'k' })) as { ok: false; receipt: Record<string, unknown> };
    const total = partsOf(h.api)[0]!.parts as number;
    expect(first).toMatchObject({ ok: false, error: 'http_500', receipt: { parts: total, posted: 0 } });
    expect(first.receipt.rest).toHaveLength(total);
    expect(await h.slack.chat.send(to, longDigest, { key: 'k', receipt: first.receipt, uncertain: true })).toMatchObject({ ok: true, receipt: { resumedAt: 2 } });
    expect(partsOf(h.api).map((p) => p.part)).toEqual([1, ...Array.from({ length: total - 1 }, (_, i) => i + 2)]);
  });

  it('a send refused twice, at part 2 and then at part 3, posts each part once in the end', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C9' };
    const refuse = { status: 429, headers: { 'Retry-After': '1' }, body: { ok: false, error: 'ratelimited' } };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', refuse);
    const first = (await h.slack.chat.send(to, longDigest, { key: 'k' })) as { receipt: Record<string, unknown> };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', refuse);
    const second = (await h.slack.chat.send(to, longDigest, { key: 'k', receipt: first.receipt })) as { receipt: Record<string, unknown> };
    const total = first.receipt.parts as number;
    expect(total).toBe(3);
    expect(second.receipt).toMatchObject({ posted: 2, parts: total });
    expect(second.receipt.rest).toHaveLength(total - 2);
    expect(await h.slack.chat.send(to, longDigest, { key: 'k', receipt: second.receipt })).toMatchObject({ ok: true });
    const arrived = h.api.callsTo('chat.postMessage').filter((_, i) => i !== 1 && i !== 3).map((c) => c.args.metadata.event_payload.part);
    expect(arrived).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('after a crash (no receipt), an attempt that cannot read the history waits rather than start again', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C10' };
    h.api.script('conversations.history', { body: { ok: false, error: 'ratelimited' } });
    expect(await h.slack.chat.send(to, longDigest, { key: 'k', uncertain: true })).toEqual({ ok: false, error: 'could not check which parts already arrived: ratelimited' });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('without the history, an uncertain attempt goes on from its receipt, with a warning, rather than wait', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C6' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 503, body: { ok: false } });
    const first = (await h.slack.chat.send(to, longDigest, { key: 'k' })) as { receipt: Record<string, unknown> };
    h.api.script('conversations.history', { body: { ok: false, error: 'not_in_channel' } });
    expect(await h.slack.chat.send(to, longDigest, { key: 'k', receipt: first.receipt, uncertain: true })).toMatchObject({ ok: true, receipt: { resumedAt: 2 } });
    expect(h.api.callsTo('conversations.history')).toHaveLength(1);
    expect(partsOf(h.api).filter((p) => p.part === 1)).toHaveLength(1);
    expect(h.logs.some((l) => l.level === 'warn' && l.context?.error === 'not_in_channel')).toBe(true);
  });

  it('goes on with the parts as first rendered, so a message changed in between still reads as one', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C8' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '1' }, body: { ok: false, error: 'ratelimited' } });
    const first = (await h.slack.chat.send(to, longDigest, { key: 'k' })) as { receipt: Record<string, unknown> };
    // Since then the last item changed (a late send, an edit): the rest goes out as rendered with part 1.
    const items = longDigest.sections[0]!.items!;
    const changed = reply('answer', 'Weekly digest', [{ items: [...items.slice(0, -1), { ...items.at(-1)!, title: 'Renamed' }] }]);
    expect(await h.slack.chat.send(to, changed, { key: 'k', receipt: first.receipt })).toMatchObject({ ok: true, receipt: { resumedAt: 2 } });
    const calls = h.api.callsTo('chat.postMessage');
    expect(partsOf(h.api).slice(2).map((p) => p.part)).toEqual(Array.from({ length: (first.receipt.parts as number) - 1 }, (_, i) => i + 2));
    expect(partsOf(h.api).every((p) => p.render === first.receipt.render)).toBe(true);
    expect(JSON.stringify(calls.at(-1)!.args.blocks)).toContain('Milestone 119');
    expect(JSON.stringify(calls.at(-1)!.args.blocks)).not.toContain('Renamed');
  });

  it('with no receipt (a crash), parts of another rendering in the channel are not taken for this one', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C2' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '1' }, body: { ok: false, error: 'ratelimited' } });
    await h.slack.chat.send(to, longDigest, { key: 'k' });
    const items = longDigest.sections[0]!.items!;
    const changed = reply('answer', 'Weekly digest', [{ items: [{ ...items[0]!, title: 'Renamed' }, ...items.slice(1)] }]);
    expect(await h.slack.chat.send(to, changed, { key: 'k', uncertain: true })).toMatchObject({ ok: true });
    const again = partsOf(h.api).slice(2);
    expect(again.map((p) => p.part)).toEqual(Array.from({ length: again[0]!.parts as number }, (_, i) => i + 1));
    expect(again[0]!.render).not.toBe(partsOf(h.api)[0]!.render);
  });

  it('a receipt that does not hold together (an edited store) is ignored: the message is rendered afresh', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C1' };
    const bad = { render: 'x', parts: 3, posted: 1, rest: [{ text: 'only one part left, not two', blocks: [] }] };
    expect(await h.slack.chat.send(to, longDigest, { key: 'k', receipt: bad })).toMatchObject({ ok: true });
    expect(partsOf(h.api)[0]!.part).toBe(1);
    expect(JSON.stringify(h.api.callsTo('chat.postMessage').map((c) => c.args.text))).not.toContain('only one part left');
  });

  it('a digest in parts refused at part 2 reaches the channel once, every part, through the scheduler', async () => {
    h = await startHarness();
    const lines = ['programme: Big programme', 'milestones:'];
    for (let i = 0; i < 120; i++) lines.push(`  - id: m-${i}`, `    title: Milestone ${i}`, '    due: March 2026', '    themes: [t]');
    const programme = programmeFrom(lines.join('\n'));
    const clerk = testBot(programme, '2026-11-29T12:00:00Z', { store: h.store });
    const subscribed = await clerk.bot.handle({ text: 'subscribe digest', user: { id: 'slack:U1', name: 'clerk' }, platform: 'slack', channel: 'C3' });
    expect(subscribed.tone).toBe('change');
    const run = (iso: string) => tick({ programme, store: h!.store, chats: [h!.slack.chat], logger: silentLogger, sleep: async () => undefined, tickId: 't' }, at(iso));
    h.api.script('chat.postMessage', { pass: true });
    // Retry-After longer than a tick waits: the digest stays pending until a later tick.
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '30' }, body: { ok: false, error: 'ratelimited' } });
    const first = await run('2026-11-30T09:00:00Z');
    expect(first.pending).toHaveLength(1);
    // Retried after it counts as late: rendered afresh it would now say so, but the rest goes out as begun.
    expect((await run('2026-11-30T09:20:00Z')).sent).toHaveLength(1);
    const posts = partsOf(h.api);
    const total = posts[0]!.parts as number;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(posts.map((p) => p.part)).toEqual([1, 2, ...Array.from({ length: total - 1 }, (_, i) => i + 2)]);
    expect(await h.slack.chat.alreadyDelivered!({ platform: 'slack', channel: 'C3' }, posts[0]!.key as string)).toBe(true);
  });

  it('treats an unreachable Slack as a temporary failure', async () => {
    h = await startHarness();
    await h.api.close();
    const outcome = await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k' });
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/^unreachable/) });
    expect(outcome).not.toHaveProperty('permanent');
  });

  it('gives up on a Slack that does not answer, as a temporary failure, within the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const apiUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/`;
      const slack = createSlackAdapter({ ...testBot(), config: { botToken: 'xoxb-t', signingSecret: 's', apiUrl }, logger: silentLogger, timeoutMs: 300 });
      const started = Date.now();
      const outcome = await slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k' });
      expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/^unreachable: timed out/) });
      expect(outcome).not.toHaveProperty('permanent');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('start-up check', () => {
  const adapter = (apiUrl: string, appToken?: string) =>
    createSlackAdapter({ ...testBot(), config: { botToken: 'xoxb-bad', signingSecret: 'test-secret', apiUrl, appToken }, logger: silentLogger, timeoutMs: 2000 });

  it('calls auth.test once and starts', async () => {
    h = await startHarness();
    expect(h.api.callsTo('auth.test')).toHaveLength(1);
  });

  it('bad credentials give one clear line naming the variable', async () => {
    api = await startFakeSlackApi();
    api.script('auth.test', { body: { ok: false, error: 'invalid_auth' } });
    const error = await adapter(api.apiUrl).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackStartupError);
    expect((error as Error).message).toBe('Slack rejected SLACK_BOT_TOKEN (invalid_auth): check the token in your environment or .env');
  });

  it('an unreachable Slack gives one clear line naming the address', async () => {
    api = await startFakeSlackApi();
    const url = api.apiUrl;
    await api.close();
    const error = await adapter(url).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackStartupError);
    expect((error as Error).message).toMatch(new RegExp(`^Cannot reach Slack at ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.+\\): check`));
    expect((error as Error).message).not.toContain('\n');
  });

  it('a rejected app token in Socket Mode names SLACK_APP_TOKEN', async () => {
    api = await startFakeSlackApi(); // no socketUrl: apps.connections.open answers invalid_auth
    const error = await adapter(api.apiUrl, 'xapp-bad').start().catch((e: unknown) => e);
    expect((error as Error).message).toBe('Slack rejected SLACK_APP_TOKEN (invalid_auth): check the token in your environment or .env');
  });
});

describe('reply retries', () => {
  it('retries passing troubles (429 with Retry-After, 5xx, network) and not refusals', async () => {
    const { retryDelay, ResponseUrlError } = await import('../adapters/slack/retry.js');
    expect(retryDelay(new ResponseUrlError(429, '3'), 0)).toBe(3000);
    expect(retryDelay(new ResponseUrlError(502, null), 1)).toBe(1000);
    expect(retryDelay(new ResponseUrlError(404, null), 0)).toBeUndefined();
    expect(retryDelay(new TypeError('fetch failed'), 0)).toBe(500);
    expect(retryDelay({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }, 0)).toBe(500);
    expect(retryDelay({ code: 'slack_webapi_platform_error', data: { error: 'invalid_blocks' } }, 0)).toBeUndefined();
    expect(retryDelay({ code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } }, 0)).toBeUndefined();
    expect(retryDelay({ code: 'slack_webapi_rate_limited_error', retryAfter: 4 }, 0)).toBe(4000);
  });
});
