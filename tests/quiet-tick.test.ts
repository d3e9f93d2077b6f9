// Skipped minutes (src/schedule/quiet.ts): a minute in which nothing changed and nothing can fall due is not looked
// at, yet everything still goes out at its time: reminders, a digest at its own time, a retry after a long wait, a
// claim left by a dead tick; and a change made meanwhile is seen at once.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../adapters/store/memory.js';
import { silentLogger, type Chat, type SendOutcome, type Store } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { at, programmeFrom, testBot } from './helpers.js';

const FILE = `programme: Quiet minutes
reminders:
  days_before: [7]
digest:
  day: friday
  at: "16:30"
milestones:
  - id: kinship-guidance
    title: Kinship guidance published
    due: 22 March 2024
    themes: [kinship]
`;
const programme = programmeFrom(FILE);

/** The memory store, counting the reads and changes the tick makes. */
function countingStore(): Store & { reads: number; updates: number } {
  const inner = memoryStore();
  const store: Store & { reads: number; updates: number } = {
    reads: 0,
    updates: 0,
    read: () => (store.reads++, inner.read()),
    update: (change) => (store.updates++, inner.update(change)),
    revision: () => inner.revision!(),
  };
  return store;
}

/** A chat that logs what it accepted at the harness's time, and answers with `outcomes` first if given. */
function harness(store: Store) {
  let now = at('2024-03-01T00:00:00Z');
  const log: { at: string; key: string }[] = [];
  const outcomes: (SendOutcome | 'hang')[] = [];
  const chat: Chat = {
    platform: 'console',
    send: async (_to, _message, meta) => {
      const next = outcomes.shift();
      if (next === 'hang') return new Promise<SendOutcome>(() => undefined);
      if (next) return next;
      log.push({ at: now.toISO()!, key: meta.key });
      return { ok: true };
    },
  };
  const chats = [chat];
  const run = (iso: string, tickId = 'tick-a') => {
    now = at(iso);
    return tick({ programme, store, chats, logger: silentLogger, sleep: async () => undefined, tickId }, now);
  };
  /** Ticks every minute from `fromIso` up to and including `toIso`. */
  const everyMinute = async (fromIso: string, toIso: string): Promise<void> => {
    const end = at(toIso);
    for (let t = at(fromIso); t <= end; t = t.plus({ minutes: 1 })) await run(t.toISO()!);
  };
  return { log, outcomes, run, everyMinute };
}

async function subscribe(store: Store, kind: string, channel: string, iso = '2024-02-01T12:00:00Z'): Promise<void> {
  const bot = testBot(programme, iso, { store });
  await bot.bot.handle({ text: `subscribe ${kind}`, user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel });
}

const londonTimes = (log: { at: string }[]) => log.map((s) => DateTime.fromISO(s.at, { setZone: true }).setZone('Europe/London').toFormat('ccc d LLL HH:mm'));

describe('a minute with nothing new', () => {
  it('is skipped without reading or changing the store, and a change made meanwhile is looked at the next minute', async () => {
    const store = countingStore();
    await subscribe(store, 'reminders', 'leadership');
    const h = harness(store);
    // Friday 15 March 09:00: the 7-day reminder goes; 09:01 looks once more and finds nothing.
    expect((await h.run('2024-03-15T09:00:00Z')).sent).toHaveLength(1);
    await h.run('2024-03-15T09:01:00Z');
    const before = { reads: store.reads, updates: store.updates };
    await h.everyMinute('2024-03-15T09:02:00Z', '2024-03-15T10:00:00Z');
    expect({ reads: store.reads, updates: store.updates }).toEqual(before);
    // Someone marks it done: the next minute is looked at in full.
    const bot = testBot(programme, '2024-03-15T10:00:30Z', { store });
    await bot.bot.handle({ text: 'done kinship-guidance', user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel: 'leadership' });
    const changed = store.updates;
    await h.run('2024-03-15T10:01:00Z');
    expect(store.updates).toBe(changed + 1);
  });

  it('still sends a digest at its own time (Friday 16:30), between reminder times', async () => {
    const store = memoryStore();
    await subscribe(store, 'digest', 'clerks');
    const h = harness(store);
    await h.everyMinute('2024-03-08T08:55:00Z', '2024-03-08T16:40:00Z');
    expect(londonTimes(h.log)).toEqual(['Fri 8 Mar 16:30']);
  });

  it('still retries a send at its next attempt, after a long Retry-After', async () => {
    const store = memoryStore();
    await subscribe(store, 'reminders', 'leadership');
    const h = harness(store);
    h.outcomes.push({ ok: false, error: 'HTTP 429', retryAfterMs: 30 * 60_000, refused: true });
    await h.everyMinute('2024-03-15T09:00:00Z', '2024-03-15T09:45:00Z');
    expect(londonTimes(h.log)).toEqual(['Fri 15 Mar 09:30']);
  });

  it("still recovers a dead tick's claim when it expires, ten minutes on", async () => {
    const store = memoryStore();
    await subscribe(store, 'reminders', 'leadership');
    const h = harness(store);
    // Another process claims the reminder at 09:00 and never answers (it was killed mid-send).
    h.outcomes.push('hang');
    void h.run('2024-03-15T09:00:00Z', 'dead-tick');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.everyMinute('2024-03-15T09:01:00Z', '2024-03-15T09:20:00Z');
    expect(londonTimes(h.log)).toEqual(['Fri 15 Mar 09:10']);
  });
});
