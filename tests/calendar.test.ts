// The calendar feed: `calendar`, `calendar mine` and `calendar reset` give private addresses, served by the bot's
// HTTP server as iCalendar that ical.js reads; unknown and revoked addresses get 404, and no secret reaches the
// store or the log.
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { calendarRoute } from '../adapters/calendar-feed.js';
import { startServer, type RunningServer } from '../adapters/server.js';
import { consoleMessage } from '../adapters/console/console.js';
import { memoryStore } from '../adapters/store/memory.js';
import { createBot } from '../src/bot.js';
import type { Logger } from '../src/ports.js';
import { renderPlain } from '../src/replies/plain.js';
import { at, defaultProgramme } from './helpers.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(opts: { publicUrl?: string } = { publicUrl: 'https://reform.example.gov.uk' }) {
  const programme = defaultProgramme();
  const store = memoryStore();
  const logs: string[] = [];
  const logger: Logger = { info: (m, c) => void logs.push(`${m} ${JSON.stringify(c)}`), warn: (m, c) => void logs.push(`${m} ${JSON.stringify(c)}`), error: (m, c) => void logs.push(`${m} ${JSON.stringify(c)}`) };
  const clock = { now: () => at('2026-12-07T10:00:00Z') };
  const bot = createBot({ programme, store, clock, logger, ...opts });
  server = await startServer({ port: 0, host: '127.0.0.1', calendar: calendarRoute({ programme, store, clock }), logger });
  const base = `http://127.0.0.1:${server.port}`;
  const say = async (text: string, user = 'alice', channel = 'leadership') => renderPlain(await bot.handle(consoleMessage(text, user, channel)));
  /** The feed at the address in an answer, fetched from the local server. */
  const feed = async (answer: string) => {
    const path = /https:\/\/reform\.example\.gov\.uk(\/calendar\/[^\s`]+\.ics)/.exec(answer)?.[1];
    if (!path) throw new Error(`no address in: ${answer}`);
    return fetch(base + path);
  };
  return { store, logs, say, feed, base };
}

const events = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));

describe('calendar', () => {
  it('gives the channel a private address with at least 128 random bits, which calendars can read', async () => {
    const t = await setup();
    const answer = await t.say('calendar');
    const secret = /\/calendar\/([^\s`]+)\.ics/.exec(answer)![1]!;
    expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const res = await t.feed(answer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const parsed = events(await res.text());
    // One event a dated milestone: an undated commitment has no day to put in a calendar.
    expect(parsed.length).toBe(defaultProgramme().milestones.filter((m) => !m.undated).length);
    expect(parsed.every((e) => e.startDate.isDate)).toBe(true);
    // Neither the store nor the log holds the secret: only its hash is kept.
    expect(JSON.stringify(await t.store.read())).not.toContain(secret);
    expect(t.logs.join('\n')).not.toContain(secret);
  });

  it('gives an owner an address for what they own only', async () => {
    const t = await setup();
    await t.say('assign kinship-strategy @bob');
    await t.say('action add phase-1-end "Brief members" due 31 January 2027 owner @bob');
    const res = await t.feed(await t.say('calendar mine', 'bob'));
    const uids = events(await res.text()).map((e) => e.uid).sort();
    expect(uids).toEqual(['kinship-strategy@reform-bot', 'phase-1-end.1@reform-bot']);
  });

  it('revokes the old address on reset: the old one gets 404, the new one works', async () => {
    const t = await setup();
    const first = await t.say('calendar');
    expect(await t.say('calendar')).toContain('already');
    const second = await t.say('calendar reset');
    expect((await t.feed(first)).status).toBe(404);
    expect((await t.feed(second)).status).toBe(200);
    // An address never made, and one that is not even a secret's shape, look the same.
    expect((await fetch(`${t.base}/calendar/${'A'.repeat(27)}.ics`)).status).toBe(404);
    expect((await fetch(`${t.base}/calendar/x.ics`)).status).toBe(404);
  });

  it('marks a milestone cancelled once done, and raises its sequence', async () => {
    const t = await setup();
    const answer = await t.say('calendar');
    const before = events(await (await t.feed(answer)).text()).find((e) => e.uid === 'multi-agency-cp@reform-bot')!;
    expect(before.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    await t.say('done multi-agency-cp');
    const after = events(await (await t.feed(answer)).text()).find((e) => e.uid === 'multi-agency-cp@reform-bot')!;
    expect(after.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(after.sequence).toBe(before.sequence + 1);
  });

  it('says what is missing, and changes nothing, when the bot has no public address', async () => {
    const t = await setup({});
    expect(await t.say('calendar')).toContain('REFORM_PUBLIC_URL');
    expect((await t.store.read()).calendars ?? []).toEqual([]);
  });
});
