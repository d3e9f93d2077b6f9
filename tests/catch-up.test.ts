// A large tick: outcomes recorded in batches that follow the clock, and one digest built for every channel that
// would read the same, while channels whose last digest differs each get their own.
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../adapters/store/memory.js';
import { silentLogger, type Chat, type Clock, type Store } from '../src/ports.js';
import { renderPlain } from '../src/replies/plain.js';
import { tick } from '../src/schedule/tick.js';
import { at, programmeFrom, testBot } from './helpers.js';

const milestones = Array.from({ length: 250 }, (_, i) => `  - id: m-${i}\n    title: Milestone ${i}\n    due: 22 March 2024\n    themes: [t]`);
const programme = programmeFrom(`programme: Catch-up\nreminders:\n  days_before: [7]\nmilestones:\n${milestones.join('\n')}\n`);

function countingStore(): Store & { updates: number } {
  const inner = memoryStore();
  const store: Store & { updates: number } = {
    updates: 0,
    read: () => inner.read(),
    update: (change) => (store.updates++, inner.update(change)),
    revision: () => inner.revision!(),
  };
  return store;
}

async function subscribe(store: Store, kind: string, channel: string, iso: string): Promise<void> {
  const bot = testBot(programme, iso, { store });
  await bot.bot.handle({ text: `subscribe ${kind}`, user: { id: 'console:clerk', name: 'clerk' }, platform: 'console', channel });
}

/** Four channels × 250 reminders at 09:00 on Friday 15 March 2024: 1,000 sends. */
async function catchUp(clock: Clock | undefined, perSend: () => void): Promise<{ store: Store & { updates: number }; sent: number }> {
  const store = countingStore();
  for (const c of ['a', 'b', 'c', 'd']) await subscribe(store, 'reminders', c, '2024-02-01T12:00:00Z');
  const chat: Chat = { platform: 'console', send: async () => (perSend(), { ok: true }) };
  const before = store.updates;
  const report = await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => undefined, tickId: 't', ...(clock ? { clock } : {}) }, at('2024-03-15T09:00:00Z'));
  store.updates -= before;
  return { store, sent: report.sent.length };
}

describe('a large catch-up', () => {
  it('records outcomes every 100 sends with a frozen clock, and about once a second when sends are faster', async () => {
    const frozen = await catchUp({ now: () => at('2024-03-15T09:00:00Z') }, () => undefined);
    // One change plans and claims; ten records of 100.
    expect(frozen).toMatchObject({ sent: 1000 });
    expect(frozen.store.updates).toBe(11);

    // 1,000 sends at 2 ms each take two seconds: a record about every second, and the rest at the end.
    let ms = 0;
    const moving = await catchUp({ now: () => at('2024-03-15T09:00:00Z').plus({ milliseconds: ms }) }, () => void (ms += 2));
    expect(moving).toMatchObject({ sent: 1000 });
    expect(moving.store.updates).toBeGreaterThanOrEqual(2);
    expect(moving.store.updates).toBeLessThanOrEqual(4);

    // Sends slower than 100 a second: every 100, as before.
    ms = 0;
    const slow = await catchUp({ now: () => at('2024-03-15T09:00:00Z').plus({ milliseconds: ms }) }, () => void (ms += 20));
    expect(slow.store.updates).toBe(11);
  });

  it('sends each digest channel the digest of its own last one: channels alike share one, others get theirs', async () => {
    const store = memoryStore();
    // Old and older had last Monday's digest; fresh subscribed after it, so its first covers the week.
    await subscribe(store, 'digest', 'old', '2024-02-01T12:00:00Z');
    await subscribe(store, 'digest', 'older', '2024-02-01T12:00:00Z');
    const sent: { channel: string; text: string }[] = [];
    const chat: Chat = { platform: 'console', send: async (to, message) => (sent.push({ channel: to.channel, text: renderPlain(message) }), { ok: true }) };
    const run = (iso: string) => tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => undefined, tickId: 't' }, at(iso));
    await run('2024-03-04T09:00:00Z');
    await subscribe(store, 'digest', 'fresh', '2024-03-06T12:00:00Z');
    const bot = testBot(programme, '2024-03-07T12:00:00Z', { store });
    await bot.say('assign m-1 @alice');
    sent.length = 0;
    await run('2024-03-11T09:00:00Z');
    const text = (channel: string) => sent.filter((s) => s.channel === channel).map((s) => s.text).join('\n');
    expect(text('old')).toContain('Changes since the last digest (1)');
    expect(text('older')).toBe(text('old'));
    expect(text('fresh')).toContain('Changes in the last week (1)');
  });
});
