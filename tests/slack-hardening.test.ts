// The Slack adapter under retries, a slow Web API and hostile requests, through the real Bolt code over HTTP on
// 127.0.0.1: an event is run once per event_id (across a restart too), the ack never waits for name lookups, and
// no request body (null, huge, forged a thousand times) stops the process or floods the log.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { claimSlackEvent, SLACK_EVENT_RETENTION_MS } from '../adapters/slack/dedupe.js';
import { MAX_NAME_LOOKUPS } from '../adapters/slack/names.js';
import { guardedSlackListener, MAX_SLACK_BODY_BYTES, signatureProblem, type CheckedSlackRequest } from '../adapters/slack/guard.js';
import { fileStore } from '../adapters/store/file-store.js';
import { warnOnce } from '../adapters/warnings.js';
import { emptyState } from '../src/tracking/state.js';
import { FORM, JSON_TYPE, SECRET, slackSignature, startHarness, waitFor, type Harness } from './fakes/slack-api.js';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const mention = (eventId: string, text: string) =>
  JSON.stringify({
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1,
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    event: { type: 'app_mention', user: 'U1', text, ts: '1700000000.000500', channel: 'C1', event_ts: '1700000000.000500' },
  });

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('Slack event retries', () => {
  it('runs an event once per event_id: the retries Slack sends are acknowledged with 200 and not answered again', async () => {
    h = await startHarness();
    const body = mention('EvNote1', '<@UBOT> note kinship-strategy police lead named');
    expect((await h.post(body, JSON_TYPE)).status).toBe(200);
    await waitFor(() => h!.api.callsTo('chat.postMessage')[0], 'the reply');
    expect((await h.post(body, JSON_TYPE, { retryNum: 1 })).status).toBe(200);
    expect((await h.post(body, JSON_TYPE, { retryNum: 2 })).status).toBe(200);
    await settle();
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
    expect((await h.store.read()).items['kinship-strategy']?.notes.map((n) => n.text)).toEqual(['police lead named']);
    expect(Object.keys((await h.store.read()).slackEvents)).toEqual(['EvNote1']);
    // Another event is still run.
    await h.post(mention('EvNote2', '<@UBOT> note kinship-strategy second'), JSON_TYPE);
    await waitFor(() => h!.api.callsTo('chat.postMessage')[1], 'the second reply');
  });

  it('a retry that reaches the bot after a restart (a new process on the same store) is not run again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reform-dedupe-'));
    const path = join(dir, 'reform.json');
    h = await startHarness({ store: fileStore(path) });
    const body = mention('EvAssign', '<@UBOT> assign kinship-strategy me');
    await h.post(body, JSON_TYPE);
    await waitFor(() => h!.api.callsTo('chat.postMessage')[0], 'the reply');
    await h.close();
    // The restarted bot: a new adapter, a new store object over the same file.
    h = await startHarness({ store: fileStore(path) });
    expect((await h.post(body, JSON_TYPE, { retryNum: 1 })).status).toBe(200);
    await settle();
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
    expect(h.api.callsTo('chat.postEphemeral')).toEqual([]);
    expect(h.logs.some((l) => l.message === 'slack event retry ignored: already taken')).toBe(true);
  });

  it('claims only the events it runs: a command, and an event no listener takes, leave no claim; a resent Home tab event is run once', async () => {
    h = await startHarness();
    expect((await h.command('status kinship', 'dedupe')).status).toBe(200);
    const event = (eventId: string, inner: Record<string, unknown>) => JSON.stringify({ team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: eventId, event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: inner });
    const message = event('EvMessage', { type: 'message', user: 'U1', text: 'hello', ts: '1700000000.000600', channel: 'C1' });
    expect((await h.post(message, JSON_TYPE)).status).toBe(200);
    await settle();
    expect((await h.store.read()).slackEvents).toEqual({});
    const home = event('EvHome', { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', event_ts: '1700000000.000700' });
    await h.post(home, JSON_TYPE);
    await waitFor(() => h!.api.callsTo('views.publish')[0], 'the Home tab');
    expect((await h.post(home, JSON_TYPE, { retryNum: 1 })).status).toBe(200);
    await settle();
    expect(h.api.callsTo('views.publish')).toHaveLength(1);
    expect(Object.keys((await h.store.read()).slackEvents)).toEqual(['EvHome']);
  });

  it("drops the bot's own mention before it is claimed or run (Bolt's ignoreSelf, for the events the bot takes)", async () => {
    h = await startHarness();
    const own = JSON.parse(mention('EvSelf', '<@UBOT> note kinship-strategy written by the bot itself')) as { event: Record<string, unknown> };
    own.event.user = 'UBOT';
    expect((await h.post(JSON.stringify(own), JSON_TYPE)).status).toBe(200);
    await settle();
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(0);
    expect((await h.store.read()).slackEvents).toEqual({});
    expect((await h.store.read()).items['kinship-strategy']?.notes ?? []).toEqual([]);
    // Someone else's mention is still run.
    await h.post(mention('EvOther', '<@UBOT> status kinship-strategy'), JSON_TYPE);
    await waitFor(() => h!.api.callsTo('chat.postMessage')[0], 'the answer to a person');
  });

  it('remembers event ids for an hour, then forgets them, so the list stays bounded', () => {
    const state = emptyState();
    const t0 = Date.parse('2026-11-24T10:00:00Z');
    expect(claimSlackEvent(state, 'Ev1', t0)).toBe(true);
    expect(claimSlackEvent(state, 'Ev1', t0 + 5 * 60_000)).toBe(false);
    expect(claimSlackEvent(state, 'Ev2', t0 + SLACK_EVENT_RETENTION_MS - 1)).toBe(true);
    expect(Object.keys(state.slackEvents)).toEqual(['Ev1', 'Ev2']);
    // An hour on, Ev1 is dropped when the next event is claimed.
    expect(claimSlackEvent(state, 'Ev3', t0 + SLACK_EVENT_RETENTION_MS)).toBe(true);
    expect(Object.keys(state.slackEvents)).toEqual(['Ev2', 'Ev3']);
  });
});

describe('mentions and a slow Web API', () => {
  const people = (n: number) => Array.from({ length: n }, (_, i) => `U0P${String(i).padStart(4, '0')}`);

  it('acks a command naming ten people in time when users.info takes 900 ms, looking the names up together', { timeout: 15_000 }, async () => {
    h = await startHarness();
    const ten = people(10);
    for (const id of ten) h.api.displayNames.set(id, `Person ${id}`);
    h.api.delays.set('users.info', 900);
    const { status, ack } = await h.command(`note kinship-strategy ask ${ten.map((id) => `<@${id}>`).join(' ')}`, 'ten');
    // One after another, ten lookups took 9 s and Bolt answered 404 at its 3-second deadline.
    expect(status).toBe(200);
    expect(h.api.peakInFlight.get('users.info')).toBeGreaterThan(1);
    const answer = ack ?? (await waitFor(() => h!.api.responses.find((r) => r.path === '/respond/ten')?.body, 'the answer'));
    expect(answer.text).toContain('kinship-strategy');
    expect((await h.store.read()).items['kinship-strategy']?.notes[0]?.text).toContain('@Person U0P0009');
  });

  it('looks up at most a few names for one command, and remembers them', async () => {
    h = await startHarness();
    const many = people(30);
    const text = `note kinship-strategy ${many.map((id) => `<@${id}>`).join(' ')}`;
    expect((await h.command(text, 'many')).status).toBe(200);
    expect(h.api.callsTo('users.info')).toHaveLength(MAX_NAME_LOOKUPS);
    expect((await h.command(`note kinship-strategy again <@${many[0]}>`, 'again')).status).toBe(200);
    // A failed lookup is asked again (it may pass); the answered ones are not. The fake knows none of these people.
    expect(h.api.callsTo('users.info').length).toBe(MAX_NAME_LOOKUPS + 1);
  });

  it('refuses a command over the length limit before looking anyone up', async () => {
    h = await startHarness();
    const text = `note kinship-strategy ${people(280).map((id) => `<@${id}>`).join('')}`;
    expect(text.length).toBeGreaterThan(2_500);
    const { status, ack } = await h.command(text, 'long');
    expect(status).toBe(200);
    expect(ack!.text).toMatch(/^That message is too long for a command/);
    expect(h.api.callsTo('users.info')).toEqual([]);
  });

  it('refuses 320,000 characters of `@` at once, through a scan linear in the text', { timeout: 10_000 }, async () => {
    h = await startHarness();
    // The tokenizer took 41 s on this (quadratic); the far-over-limit text is now refused unread, and read linearly.
    const { status, ack } = await h.command(`note x ${'@'.repeat(320_000)} share`, 'ats');
    expect(status).toBe(200);
    expect(ack!.text).toMatch(/^That message is too long for a command/);
    const { splitShare } = await import('../src/commands/index.js');
    expect(splitShare(`note x ${'@'.repeat(320_000)} share`).share).toBe(false);
  });
});

describe('hostile requests', () => {
  const healthy = async () => (await fetch(`${h!.base}/healthz`)).status;

  it('answers 400 to a signed body that is JSON null, or a form whose payload is null, and keeps running', async () => {
    h = await startHarness();
    expect((await h.post('null', JSON_TYPE)).status).toBe(400);
    expect((await h.post('payload=null', FORM)).status).toBe(400);
    expect((await h.post('[1,2]', JSON_TYPE)).status).toBe(400);
    expect(await healthy()).toBe(200);
    expect(h.logs.filter((l) => l.message === 'slack request refused: signed, but the body is not a JSON object')).toHaveLength(1);
    // Commands are still answered.
    expect((await h.command('status kinship', 'after')).ack!.text).toMatch(/^Theme "kinship"/);
  });

  it('refuses a body over the cap with 413 before reading it, declared or not; an unsigned one past a few KB with 401', async () => {
    h = await startHarness();
    const big = 'x'.repeat(MAX_SLACK_BODY_BYTES + 1);
    // Signed as far as can be told before reading (a fresh timestamp and a v0 signature): the cap applies.
    const looksSigned = { 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=' + 'a'.repeat(64) };
    const declared = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': JSON_TYPE, ...looksSigned }, body: big });
    expect(declared.status).toBe(413);
    // No signature at all: only an ssl_check (a short form) could be taken, so 8 KB is already too much to read.
    const unsigned = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: 'y'.repeat(8 * 1024) });
    expect(unsigned.status).toBe(401);
    // Slack's unsigned ssl_check is still answered.
    expect((await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': FORM }, body: 'ssl_check=1&token=x' })).status).toBe(200);
    // Chunked, with no length declared: refused once the cap is passed.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h!.base}/slack/events`, { method: 'POST', headers: { 'content-type': JSON_TYPE, 'transfer-encoding': 'chunked', ...looksSigned } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = 'y'.repeat(64 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    }).catch(() => 413);
    expect(status).toBe(413);
    expect(await healthy()).toBe(200);
  });

  it('writes one warning line for a thousand forged requests from one source', { timeout: 20_000 }, async () => {
    h = await startHarness();
    const forged = Array.from({ length: 1_000 }, (_, i) => i);
    for (let i = 0; i < forged.length; i += 50) {
      const batch = await Promise.all(forged.slice(i, i + 50).map((n) => h!.post(`command=/reform&text=x${n}`, FORM, { signature: 'v0=' + '0'.repeat(64) })));
      expect(batch.every((r) => r.status === 401)).toBe(true);
    }
    const lines = h.logs.filter((l) => l.level === 'warn');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toBe('slack request refused: bad or stale signature');
    expect(lines[0]!.context).toMatchObject({ source: '127.0.0.1' });
  });

  it('counts the warnings it held back and says so once the minute is over', async () => {
    const lines: { message: string; context?: Record<string, unknown> }[] = [];
    const logger = { info() {}, error() {}, warn: (message: string, context?: Record<string, unknown>) => void lines.push({ message, context }) };
    for (let i = 0; i < 5; i++) warnOnce(logger, 'refused', '10.0.0.1', {}, 50);
    warnOnce(logger, 'refused', '10.0.0.2', {}, 50);
    warnOnce(logger, 'other kind', '10.0.0.1', {}, 50);
    expect(lines.map((l) => `${l.message} ${l.context?.source}`)).toEqual(['refused 10.0.0.1', 'refused 10.0.0.2', 'other kind 10.0.0.1']);
    await settle(120);
    expect(lines.slice(3)).toEqual([{ message: 'refused (repeated)', context: { source: '10.0.0.1', repeated: 4, withinMs: 50 } }]);
  });

  it('answers HEAD /healthz as GET, without a body', async () => {
    h = await startHarness();
    const head = await fetch(`${h.base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
  });
});

// The receiver behind the guard does not check signatures itself (adapters/slack/receiver.ts): what the guard lets
// through is run. So the guard is tried alone, in front of a receiver that records what reaches it.
describe('the request guard is the only way to Bolt', () => {
  const reached: Record<string, unknown>[] = [];
  let server: Server | undefined;
  afterEach(async () => {
    reached.length = 0;
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function guarded(): Promise<string> {
    const quiet = { info() {}, warn() {}, error() {} };
    const receiver = ({ res, body }: CheckedSlackRequest) => {
      reached.push(body);
      res.writeHead(200).end('reached');
    };
    server = createServer(guardedSlackListener(receiver, SECRET, quiet));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  }

  const send = (url: string, body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers, body });
  const signedHeaders = (body: string, type: string, timestamp = Math.floor(Date.now() / 1000), secret = SECRET) => ({
    'content-type': type,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  });

  it('hands on a signed request, its body parsed as Bolt parses it, and nothing unsigned, forged, stale or changed', async () => {
    const url = await guarded();
    const body = 'command=%2Freform&text=assign+kinship-strategy+%3C%40U666%7Cmallory%3E&user_id=U666';
    const now = Math.floor(Date.now() / 1000);
    const refusals = [
      send(url, body, { 'content-type': FORM }),
      send(url, body, { ...signedHeaders(body, FORM), 'x-slack-signature': 'v0=' + '0'.repeat(64) }),
      send(url, body, signedHeaders(body, FORM, now, 'another-secret')),
      send(url, body, signedHeaders(body, FORM, now - 5 * 60 - 2)),
      send(url, `${body}&x=1`, signedHeaders(body, FORM)),
      send(url, body, { ...signedHeaders(body, FORM), 'x-slack-request-timestamp': String(now + 1) }),
      send(url, body, { ...signedHeaders(body, FORM), 'x-slack-signature': signedHeaders(body, FORM)['x-slack-signature'].replace('v0=', 'v1=') }),
      send(url, '{"type":"event_callback"}', { ...signedHeaders('{"type":"event_callback"}', JSON_TYPE), 'x-slack-request-timestamp': 'soon' }),
    ];
    for (const response of await Promise.all(refusals)) expect(response.status).toBe(401);
    expect(reached).toEqual([]);
    const accepted = await send(url, body, signedHeaders(body, FORM));
    expect(accepted.status).toBe(200);
    expect(reached).toEqual([{ command: '/reform', text: 'assign kinship-strategy <@U666|mallory>', user_id: 'U666' }]);
  });

  it('hands on an unsigned ssl_check as `{ ssl_check: 1 }` alone, whatever was sent beside it', async () => {
    const url = await guarded();
    const smuggled = new URLSearchParams({ ssl_check: '1', token: 'x', payload: JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'reform_cmd_0', value: 'done kinship-strategy' }] }) }).toString();
    expect((await send(url, smuggled, { 'content-type': FORM })).status).toBe(200);
    // Not a form (so not Slack's ssl_check): a signature is needed, as for anything else.
    expect((await send(url, 'ssl_check=1', { 'content-type': JSON_TYPE })).status).toBe(401);
    expect(reached).toEqual([{ ssl_check: '1' }]);
  });

  it("accepts exactly what Bolt's own verifier accepts for signatures as Slack makes them, and nothing Bolt refuses", () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    const bolt = (body: string, signature: string | undefined, timestamp: string | undefined, secret = SECRET): boolean => {
      try {
        // As Bolt's receiver called it: the headers as strings (a missing one refused), the timestamp as a number.
        if (signature === undefined || timestamp === undefined) return false;
        verifySlackRequest({ signingSecret: secret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) }, nowMilliseconds: now });
        return true;
      } catch {
        return false;
      }
    };
    const ours = (body: string, signature: string | undefined, timestamp: string | undefined, secret = SECRET) => signatureProblem(secret, body, signature, timestamp, now) === undefined;
    const seconds = Math.floor(now / 1000);
    // Timestamps around the five-minute edge, in the future, and not numbers at all.
    const timestamp = fc.oneof(fc.integer({ min: seconds - 400, max: seconds + 400 }).map(String), fc.constantFrom('', 'x', '1e9', ' 1', `${seconds}.5`, 'Infinity'));
    const body = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'command=%2Freform&text=status', '{"type":"event_callback"}'));
    // Signatures as Slack makes them for this body and timestamp (maybe with another secret, or another body), with
    // one character changed, cut, upper-cased, under another version, or made up.
    const signed = (b: string, t: string, secret: string) => slackSignature(secret, Number(t) as number, b);
    const signature = (b: string, t: string) =>
      fc.oneof(
        fc.constant(signed(b, t, SECRET)),
        fc.constant(signed(b, t, 'another-secret')),
        fc.constant(signed(`${b}x`, t, SECRET)),
        fc.nat(66).map((i) => { const s = signed(b, t, SECRET); return s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1); }),
        fc.nat(66).map((i) => signed(b, t, SECRET).slice(0, i)),
        fc.constant(signed(b, t, SECRET).toUpperCase()),
        fc.constant(signed(b, t, SECRET).replace('v0=', 'v1=')),
        fc.string(),
      );
    let accepted = 0;
    const request = fc.tuple(body, timestamp).chain(([b, t]) => fc.tuple(fc.constant(b), fc.constant(t), fc.option(signature(b, t), { nil: undefined })));
    fc.assert(
      fc.property(request, ([b, t, s]) => {
        const verdict = ours(b, s, t);
        expect(verdict, `${JSON.stringify(b)} ${s} ${t}`).toBe(bolt(b, s, t));
        if (verdict) accepted++;
      }),
      { numRuns: 3_000 },
    );
    // Both sides of the line were tried: the equality above is not only over refusals.
    expect(accepted).toBeGreaterThan(100);
    // Five minutes to the second: taken, and a second older refused, by both.
    for (const [age, taken] of [[300, true], [301, false], [-3600, true]] as const) {
      const t = String(seconds - age);
      expect([ours('x', slackSignature(SECRET, seconds - age, 'x'), t), bolt('x', slackSignature(SECRET, seconds - age, 'x'), t)]).toEqual([taken, taken]);
    }
    // No header at all, or no secret: refused by both.
    expect(ours('x', slackSignature(SECRET, seconds, 'x'), undefined)).toBe(false);
    expect(ours('x', slackSignature('', seconds, 'x'), String(seconds), '')).toBe(false);
    // The one place it is stricter: Bolt reads the hash up to a second `=` and ignores the rest; Slack never sends one.
    const good = slackSignature(SECRET, seconds, 'x');
    expect([ours('x', `${good}=more`, String(seconds)), bolt('x', `${good}=more`, String(seconds))]).toEqual([false, true]);
    expect(ours('x', good, String(seconds))).toBe(true);
  });

  it('checks the bytes read exactly as it checks the text Bolt decodes from them, whether or not they are UTF-8', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    const t = String(Math.floor(now / 1000));
    // Signed over the decoded text (as Bolt checks), and over the raw bytes (which differ where they are not UTF-8).
    const overBytes = (bytes: Buffer) => 'v0=' + createHmac('sha256', SECRET).update(`v0:${t}:`).update(bytes).digest('hex');
    // Bytes of text, bytes cut inside a character, and stray continuation or lead bytes.
    const bytes = fc.oneof(
      fc.string({ unit: 'grapheme' }).map((x) => Buffer.from(x)),
      fc.string({ unit: 'grapheme', minLength: 1 }).map((x) => Buffer.from(x).subarray(0, -1)),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    );
    let utf8 = 0;
    let other = 0;
    fc.assert(
      fc.property(bytes, (b) => {
        const text = b.toString('utf8');
        for (const signature of [slackSignature(SECRET, Number(t), text), overBytes(b)]) {
          expect(signatureProblem(SECRET, b, signature, t, now)).toBe(signatureProblem(SECRET, text, signature, t, now));
        }
        expect(signatureProblem(SECRET, b, slackSignature(SECRET, Number(t), text), t, now)).toBeUndefined();
        if (Buffer.from(text).equals(b)) utf8++;
        else {
          other++;
          // Not UTF-8: the raw bytes' signature is not what Bolt would check, and is refused.
          expect(signatureProblem(SECRET, b, overBytes(b), t, now)).toBe('signature mismatch');
        }
      }),
      { numRuns: 2_000 },
    );
    expect(utf8).toBeGreaterThan(100);
    expect(other).toBeGreaterThan(100);
  });
});
