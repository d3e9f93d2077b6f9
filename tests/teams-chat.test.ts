// Scheduled Teams messages (Chat.send through continueConversationAsync to a stored reference), how refusals
// map to the ledger's outcomes, and the adapter's authentication rules. Real botbuilder, fake Bot Connector.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTeamsAdapter } from '../adapters/teams/adapter.js';
import { retryAfterMs } from '../adapters/teams/chat.js';
import { silentLogger, type Destination } from '../src/ports.js';
import { reply } from '../src/replies/model.js';
import { BOT_MENTION, CHANNEL, PERSONAL, startSigningKeys, startTeams, teamsActivity, type TeamsHarness } from './fakes/bot-connector.js';
import { testBot } from './helpers.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const reminder = {
  ...reply('answer', 'Reminder: multi-agency-cp is due soon', [{ lines: [['owner ', { owner: { id: 'teams:aad-bob', name: 'Bob Jones' } }]] }]),
  buttons: [{ label: 'Mark done', command: 'done multi-agency-cp' }],
};

/** Alice's personal chat, recorded in the store the way an install or first message records it. */
async function aliceDirect(harness: TeamsHarness): Promise<Destination> {
  await harness.say({ text: 'help', conversation: PERSONAL });
  const direct = (await harness.store.read()).directChannels['teams:aad-alice'];
  if (!direct) throw new Error('no personal conversation recorded');
  harness.connector.calls.length = 0;
  return direct;
}

describe('Teams: scheduled messages', () => {
  it('posts a card to a stored reference through continueConversationAsync, with the ledger key in channelData', async () => {
    h = await startTeams();
    const to = await aliceDirect(h);
    const outcome = await h.teams.chat.send(to, reminder, { key: 'multi-agency-cp/reminder/2026-11-24' });
    expect(outcome).toMatchObject({ ok: true, receipt: { activityId: expect.stringMatching(/^activity-/) } });
    const call = await h.connector.waitFor((c) => c.kind === 'send');
    expect(call.conversationId).toBe(PERSONAL.id);
    expect(call.body.channelData).toEqual({ reformKey: 'multi-agency-cp/reminder/2026-11-24' });
    const card = call.body.attachments[0].content;
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Mark done', data: { reformCommand: 'done multi-agency-cp' } }]);
    // A reminder exists to reach its owner: Teams notifies Bob through the card mention.
    expect(card.msteams.entities).toEqual([{ type: 'mention', text: '<at>Bob Jones</at>', mentioned: { id: 'aad-bob', name: 'Bob Jones' } }]);
    expect(call.body.summary).toContain('Reminder: multi-agency-cp is due soon');
  });

  it('reaches a reference stored by a subscribe command after a restart (a new adapter over the same store)', async () => {
    h = await startTeams();
    await h.say({ text: '<at>Reform</at> status kinship', entities: [BOT_MENTION] });
    // What `subscribe` stores is the message's extras; JSON round-trip it as the store would between processes.
    const seen = h.incoming.at(-1)!;
    const stored: Destination = JSON.parse(JSON.stringify({ platform: seen.platform, channel: seen.channel, extras: seen.extras }));
    const restarted = createTeamsAdapter({ bot: testBot().bot, store: h.store, logger: silentLogger, config: { devNoAuth: true } });
    expect(await restarted.chat.send(stored, reminder, { key: 'k-restart' })).toMatchObject({ ok: true });
    const call = await h.connector.waitFor((c) => c.kind === 'send' && c.body.channelData?.reformKey === 'k-restart');
    // A new post in the channel, not a reply in the thread where the command was typed.
    expect(call.conversationId).toBe(CHANNEL.id.split(';')[0]);
  });

  it('marks 403 BotNotInConversationRoster and 404 conversation not found as permanent, after one attempt', async () => {
    h = await startTeams();
    const to = await aliceDirect(h);
    h.connector.fail({ status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } });
    const refused = await h.teams.chat.send(to, reminder, { key: 'k1' });
    expect(refused).toMatchObject({ ok: false, permanent: true });
    expect(!refused.ok && refused.error).toContain('BotNotInConversationRoster');
    h.connector.fail({ status: 404, body: { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } } });
    expect(await h.teams.chat.send(to, reminder, { key: 'k2' })).toMatchObject({ ok: false, permanent: true });
    expect(h.connector.calls).toHaveLength(2);
  });

  it('returns 429 at once with its Retry-After for the ledger, instead of sleeping through it in botbuilder', async () => {
    h = await startTeams();
    const to = await aliceDirect(h);
    h.connector.fail({ status: 429, body: { error: { code: 'TooManyRequests', message: 'slow down' } }, headers: { 'Retry-After': '30' } });
    const started = Date.now();
    const outcome = await h.teams.chat.send(to, reminder, { key: 'k3' });
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining('429'), retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.connector.calls).toHaveLength(1);
  });

  it('treats 412, 502, 504 and 500 as retryable by the ledger, one attempt each', async () => {
    h = await startTeams();
    const to = await aliceDirect(h);
    for (const status of [412, 502, 504, 500]) {
      h.connector.fail({ status, body: { error: { code: 'Whatever', message: `status ${status}` } } });
      const outcome = await h.teams.chat.send(to, reminder, { key: `k${status}` });
      expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining(String(status)) });
      expect(!outcome.ok && outcome.permanent).toBeFalsy();
      // A 4xx was answered, not stored: nothing to look for before the retry. A 5xx leaves it in doubt.
      expect(!outcome.ok && outcome.refused === true).toBe(status < 500);
    }
    expect(h.connector.calls).toHaveLength(4);
  });

  it('gives up on a connector that does not answer, and on one that refuses connections, without marking them permanent', async () => {
    h = await startTeams({ sendTimeoutMs: 300 });
    const to = await aliceDirect(h);
    h.connector.fail({ status: 200, body: { id: 'late' }, delayMs: 3_000 });
    const slow = await h.teams.chat.send(to, reminder, { key: 'k-slow' });
    expect(slow).toMatchObject({ ok: false, error: expect.stringContaining('did not answer within 300 ms') });
    expect(!slow.ok && slow.permanent).toBeFalsy();
    const reference = { ...(to.extras!.reference as object), serviceUrl: 'http://127.0.0.1:1/' };
    const refused = await h.teams.chat.send({ ...to, extras: { reference } }, reminder, { key: 'k-down' });
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.permanent).toBeFalsy();
  });

  it('refuses a destination without a usable reference, permanently', async () => {
    h = await startTeams();
    expect(await h.teams.chat.send({ platform: 'teams', channel: 'x' }, reminder, { key: 'k' })).toMatchObject({ ok: false, permanent: true });
    expect(h.connector.calls).toEqual([]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7', 0)).toBe(7_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 0)).toBe(10_000);
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});

describe('Teams: authentication', () => {
  it('with MicrosoftAppId set, answers 401 to an activity without a token or with a malformed one, and sends nothing', async () => {
    h = await startTeams({ appId: '00000000-0000-0000-0000-000000000001', appPassword: 'not-a-real-password' });
    const status = await h.post(teamsActivity(h.connector.url, { text: 'status', conversation: PERSONAL }));
    expect(status).toBe(401);
    // A token that is not a JWT is refused before any signing key would be fetched (no network needed).
    const bad = await h.post(teamsActivity(h.connector.url, { text: 'assign kinship-strategy me', conversation: PERSONAL }), { authorization: 'Bearer not-a-jwt' });
    expect(bad).toBe(401);
    expect(h.connector.calls).toEqual([]);
    expect(await h.store.read()).toMatchObject({ directChannels: {}, items: {} });
  });

  it('refuses a forged or expired token with 401 and a warning, checked against the published signing keys', async () => {
    const keys = await startSigningKeys();
    const appId = '00000000-0000-0000-0000-000000000001';
    try {
      h = await startTeams({ appId, appPassword: 'not-a-real-password', openIdMetadataUrl: keys.metadataUrl });
      const activity = teamsActivity(h.connector.url, { text: 'assign kinship-strategy me', conversation: PERSONAL });
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: 'https://api.botframework.com', aud: appId, serviceurl: h.connector.url, nbf: now - 60, exp: now + 3600 };
      // Signed with another key under the published key's id: its signature does not check out.
      const forged = keys.token(claims, { forged: true });
      expect(await h.post(activity, { authorization: `Bearer ${forged}` })).toBe(401);
      // Signed with the published key, but expired an hour ago.
      const expired = keys.token({ ...claims, nbf: now - 7200, exp: now - 3600 });
      expect(await h.post(activity, { authorization: `Bearer ${expired}` })).toBe(401);
      // Two refusals from one source in a minute: one line (the rest are counted, adapters/warnings.ts).
      expect(h.logs.filter((l) => l.startsWith('Teams request refused: no valid Bot Framework token'))).toHaveLength(1);
      expect(h.logs.filter((l) => l.startsWith('Teams request failed'))).toEqual([]);
      expect(h.incoming).toEqual([]);
      expect(await h.store.read()).toMatchObject({ items: {} });
    } finally {
      await keys.close();
    }
  });

  it('logs a refused token as one warning line in the bot log, and prints no stack trace to the console', async () => {
    const printed = vi.spyOn(console, 'error');
    try {
      h = await startTeams({ appId: '00000000-0000-0000-0000-000000000001', appPassword: 'not-a-real-password' });
      expect(await h.post(teamsActivity(h.connector.url, { text: 'status', conversation: PERSONAL }))).toBe(401);
      expect(await h.post(teamsActivity(h.connector.url, { text: 'status', conversation: PERSONAL }), { authorization: 'Bearer not-a-jwt' })).toBe(401);
      expect(printed).not.toHaveBeenCalled();
      const refused = h.logs.filter((l) => l.startsWith('Teams request refused: no valid Bot Framework token'));
      expect(refused).toHaveLength(1);
      expect(refused.every((l) => l.includes('"status":401') && !l.includes('\n    at '))).toBe(true);
    } finally {
      printed.mockRestore();
    }
  });

  it('refuses to start without an app id unless TEAMS_DEV_NO_AUTH is set, and then warns loudly', () => {
    const { bot, store } = testBot();
    expect(() => createTeamsAdapter({ bot, store, logger: silentLogger, config: { devNoAuth: false } })).toThrow(/MicrosoftAppId is not set/);
    expect(() => createTeamsAdapter({ bot, store, logger: silentLogger, config: { appId: 'x', devNoAuth: false } })).toThrow(/MicrosoftAppPassword is required/);
    const warnings: string[] = [];
    createTeamsAdapter({ bot, store, logger: { ...silentLogger, warn: (m) => void warnings.push(m) }, config: { devNoAuth: true } });
    expect(warnings.join('\n')).toContain('TEAMS AUTHENTICATION IS OFF');
  });
});
