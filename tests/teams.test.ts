// The Teams adapter through the real botbuilder CloudAdapter over HTTP on 127.0.0.1: activities shaped as Teams
// sends them go in, and the assertions are on what a fake Bot Connector receives.
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testBot } from './helpers.js';
import { BOT_MENTION, CHANNEL, GROUP_CHAT, PERSONAL, startTeams, teamsActivity, type ConnectorCall, type TeamsHarness } from './fakes/bot-connector.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const cardOf = (call: ConnectorCall) => call.body.attachments?.find((a: { contentType: string }) => a.contentType === ADAPTIVE)?.content;

describe('Teams: commands in channels, group chats and personal chats', () => {
  it('answers a channel mention with an Adaptive Card reply in the thread and a plain-text fallback', async () => {
    h = await startTeams();
    expect(await h.say({ text: '<at>Reform</at> status kinship', entities: [BOT_MENTION] })).toBe(200);
    const call = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(call.conversationId).toBe(CHANNEL.id);
    expect(call.body.replyToId).toBe(call.activityId);
    const card = cardOf(call);
    expect(card.type).toBe('AdaptiveCard');
    expect(JSON.stringify(card.body)).toContain('kinship-strategy');
    expect(call.body.summary).toContain('kinship-strategy');
    expect(card.fallbackText).toContain('kinship-strategy');
    // The core saw the command without the bot's mention, as Alice, with the conversation reference in extras.
    // The channel, not the thread: subscriptions and later posts belong to the channel.
    const channel = CHANNEL.id.split(';')[0]!;
    expect(h.incoming[0]).toMatchObject({ text: 'status kinship', platform: 'teams', channel, user: { id: 'teams:aad-alice', name: 'Alice Smith' } });
    expect(h.incoming[0]?.extras?.reference).toMatchObject({ serviceUrl: h.connector.url, conversation: { id: channel }, bot: { id: '28:bot' } });
  });

  it('answers in a personal chat without a mention, and records the personal conversation for nudges', async () => {
    h = await startTeams();
    await h.say({ text: 'next 2', conversation: PERSONAL });
    const call = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(call.conversationId).toBe(PERSONAL.id);
    expect(call.body.summary).toMatch(/^Next/);
    const direct = (await h.store.read()).directChannels['teams:aad-alice'];
    expect(direct).toMatchObject({ platform: 'teams', channel: PERSONAL.id });
    expect(direct?.extras?.reference).toMatchObject({ serviceUrl: h.connector.url, conversation: { id: PERSONAL.id } });
  });

  it('reads "hi @Reform status kinship share" as "status kinship": the words before the name and "share" are not the query', async () => {
    h = await startTeams();
    await h.say({ text: 'hi <at>Reform</at> status kinship share', entities: [BOT_MENTION] });
    const call = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(call.body.summary).toMatch(/^Theme "kinship": 4 milestones/);
    expect(h.incoming[0]?.text).toBe('status kinship');
    // Nothing after the name: the command is what came before it.
    await h.say({ text: 'next 2 <at>Reform</at>', entities: [BOT_MENTION] });
    expect(h.incoming[1]?.text).toBe('next 2');
  });

  it('answers a mention in a group chat', async () => {
    h = await startTeams();
    await h.say({ text: '<at>Reform</at> overdue', conversation: GROUP_CHAT, entities: [BOT_MENTION] });
    const call = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(call.conversationId).toBe(GROUP_CHAT.id);
    expect(cardOf(call)).toBeDefined();
  });

  it('stays silent in channels and group chats when the bot is not mentioned', async () => {
    h = await startTeams();
    expect(await h.say({ text: 'status kinship' })).toBe(200);
    expect(await h.say({ text: 'status kinship', conversation: GROUP_CHAT })).toBe(200);
    // Mentioning someone else is not mentioning the bot.
    const bob = { type: 'mention', text: '<at>Bob</at>', mentioned: { id: '29:bob', name: 'Bob' } };
    expect(await h.say({ text: '<at>Bob</at> status kinship', entities: [bob] })).toBe(200);
    // Each POST resolves after its turn has finished, so any reply would already have arrived.
    expect(h.connector.calls).toEqual([]);
  });

  it('assigns to a mentioned Teams user as teams:<aad id> and mentions them back in the confirmation', async () => {
    h = await startTeams();
    const bob = { type: 'mention', text: '<at>Bob Jones</at>', mentioned: { id: '29:bob', name: 'Bob Jones', aadObjectId: 'aad-bob' } };
    await h.say({ text: '<at>Reform</at> assign multi-agency-cp <at>Bob Jones</at>', entities: [BOT_MENTION, bob] });
    const state = await h.store.read();
    expect(state.items['multi-agency-cp']?.owner).toEqual({ id: 'teams:aad-bob', name: 'Bob Jones' });
    const card = cardOf(await h.connector.waitFor((c) => c.kind === 'reply'));
    expect(card.msteams.entities).toEqual([{ type: 'mention', text: '<at>Bob Jones</at>', mentioned: { id: 'aad-bob', name: 'Bob Jones' } }]);
    expect(JSON.stringify(card.body)).toContain('<at>Bob Jones</at>');
    // The caller is identified by their AAD id too: the audit trail says who did it.
    expect(state.audit.at(-1)?.by).toBe('teams:aad-alice');
    // Asking about it later names Bob without pinging him again.
    await h.say({ text: '<at>Reform</at> status multi-agency-cp', entities: [BOT_MENTION] });
    const answer = cardOf(h.connector.calls.filter((c) => c.kind === 'reply').at(-1)!);
    expect(JSON.stringify(answer.body)).toContain('@Bob Jones');
    expect(answer.msteams.entities).toBeUndefined();
  });

  it('looks up the AAD id of a mention that lacks it, and falls back to the Teams id when the roster has no answer', async () => {
    h = await startTeams();
    h.connector.members['29:carol'] = { id: '29:carol', name: 'Carol King', aadObjectId: 'aad-carol' };
    const carol = { type: 'mention', text: '<at>Carol King</at>', mentioned: { id: '29:carol', name: 'Carol King' } };
    await h.say({ text: '<at>Reform</at> assign multi-agency-cp <at>Carol King</at>', entities: [BOT_MENTION, carol] });
    const dave = { type: 'mention', text: '<at>Dave</at>', mentioned: { id: '29:dave', name: 'Dave' } };
    await h.say({ text: '<at>Reform</at> assign phase-1-end <at>Dave</at>', entities: [BOT_MENTION, dave] });
    const state = await h.store.read();
    expect(state.items['multi-agency-cp']?.owner?.id).toBe('teams:aad-carol');
    expect(state.items['phase-1-end']?.owner?.id).toBe('teams:29:dave');
    expect(h.connector.calls.some((c) => c.kind === 'member' && c.conversationId === '19:team@thread.tacv2')).toBe(true);
  });

  it('runs a card button as the clicker and replaces the card with the outcome', async () => {
    h = await startTeams();
    await h.say({ value: { reformCommand: 'done multi-agency-cp' }, replyToId: 'card-42', from: { id: '29:bob', name: 'Bob Jones', aadObjectId: 'aad-bob' } });
    const update = await h.connector.waitFor((c) => c.kind === 'update');
    expect(update.method).toBe('PUT');
    expect(update.activityId).toBe('card-42');
    expect(update.conversationId).toBe(CHANNEL.id);
    const card = cardOf(update);
    expect(JSON.stringify(card.body)).toContain('multi-agency-cp is done');
    expect(JSON.stringify(card.body)).toContain('Updated by Bob Jones');
    expect(card.actions).toBeUndefined();
    const state = await h.store.read();
    expect(state.items['multi-agency-cp']?.done?.by).toBe('teams:aad-bob');
  });

  it('answers a button that changes nothing with a new message and leaves the card alone', async () => {
    h = await startTeams();
    await h.say({ value: { reformCommand: 'status multi-agency-cp' }, replyToId: 'card-43' });
    await h.connector.waitFor((c) => c.kind === 'reply');
    expect(h.connector.calls.filter((c) => c.kind === 'update')).toEqual([]);
  });

  it('greets with help when added to a team, and records the installer’s personal chat on installationUpdate', async () => {
    h = await startTeams();
    await h.post(teamsActivity(h.connector.url, { type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }] }));
    const greeting = await h.connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    expect(greeting.body.summary).toContain('Reform Bot');
    expect(JSON.stringify(cardOf(greeting).body)).toContain('status');
    // Someone else joining the team is not a reason to greet again.
    await h.post(teamsActivity(h.connector.url, { type: 'conversationUpdate', membersAdded: [{ id: '29:erin' }] }));
    await h.post(teamsActivity(h.connector.url, { type: 'installationUpdate', action: 'add', conversation: PERSONAL }));
    expect(h.connector.calls).toHaveLength(1);
    expect((await h.store.read()).directChannels['teams:aad-alice']?.channel).toBe(PERSONAL.id);
  });

  it('shows typed markdown, links and <at> tags as text, never as a link or a mention', async () => {
    h = await startTeams();
    await h.say({ text: 'note multi-agency-cp see [x](http://evil) ask <at>Boss</at> **bold**', conversation: PERSONAL });
    await h.say({ text: 'status multi-agency-cp', conversation: PERSONAL });
    const card = cardOf(h.connector.calls.filter((c) => c.kind === 'reply').at(-1)!);
    // Body and entities are what Teams renders as markdown; fallbackText and summary are plain text.
    const json = JSON.stringify([card.body, card.msteams]);
    expect(json).not.toContain('[x](http://evil)');
    expect(json).not.toContain('<at>Boss</at>');
    expect(json).not.toContain('**bold**');
    const noteFact = card.body.flatMap((e: { items?: { facts?: { title: string; value: string }[] }[] }) => e.items ?? []).flatMap((e: { facts?: unknown[] }) => e.facts ?? []).find((f: { title: string }) => f.title === 'note');
    expect(noteFact.value).toContain('\\[x\\](http\\://evil) ask \\<at>Boss\\</at> \\*\\*bold\\*\\*');
    expect(card.msteams.entities).toBeUndefined();
  });

  it('logs a failed reply and sends a short apology instead', async () => {
    h = await startTeams();
    h.connector.fail({ status: 400, body: { error: { code: 'BadArgument', message: 'card rejected' } } });
    expect(await h.say({ text: 'status', conversation: PERSONAL })).toBe(200);
    const apology = await h.connector.waitFor((c) => c.kind === 'reply' && typeof c.body.text === 'string');
    expect(apology.body.text).toContain('Sorry, something went wrong');
    expect(h.logs.join('\n')).toMatch(/Teams turn failed.*card rejected/);
  });

  it('retries a reply after a 500 and a 429 with Retry-After, so the answer still arrives once', async () => {
    h = await startTeams();
    h.connector.fail({ status: 500, body: { error: { code: 'ServiceError', message: 'try again' } } }, { status: 429, body: { error: { code: 'Throttled', message: 'slow down' } }, headers: { 'Retry-After': '1' } });
    const started = Date.now();
    expect(await h.say({ text: 'status kinship', conversation: PERSONAL })).toBe(200);
    const answered = h.connector.calls.filter((c) => c.kind === 'reply' && JSON.stringify(c.body).includes('kinship-strategy'));
    expect(answered.length).toBeGreaterThanOrEqual(3);
    // The two refused attempts and the one accepted: the answer is delivered, and only once accepted.
    expect(answered.filter((c) => c.status === 200)).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a long answer within one Teams message: the first items, and how many more there are', async () => {
    const tb = testBot();
    const as = (text: string) => tb.bot.handle({ text, user: { id: 'console:setup', name: 'setup' }, platform: 'console', channel: 'setup' });
    const longNote = 'Delayed by the ICB & partners <again>. '.repeat(90); // ~3,500 characters, as typed in Slack or a terminal
    for (let i = 1; i <= 70; i++) {
      await as(`action add multi-agency-cp "Local action number ${i} with a deliberately long title to fill the card" due March 2026`);
      if (i % 5 === 0) await as(`note multi-agency-cp/${i} ${longNote}`);
    }
    h = await startTeams({ testBot: tb });
    expect(await h.say({ text: 'overdue', conversation: PERSONAL })).toBe(200);
    const answer = h.connector.calls.find((c) => c.kind === 'reply')!;
    expect(Buffer.byteLength(JSON.stringify(answer.body))).toBeLessThan(28 * 1024);
    const shown = JSON.stringify(cardOf(answer).body);
    expect(shown).toContain('"multi-agency-cp/1"');
    expect(shown).toMatch(/and \d+ more not shown here/);
  });

  it('with MicrosoftAppTenantId set, runs nothing from another tenant, or naming none: no answer, no record, one warning', async () => {
    h = await startTeams({ tenantId: 'TENANT-1' });
    const foreign = (o: Parameters<typeof teamsActivity>[1], tenant?: string) => {
      const a = teamsActivity(h!.connector.url, o);
      const conversation = { ...(a.conversation as Record<string, unknown>), tenantId: tenant };
      return { ...a, conversation, channelData: tenant ? { tenant: { id: tenant } } : {} };
    };
    expect(await h.post(foreign({ text: 'next 2', conversation: PERSONAL }, 'tenant-2'))).toBe(200);
    expect(await h.post(foreign({ text: 'assign kinship-strategy me', conversation: PERSONAL }, 'tenant-2'))).toBe(200);
    expect(await h.post(foreign({ text: 'next 2', conversation: PERSONAL }))).toBe(200);
    expect(h.incoming).toEqual([]);
    expect(h.connector.calls).toEqual([]);
    const state = await h.store.read();
    expect(state.directChannels).toEqual({});
    expect(state.audit).toEqual([]);
    expect(h.logs.filter((l) => l.includes('another tenant'))).toEqual([
      expect.stringContaining('"tenant":"tenant-2"'),
      expect.stringContaining('"tenant":"(none)"'),
    ]);
    // The council's own tenant (its id in any case) is answered as usual.
    await h.say({ text: 'next 2', conversation: PERSONAL });
    await h.connector.waitFor((c) => c.kind === 'reply');
    expect(h.incoming.map((m) => m.text)).toEqual(['next 2']);
  });

  it('answers only POST with a JSON activity', async () => {
    h = await startTeams();
    expect(await h.post(undefined, {}, 'GET')).toBe(405);
    expect(await h.post('{not json')).toBe(400);
    expect(await h.post({ text: 'no type' })).toBe(400);
    // An invoke the bot does not handle gets botbuilder's own answer in the HTTP response.
    expect(await h.post({ ...teamsActivity(h.connector.url, { text: '', conversation: PERSONAL }), type: 'invoke', name: 'composeExtension/query', value: {} })).toBe(501);
    // Over a megabyte is refused, and the bot is not asked.
    expect(await h.post({ type: 'message', text: `status ${'x'.repeat(1024 * 1024)}` })).toBe(413);
    expect(h.connector.calls).toEqual([]);
    // The server still answers afterwards.
    expect(await h.say({ text: 'status kinship', conversation: PERSONAL })).toBe(200);
  });

  it('lets a client that goes away in the middle of its activity go, without an error or a request left waiting', async () => {
    h = await startTeams();
    const logged = [...h.logs];
    const { hostname, port } = new URL(h.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    socket.write('POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"type":"message",');
    // Gone once the handler has the request, half read.
    await vi.waitFor(() => expect(h!.running()).toBe(1), { timeout: 5_000, interval: 5 });
    socket.destroy();
    await vi.waitFor(() => expect(h!.running()).toBe(0), { timeout: 5_000, interval: 5 });
    expect(h.logs).toEqual(logged);
    expect(h.incoming).toEqual([]);
    expect(await h.say({ text: 'status kinship', conversation: PERSONAL })).toBe(200);
  });
});
