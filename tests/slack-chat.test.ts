// The scheduler's Slack Chat (chat.postMessage with the ledger key in metadata, errors as SendOutcomes) and the
// start-up credential check, through the real Bolt app and Web API client against the fake Slack API.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, SlackStartupError } from '../adapters/slack/app.js';
import { silentLogger } from '../src/ports.js';
import { reply } from '../src/replies/model.js';
import { startFakeSlackApi, startHarness, type FakeSlackApi, type Harness } from './fakes/slack-api.js';
import { testBot } from './helpers.js';

const nudge = reply('answer', 'Due soon: multi-agency-cp', [{ lines: [['Owner ', { owner: { id: 'slack:U123', name: 'alice' } }, ' please update <!channel>']] }]);

/** A digest too long for one Slack message: it goes out in parts. */
const longDigest = reply('answer', 'Weekly digest', [
  { items: Array.from({ length: 120 }, (_, i) => ({ id: `m-${i}`, title: `Milestone ${i}`, fields: [{ label: 'due', value: [`end March 2027 · deadline ${i} days away`] }] })) },
]);

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
    for (const error of ['channel_not_found', 'not_in_channel', 'is_archived']) {
      h.api.script('chat.postMessage', { body: { ok: false, error } });
      expect(await h.slack.chat.send({ platform: 'slack', channel: 'C404' }, nudge, { key: 'k' })).toEqual({ ok: false, error, permanent: true });
    }
    h.api.script('chat.postMessage', { status: 503, body: { ok: false } });
    const outcome = await h.slack.chat.send({ platform: 'slack', channel: 'C9' }, nudge, { key: 'k' });
    expect(outcome).toMatchObject({ ok: false, error: 'http_503' });
    expect(outcome).not.toHaveProperty('permanent');
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

  it('marks every part of a long send, and a resend after a 429 on part 2 posts only the parts still missing', async () => {
    h = await startHarness();
    const chat = h.slack.chat;
    const to = { platform: 'slack', channel: 'C5' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '3' }, body: { ok: false, error: 'ratelimited' } });
    const first = await chat.send(to, longDigest, { key: 'digest:2026-W48' });
    expect(first).toMatchObject({ ok: false, retryAfterMs: 3000 });
    // Part 1 arrived, so the send is not yet delivered as a whole.
    expect(await chat.alreadyDelivered!(to, 'digest:2026-W48')).toBe(false);

    const second = await chat.send(to, longDigest, { key: 'digest:2026-W48', resend: true });
    const posts = h.api.callsTo('chat.postMessage').map((c) => c.args.metadata.event_payload);
    const total = posts[0]!.parts as number;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(posts.map((p) => p.part)).toEqual([1, 2, ...Array.from({ length: total - 1 }, (_, i) => i + 2)]);
    expect(posts.every((p) => p.key === 'digest:2026-W48' && p.parts === total)).toBe(true);
    expect(second).toEqual({ ok: true, receipt: { ts: expect.any(String), channel: 'C5', parts: total, resumedAt: 2 } });
    expect(await chat.alreadyDelivered!(to, 'digest:2026-W48')).toBe(true);
    // A resend of a send that all arrived posts nothing.
    expect(await chat.send(to, longDigest, { key: 'digest:2026-W48', resend: true })).toMatchObject({ ok: true, receipt: { recovered: true } });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(total + 1);
  });

  it('a resend whose message now splits into a different number of parts posts all of it again', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C8' };
    h.api.script('chat.postMessage', { pass: true });
    h.api.script('chat.postMessage', { status: 429, headers: { 'Retry-After': '1' }, body: { ok: false, error: 'ratelimited' } });
    await h.slack.chat.send(to, longDigest, { key: 'k' });
    const changed = reply('answer', 'Weekly digest', [{ items: [...longDigest.sections[0]!.items!, ...longDigest.sections[0]!.items!.slice(0, 50)] }]);
    expect(await h.slack.chat.send(to, changed, { key: 'k', resend: true })).toMatchObject({ ok: true });
    const resent = h.api.callsTo('chat.postMessage').slice(2).map((c) => c.args.metadata.event_payload);
    expect(resent.map((p) => p.part)).toEqual(Array.from({ length: resent.length }, (_, i) => i + 1));
    expect(resent[0]!.parts).not.toBe(h.api.callsTo('chat.postMessage')[0]!.args.metadata.event_payload.parts);
  });

  it('a first send of a long message does not read the history; a resend that cannot read it waits, posting nothing', async () => {
    h = await startHarness();
    const to = { platform: 'slack', channel: 'C6' };
    expect(await h.slack.chat.send(to, longDigest, { key: 'k-first' })).toMatchObject({ ok: true });
    expect(h.api.callsTo('conversations.history')).toHaveLength(0);
    const total = h.api.callsTo('chat.postMessage').length;
    h.api.script('conversations.history', { body: { ok: false, error: 'missing_scope' } });
    const outcome = await h.slack.chat.send(to, longDigest, { key: 'k-first', resend: true });
    // A temporary failure (no Retry-After, not permanent): the scheduler keeps it and checks again before resending.
    expect(outcome).toEqual({ ok: false, error: 'could not check which parts already arrived: missing_scope' });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(total);
    expect(h.logs.some((l) => l.level === 'warn' && l.context?.error === 'missing_scope')).toBe(true);
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
      const slack = createSlackAdapter({ bot: testBot().bot, config: { botToken: 'xoxb-t', signingSecret: 's', apiUrl }, logger: silentLogger, timeoutMs: 300 });
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
    createSlackAdapter({ bot: testBot().bot, config: { botToken: 'xoxb-bad', signingSecret: 'test-secret', apiUrl, appToken }, logger: silentLogger, timeoutMs: 2000 });

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
