// botbuilder's CloudAdapter makes a connector client and a user token client for every turn; the Teams adapter has
// it reuse the ones it made before (adapters/teams/reused-clients.ts). Through the real CloudAdapter and
// botbuilder's HTTP client to fake Bot Connectors on 127.0.0.1: turns and proactive sends to one service URL share a
// client, another service URL gets its own, and every message still arrives where it was addressed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationReference, type TurnContext } from 'botbuilder';
import { ClaimsIdentity, ConnectorFactory, type BotFrameworkAuthentication, type ConnectorClient } from 'botframework-connector';
import { MAX_KEPT_CLIENTS, reusingClients } from '../adapters/teams/reused-clients.js';
import { BOT_MENTION, CHANNEL, startFakeConnector, startTeams, teamsActivity, type FakeConnector } from './fakes/bot-connector.js';

const connectors: FakeConnector[] = [];
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.close()));
});

async function connector(): Promise<FakeConnector> {
  const c = await startFakeConnector();
  connectors.push(c);
  return c;
}

/** One inbound activity through CloudAdapter.process, as a node:http server would hand it over. */
async function turn(cloud: CloudAdapter, activity: Record<string, unknown>, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
  let status = 0;
  await cloud.process(
    { body: activity, headers: {}, method: 'POST' },
    { socket: {}, status: (code: unknown) => void (status = Number(code)), header: () => undefined, send: () => undefined, end: () => undefined },
    logic,
  );
  expect(status).toBe(200);
}

describe('Teams: connector clients made once and reused', () => {
  it('turns from one service URL share one connector client and one token client; another service URL has its own', async () => {
    const [east, west] = [await connector(), await connector()];
    const cloud = new CloudAdapter(reusingClients(new ConfigurationBotFrameworkAuthentication({})));
    const seen: { connector: unknown; tokens: unknown }[] = [];
    const answer = async (ctx: TurnContext): Promise<void> => {
      seen.push({ connector: ctx.turnState.get(cloud.ConnectorClientKey), tokens: ctx.turnState.get(cloud.UserTokenClientKey) });
      await ctx.sendActivity(`reply ${seen.length}`);
    };
    await turn(cloud, teamsActivity(east.url, { text: 'one' }), answer);
    await turn(cloud, teamsActivity(east.url, { text: 'two' }), answer);
    await turn(cloud, teamsActivity(west.url, { text: 'three' }), answer);
    expect(seen[0]!.connector).toBeDefined();
    expect(seen[1]!.connector).toBe(seen[0]!.connector);
    expect(seen[2]!.connector).not.toBe(seen[0]!.connector);
    expect(seen[1]!.tokens).toBe(seen[0]!.tokens);
    expect(seen[2]!.tokens).toBe(seen[0]!.tokens);
    // Each reply went to the connector its activity came from.
    expect(east.calls.filter((c) => c.kind === 'reply').map((c) => c.body.text)).toEqual(['reply 1', 'reply 2']);
    expect(west.calls.filter((c) => c.kind === 'reply').map((c) => c.body.text)).toEqual(['reply 3']);

    // Without the reuse, botbuilder makes a client a turn: what the comparison above would otherwise see.
    const plain = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const made: unknown[] = [];
    for (const text of ['four', 'five']) await turn(plain, teamsActivity(east.url, { text }), async (ctx) => void made.push(ctx.turnState.get(plain.ConnectorClientKey)));
    expect(made[1]).not.toBe(made[0]);
  });

  it("proactive sends (the scheduler's) to one service URL share a client, and each arrives", async () => {
    const east = await connector();
    const cloud = new CloudAdapter(reusingClients(new ConfigurationBotFrameworkAuthentication({})));
    const reference: Partial<ConversationReference> = { serviceUrl: east.url, channelId: 'msteams', conversation: { id: CHANNEL.id.split(';')[0]!, isGroup: true, conversationType: 'channel', name: '' }, bot: { id: '28:bot', name: 'Reform' } };
    const clients: unknown[] = [];
    for (const text of ['nudge 1', 'nudge 2', 'nudge 3']) {
      await cloud.continueConversationAsync('', reference, async (ctx) => {
        clients.push(ctx.turnState.get(cloud.ConnectorClientKey));
        await ctx.sendActivity(text);
      });
    }
    expect(new Set(clients).size).toBe(1);
    expect(east.calls.map((c) => c.body.text)).toEqual(['nudge 1', 'nudge 2', 'nudge 3']);
  });

  it('the Teams adapter answers each message through the clients it made for the first', async () => {
    // Counted on botbuilder's own class, called through: a token client is made once per client botbuilder builds.
    const made = vi.spyOn(ConfigurationBotFrameworkAuthentication.prototype, 'createUserTokenClient');
    const h = await startTeams();
    try {
      for (const text of ['status kinship', 'next 2', 'help']) expect(await h.say({ text: `<at>Reform</at> ${text}`, entities: [BOT_MENTION] })).toBe(200);
      await h.connector.waitFor((c) => c.kind === 'reply' && JSON.stringify(c.body).includes('Commands'));
      expect(h.connector.calls.filter((c) => c.kind === 'reply')).toHaveLength(3);
      expect(made).toHaveBeenCalledTimes(1);
    } finally {
      made.mockRestore();
      await h.close();
    }
  });

  it('a client that could not be made is asked for again next time, and at most MAX_KEPT_CLIENTS are kept', async () => {
    let attempts = 0;
    const failing = new Set(['https://down.example/']);
    class Factory extends ConnectorFactory {
      async create(serviceUrl: string): Promise<ConnectorClient> {
        attempts += 1;
        if (failing.has(serviceUrl)) throw new Error(`cannot reach ${serviceUrl}`);
        return { serviceUrl } as unknown as ConnectorClient;
      }
    }
    const inner = { createConnectorFactory: () => new Factory() } as unknown as BotFrameworkAuthentication;
    const factory = reusingClients(inner).createConnectorFactory(new ClaimsIdentity([{ type: 'aud', value: 'app-1' }], true));

    await expect(factory.create('https://down.example/')).rejects.toThrow('cannot reach');
    failing.clear();
    const first = await factory.create('https://down.example/');
    expect(await factory.create('https://down.example/')).toBe(first);
    expect(attempts).toBe(2);

    // More service URLs than are kept: the oldest is made again when asked for.
    attempts = 0;
    for (let i = 0; i < MAX_KEPT_CLIENTS; i++) await factory.create(`https://region-${i}.example/`);
    expect(attempts).toBe(MAX_KEPT_CLIENTS);
    await factory.create(`https://region-${MAX_KEPT_CLIENTS - 1}.example/`);
    expect(attempts).toBe(MAX_KEPT_CLIENTS);
    expect(await factory.create('https://down.example/')).not.toBe(first);
    expect(attempts).toBe(MAX_KEPT_CLIENTS + 1);
  });
});
