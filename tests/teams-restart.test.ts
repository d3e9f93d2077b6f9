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
  expect(monday.sent.map((d) => `${d.kind} ${d.platform}:${d.channel}`)).toEqual([`digest teams:${CHANNEL.id}`]);
  const call = await h.connector.waitFor((c) => c.kind === 'send');
  expect(call.conversationId).toBe(CHANNEL.id);
  expect(call.path.startsWith('/v3/conversations/')).toBe(true);
  expect(JSON.stringify(call.body)).toContain('Weekly digest');
  expect(serviceUrl).toBe(h.connector.url);

  // Later ticks the same week send nothing more.
  expect((await tick(deps, at('2026-11-30T09:01:00Z'))).sent).toEqual([]);
  expect((await tick(deps, at('2026-12-02T12:00:00Z'))).sent).toEqual([]);
  expect(h.connector.calls.filter((c) => c.kind === 'send')).toHaveLength(1);
});
