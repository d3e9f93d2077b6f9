// `reform tick` from a timer (cron, a serverless function) with Slack settings delivers to Slack as the running
// bot's tick does, and the ledger in the shared store keeps each message to one sender when both run. Real
// processes, the real Web API client, the strict fake Slack on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open.js';
import { createBot } from '../src/bot.js';
import { silentLogger } from '../src/ports.js';
import { runReform, untilReady } from './fakes/reform-process.js';
import { startFakeSlackApi, type FakeSlackApi } from './fakes/slack-api.js';
import { at, programmeFrom } from './helpers.js';

const PROGRAMME = 'programme: P\nmilestones:\n  - id: m1\n    title: Thing to do\n    due: 5 April 2024\n    themes: [kinship]\n';
/** A reminder for m1 falls due at 09:00 London on this day (four weeks before its deadline). */
const NOW = '2024-03-08T09:00:00Z';

let api: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('reform tick with Slack settings', () => {
  it('posts a due reminder to a subscribed Slack channel once; a running bot at the same minute does not post it again', { timeout: 120_000 }, async () => {
    api = await startFakeSlackApi();
    const dir = mkdtempSync(join(tmpdir(), 'reform-tick-slack-'));
    const db = join(dir, 'reform.json');
    const milestones = join(dir, 'programme.yaml');
    writeFileSync(milestones, PROGRAMME);
    // A leadership channel subscribed in Slack, in the store both processes share.
    const store = await openStore(db);
    const bot = createBot({ programme: programmeFrom(PROGRAMME), store, clock: { now: () => at('2024-01-01T12:00:00Z') }, logger: silentLogger });
    expect((await bot.handle({ text: 'subscribe reminders', user: { id: 'slack:U1', name: 'alice' }, platform: 'slack', channel: 'C_LEAD' })).tone).toBe('change');
    const env = {
      REFORM_DB: db,
      REFORM_MILESTONES: milestones,
      REFORM_LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-tick-test-token',
      SLACK_SIGNING_SECRET: 'tick-test-signing-secret',
      SLACK_API_URL: api.apiUrl,
    };

    const tick = await runReform(['tick', '--now', NOW], env);
    expect(tick.code, tick.err).toBe(0);
    expect(tick.out).toMatch(/^sent .*C_LEAD/m);
    const posts = api.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe('C_LEAD');
    expect(posts[0]!.authorization).toBe('Bearer xoxb-tick-test-token');
    expect(JSON.stringify(posts[0]!.args.blocks)).toContain('m1');
    expect(posts[0]!.args.metadata.event_payload.key).toMatch(/m1/);

    // The running bot, at the same minute, over the same store: its start-up tick finds the reminder sent.
    const running = await runReform(['start'], { ...env, REFORM_NOW: NOW, PORT: '0', HOST: '127.0.0.1' }, { until: untilReady });
    expect(running.err).toContain('"message":"ready"');
    expect(api.callsTo('chat.postMessage')).toHaveLength(1);
    // And a second tick from the timer sends nothing either.
    const again = await runReform(['tick', '--now', NOW], env);
    expect(again.out).not.toMatch(/^sent /m);
    expect(api.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
