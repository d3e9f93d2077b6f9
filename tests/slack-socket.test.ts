// Socket Mode through the real Bolt SocketModeReceiver: a local WebSocket server stands in for Slack
// (apps.connections.open hands out its ws:// URL, it says hello, then sends a slash command envelope).
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/app.js';
import { startServer, type RunningServer } from '../adapters/server.js';
import { silentLogger } from '../src/ports.js';
import { startFakeSlackApi, waitFor, type FakeSlackApi } from './fakes/slack-api.js';
import { testBot } from './helpers.js';

let api: FakeSlackApi | undefined;
let wss: WebSocketServer | undefined;
let slack: SlackAdapter | undefined;
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.close();
  await slack?.stop();
  for (const client of wss?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  await api?.close();
  api = wss = slack = server = undefined;
});

it('runs a slash command over Socket Mode: hello, envelope, and the answer in the ack with the envelope id', async () => {
  api = await startFakeSlackApi();
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss!.once('listening', resolve));
  api.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link/?ticket=test`;
  const fromApp: any[] = [];
  let socket: WebSocket | undefined;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => fromApp.push(JSON.parse(String(data))));
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'test', approximate_connection_time: 3600 }, connection_info: { app_id: 'A1' } }));
  });

  slack = createSlackAdapter({
    bot: testBot().bot,
    config: { botToken: 'xoxb-test-token', signingSecret: 'test-secret', appToken: 'xapp-test-token', apiUrl: api.apiUrl },
    logger: silentLogger,
  });
  await slack.start();
  expect(slack.mode).toBe('socket');
  expect(api.callsTo('apps.connections.open')[0]!.authorization).toBe('Bearer xapp-test-token');

  socket!.send(JSON.stringify({
    envelope_id: 'env-1',
    type: 'slash_commands',
    accepts_response_payload: true,
    payload: {
      token: 'legacy', team_id: 'T1', team_domain: 'council', channel_id: 'C1', channel_name: 'reform', user_id: 'U1', user_name: 'bob',
      command: '/reform', text: 'status kinship', api_app_id: 'A1', is_enterprise_install: 'false', response_url: api.responseUrl('socket'), trigger_id: '1.2.3',
    },
  }));
  const ack = await waitFor(() => fromApp.find((m) => m.envelope_id === 'env-1'), 'the ack envelope');
  expect(Object.keys(ack)).toEqual(['envelope_id', 'payload']);
  expect(ack.payload.response_type).toBe('ephemeral');
  expect(ack.payload.text).toContain('kinship-strategy');
  expect(ack.payload.blocks[0]).toMatchObject({ type: 'header' });
  expect(api.responses).toEqual([]);

  // The one server still runs for /healthz (and Teams), but takes no Slack HTTP events in Socket Mode.
  server = await startServer({ port: 0, host: '127.0.0.1', slack, logger: silentLogger });
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  expect(await health.json()).toEqual({ ok: true, slack: 'socket', teams: 'off' });
  expect((await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: 'POST' })).status).toBe(404);
});
