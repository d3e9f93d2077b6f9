// Crash during delivery: the real `reform start` (Slack HTTP mode) against a fake Slack Web API on 127.0.0.1
// that stores a post and then answers slowly. Across a simulated stretch of the programme (REFORM_NOW moving
// forward) the bot is killed with SIGKILL at random moments, including between Slack accepting a message and
// the ledger recording it, and restarted each time. Then it is restarted without kills until nothing is left.
// Every reminder and digest a crash-free run would send must have reached Slack exactly once.
// Reproduce a run with CRASH_SEED=<seed printed by the test> npx vitest run tests/crash
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { readProgrammeFile } from '../adapters/programme-file.js';
import { memoryStore } from '../adapters/store/memory.js';
import { silentLogger, type Chat } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { stateSchema } from '../src/tracking/state.js';
import { novemberProgramme, prng, SEED_STATE } from './fakes/november-programme.js';
import { startSlowSlackApi, type SlowSlackApi } from './fakes/slow-slack-api.js';

const PROGRAMME = novemberProgramme('crash');

/** Ticks run at 10:00Z; restarts within a step add 11 minutes each (claims expire after 10), never reaching a slot. */
const STEP_TIME = 'T10:00:00Z';
const DRAIN_AT = '2026-11-25T12:00:00Z';
const RESTART_GAP_MINUTES = 11;
const MAX_ATTEMPTS_PER_STEP = 4;
const MAX_DRAINS = 5;
/** Past this, the stretch stops early (fewer steps, still checked) so the test stays well inside its bound. */
const STRETCH_BUDGET_MS = 38_000;
const READY_TIMEOUT_MS = 30_000; // a lock left by a killed process is stale after 10 s
const EXIT_TIMEOUT_MS = 5_000;

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

type Strategy =
  | { kind: 'accepted'; post: number } // SIGKILL the moment the fake stores this attempt's n-th post
  | { kind: 'after-first-post'; ms: number } // SIGKILL a while after the first post was stored
  | { kind: 'startup'; ms: number } // SIGKILL a while after spawning (start-up, planning, claiming)
  | { kind: 'idle' }; // let the start-up tick finish, then SIGKILL

interface AttemptResult {
  pid: number;
  ready: boolean;
  /** Killed with SIGKILL before the start-up tick finished. */
  killedMidTick: boolean;
  /** Killed while a post of this attempt was stored by Slack but not yet answered. */
  killedInWindow: boolean;
  killed: boolean;
}

interface LedgerRow {
  key: string;
  state: string;
  claimedBy?: string;
  receipt?: Record<string, unknown>;
  note?: string;
}

function ledgerOf(db: string): LedgerRow[] {
  const state = JSON.parse(readFileSync(db, 'utf8')) as { ledger?: Record<string, LedgerRow> };
  return Object.values(state.ledger ?? {});
}

function spawnBot(env: NodeJS.ProcessEnv): { child: ChildProcess; lines: string[]; exited: Promise<void> } {
  const child = spawn(process.execPath, ['bin/reform.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (line.includes('"message":"ready"')) child.emit('reform-ready');
    }
  });
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  return { child, lines, exited };
}

describe('crash during delivery (real npm start, fake slow Slack)', () => {
  it('kill -9 at random moments loses and doubles no reminder', { timeout: 90_000 }, async () => {
    const started = Date.now();
    const given = Number.parseInt(process.env.CRASH_SEED ?? '', 10);
    const seed = Number.isSafeInteger(given) ? given : Math.floor(Math.random() * 2 ** 31);
    const random = prng(seed);
    console.log(`crash test seed ${seed} (rerun with CRASH_SEED=${seed})`);

    const dir = mkdtempSync(join(tmpdir(), 'reform-crash-'));
    const db = join(dir, 'reform.json');
    const milestones = join(dir, 'programme.yaml');
    writeFileSync(milestones, PROGRAMME);
    writeFileSync(db, JSON.stringify(SEED_STATE, null, 1));

    let api: SlowSlackApi | undefined;
    try {
      api = await startSlowSlackApi({
        random: prng(seed ^ 0x5bd1e995),
        postDelayMs: [150, 400],
        postFaults: { rateLimited: 0.05, serverError: 0.05 },
        historyFaults: { rateLimited: 0.15, serverError: 0.15 },
      });
      const fake = api;
      const env = (now: string): NodeJS.ProcessEnv => ({
        PATH: process.env.PATH,
        REFORM_ENV_FILE: '',
        HOME: process.env.HOME,
        ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
        REFORM_DB: db,
        REFORM_MILESTONES: milestones,
        REFORM_NOW: now,
        REFORM_LOG_LEVEL: 'info',
        SLACK_BOT_TOKEN: 'xoxb-crash-test-token',
        SLACK_SIGNING_SECRET: 'crash-test-signing-secret',
        SLACK_API_URL: fake.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
      });

      const failWith = (what: string, lines: string[]): Error =>
        new Error(`${what} (seed ${seed})\n--- bot stderr (last lines) ---\n${lines.slice(-25).join('\n')}`);

      /** One run of the bot at `now`, ended by `strategy`. Always waits for the process to be gone. */
      const attempt = async (now: string, strategy: Strategy | 'graceful'): Promise<AttemptResult> => {
        const { child, lines, exited } = spawnBot(env(now));
        let gone = false;
        void exited.then(() => (gone = true));
        const pid = child.pid!;
        const mine = new Set<number>();
        let ready = false;
        let killed = false;
        let killedMidTick = false;
        let killedInWindow = false;
        const timers: NodeJS.Timeout[] = [];
        const kill = (): void => {
          if (killed || gone) return;
          killed = true;
          killedMidTick = !ready;
          killedInWindow = fake.posts.some((p) => mine.has(p.seq) && !p.answered);
          child.kill('SIGKILL');
        };
        let accepted = 0;
        fake.onAccepted = (post) => {
          mine.add(post.seq);
          accepted++;
          if (strategy === 'graceful') return;
          if (strategy.kind === 'accepted' && accepted === strategy.post) kill();
          if (strategy.kind === 'after-first-post' && accepted === 1) timers.push(setTimeout(kill, strategy.ms));
        };
        if (strategy !== 'graceful' && strategy.kind === 'startup') timers.push(setTimeout(kill, strategy.ms));
        child.once('reform-ready', () => {
          ready = true;
          // The start-up tick is over; whatever the strategy, the process ends here.
          if (strategy === 'graceful') child.kill('SIGTERM');
          else kill();
        });
        let bound: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(true), READY_TIMEOUT_MS))),
        ]);
        clearTimeout(bound);
        timers.forEach(clearTimeout);
        if (timedOut) {
          child.kill('SIGKILL');
          await Promise.race([exited, new Promise((r) => setTimeout(r, EXIT_TIMEOUT_MS))]);
          throw failWith(`the bot at ${now} neither became ready nor exited within ${READY_TIMEOUT_MS} ms`, lines);
        }
        fake.onAccepted = undefined;
        if (!ready && !killed) throw failWith(`the bot at ${now} exited on its own (code ${child.exitCode})`, lines);
        if (lines.some((l) => l.includes('"level":"error"'))) throw failWith(`the bot at ${now} logged an error`, lines);
        return { pid, ready, killedMidTick, killedInWindow, killed };
      };

      const pick = (): Strategy => {
        const r = random();
        if (r < 0.45) return { kind: 'accepted', post: 1 + Math.floor(random() * 3) };
        if (r < 0.75) return { kind: 'after-first-post', ms: Math.floor(random() * 1200) };
        if (r < 0.85) return { kind: 'startup', ms: 300 + Math.floor(random() * 2000) };
        return { kind: 'idle' };
      };

      // The stretch: working days from 2 to 19 November 2026, about half of them, each a step of the programme.
      const days: string[] = [];
      for (let d = DateTime.fromISO('2026-11-02', { zone: 'utc' }); d < DateTime.fromISO('2026-11-20', { zone: 'utc' }); d = d.plus({ days: 1 })) {
        if (d.weekday <= 5) days.push(d.toISODate()!);
      }
      const stepInstants: string[] = [];
      let skipped = 0;
      const stats = { attempts: 0, kills: 0, killsMidTick: 0, killsInWindow: 0, strategies: {} as Record<string, number>, truncated: false };
      for (const [i, day] of days.entries()) {
        if (i > 0 && skipped < 2 && random() < 0.45) {
          skipped++;
          continue;
        }
        skipped = 0;
        if (Date.now() - started > STRETCH_BUDGET_MS) {
          stats.truncated = true;
          break;
        }
        const base = DateTime.fromISO(`${day}${STEP_TIME}`, { setZone: true });
        stepInstants.push(base.toISO()!);
        for (let j = 0; j < MAX_ATTEMPTS_PER_STEP; j++) {
          const now = base.plus({ minutes: RESTART_GAP_MINUTES * j }).toISO()!;
          // From the third step on, until one has landed, kill as Slack stores a post (the window this test is for).
          const strategy: Strategy =
            j === MAX_ATTEMPTS_PER_STEP - 1 ? { kind: 'idle' } : stepInstants.length >= 3 && stats.killsInWindow === 0 ? { kind: 'accepted', post: 1 } : pick();
          const result = await attempt(now, strategy);
          stats.attempts++;
          stats.strategies[strategy.kind] = (stats.strategies[strategy.kind] ?? 0) + 1;
          if (result.killed) stats.kills++;
          if (result.killedMidTick) stats.killsMidTick++;
          if (result.killedInWindow) stats.killsInWindow++;
          // A kill before the step's plan was committed would make this step's ticks differ from the reference
          // run (a later tick supersedes slots it never saw): restart within the step until the plan is in.
          const planned = result.ready || ledgerOf(db).some((e) => e.claimedBy?.startsWith(`${result.pid}-`));
          if (!planned) continue;
          // Sometimes restart within the step too, so claims are recovered before the next slots come due.
          if (j < MAX_ATTEMPTS_PER_STEP - 2 && result.killedMidTick && random() < 0.3) continue;
          break;
        }
      }

      // Drain: restart without kills (SIGTERM after the start-up tick) until nothing is pending or claimed.
      fake.setFaults(false);
      let drains = 0;
      const open = (): LedgerRow[] => ledgerOf(db).filter((e) => e.state === 'pending' || e.state === 'claimed');
      do {
        const now = DateTime.fromISO(DRAIN_AT, { setZone: true }).plus({ minutes: RESTART_GAP_MINUTES * drains }).toISO()!;
        await attempt(now, 'graceful');
        drains++;
      } while (open().length > 0 && drains < MAX_DRAINS);

      // The reference: the same programme, store and tick instants through tick() with a chat that never fails.
      const { programme } = await readProgrammeFile(milestones, 'Europe/London');
      const reference = memoryStore(stateSchema.parse(SEED_STATE));
      const expectedKeys: string[] = [];
      const ideal: Chat = {
        platform: 'slack',
        async send(_to, _message, meta) {
          expectedKeys.push(meta.key);
          return { ok: true };
        },
      };
      for (const now of [...stepInstants, DRAIN_AT]) {
        await tick({ programme, store: reference, chats: [ideal], logger: silentLogger, sleep: async () => {}, tickId: 'reference' }, DateTime.fromISO(now, { setZone: true }));
      }
      const expected = new Set(expectedKeys);

      const postsPerKey = new Map<string, number>();
      for (const p of fake.posts) if (p.key) postsPerKey.set(p.key, (postsPerKey.get(p.key) ?? 0) + 1);
      const ledger = ledgerOf(db);
      // A reminder held (by faults, or a kill) until a later one for the same item and deadline fell due, or a
      // digest held until the next week's, is replaced by it, as after downtime: not lost, if that one was posted.
      const seriesOf = (key: string) =>
        key.includes('|digest|') ? key.slice(0, key.lastIndexOf('|')) : `${key.slice(0, key.lastIndexOf('|'))}@${key.slice(key.lastIndexOf('@') + 1)}`;
      const replaced = new Set(
        ledger
          .filter((e) => e.state === 'superseded' && (e.note === 'a later reminder replaces it' || e.note === 'a later digest replaces it'))
          .filter((e) => [...postsPerKey.keys()].some((k) => seriesOf(k) === seriesOf(e.key) && k !== e.key))
          .map((e) => e.key),
      );
      const lost = [...expected].filter((k) => !postsPerKey.has(k) && !replaced.has(k));
      const duplicated = [...postsPerKey].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
      const unexpected = [...postsPerKey.keys()].filter((k) => !expected.has(k));
      const untagged = fake.posts.filter((p) => !p.key).length;
      const recovered = ledger.filter((e) => e.receipt?.recovered === true).length;
      const notSent = ledger.filter((e) => expected.has(e.key) && e.state !== 'sent' && !replaced.has(e.key)).map((e) => `${e.key} ${e.state}`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);

      console.log(
        [
          `crash test seed ${seed}: ${stepInstants.length} steps${stats.truncated ? ' (stretch cut short by the time budget)' : ''}, ${stats.attempts} runs killed or stopped, ${drains} drain run(s), ${seconds} s`,
          `  kill -9: ${stats.kills} (${stats.killsMidTick} during the start-up tick, ${stats.killsInWindow} between Slack storing a post and answering it); strategies ${JSON.stringify(stats.strategies)}`,
          `  faults injected: ${JSON.stringify(fake.faults)}; calls ${JSON.stringify(fake.counts)}`,
          `  expected ${expected.size} (reminders ${[...expected].filter((k) => !k.includes('|digest|')).length}, digests ${[...expected].filter((k) => k.includes('|digest|')).length}), posted ${fake.posts.length}, recovered from history ${recovered}`,
          `  replaced by a later reminder or digest ${replaced.size}, lost ${lost.length}, duplicated ${duplicated.length}, unexpected ${unexpected.length}, untagged ${untagged}, not recorded as sent ${notSent.length}`,
        ].join('\n'),
      );

      // The run must have been a real test: enough to deliver, and kills that landed mid-delivery.
      expect(expectedKeys.length, 'the reference sent each key once').toBe(expected.size);
      expect(expected.size).toBeGreaterThanOrEqual(15);
      expect(stats.kills).toBeGreaterThanOrEqual(5);
      expect(stats.killsInWindow).toBeGreaterThanOrEqual(1);
      expect(lost, 'lost reminders').toEqual([]);
      expect(duplicated, 'duplicated reminders').toEqual([]);
      expect(unexpected, 'posts no crash-free run would make').toEqual([]);
      expect(untagged, 'scheduled posts without a ledger key').toBe(0);
      expect(notSent, 'ledger entries not recorded as sent').toEqual([]);
      expect(open(), 'ledger entries left pending or claimed').toEqual([]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await api?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
