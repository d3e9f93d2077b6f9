// Our Slack receiver (adapters/slack/receiver.ts) against Bolt's own HTTPReceiver: the same real Bolt App, the same
// listeners and the same signed requests over HTTP on 127.0.0.1, answered the same way, whatever the listener does
// with its ack (answers with text, JSON or nothing, twice, never, or throws first), and for Slack's probes, a failed
// authorization, events and Slack's retry headers.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { guardedReceiver } from '../adapters/slack/receiver.js';
import { slackSignature } from './fakes/slack-signature.js';

const SECRET = 'receiver-secret';
const FORM = 'application/x-www-form-urlencoded';
const UNHANDLED_MS = 150;

const quietBolt: BoltLogger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

interface Side {
  url: string;
  /** What the listeners saw, in order. */
  seen: unknown[];
  /** What the receiver logged as warnings and errors. */
  errors: string[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A Bolt App with the given receiver and listeners that do each thing a listener may do with its ack. */
async function side(kind: 'bolt' | 'ours'): Promise<Side> {
  const seen: unknown[] = [];
  const errors: string[] = [];
  let receiver: Receiver;
  let listener: RequestListener;
  if (kind === 'bolt') {
    const http = new HTTPReceiver({ signingSecret: SECRET, unhandledRequestTimeoutMillis: UNHANDLED_MS, logger: quietBolt });
    receiver = http;
    listener = http.requestListener;
  } else {
    const ours = guardedReceiver(SECRET, { info() {}, warn: (m: string) => void errors.push(m), error: (m: string) => void errors.push(m) });
    receiver = ours;
    listener = ours.requestListener;
  }
  const app = new App({
    receiver,
    logger: quietBolt,
    authorize: async ({ teamId }) => {
      if (teamId === 'TBAD') throw new Error('no installation for this team');
      return { botToken: 'xoxb-test', botId: 'B1', botUserId: 'UBOT' };
    },
  });
  app.command('/text', async ({ ack }) => ack('plain words'));
  app.command('/json', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'as JSON' }));
  app.command('/empty', async ({ ack }) => ack());
  app.command('/twice', async ({ ack }) => {
    await ack('first');
    try {
      await ack('second');
      seen.push('second ack taken');
    } catch (error) {
      seen.push(`second ack refused: ${(error as { code?: string }).code}`);
    }
  });
  app.command('/boom', async () => {
    throw new Error('the listener failed before its ack');
  });
  app.command('/late-boom', async ({ ack }) => {
    await ack('answered first');
    throw new Error('the listener failed after its ack');
  });
  app.command('/retried', async ({ ack, context }) => {
    seen.push({ retryNum: context.retryNum, retryReason: context.retryReason });
    await ack();
  });
  app.event('app_mention', async ({ event, context }) => void seen.push({ mention: event.text, retryNum: context.retryNum }));
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, seen, errors };
}

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

async function send(url: string, body: string, type: string, extra: Record<string, string> = {}, signed = true): Promise<Answer> {
  const ts = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': type, ...extra };
  if (signed) Object.assign(headers, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) });
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

const command = (name: string, team = 'T1') =>
  new URLSearchParams({ token: 'x', team_id: team, channel_id: 'C1', user_id: 'U1', command: name, text: 'status', response_url: 'http://127.0.0.1:9/respond', trigger_id: 't' }).toString();

const mention = (id: string) =>
  JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: id, event_time: 1, event: { type: 'app_mention', user: 'U1', text: '<@UBOT> status', channel: 'C1', ts: '1.1' } });

/** Each request sent to both sides; their answers side by side. */
async function both(request: (url: string) => Promise<Answer>): Promise<{ bolt: Answer; ours: Answer }> {
  const [bolt, ours] = await Promise.all([side('bolt'), side('ours')]);
  sides = { bolt, ours };
  return { bolt: await request(bolt.url), ours: await request(ours.url) };
}
let sides: { bolt: Side; ours: Side } | undefined;

describe("our Slack receiver answers as Bolt's HTTPReceiver does", () => {
  it('an ack with text, with JSON and with nothing', async () => {
    for (const [name, expected] of [
      ['/text', { status: 200, body: 'plain words' }],
      ['/json', { status: 200, type: 'application/json', body: JSON.stringify({ response_type: 'ephemeral', text: 'as JSON' }) }],
      ['/empty', { status: 200, body: '' }],
    ] as const) {
      const { bolt, ours } = await both((url) => send(url, command(name), FORM));
      expect(ours).toEqual(bolt);
      expect(ours).toMatchObject(expected);
    }
  });

  it('a second ack is refused to the listener; the first answer stands', async () => {
    const { bolt, ours } = await both((url) => send(url, command('/twice'), FORM));
    expect(ours).toEqual(bolt);
    expect(ours.body).toBe('first');
    // Refused by the receiver with Bolt's own error code, not by Node for headers already sent.
    expect(sides!.ours.seen).toEqual(['second ack refused: slack_bolt_receiver_ack_multiple_error']);
    expect(sides!.bolt.seen).toEqual(sides!.ours.seen);
  });

  // Bolt's receiver sends the 404 once its wait (shortened here) is over; ours as soon as the App is done.
  it('a command no listener acks gets 404, and the receiver says so', async () => {
    const { bolt, ours } = await both((url) => send(url, command('/nobody-listens'), FORM));
    expect(ours).toEqual(bolt);
    expect(ours.status).toBe(404);
    expect(sides!.ours.errors.some((e) => e.includes('not acknowledged'))).toBe(true);
  });

  it('a listener that throws before its ack gets 500, after it keeps its answer; a failed authorization gets 401', async () => {
    const failed = await both((url) => send(url, command('/boom'), FORM));
    expect(failed.ours).toEqual(failed.bolt);
    expect(failed.ours.status).toBe(500);
    // Failing after the ack: the answer already sent stands, and the failure is logged.
    const late = await both((url) => send(url, command('/late-boom'), FORM));
    expect(late.ours).toEqual(late.bolt);
    expect(late.ours).toMatchObject({ status: 200, body: 'answered first' });
    expect(sides!.ours.errors).toContain('slack request failed after its ack');
    const refused = await both((url) => send(url, command('/text', 'TBAD'), FORM));
    expect(refused.ours).toEqual(refused.bolt);
    expect(refused.ours.status).toBe(401);
  });

  it("Slack's probes: url_verification gets its challenge back, an unsigned ssl_check a bare 200", async () => {
    const challenge = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    const verified = await both((url) => send(url, challenge, 'application/json'));
    expect(verified.ours).toEqual(verified.bolt);
    expect(JSON.parse(verified.ours.body)).toEqual({ challenge: 'c-123' });
    const ssl = await both((url) => send(url, 'ssl_check=1&token=x', FORM, {}, false));
    expect(ssl.ours).toEqual(ssl.bolt);
    expect(ssl.ours).toMatchObject({ status: 200, body: '' });
  });

  it("an event is acknowledged with an empty 200 and run, with Slack's retry number and reason in the context", async () => {
    const event = await both((url) => send(url, mention('Ev1'), 'application/json', { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' }));
    expect(event.ours).toEqual(event.bolt);
    expect(event.ours).toMatchObject({ status: 200, body: '' });
    expect(sides!.ours.seen).toEqual([{ mention: '<@UBOT> status', retryNum: 2 }]);
    expect(sides!.ours.seen).toEqual(sides!.bolt.seen);
    const retried = await both((url) => send(url, command('/retried'), FORM, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' }));
    expect(retried.ours).toEqual(retried.bolt);
    expect(sides!.ours.seen).toEqual([{ retryNum: 1, retryReason: 'http_error' }]);
    expect(sides!.ours.seen).toEqual(sides!.bolt.seen);
  });
});
