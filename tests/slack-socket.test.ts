// Socket Mode through the real Bolt SocketModeReceiver: a local WebSocket server stands in for Slack
// (apps.connections.open hands out its ws:// URL, it says hello, then sends a slash command envelope).
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/app.js';
import { startServer, type RunningServer } from '../adapters/server.js';
import { memoryStore } from '../adapters/store/memory.js';
import { silentLogger } from '../src/ports.js';
import { startFakeSlackApi, waitFor, type FakeSlackApi } from './fakes/slack-api.js';
import type { Bot } from '../src/bot.js';
import { testBot } from './helpers.js';

let api: FakeSlackApi | undefined;
let wss: WebSocketServer | undefined;
let slack: SlackAdapter | undefined;
let server: RunningServer | undefined;
/** Whether the fake Slack says hello on a new connection (a client without its hello is not connected yet). */
let greet = true;
const HELLO = JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'test', approximate_connection_time: 3600 }, connection_info: { app_id: 'A1' } });

afterEach(async () => {
  await server?.close();
  await slack?.stop();
  for (const client of wss?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  await api?.close();
  api = wss = slack = server = undefined;
  greet = true;
});

/** A fake Slack with a WebSocket server, and the real adapter connected to it in Socket Mode. */
async function connect(bot: Bot, opts: { answerInAckMs?: number } = {}) {
  api = await startFakeSlackApi();
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss!.once('listening', resolve));
  api.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link/?ticket=test`;
  const fromApp: any[] = [];
  let socket: WebSocket | undefined;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => fromApp.push(JSON.parse(String(data))));
    if (greet) ws.send(HELLO);
  });
  slack = createSlackAdapter({
    bot,
    store: memoryStore(),
    config: { botToken: 'xoxb-test-token', signingSecret: 'test-secret', appToken: 'xapp-test-token', apiUrl: api.apiUrl },
    logger: silentLogger,
    answerInAckMs: opts.answerInAckMs,
  });
  await slack.start();
  const command = (envelope: string, text: string, respondTo: string) =>
    socket!.send(JSON.stringify({
      envelope_id: envelope,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'legacy', team_id: 'T1', team_domain: 'council', channel_id: 'C1', channel_name: 'reform', user_id: 'U1', user_name: 'bob',
        command: '/reform', text, api_app_id: 'A1', is_enterprise_install: 'false', response_url: api!.responseUrl(respondTo), trigger_id: '1.2.3',
      },
    }));
  return { api, fromApp, command };
}

it('runs a slash command over Socket Mode: hello, envelope, and the answer in the ack with the envelope id', async () => {
  const { api, fromApp, command } = await connect(testBot().bot);
  expect(slack!.mode).toBe('socket');
  expect(api.callsTo('apps.connections.open')[0]!.authorization).toBe('Bearer xapp-test-token');

  command('env-1', 'status kinship', 'socket');
  const ack = await waitFor(() => fromApp.find((m) => m.envelope_id === 'env-1'), 'the ack envelope');
  expect(Object.keys(ack)).toEqual(['envelope_id', 'payload']);
  expect(ack.payload.response_type).toBe('ephemeral');
  expect(ack.payload.text).toContain('kinship-strategy');
  expect(ack.payload.blocks[0]).toMatchObject({ type: 'header' });
  expect(api.responses).toEqual([]);

  // The one server still runs for /healthz (and Teams), but takes no Slack HTTP events in Socket Mode.
  server = await startServer({ port: 0, host: '127.0.0.1', slack: slack!, logger: silentLogger });
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  expect(await health.json()).toEqual({ ok: true, slack: 'socket', teams: 'off' });
  expect((await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: 'POST' })).status).toBe(404);

  // Slack drops the link: /healthz says so (503) until the client has reconnected and been greeted again.
  greet = false;
  for (const client of wss!.clients) client.terminate();
  const healthUntil = async (status: number, ms: number) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const r = await fetch(`http://127.0.0.1:${server!.port}/healthz`);
      if (r.status === status) return r.json();
    }
    throw new Error(`/healthz did not answer ${status} within ${ms} ms`);
  };
  expect(await healthUntil(503, 5_000)).toEqual({ ok: false, slack: 'socket (disconnected)', teams: 'off' });
  // The client reconnects by itself; once Slack greets the new link, /healthz is 200 again.
  await waitFor(() => (wss!.clients.size > 0 ? true : undefined), 'the client to reconnect', 10_000);
  for (const client of wss!.clients) client.send(HELLO);
  expect(await healthUntil(200, 5_000)).toEqual({ ok: true, slack: 'socket', teams: 'off' });
});

it('does not put an answer ready too late in the ack, where Socket Mode would drop it: it goes to the response_url', async () => {
  // A command that finishes 2.6 s after it arrived, as in a stalled process (the ack window is widened so that
  // the late answer is not simply acked empty at 1.5 s).
  const quick = testBot().bot;
  const slow: Bot = { programme: quick.programme, handle: async (m) => (await new Promise((r) => setTimeout(r, 2_600)), quick.handle(m)) };
  const { api, fromApp, command } = await connect(slow, { answerInAckMs: 5_000 });
  command('env-late', 'status kinship', 'late');
  const ack = await waitFor(() => fromApp.find((m) => m.envelope_id === 'env-late'), 'the ack envelope', 5_000);
  expect(ack.payload ?? {}).toEqual({});
  const answer = await waitFor(() => api.responses.find((r) => r.path === '/respond/late')?.body, 'the answer at the response_url');
  expect(answer.text).toContain('kinship-strategy');
}, 10_000);
