// A digest subscription made in Teams survives a restart: the conversation reference lives in the store
// (not in memory), and after a new process starts, the digest reaches the channel exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createTeamsAdapter } from '../adapters/teams/adapter.js';
import { channelSubscriptions } from '../adapters/teams/migrate.js';
import { fileStore } from '../adapters/store/file-store.js';
import { silentLogger } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { BOT_MENTION, CHANNEL, startTeams, type TeamsHarness } from './fakes/bot-connector.js';
import { emptyState } from '../src/tracking/state.js';
import { at, testBot } from './helpers.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a digest subscription made before a restart gets the digest after it, exactly once', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'reform-teams-')), 'reform.json');
  // Before the restart: someone subscribes the channel on Friday 27 November 2026.
  h = await startTeams({ testBot: testBot(undefined, '2026-11-27T15:00:00Z', { store: fileStore(path) }) });
  expect(await h.say({ text: '<at>Reform</at> subscribe digest', entities: [BOT_MENTION] })).toBe(200);
  await h.connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send');
  const serviceUrl = h.connector.url;
  h.connector.calls.length = 0;

  // The restart: a new store object over the same file and a new adapter; nothing carried in memory.
  const store = fileStore(path);
  const restarted = testBot(undefined, '2026-11-30T09:00:00Z', { store });
  const teams = createTeamsAdapter({ bot: restarted.bot, store, logger: silentLogger, config: { devNoAuth: true } });
  const deps = { programme: restarted.bot.programme, store, chats: [teams.chat], logger: silentLogger, sleep: async () => undefined, tickId: 'after-restart' };

  expect((await tick(deps, at('2026-11-30T08:59:00Z'))).sent).toEqual([]);
  const monday = await tick(deps, at('2026-11-30T09:00:00Z'));
  // The channel, not the thread the subscription was typed in: a new post the whole channel sees.
  const channel = CHANNEL.id.split(';')[0]!;
  expect(monday.sent.map((d) => `${d.kind} ${d.platform}:${d.channel}`)).toEqual([`digest teams:${channel}`]);
  const call = await h.connector.waitFor((c) => c.kind === 'send');
  expect(call.conversationId).toBe(channel);
  expect(call.path.startsWith('/v3/conversations/')).toBe(true);
  expect(JSON.stringify(call.body)).toContain('Weekly digest');
  expect(serviceUrl).toBe(h.connector.url);

  // Later ticks the same week send nothing more.
  expect((await tick(deps, at('2026-11-30T09:01:00Z'))).sent).toEqual([]);
  expect((await tick(deps, at('2026-12-02T12:00:00Z'))).sent).toEqual([]);
  expect(h.connector.calls.filter((c) => c.kind === 'send')).toHaveLength(1);
});

it('a channel subscribed from one thread is the same channel in every other thread', async () => {
  h = await startTeams({ testBot: testBot(undefined, '2026-11-27T15:00:00Z') });
  const inThread = (n: number) => ({ ...CHANNEL, id: `19:general@thread.tacv2;messageid=17000000000${n}` });
  const say = async (text: string, n: number) => {
    h!.connector.calls.length = 0;
    expect(await h!.say({ text: `<at>Reform</at> ${text}`, entities: [BOT_MENTION], conversation: inThread(n) })).toBe(200);
    return JSON.stringify((await h!.connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send')).body);
  };
  expect(await say('subscribe digest', 1)).toContain('This channel will get the weekly digest');
  expect(await say('subscribe digest', 2)).toContain('This channel already gets the weekly digest');
  expect(await say('subscriptions', 3)).toContain('"summary":"1 subscription\\n\\ndigest → teams 19:general@thread.tacv2 · since');
  expect(await say('unsubscribe digest', 4)).toContain('This channel will no longer get the weekly digest');
});

it('a store from before: a subscription made in a thread moves to its channel, keeps what it sent, and gets one digest', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'reform-teams-')), 'reform.json');
  const store = fileStore(path);
  h = await startTeams({ testBot: testBot(undefined, '2026-11-20T15:00:00Z', { store }) });
  // As the previous version stored it: the subscription's id, channel and reference all name the thread.
  expect(await h.say({ text: '<at>Reform</at> subscribe digest', entities: [BOT_MENTION] })).toBe(200);
  const thread = CHANNEL.id;
  const channel = thread.split(';')[0]!;
  await store.update((state) => {
    const sub = state.subscriptions[0]!;
    sub.id = `digest:teams:${thread}`;
    sub.channel = thread;
    (sub.extras!.reference as { conversation: { id: string } }).conversation.id = thread;
    sub.failing = { at: '2026-11-17T09:00:00.000Z', reason: 'Teams refused the message: HTTP 404' };
    state.ledger[`${sub.id}|digest|digest@2026-W47`] = { key: `${sub.id}|digest|digest@2026-W47`, subscription: sub.id, item: 'digest', slot: 'digest@2026-W47', kind: 'digest', dueAt: '2026-11-16T09:00:00.000Z', state: 'sent', attempts: 1, sentAt: '2026-11-16T09:00:00.000Z' };
  });
  expect(await store.update(channelSubscriptions)).toBe(1);
  expect(await store.update(channelSubscriptions)).toBe(0);
  const state = await store.read();
  expect(state.subscriptions.map((s) => [s.id, s.channel, s.failing])).toEqual([[`digest:teams:${channel}`, channel, undefined]]);
  expect(Object.keys(state.ledger)).toEqual([`digest:teams:${channel}|digest|digest@2026-W47`]);
  // Subscribing again from another thread is the same channel, and Monday brings one digest, to the channel.
  h.connector.calls.length = 0;
  expect(await h.say({ text: '<at>Reform</at> subscribe digest', entities: [BOT_MENTION], conversation: { ...CHANNEL, id: `${channel};messageid=1700000000099` } })).toBe(200);
  expect(JSON.stringify((await h.connector.waitFor((c) => c.kind === 'reply')).body)).toContain('This channel already gets the weekly digest');
  const teams = createTeamsAdapter({ bot: testBot(undefined, '2026-11-23T09:00:00Z', { store }).bot, store, logger: silentLogger, config: { devNoAuth: true } });
  const monday = await tick({ programme: testBot().bot.programme, store, chats: [teams.chat], logger: silentLogger, sleep: async () => undefined, tickId: 't' }, at('2026-11-23T09:00:00Z'));
  expect(monday.sent.map((d) => d.channel)).toEqual([channel]);
  expect((await h.connector.waitFor((c) => c.kind === 'send')).conversationId).toBe(channel);
});

it('a thread subscription whose channel already has the same one is dropped in its favour', () => {
  const state = emptyState();
  const base = { kind: 'digest' as const, platform: 'teams', createdAt: '2026-11-01T00:00:00.000Z', createdBy: 'teams:a' };
  state.subscriptions.push({ ...base, id: 'digest:teams:19:g@thread.tacv2;messageid=1', channel: '19:g@thread.tacv2;messageid=1' }, { ...base, id: 'digest:teams:19:g@thread.tacv2', channel: '19:g@thread.tacv2' });
  state.ledger['digest:teams:19:g@thread.tacv2;messageid=1|digest|digest@2026-W48'] = { key: 'digest:teams:19:g@thread.tacv2;messageid=1|digest|digest@2026-W48', subscription: 'digest:teams:19:g@thread.tacv2;messageid=1', item: 'digest', slot: 'digest@2026-W48', kind: 'digest', dueAt: '2026-11-23T09:00:00.000Z', state: 'pending', attempts: 0 };
  expect(channelSubscriptions(state)).toBe(1);
  expect(state.subscriptions.map((s) => s.id)).toEqual(['digest:teams:19:g@thread.tacv2']);
  expect(Object.values(state.ledger).map((e) => [e.state, e.note])).toEqual([['superseded', 'the channel has one subscription now']]);
});
