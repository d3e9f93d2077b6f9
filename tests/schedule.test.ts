import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../adapters/store/memory.js';
import type { Chat, Destination, SendMeta, SendOutcome, Store } from '../src/ports.js';
import type { Programme } from '../src/programme/model.js';
import type { Reply } from '../src/replies/model.js';
import { renderPlain } from '../src/replies/plain.js';
import { formatDelivery, tick, type TickReport } from '../src/schedule/tick.js';
import { startScheduler } from '../adapters/scheduler.js';
import { isBankHoliday, isWorkingDay } from '../src/schedule/working-days.js';
import { silentLogger } from '../src/ports.js';
import { at, defaultProgramme, programmeFrom, testBot } from './helpers.js';

const FILE = `programme: Test programme
milestones:
  - id: easter-thing
    title: Due the Friday after Good Friday
    due: 5 April 2024
    themes: [agency]
  - id: summer-thing
    title: Due in BST
    due: summer 2024
    themes: [kinship]
  - id: winter-thing
    title: Due in GMT
    due: 15 January 2025
    themes: [kinship]
`;

interface Sent {
  at: string;
  to: Destination;
  key: string;
  text: string;
}

/** A chat that records what it accepted, and can be told to fail the next sends. */
function recordingChat(platform = 'console', log: Sent[] = [], nowOf: () => DateTime = () => DateTime.invalid('unset')) {
  const failures: SendOutcome[] = [];
  /** Channels that refuse every post for good, with the platform's reason. */
  const refusing = new Map<string, string>();
  const chat: Chat & { failNext(...o: SendOutcome[]): void; refuse(channel: string, error: string): void; log: Sent[]; tried: string[] } = {
    platform,
    log,
    tried: [],
    failNext: (...o) => void failures.push(...o),
    refuse: (channel, error) => void refusing.set(channel, error),
    async send(to: Destination, message: Reply, meta: { key: string }) {
      chat.tried.push(to.channel);
      const refusal = refusing.get(to.channel) || undefined;
      if (refusal) return { ok: false, error: refusal, permanent: true };
      const failure = failures.shift();
      if (failure) return failure;
      log.push({ at: nowOf().toISO() ?? '', to, key: meta.key, text: renderPlain(message) });
      return { ok: true };
    },
    directDestination: (identity) => (identity.startsWith(`${platform}:`) ? { platform, channel: `dm-${identity}` } : undefined),
  };
  return chat;
}

function harness(programme: Programme, store: Store = memoryStore()) {
  let now = at('2024-01-01T00:00:00Z');
  const chat = recordingChat('console', [], () => now);
  const sleeps: number[] = [];
  const run = async (iso?: string, id = 'tick-a'): Promise<TickReport> => {
    if (iso) now = at(iso);
    return tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async (ms) => void sleeps.push(ms), tickId: id }, now);
  };
  return { chat, run, sleeps, store, setNow: (iso: string) => (now = at(iso)) };
}

async function subscribe(store: Store, programme: Programme, nowIso: string, kind = 'reminders', channel = 'leadership') {
  const bot = testBot(programme, nowIso, { store });
  await bot.bot.handle({ text: `subscribe ${kind}`, user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel });
  return bot;
}

describe('a delivery as `reform tick` lists it', () => {
  it('names a reminder\'s item and slot, and a digest\'s week once', () => {
    const base = { platform: 'console', channel: 'clerks', late: false };
    expect(formatDelivery({ ...base, kind: 'digest', item: 'digest', slot: 'digest@2026-W48' })).toBe('digest console:clerks digest@2026-W48');
    expect(formatDelivery({ ...base, kind: 'reminder', item: 'phase-1-end', slot: 'before-28@2026-12-31', late: true })).toBe('reminder console:clerks phase-1-end before-28@2026-12-31 (late)');
  });
});

describe('working days in England and Wales', () => {
  it('knows bank holidays 2022–2030 with substitute and one-off days', () => {
    for (const day of ['2022-06-03', '2022-09-19', '2022-12-27', '2023-05-08', '2024-03-29', '2024-04-01', '2026-12-28', '2027-12-28', '2030-08-26']) {
      expect(isBankHoliday(day), day).toBe(true);
    }
    expect(isBankHoliday('2024-03-28')).toBe(false);
    expect(isWorkingDay('2024-03-30')).toBe(false);
    expect(isWorkingDay('2024-04-02')).toBe(true);
  });
});

describe('tick', () => {
  const programme = programmeFrom(FILE);

  it('sends each slot once across a simulated year, at 09:00 London in GMT and BST, off weekends and bank holidays', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2023-12-01T12:00:00Z');
    let day = at('2024-01-01T00:00:00Z').setZone('Europe/London');
    while (day.year < 2025 || day.month < 3) {
      for (const time of [{ hour: 8, minute: 59 }, { hour: 9, minute: 0 }, { hour: 9, minute: 0 }, { hour: 13, minute: 30 }]) {
        await h.run(day.set(time).toISO()!);
      }
      day = day.plus({ days: 1 });
    }
    const times = (id: string) => h.chat.log.filter((s) => s.key.includes(`|${id}|`)).map((s) => DateTime.fromISO(s.at, { setZone: true }).setZone('Europe/London').toFormat('ccc d LLL yyyy HH:mm'));
    // 5 April 2024: 28 days before is Fri 8 March; 7 before is Good Friday 29 March, moved to Thursday 28 March;
    // 1 before is Thu 4 April (BST); overdue on Saturday 6 April moves to Monday 8 April.
    expect(times('easter-thing')).toEqual(['Fri 8 Mar 2024 09:00', 'Thu 28 Mar 2024 09:00', 'Thu 4 Apr 2024 09:00', 'Mon 8 Apr 2024 09:00']);
    // Summer 2024 ends Saturday 31 August: 28 before is Sat 3 Aug -> Fri 2 Aug; 7 before Sat 24 Aug -> Fri 23 Aug;
    // 1 before Fri 30 Aug; overdue Sun 1 Sep -> Mon 2 Sep.
    expect(times('summer-thing')).toEqual(['Fri 2 Aug 2024 09:00', 'Fri 23 Aug 2024 09:00', 'Fri 30 Aug 2024 09:00', 'Mon 2 Sep 2024 09:00']);
    // 15 January 2025 (GMT): 28 before is Wed 18 Dec 2024; 7 before Wed 8 Jan; 1 before Tue 14 Jan; overdue Thu 16 Jan.
    expect(times('winter-thing')).toEqual(['Wed 18 Dec 2024 09:00', 'Wed 8 Jan 2025 09:00', 'Tue 14 Jan 2025 09:00', 'Thu 16 Jan 2025 09:00']);
    const utc = h.chat.log.filter((s) => s.key.includes('|summer-thing|')).map((s) => DateTime.fromISO(s.at).toUTC().toFormat('HH:mm'));
    expect(new Set(utc)).toEqual(new Set(['08:00']));
    expect(new Set(h.chat.log.map((s) => s.key)).size).toBe(h.chat.log.length);
  }, 60_000);

  it('sends nothing twice when run twice at the same instant or every minute', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    const first = await h.run('2024-03-08T09:00:00Z');
    expect(first.sent.map((d) => d.item)).toEqual(['easter-thing']);
    expect((await h.run('2024-03-08T09:00:00Z')).sent).toEqual([]);
    for (let m = 1; m <= 30; m++) expect((await h.run(`2024-03-08T09:${String(m).padStart(2, '0')}:00Z`)).sent).toEqual([]);
    expect(h.chat.log).toHaveLength(1);
  });

  it('names the milestone, days left, owner and RAG, with what to type next and buttons', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-02-01T12:00:00Z');
    await bot.say('assign easter-thing @alice');
    await bot.say('rag easter-thing amber');
    await h.run('2024-03-28T09:00:00Z');
    const text = h.chat.log[0]!.text;
    expect(text).toContain('Reminder: easter-thing is due in 8 days');
    // The owner and RAG are shown once, in the item, not repeated on a line of their own.
    expect(text).toContain('owner: @alice');
    expect(text).toContain('RAG: amber');
    expect(text.split('@alice').length - 1).toBe(1);
    expect(text.split('amber').length - 1).toBe(1);
    expect(text).toContain('Next: done easter-thing when it is done, assign easter-thing @name to hand it on');
    // Sent to the console (or Teams), so no Slack slash command.
    expect(text).not.toContain('/reform');
    expect(text).toContain('[Mark done: done easter-thing]  [Assign to me: assign easter-thing me]  [Snooze a week: snooze easter-thing]');
  });

  it('after downtime sends only the latest missed slot, late and saying so, and supersedes the older ones', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    const report = await h.run('2024-04-04T15:00:00Z');
    expect(report.sent.map((d) => `${d.item} ${d.slot} ${d.late}`)).toEqual(['easter-thing before-1@2024-04-05 true']);
    expect(report.superseded).toBe(2);
    expect(h.chat.log[0]!.text).toContain('Sent late: this was due on 4 April 2024 at 09:00.');
    expect(h.chat.log[0]!.text).not.toContain('not running');
    // Unowned: the item says so, and the one prompt to assign is the "Next:" line's.
    expect(h.chat.log[0]!.text).toContain('owner: nobody yet\n');
    expect(h.chat.log[0]!.text.split('assign easter-thing @name').length - 1).toBe(1);
    expect(h.chat.log[0]!.text).toContain('assign easter-thing @name to name an owner');
    const state = await h.store.read();
    expect(Object.values(state.ledger).filter((e) => e.state === 'superseded').map((e) => e.slot).sort()).toEqual(['before-28@2024-04-05', 'before-7@2024-04-05']);
  });

  it('after sends that kept failing, or a channel that was failing, sends only the latest reminder due, not each one held', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    h.chat.failNext(...Array(3).fill({ ok: false, error: 'timeout' }));
    expect((await h.run('2024-03-08T09:00:00Z')).pending.map((d) => d.slot)).toEqual(['before-28@2024-04-05']);
    const report = await h.run('2024-03-28T09:00:00Z');
    expect(report.sent.map((d) => `${d.item} ${d.slot}`)).toEqual(['easter-thing before-7@2024-04-05']);
    expect(report.superseded).toBe(1);
    expect((await h.store.read()).ledger['reminders:console:leadership|easter-thing|before-28@2024-04-05']).toMatchObject({ state: 'superseded', note: 'a later reminder replaces it' });
    // A channel that refused posts for weeks, subscribed again: one reminder, the latest.
    h.chat.refuse('leadership', 'is_archived');
    expect((await h.run('2024-04-04T09:00:00Z')).failing.map((d) => d.slot)).toEqual(['before-1@2024-04-05']);
    await h.run('2024-04-08T09:00:00Z');
    h.chat.refuse('leadership', '');
    await subscribe(h.store, programme, '2024-04-08T10:00:00Z');
    const back = await h.run('2024-04-08T10:01:00Z');
    expect(back.sent.map((d) => `${d.item} ${d.slot}`)).toEqual(['easter-thing overdue@2024-04-05']);
  });

  it('a deadline moved out and back again starts its own reminders, and its overdue nudge goes at the next 09:00, not late', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-11-01T12:00:00Z');
    await bot.say('revise winter-thing 20 February 2025 because waiting on DfE');
    expect((await h.run('2025-01-23T09:00:00Z')).sent.filter((d) => d.item === 'winter-thing').map((d) => d.slot)).toEqual(['before-28@2025-02-20']);
    bot.setNow('2025-01-23T12:00:00Z');
    await bot.say('revise winter-thing 15 January 2025 because DfE said no');
    // Its overdue nudge fell on 16 January, before the revise: not sent at once, as though it were late.
    expect((await h.run('2025-01-23T13:00:00Z')).sent.filter((d) => d.item === 'winter-thing')).toEqual([]);
    const next = await h.run('2025-01-24T09:00:00Z');
    expect(next.sent.filter((d) => d.item === 'winter-thing').map((d) => `${d.slot} ${d.late}`)).toEqual(['overdue@2025-01-15 false']);
    expect(h.chat.log.at(-1)!.text).toContain('Overdue: winter-thing');
    expect(h.chat.log.at(-1)!.text).not.toContain('Sent late');
  });

  it('a channel that refused posts for weeks gets the latest digest once fixed, not one for each week held', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z', 'digest', 'clerks');
    h.chat.refuse('clerks', 'is_archived');
    for (const day of ['2024-01-08', '2024-01-15', '2024-01-22']) await h.run(`${day}T09:00:00Z`);
    h.chat.refuse('clerks', '');
    await subscribe(h.store, programme, '2024-01-22T10:00:00Z', 'digest', 'clerks');
    const back = await h.run('2024-01-22T10:01:00Z');
    expect(back.sent.map((d) => d.slot)).toEqual(['digest@2024-W04']);
    const ledger = (await h.store.read()).ledger;
    expect(['W02', 'W03'].map((w) => ledger[`digest:console:clerks|digest|digest@2024-${w}`]?.note)).toEqual(['a later digest replaces it', 'a later digest replaces it']);
  });

  it('a revise that keeps the deadline day keeps a snooze; one that moves it ends the snooze', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-12-19T10:00:00Z');
    expect(await bot.say('snooze winter-thing')).toContain('snoozed until 8 January 2025, 09:01');
    await bot.say('revise winter-thing 15 January 2025 because DfE confirmed the date');
    expect((await h.run('2025-01-08T09:00:00Z')).sent.filter((d) => d.item === 'winter-thing')).toEqual([]);
  });

  it('a reminder held for a deadline that has since moved is dropped; the new deadline has reminders of its own', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    h.chat.refuse('leadership', 'is_archived');
    expect((await h.run('2025-01-16T09:00:00Z')).failing.map((d) => d.slot)).toContain('overdue@2025-01-15');
    bot.setNow('2025-01-20T12:00:00Z');
    await bot.say('revise winter-thing 28 February 2025 because waiting on DfE');
    h.chat.refuse('leadership', '');
    await subscribe(h.store, programme, '2025-01-31T08:00:00Z');
    const report = await h.run('2025-01-31T09:00:00Z');
    expect(report.sent.filter((d) => d.item === 'winter-thing').map((d) => d.slot)).toEqual(['before-28@2025-02-28']);
    expect((await h.store.read()).ledger['reminders:console:leadership|winter-thing|overdue@2025-01-15']).toMatchObject({ state: 'superseded', note: 'the deadline has moved' });
  });

  it('"Snooze a week" never silences for longer than 90 days, and a revised deadline starts its reminders afresh', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    // The next nudge for winter-thing (15 January 2025) is months away: a week it is.
    bot.setNow('2024-01-10T10:00:00Z');
    expect(await bot.say('snooze winter-thing')).toContain('snoozed until 17 January 2024, 10:00');
    bot.setNow('2024-06-03T10:00:00Z');
    await bot.say('snooze summer-thing');
    await bot.say('revise summer-thing 31 July 2024 because brought forward');
    expect((await h.run('2024-07-03T08:00:00Z')).sent.filter((d) => d.item === 'summer-thing').map((d) => d.slot)).toEqual(['before-28@2024-07-31']);
  });

  it('a reminder dropped by unsubscribe while its send was failing stays dropped, and is not sent after a new subscribe', async () => {
    const h = harness(programme);
    const clerk = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    const send = h.chat.send;
    h.chat.send = async () => {
      await clerk.bot.handle({ text: 'unsubscribe reminders', user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel: 'leadership' });
      return { ok: false, error: 'timeout' };
    };
    await h.run('2024-03-08T09:00:00Z');
    expect((await h.store.read()).ledger['reminders:console:leadership|easter-thing|before-28@2024-04-05']).toMatchObject({ state: 'superseded', note: 'unsubscribed' });
    h.chat.send = send;
    await subscribe(h.store, programme, '2024-03-15T12:00:00Z');
    expect((await h.run('2024-03-15T12:01:00Z')).sent).toEqual([]);
  });

  it('sends a subscription nothing from before it existed', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-04-10T12:00:00Z');
    expect((await h.run('2024-04-10T13:00:00Z')).sent).toEqual([]);
    expect((await h.run('2024-08-02T09:00:00Z')).sent.map((d) => d.item)).toEqual(['summer-thing']);
  });

  it('stops reminders for a done milestone, skips the next one when snoozed, and follows a revised deadline', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    await h.run('2024-03-08T09:00:00Z');
    bot.setNow('2024-03-20T12:00:00Z');
    await bot.say('done easter-thing');
    await bot.say('snooze summer-thing');
    await bot.say('revise winter-thing 30 January 2025 because waiting on DfE');
    expect((await h.run('2024-03-28T09:00:00Z')).sent).toEqual([]);
    expect((await h.run('2025-01-02T09:00:00Z')).sent.map((d) => `${d.item} ${d.slot}`)).toEqual(['summer-thing overdue@2024-08-31', 'winter-thing before-28@2025-01-30']);
  });

  it('unsnooze ends a snooze: the item shows it while it lasts, and its next reminder goes', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-03-08T10:00:00Z');
    expect(await bot.say('unsnooze easter-thing')).toContain('easter-thing is not snoozed');
    expect(await bot.say('snooze easter-thing')).toContain('unsnooze easter-thing resumes them sooner.');
    expect(await bot.say('status easter-thing')).toContain('snoozed: reminders paused until 28 March 2024, 09:01 (unsnooze easter-thing)');
    expect(await bot.say('resume easter-thing')).toContain('Reminders for easter-thing resume');
    expect(await bot.say('status easter-thing')).not.toContain('snoozed:');
    expect((await h.run('2024-03-28T09:00:00Z')).sent.map((d) => d.slot)).toEqual(['before-7@2024-04-05']);
    expect(await bot.say('history easter-thing')).toContain('snoozed: ended');
  });

  it('"Snooze a week" on the 28-day reminder skips the next one, three weeks on; a number of days is taken as typed', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    expect((await h.run('2024-03-08T09:00:00Z')).sent.map((d) => d.slot)).toEqual(['before-28@2024-04-05']);
    bot.setNow('2024-03-08T10:00:00Z');
    expect(await bot.say('snooze easter-thing')).toContain('Reminders for easter-thing are snoozed until 28 March 2024, 09:01');
    expect((await h.run('2024-03-28T09:00:00Z')).sent).toEqual([]);
    expect((await h.run('2024-04-04T09:00:00Z')).sent.map((d) => d.slot)).toEqual(['before-1@2024-04-05']);
    // Typed days are meant as typed: three days skips nothing here.
    bot.setNow('2024-01-10T10:00:00Z');
    expect(await bot.say('snooze winter-thing 3')).toContain('snoozed until 13 January 2024, 10:00');
    // Across the clocks going back (27 October 2024), three days is the same time on London's clock.
    bot.setNow('2024-10-25T08:30:00Z');
    expect(await bot.say('snooze winter-thing 3')).toContain('snoozed until 28 October 2024, 09:30');
  });

  it('retries failed sends with backoff, honours Retry-After, and never drops a message', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    h.chat.failNext({ ok: false, error: 'HTTP 429', retryAfterMs: 3000 }, { ok: false, error: 'HTTP 500' });
    const first = await h.run('2024-03-08T09:00:00Z');
    expect(h.sleeps).toEqual([3000, 1000]);
    expect(first.sent).toHaveLength(1);
    h.chat.failNext(...Array(3).fill({ ok: false, error: 'timeout' }));
    const second = await h.run('2024-03-28T09:00:00Z');
    expect(second.sent).toEqual([]);
    expect(second.pending.map((d) => d.error)).toEqual(['timeout']);
    expect((await h.run('2024-03-28T09:00:30Z')).sent).toEqual([]);
    const later = await h.run('2024-03-28T09:02:00Z');
    expect(later.sent.map((d) => d.slot)).toEqual(['before-7@2024-04-05']);
    expect(h.chat.log).toHaveLength(2);
  });

  it('checks the channel before resending after a failure that may have delivered, in the same tick and later', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    // The platform stores the message but the answer is lost (a timeout): the send reports failure.
    const delivered = new Set<string>();
    let sends = 0;
    let checks = 0;
    h.chat.send = async (_to, _message, meta) => {
      sends++;
      delivered.add(meta.key);
      return { ok: false, error: 'timeout' };
    };
    h.chat.alreadyDelivered = async (_to, key) => (checks++, delivered.has(key));
    const report = await h.run('2024-03-08T09:00:00Z');
    expect(report.sent.map((d) => d.item)).toEqual(['easter-thing']);
    expect([sends, checks]).toEqual([1, 1]);
    // A 429 is a refusal: it is retried without asking the channel, and stays pending, flagged as certain.
    h.chat.send = async () => (sends++, { ok: false, error: 'HTTP 429', retryAfterMs: 1000 });
    sends = checks = 0;
    const refused = await h.run('2024-03-28T09:00:00Z');
    expect(refused.pending).toHaveLength(1);
    expect([sends, checks]).toEqual([3, 0]);
    expect(Object.values((await h.store.read()).ledger).some((e) => e.uncertain)).toBe(false);
  });

  it('hands what a failed send still posted to the next attempt, and says when the last one may have posted unheard', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    const metas: SendMeta[] = [];
    const outcomes: SendOutcome[] = [
      { ok: false, error: 'HTTP 429', retryAfterMs: 1000, receipt: { posted: 1 } },
      { ok: false, error: 'HTTP 429', retryAfterMs: 1000 },
      { ok: false, error: 'timeout' },
    ];
    h.chat.send = async (_to, _message, meta) => {
      metas.push(meta);
      return outcomes.shift() ?? { ok: true };
    };
    await h.run('2024-03-08T09:00:00Z');
    const key = metas[0]!.key;
    expect(metas).toEqual([{ key }, { key, receipt: { posted: 1 } }, { key, receipt: { posted: 1 } }]);
    // The ledger keeps the receipt for a later tick, which checks the channel first (the timeout) and says so.
    expect((await h.store.read()).ledger[key]).toMatchObject({ state: 'pending', uncertain: true, receipt: { posted: 1 } });
    metas.length = 0;
    h.chat.alreadyDelivered = async () => false;
    h.chat.send = async (_to, _message, meta) => {
      metas.push(meta);
      return { ok: true, receipt: { ts: '1.2' } };
    };
    expect((await h.run('2024-03-08T11:00:00Z')).sent).toHaveLength(1);
    expect(metas).toEqual([{ key, receipt: { posted: 1 }, uncertain: true }]);
    expect((await h.store.read()).ledger[key]!.receipt).toEqual({ ts: '1.2' });
  });

  it('forgets what a failed send still held once it is sent, or once it will not be sent (unsubscribed)', async () => {
    const h = harness(programme);
    const clerk = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z', 'reminders', 'team');
    h.chat.send = async () => ({ ok: false, error: 'HTTP 429', retryAfterMs: 60_000, receipt: { rest: ['part 2'] } });
    await h.run('2024-03-08T09:00:00Z');
    const entries = async () => Object.values((await h.store.read()).ledger);
    expect((await entries()).map((e) => e.receipt)).toEqual([{ rest: ['part 2'] }, { rest: ['part 2'] }]);
    // The console chat confirms a send without a receipt: nothing of the failed attempt is left behind.
    h.chat.send = async (to) => (to.channel === 'team' ? { ok: true } : { ok: false, error: 'HTTP 429', retryAfterMs: 60_000 });
    await h.run('2024-03-08T09:05:00Z');
    const team = (await entries()).find((e) => e.subscription.endsWith(':team'))!;
    expect(team).toMatchObject({ state: 'sent' });
    expect(team.receipt).toBeUndefined();
    await clerk.bot.handle({ text: 'unsubscribe reminders', user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel: 'leadership' });
    const leadership = (await entries()).find((e) => e.subscription.endsWith(':leadership'))!;
    expect(leadership).toMatchObject({ state: 'superseded', note: 'unsubscribed' });
    expect(leadership.receipt).toBeUndefined();
  });

  it('a tick asked for while one is under way (the start-up catch-up, the next minute) joins it', async () => {
    const inner = memoryStore();
    let updates = 0;
    const store: Store = { read: () => inner.read(), update: (change) => (updates++, inner.update(change)) };
    const scheduler = startScheduler({ programme, store, chats: [recordingChat()], clock: { now: () => at('2024-03-08T09:00:00Z') }, logger: silentLogger });
    try {
      await scheduler.runNow();
      const oneTick = updates;
      expect(oneTick).toBeGreaterThan(0);
      updates = 0;
      await Promise.all([scheduler.runNow(), scheduler.runNow(), scheduler.runNow()]);
      expect(updates).toBe(oneTick);
    } finally {
      scheduler.stop();
    }
  });

  it('drops a reminder waiting for a retry once its item is done or snoozed, instead of sending it late', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z', 'reminders', 'team');
    h.chat.failNext({ ok: false, error: 'HTTP 429', retryAfterMs: 60_000 }, { ok: false, error: 'HTTP 429', retryAfterMs: 60_000 });
    expect((await h.run('2024-03-08T09:00:00Z')).pending).toHaveLength(2);
    bot.setNow('2024-03-08T09:30:00Z');
    expect(await bot.say('done easter-thing')).toContain('done');
    const report = await h.run('2024-03-08T10:00:00Z');
    expect(report.sent).toEqual([]);
    expect(report.superseded).toBe(2);
    expect(h.chat.log).toEqual([]);
    expect(Object.values((await h.store.read()).ledger).map((e) => [e.state, e.note])).toEqual([
      ['superseded', 'the item was marked done'],
      ['superseded', 'the item was marked done'],
    ]);
  });

  it('drops a reminder waiting for a retry when its item is snoozed past the slot', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    h.chat.failNext({ ok: false, error: 'HTTP 429', retryAfterMs: 60_000 });
    await h.run('2024-03-08T09:00:00Z');
    bot.setNow('2024-03-08T09:30:00Z');
    await bot.say('snooze easter-thing');
    expect((await h.run('2024-03-08T10:00:00Z')).sent).toEqual([]);
    expect(Object.values((await h.store.read()).ledger).map((e) => e.note)).toEqual(['the item was snoozed']);
  });

  it('keeps what an earlier attempt in the tick posted when the channel then refuses posts for good', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    const outcomes: SendOutcome[] = [
      { ok: false, error: 'HTTP 429', retryAfterMs: 1000, receipt: { posted: 1 } },
      { ok: false, error: 'not_in_channel', permanent: true },
    ];
    h.chat.send = async () => outcomes.shift()!;
    expect((await h.run('2024-03-08T09:00:00Z')).failing).toHaveLength(1);
    expect(Object.values((await h.store.read()).ledger).map((e) => e.receipt)).toEqual([{ posted: 1 }]);
  });

  it('a first digest covers the week before it was due, however late it goes out', async () => {
    const h = harness(programme);
    const clerk = await subscribe(h.store, programme, '2024-01-01T12:00:00Z', 'digest');
    h.chat.send = async () => ({ ok: false, error: 'HTTP 429', retryAfterMs: 60_000 });
    await h.run('2024-03-11T09:00:00Z');
    delete (h.chat as Partial<typeof h.chat>).send;
    h.chat.send = recordingChat('console', h.chat.log).send;
    clerk.setNow('2024-03-11T09:30:00Z');
    await h.run('2024-03-11T09:30:00Z');
    expect(h.chat.log.at(-1)!.text).toContain('since 4 March 2024, 09:00');
  });

  it('a change made while a digest is going out is in the next digest', async () => {
    const store = memoryStore();
    const clerk = await subscribe(store, programme, '2024-01-01T12:00:00Z', 'digest');
    const texts: string[] = [];
    const chat: Chat = {
      platform: 'console',
      async send(_to, message) {
        texts.push(renderPlain(message));
        // An officer assigns an owner a second after the digest was built, while it is being posted.
        if (texts.length === 1) {
          clerk.setNow('2024-03-11T09:00:01Z');
          await clerk.say('assign easter-thing @bob');
        }
        return { ok: true };
      },
    };
    const run = (iso: string, clockIso: string) =>
      tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 't', clock: { now: () => at(clockIso) } }, at(iso));
    await run('2024-03-11T09:00:00Z', '2024-03-11T09:00:02Z');
    await run('2024-03-18T09:00:00Z', '2024-03-18T09:00:02Z');
    expect(texts[1]).toContain('easter-thing owner: nobody → @bob');
    expect(texts[1]).toContain('1 change since 11 March 2024, 09:00');
  });

  it('keeps what a send still posted when the channel cannot then be checked, for the attempt after', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    h.chat.send = async () => ({ ok: false, error: 'timeout', receipt: { posted: 1 } });
    h.chat.alreadyDelivered = async () => {
      throw new Error('history unavailable');
    };
    const report = await h.run('2024-03-08T09:00:00Z');
    expect(report.pending.map((d) => d.error)).toEqual(['could not check whether it was already sent']);
    expect(Object.values((await h.store.read()).ledger).map((e) => e.receipt)).toEqual([{ posted: 1 }]);
  });

  it('holds messages for a channel that refuses posts, marks it failing, and delivers after it is fixed', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    h.chat.failNext({ ok: false, error: 'channel_not_found', permanent: true });
    const report = await h.run('2024-03-08T09:00:00Z');
    expect(report.failing.map((d) => d.error)).toEqual(['channel_not_found']);
    expect((await h.run('2024-03-08T10:00:00Z')).failing).toHaveLength(1);
    bot.setNow('2024-03-08T11:00:00Z');
    expect(await bot.say('subscriptions')).toContain('FAILING since 8 March 2024, 09:00: channel_not_found');
    await bot.bot.handle({ text: 'subscribe reminders', user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel: 'leadership' });
    expect((await h.run('2024-03-08T11:05:00Z')).sent.map((d) => d.item)).toEqual(['easter-thing']);
  });

  it('keeps messages pending for a platform that is not configured here', async () => {
    const h = harness(programme);
    const store = h.store;
    await store.update((s) => {
      s.subscriptions.push({ id: 'reminders:slack:C1', kind: 'reminders', platform: 'slack', channel: 'C1', createdAt: '2024-01-01T00:00:00Z', createdBy: 'slack:U1' });
    });
    const report = await h.run('2024-03-08T09:00:00Z');
    expect(report.pending.map((d) => `${d.platform}:${d.channel} ${d.error}`)).toEqual(['slack:C1 slack is not configured here']);
    expect((await store.read()).ledger['reminders:slack:C1|easter-thing|before-28@2024-04-05']?.state).toBe('pending');
  });

  it('lets only one of two ticks at the same instant send a message', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    const [a, b] = await Promise.all([h.run('2024-03-08T09:00:00Z', 'tick-a'), h.run('2024-03-08T09:00:00Z', 'tick-b')]);
    expect(a.sent.length + b.sent.length).toBe(1);
    expect(h.chat.log).toHaveLength(1);
  });

  it('a long tick renews its claims, so another process does not take them for a dead tick and send them again', async () => {
    const store = memoryStore();
    for (const channel of ['c1', 'c2', 'c3', 'c4', 'c5']) await subscribe(store, programme, '2024-01-01T12:00:00Z', 'reminders', channel);
    // Each post takes four minutes (a slow platform). While the fourth is going out, a tick in another process
    // (a terminal's `reform tick`) runs: by then the first tick started 16 minutes ago.
    let clock = at('2024-03-08T09:00:00Z');
    const log: string[] = [];
    let other: TickReport | undefined;
    const chat: Chat = {
      platform: 'console',
      async send(to: Destination, _message: Reply, meta: SendMeta) {
        clock = clock.plus({ minutes: 4 });
        log.push(`${to.channel} ${meta.key}`);
        if (log.length === 4) other = await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 'other' }, clock);
        return { ok: true };
      },
    };
    const first = await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 'long', clock: { now: () => clock } }, clock);
    expect(first.sent).toHaveLength(5);
    expect(other?.sent).toEqual([]);
    expect(log).toHaveLength(5);
    expect(new Set(log).size).toBe(5);
    const ledger = (await store.read()).ledger;
    expect(Object.values(ledger).map((e) => e.state)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
  });

  it('a tick whose claims were taken over during one very slow post leaves the rest to the tick that took them', async () => {
    const store = memoryStore();
    for (const channel of ['c1', 'c2', 'c3', 'c4', 'c5']) await subscribe(store, programme, '2024-01-01T12:00:00Z', 'reminders', channel);
    let clock = at('2024-03-08T09:00:00Z');
    const log: string[] = [];
    const chat: Chat = {
      platform: 'console',
      async send(_to: Destination, _message: Reply, meta: SendMeta) {
        log.push(meta.key);
        // The first post hangs for 11 minutes; meanwhile another process's tick recovers every claim and sends.
        if (log.length === 1) {
          clock = clock.plus({ minutes: 11 });
          await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 'other' }, clock);
        }
        return { ok: true };
      },
    };
    await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 'slow', clock: { now: () => clock } }, clock);
    // Only the post that was in flight when its claim was taken went out twice; the slow tick sent nothing more.
    expect(log).toHaveLength(6);
    expect(new Set(log).size).toBe(5);
    expect(Object.values((await store.read()).ledger).every((e) => e.state === 'sent' && e.claimedBy === 'other')).toBe(true);
  });

  it('a long tick records outcomes when they happen: a Retry-After late in the tick counts from then', async () => {
    const store = memoryStore();
    for (const channel of ['c1', 'c2']) await subscribe(store, programme, '2024-01-01T12:00:00Z', 'reminders', channel);
    let clock = at('2024-03-08T09:00:00Z');
    let sends = 0;
    const chat: Chat = {
      platform: 'console',
      async send() {
        sends++;
        if (sends === 1) {
          clock = clock.plus({ minutes: 50 });
          return { ok: true };
        }
        return { ok: false, error: 'rate limited', retryAfterMs: 30 * 60_000 };
      },
    };
    await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 'long', clock: { now: () => clock } }, clock);
    const entries = Object.values((await store.read()).ledger);
    expect(entries.find((e) => e.state === 'sent')?.sentAt).toBe('2024-03-08T09:50:00.000Z');
    expect(entries.find((e) => e.state === 'pending')?.nextAttemptAt).toBe('2024-03-08T10:20:00.000Z');
  });

  it('sends the digest once a week, Mondays 09:00, Tuesday after a bank holiday Monday', async () => {
    const h = harness(programme);
    await subscribe(h.store, programme, '2024-03-01T12:00:00Z', 'digest', 'clerks');
    const digests: string[] = [];
    let day = at('2024-03-01T00:00:00Z').setZone('Europe/London');
    while (day < at('2024-04-20T00:00:00Z')) {
      for (const hour of [8, 9, 17]) {
        const report = await h.run(day.set({ hour, minute: 0 }).toISO()!);
        digests.push(...report.sent.filter((d) => d.kind === 'digest').map(() => day.set({ hour }).toFormat('ccc d LLL HH:mm')));
      }
      day = day.plus({ days: 1 });
    }
    expect(digests).toEqual(['Mon 4 Mar 09:00', 'Mon 11 Mar 09:00', 'Mon 18 Mar 09:00', 'Mon 25 Mar 09:00', 'Tue 2 Apr 09:00', 'Mon 8 Apr 09:00', 'Mon 15 Apr 09:00']);
  });

  it('subscribe says when messages will come, as the programme file sets it', async () => {
    const custom = programmeFrom(FILE.replace('milestones:', "reminders:\n  days_before: [14, 3]\n  overdue: false\n  at: '08:30'\ndigest:\n  day: friday\n  at: '16:00'\nmilestones:"));
    const { say } = testBot(custom, '2024-01-01T12:00:00Z');
    expect(await say('subscribe reminders')).toContain('This channel will get reminders\n\nFrom now on: reminders 14 and 3 days before each deadline, at 08:30 on working days. unsubscribe reminders stops them.');
    expect(await say('subscribe digest')).toContain('This channel will get the weekly digest\n\nFrom now on: the weekly digest, Fridays at 16:00 (the next working day when that is a bank holiday). unsubscribe digest stops it.');
    expect(await say('subscribe digest')).toContain('This channel already gets the weekly digest');
    const { say: sayDefault, bot } = testBot(programme, '2024-01-01T12:00:00Z');
    const plain = await sayDefault('subscribe reminders');
    expect(plain).toContain('reminders 28, 7 and 1 days before each deadline and an overdue nudge, at 09:00 on working days');
    // A chat channel takes posts only from members, so it is asked to invite the bot; the terminal is not.
    expect(plain).not.toContain('invite it');
    const inSlack = renderPlain(await bot.handle({ text: 'subscribe reminders', user: { id: 'slack:U1', name: 'u' }, platform: 'slack', channel: 'C1' }));
    expect(inSlack).toContain('The bot must be a member of this channel to post here: invite it if it is not.');
  });

  it('sends a Friday digest that Good Friday and Easter Monday move into the next week, and the one after it', async () => {
    const fridays = programmeFrom(FILE.replace('milestones:', 'digest:\n  day: friday\nmilestones:'));
    const h = harness(fridays);
    await subscribe(h.store, fridays, '2025-04-01T12:00:00Z', 'digest', 'clerks');
    const sent: string[] = [];
    for (const iso of ['2025-04-11T08:00:00Z', '2025-04-17T08:00:00Z', '2025-04-18T08:00:00Z', '2025-04-21T08:00:00Z', '2025-04-22T08:00:00Z', '2025-04-22T09:00:00Z', '2025-04-25T08:00:00Z']) {
      sent.push(...(await h.run(iso)).sent.filter((d) => d.kind === 'digest').map((d) => `${iso.slice(5, 10)} ${d.slot}`));
    }
    expect(sent).toEqual(['04-11 digest@2025-W15', '04-22 digest@2025-W16', '04-25 digest@2025-W17']);
  });

  it('digest: a deadline six weeks on is due within six weeks; snoozes are no change; a channel subscribed again starts afresh', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z', 'digest', 'clerks');
    await h.run('2024-01-08T09:00:00Z');
    expect(h.chat.log).toHaveLength(1);
    const clerk = { user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel: 'clerks' } as const;
    bot.setNow('2024-01-10T10:00:00Z');
    await bot.bot.handle({ ...clerk, text: 'unsubscribe digest' });
    bot.setNow('2024-03-01T12:00:00Z');
    await bot.bot.handle({ ...clerk, text: 'subscribe digest' });
    await bot.say('action add easter-thing "Six weeks on" due 15 April 2024');
    await bot.say('snooze easter-thing');
    await h.run('2024-03-04T09:00:00Z');
    const text = h.chat.log.at(-1)!.text;
    expect(text).toContain('1 change since 26 February 2024, 09:00');
    expect(text).toContain('Changes in the last week (1)');
    expect(text).toContain('easter-thing/1 action added');
    // Not a change; the item itself says its reminders are paused.
    expect(text).not.toMatch(/easter-thing snoozed/);
    expect(text).toContain('snoozed: reminders paused until 8 March 2024, 12:00 (unsnooze easter-thing)');
    expect(text).toContain('Due in the next 6 weeks (2)');
    expect(text).toContain('easter-thing/1  Six weeks on [upcoming]');
  });

  it('digest names the unowned milestones already listed in full, in order, and counts them', async () => {
    const text = await testBot(defaultProgramme(), '2026-11-25T09:00:00Z').say('digest');
    const listed = /\nOverdue or due in the next 6 weeks \((\d+)\): (.+)\.\n?/.exec(text);
    expect(listed, text).not.toBeNull();
    const ids = listed![2]!.split(/, | and /);
    expect(ids).toHaveLength(Number(listed![1]));
    expect(ids.length).toBeGreaterThan(2);
    // Each was shown in full above (with its "nobody yet" owner), in the order they are listed there.
    const fullAbove = [...text.split('Milestones with no owner')[0]!.matchAll(/^ {2}(\S+) {2}/gm)].map((m) => m[1]!);
    expect(fullAbove.filter((id) => ids.includes(id))).toEqual(ids);
  });

  it('digest lists overdue, due soon, changes since the last digest and unowned milestones; digest previews it', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-03-01T12:00:00Z', 'digest', 'clerks');
    await h.run('2024-03-04T09:00:00Z');
    bot.setNow('2024-03-06T10:00:00Z');
    await bot.say('rag easter-thing red slipping');
    await h.run('2024-03-11T09:00:00Z');
    const text = h.chat.log[1]!.text;
    expect(text).toContain('Due in the next 6 weeks (1)');
    expect(text).toContain('easter-thing RAG: none → red (@alice, 6 March 2024, 10:00)');
    // Listed in full under "Due in the next 6 weeks", it is named here, not repeated.
    expect(text).toMatch(/Milestones with no owner, overdue or due within 12 weeks \(1\)\nOverdue or due in the next 6 weeks: easter-thing\.$/);
    expect(text).not.toContain('subscribed');
    bot.setNow('2024-03-12T10:00:00Z');
    expect(await bot.say('digest')).toContain('Changes since the last digest (0)');
    // Past its deadline with nobody named, a milestone stays in that list; once owned, the list says so.
    bot.setNow('2024-04-10T10:00:00Z');
    expect(await bot.say('digest')).toMatch(/Overdue \(1\)\n {2}easter-thing .*\n[^]*Milestones with no owner, overdue or due within 12 weeks \(1\)\nOverdue or due in the next 6 weeks: easter-thing\.$/);
    await bot.say('assign easter-thing @bob');
    expect(await bot.say('digest')).toContain('Every milestone overdue or due soon has an owner.');
    const early = testBot(programme, '2024-01-01T10:00:00Z');
    expect(await early.say('digest')).toContain('No milestone is overdue or due within 12 weeks.');
    // Due within 12 weeks but after the 6-week horizon, it is listed nowhere above: it gets a line of its own.
    const later = await testBot(programme, '2024-01-20T10:00:00Z').say('digest');
    expect(later).toContain('Due in the next 6 weeks (0)');
    expect(later).toMatch(/Milestones with no owner, overdue or due within 12 weeks \(1\)\neaster-thing Due the Friday after Good Friday · deadline 5 April 2024, 76 days left$/);
    // With no digest before it, it covers the week to now: the same hour a week ago on London's clocks, in BST too.
    const afterClockChange = await testBot(programme, '2024-04-02T08:00:00Z').say('digest');
    expect(afterClockChange).toContain('changes since 26 March 2024, 09:00');
    expect(afterClockChange).toContain('Changes in the last week (0)');
  });

  it('nudges an action owner directly where the platform allows', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-01-02T12:00:00Z');
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    const report = await h.run('2024-03-14T09:00:00Z');
    expect(report.sent.filter((d) => d.item.includes('/')).map((d) => `${d.channel} ${d.item}`)).toEqual(['dm-console:carol summer-thing/1']);
    expect(h.chat.log.find((s) => s.key.includes('summer-thing/1'))!.text).toContain('Reminder: summer-thing/1 is due in 1 day');
  });

  it('sends an action\'s reminder once when it changes hands: not again to the new owner, nor to the channels when unassigned', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-01-02T12:00:00Z');
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    expect((await h.run('2024-03-08T09:00:00Z')).sent.filter((d) => d.item === 'summer-thing/1').map((d) => d.channel)).toEqual(['dm-console:carol']);
    bot.setNow('2024-03-08T15:00:00Z');
    await bot.say('assign summer-thing/1 @dan');
    expect((await h.run('2024-03-08T15:01:00Z')).sent.filter((d) => d.item === 'summer-thing/1')).toEqual([]);
    bot.setNow('2024-03-09T10:00:00Z');
    await bot.say('unassign summer-thing/1');
    expect((await h.run('2024-03-09T10:01:00Z')).sent.filter((d) => d.item === 'summer-thing/1')).toEqual([]);
    // The next reminder goes the action's way at the time: the channels, as nobody owns it.
    const next = await h.run('2024-03-14T09:00:00Z');
    expect(next.sent.filter((d) => d.item === 'summer-thing/1').map((d) => `${d.channel} ${d.slot}`)).toEqual(['leadership before-1@2024-03-15']);
    expect(h.chat.log.filter((m) => m.key.includes('summer-thing/1|before-7')).map((m) => m.to.channel)).toEqual(['dm-console:carol']);
  });

  it('drops a removed action\'s reminder waiting for a retry, and plans it no more', async () => {
    const h = harness(programme);
    const bot = testBot(programme, '2024-01-02T12:00:00Z', { store: h.store });
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    h.chat.failNext({ ok: false, error: 'timeout' }, { ok: false, error: 'timeout' }, { ok: false, error: 'timeout' });
    expect((await h.run('2024-03-08T09:00:00Z')).pending.map((d) => `${d.channel} ${d.item}`)).toEqual(['dm-console:carol summer-thing/1']);
    bot.setNow('2024-03-08T09:30:00Z');
    expect(await bot.say('action remove summer-thing/1 because added twice')).toContain('Action summer-thing/1 removed');
    // Dropped by the removal itself, before any tick: one that cannot reach the channel (failing, or run
    // elsewhere) would otherwise hold it as waiting.
    const entries = Object.values((await h.store.read()).ledger).filter((e) => e.item === 'summer-thing/1');
    expect(entries.every((e) => e.state === 'superseded')).toBe(true);
    expect(entries.filter((e) => e.note === 'the action was removed').map((e) => e.slot)).toEqual(['before-7@2024-03-15']);
    const report = await h.run('2024-03-08T10:00:00Z');
    expect([...report.sent, ...report.pending, ...report.failing].filter((d) => d.item === 'summer-thing/1')).toEqual([]);
    // Its next reminder (the day before) is never planned.
    await h.run('2024-03-14T09:00:00Z');
    expect(h.chat.log.filter((m) => m.key.includes('summer-thing/1'))).toEqual([]);
  });

  it('sends a reminder still waiting to go to an action\'s old owner to the new owner instead', async () => {
    const h = harness(programme);
    const bot = testBot(programme, '2024-01-02T12:00:00Z', { store: h.store });
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    h.chat.failNext({ ok: false, error: 'timeout' }, { ok: false, error: 'timeout' }, { ok: false, error: 'timeout' });
    expect((await h.run('2024-03-08T09:00:00Z')).pending.map((d) => d.channel)).toEqual(['dm-console:carol']);
    bot.setNow('2024-03-08T09:30:00Z');
    await bot.say('assign summer-thing/1 @dan');
    const after = await h.run('2024-03-08T09:31:00Z');
    expect(after.sent.map((d) => `${d.channel} ${d.slot}`)).toEqual(['dm-console:dan before-7@2024-03-15']);
    for (const minute of ['40', '50']) await h.run(`2024-03-08T10:${minute}:00Z`);
    expect(h.chat.log.map((m) => m.to.channel)).toEqual(['dm-console:dan']);
    expect((await h.store.read()).ledger['dm:console:carol|summer-thing/1|before-7@2024-03-15']).toMatchObject({ state: 'superseded', note: expect.stringContaining('changed hands') });
  });

  it('keeps a reminder waiting for an action\'s owner when a process that can reach no one ticks (no channel subscribed)', async () => {
    const h = harness(programme);
    const bot = testBot(programme, '2024-01-02T12:00:00Z', { store: h.store });
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    h.chat.failNext({ ok: false, error: 'timeout' }, { ok: false, error: 'timeout' }, { ok: false, error: 'timeout' });
    await h.run('2024-03-08T09:00:00Z');
    // A tick with no console chat (a server with Slack only) has no way to carol and no channel: it cancels nothing.
    await tick({ programme, store: h.store, chats: [recordingChat('slack')], logger: silentLogger, sleep: async () => {}, tickId: 'server' }, at('2024-03-08T09:30:00Z'));
    expect((await h.store.read()).ledger['dm:console:carol|summer-thing/1|before-7@2024-03-15']).toMatchObject({ state: 'pending' });
    expect((await h.run('2024-03-08T10:30:00Z')).sent.map((d) => d.channel)).toEqual(['dm-console:carol']);
  });

  it('catches up no reminder from before an item was reopened or an action added: nothing "late" on Christmas Day', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-12-10T10:00:00Z');
    await bot.say('done winter-thing');
    expect((await h.run('2024-12-17T09:00:00Z')).sent.filter((d) => d.item === 'winter-thing')).toEqual([]);
    bot.setNow('2024-12-25T11:00:00Z');
    await bot.say('reopen winter-thing');
    expect((await h.run('2024-12-25T11:01:00Z')).sent.filter((d) => d.item === 'winter-thing')).toEqual([]);
    // Its next reminder comes when due: 1 day before, on 14 January 2025.
    expect((await h.run('2025-01-14T09:00:00Z')).sent.filter((d) => d.item === 'winter-thing').map((d) => `${d.slot} ${d.late}`)).toEqual(['before-1@2025-01-15 false']);
    // An action added on 15 March for 22 March: its 28- and 7-day reminders fell before it existed.
    bot.setNow('2024-03-15T18:00:00Z');
    await bot.say('action add summer-thing "Late addition" due 22 March 2024');
    expect((await h.run('2024-03-15T18:01:00Z')).sent.filter((d) => d.item.startsWith('summer-thing/'))).toEqual([]);
  });

  it('nudges an action added after its deadline at the next 09:00 on a working day, owned or not', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-03-15T12:00:00Z');
    await bot.say('action add summer-thing "Owned" due 12 March 2024 owner @carol');
    await bot.say('action add summer-thing "Unowned" due 12 March 2024');
    expect((await h.run('2024-03-15T12:01:00Z')).sent.filter((d) => d.item.startsWith('summer-thing/'))).toEqual([]);
    // A channel subscribed that evening is subscribed before the nudge is due, so it gets it too.
    await subscribe(h.store, programme, '2024-03-15T18:00:00Z', 'reminders', 'board');
    // Friday afternoon, so Monday 18 March at 09:00, not marked late.
    const monday = await h.run('2024-03-18T09:00:00Z');
    expect(monday.sent.filter((d) => d.item.startsWith('summer-thing/')).map((d) => `${d.channel} ${d.item} ${d.slot} ${d.late}`).sort()).toEqual([
      'board summer-thing/2 overdue@2024-03-12 false',
      'dm-console:carol summer-thing/1 overdue@2024-03-12 false',
      'leadership summer-thing/2 overdue@2024-03-12 false',
    ]);
  });

  it('sends the reminders of an action to the reminders channels once its owner cannot be messaged directly, never retrying every minute', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    bot.setNow('2024-01-02T12:00:00Z');
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    h.chat.refuse('dm-console:carol', 'user_not_found');
    const first = await h.run('2024-03-14T09:00:00Z');
    expect(first.failing.map((d) => `${d.channel} ${d.item} ${d.error}`)).toEqual(['dm-console:carol summer-thing/1 user_not_found']);
    const state = await h.store.read();
    expect(state.ledger['dm:console:carol|summer-thing/1|before-1@2024-03-15']).toMatchObject({ state: 'superseded', note: expect.stringContaining('direct messages refused (user_not_found)') });
    // The next minute's tick posts it to the channel, and the owner's later reminders go there directly.
    const next = await h.run('2024-03-14T09:01:00Z');
    expect(next.sent.map((d) => `${d.channel} ${d.item} ${d.slot}`)).toEqual(['leadership summer-thing/1 before-1@2024-03-15']);
    expect(h.chat.log.at(-1)!.text).toContain('Reminder: summer-thing/1 is due in 1 day');
    for (const minute of ['02', '03', '04']) expect((await h.run(`2024-03-14T09:${minute}:00Z`)).sent).toEqual([]);
    const overdue = await h.run('2024-03-18T09:00:00Z');
    expect(overdue.sent.filter((d) => d.item === 'summer-thing/1').map((d) => `${d.channel} ${d.slot}`)).toEqual(['leadership overdue@2024-03-15']);
    // Said once: "Overdue: summer-thing/1", with the days overdue on the item's own line.
    const nudge = h.chat.log.find((m) => m.key.endsWith('summer-thing/1|overdue@2024-03-15'))!.text;
    expect(nudge).toMatch(/^Overdue: summer-thing\/1\n/);
    expect(nudge).toContain('overdue by 3 days');
    expect(h.chat.tried.filter((c) => c === 'dm-console:carol')).toHaveLength(1);
    // Her next action is tried directly again: the refusal may have passed (she came back, or reinstalled the app).
    h.chat.refuse('dm-console:carol', '');
    bot.setNow('2024-03-18T12:00:00Z');
    await bot.say('action add summer-thing "Write up" due 29 March 2024 owner @carol');
    const second = await h.run('2024-03-28T09:00:00Z');
    expect(second.sent.filter((d) => d.item === 'summer-thing/2').map((d) => d.channel)).toEqual(['dm-console:carol']);
  });

  it('leaves an action whose owner is on a platform this process lacks (`reform tick`) to the process that has it: one direct message, no channel post', async () => {
    const store = memoryStore();
    const bot = testBot(programme, '2024-01-02T12:00:00Z', { store });
    await bot.bot.handle({ text: 'subscribe reminders', user: { id: 'slack:U9', name: 'clerk' }, platform: 'slack', channel: 'C1' });
    await bot.bot.handle({ text: 'action add summer-thing "Brief members" due 15 March 2024 owner <@slack:U123|carol>', user: { id: 'slack:U9', name: 'clerk' }, platform: 'slack', channel: 'C1' });
    const consoleOnly = recordingChat('console');
    const slack = recordingChat('slack');
    const base = { programme, store, logger: silentLogger, sleep: async () => {} };
    // An operator's `reform tick` (its chats: the console only) at 09:00:20, then the running bot's tick at 09:01.
    const cli = await tick({ ...base, chats: [consoleOnly], tickId: 'cli', elsewhere: ['slack'] }, at('2024-03-14T09:00:20Z'));
    expect(cli.pending.filter((d) => d.item === 'summer-thing/1')).toEqual([]);
    const running = await tick({ ...base, chats: [consoleOnly, slack], tickId: 'bot' }, at('2024-03-14T09:01:00Z'));
    expect(running.sent.filter((d) => d.item === 'summer-thing/1').map((d) => d.channel)).toEqual(['dm-slack:U123']);
    // Nothing was planned for the channel: the earlier reminders missed are recorded against the owner only.
    const keys = Object.keys((await store.read()).ledger).filter((k) => k.includes('summer-thing/1'));
    expect(keys).toContain('dm:slack:U123|summer-thing/1|before-1@2024-03-15');
    expect(keys.filter((k) => !k.startsWith('dm:slack:U123|'))).toEqual([]);
  });

  it('sends an action to the channels when its owner is on a platform the deployment no longer runs', async () => {
    const h = harness(programme);
    const bot = await subscribe(h.store, programme, '2024-01-01T12:00:00Z');
    // A subscription left from when Teams was set up does not mean any process serves Teams now.
    await bot.bot.handle({ text: 'subscribe digest', user: { id: 'teams:aad-9', name: 'clerk' }, platform: 'teams', channel: '19:old@thread' });
    bot.setNow('2024-01-02T12:00:00Z');
    await bot.bot.handle({ text: 'action add summer-thing "Brief members" due 15 March 2024 owner <@teams:aad-1|dana>', user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel: 'leadership' });
    const report = await h.run('2024-03-14T09:00:00Z');
    expect(report.sent.filter((d) => d.item === 'summer-thing/1').map((d) => d.channel)).toEqual(['leadership']);
  });

  it('retries a refused direct message with backoff when no channel gets reminders', async () => {
    const h = harness(programme);
    const bot = testBot(programme, '2024-01-02T12:00:00Z', { store: h.store });
    await bot.say('action add summer-thing "Brief members" due 15 March 2024 owner @carol');
    h.chat.refuse('dm-console:carol', 'user_not_found');
    await h.run('2024-03-14T09:00:00Z');
    for (const minute of ['01', '02', '03']) await h.run(`2024-03-14T09:${minute}:00Z`);
    expect(h.chat.tried).toEqual(['dm-console:carol']);
    const entry = (await h.store.read()).ledger['dm:console:carol|summer-thing/1|before-1@2024-03-15'];
    expect(entry).toMatchObject({ state: 'pending', lastError: 'user_not_found', nextAttemptAt: '2024-03-14T10:00:00.000Z' });
  });
});
