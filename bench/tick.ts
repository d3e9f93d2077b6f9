// The scheduler's benchmark (run by bench/run.ts, which loads it only when the tick is measured): a synthetic programme
// of 5,000 milestones and 5,000 actions with 200 subscriptions, ticked minute by minute on the real file store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileStore } from '../adapters/store/file-store.js';
import type { Programme } from '../src/programme/model.js';
import { silentLogger, type Chat } from '../src/ports.js';
import { digestMessage } from '../src/schedule/messages.js';
import { tick } from '../src/schedule/tick.js';
import { emptyState, type State } from '../src/tracking/state.js';
import { NOW, programmeOf } from './programme.js';

function stateOf(programme: Programme, actions: number, subscriptions: number): State {
  const state = emptyState();
  for (let i = 0; i < actions; i++) {
    const m = programme.milestones[i % programme.milestones.length]!;
    const id = `${m.id}/${Math.floor(i / programme.milestones.length) + 1}`;
    state.actions[id] = { id, milestoneId: m.id, title: `Action ${i}`, createdAt: '2026-01-01T00:00:00Z', createdBy: 'console:bench' };
    state.items[id] = { owner: { id: `role:post ${i % 50}`, name: `Post ${i % 50}` }, notes: [], revisions: [] };
  }
  for (let i = 0; i < subscriptions; i++) {
    // Subscribed yesterday: the first tick catches up one day of slots, as after a day's downtime.
    const kind = i % 10 ? 'reminders' : 'digest';
    state.subscriptions.push({ id: `${kind}:console:c${i}`, kind, platform: 'console', channel: `c${i}`, createdAt: NOW.minus({ days: 1 }).toISO()!, createdBy: 'console:bench' });
  }
  return state;
}

const quietChat: Chat = { platform: 'console', send: async () => ({ ok: true }) };

/**
 * The scheduler at 10,000 items and 200 subscriptions on the real file store: the first tick (a day of catch-up),
 * the minute after it, ten later minutes with nothing new (sorted), and one digest.
 */
export async function measureTicks(): Promise<{ first: { ms: number; messages: number }; look: { ms: number }; steady: number[]; digestMs: number }> {
  const programme = programmeOf(5_000);
  const state = stateOf(programme, 5_000, 200);
  const path = join(mkdtempSync(join(tmpdir(), 'reform-bench-')), 'reform.json');
  writeFileSync(path, JSON.stringify(state));
  const store = fileStore(path);
  // The running bot's clock: each tick starts at its minute and the time moves on as it works.
  let minute = NOW;
  let startedAt = performance.now();
  const clock = { now: () => minute.plus({ milliseconds: performance.now() - startedAt }) };
  const deps = { programme, store, chats: [quietChat], logger: silentLogger, sleep: async () => undefined, tickId: 'bench', clock };
  const timed = async (m: number) => {
    minute = NOW.plus({ minutes: m });
    startedAt = performance.now();
    const report = await tick(deps, minute);
    return { ms: performance.now() - startedAt, report };
  };
  const first = await timed(0);
  // The minute after a change looks at everything once more (and finds nothing); the minutes after that are skipped
  // until the next send time, a retry or a claim falls due (src/schedule/quiet.ts).
  const look = await timed(1);
  const steady: number[] = [];
  for (let m = 2; m < 12; m++) steady.push((await timed(m)).ms);
  steady.sort((a, b) => a - b);
  const snapshot = await store.read();
  const t = performance.now();
  digestMessage(programme, snapshot, NOW, NOW.minus({ weeks: 1 }));
  const digestMs = performance.now() - t;
  return { first: { ms: first.ms, messages: first.report.sent.length }, look: { ms: look.ms }, steady, digestMs };
}
