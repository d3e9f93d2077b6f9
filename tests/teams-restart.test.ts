// A digest subscription made in Teams survives a restart: the conversation reference lives in the store
// (not in memory), and after a new process starts, the digest reaches the channel exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createTeamsAdapter } from '../adapters/teams/adapter.js';
import { fileStore } from '../adapters/store/file-store.js';
import { silentLogger } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { BOT_MENTION, CHANNEL, startTeams, type TeamsHarness } from './fakes/bot-connector.js';
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
