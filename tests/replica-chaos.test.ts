// Chaos across replicas: three real `reform start` processes on one PostgreSQL database, against a fake Slack that
// is slow and sometimes fails, across a simulated stretch of the programme (REFORM_NOW moving forward). At random
// moments one replica, or all three, are `kill -9`'d (as Slack stores a post, or a while after start), and
// restarted, until the stretch is done; then they run without kills until nothing is left. Every reminder and
// digest a crash-free single bot would send must reach Slack exactly once. Seeded: REPLICA_CHAOS_SEED=<n> replays.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { readProgrammeFile } from '../adapters/programme-file.js';
import { memoryStore } from '../adapters/store/memory.js';
import { postgresStore } from '../adapters/store/postgres/store.js';
import { silentLogger, type Chat } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { stateSchema, type LedgerEntry } from '../src/tracking/state.js';
import { prng } from './fakes/november-programme.js';
import { startSlowSlackApi } from './fakes/slow-slack-api.js';
import { freshDatabase, pgAvailable } from './pg/database.js';
import { baseEnv, children, PROGRAMME, SEED_STATE, seed, startReplica, type Replica } from './pg/replica.js';

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

/** Restarts within a step add 11 minutes (claims expire after 10), never reaching the next 09:00 slot. */
const RESTART_GAP_MINUTES = 11;
const ATTEMPTS_PER_STEP = 3;
/** Past this, the stretch stops early (fewer steps, still checked): three processes start slowly on a busy machine. */
const STRETCH_BUDGET_MS = 120_000;
const ATTEMPT_TIMEOUT_MS = 90_000;

type Strategy = { kind: 'accepted'; post: number; all: boolean } | { kind: 'after'; ms: number; all: boolean } | { kind: 'none' };

describe.skipIf(!pgAvailable)('chaos across replicas (real npm start ×3, one database, kill -9)', () => {
  it('kill -9 of replicas at random moments loses and doubles no reminder', { timeout: 420_000 }, async () => {
    const started = Date.now();
    const given = Number.parseInt(process.env.REPLICA_CHAOS_SEED ?? '', 10);
    const seedNumber = Number.isSafeInteger(given) ? given : Math.floor(Math.random() * 2 ** 31);
    const random = prng(seedNumber);
    console.log(`replica chaos seed ${seedNumber} (rerun with REPLICA_CHAOS_SEED=${seedNumber})`);
    const db = await freshDatabase();
    await seed(db);
    const dir = mkdtempSync(join(tmpdir(), 'reform-chaos-'));
    const milestones = join(dir, 'programme.yaml');
    writeFileSync(milestones, PROGRAMME);
    const api = await startSlowSlackApi({ random: prng(seedNumber ^ 0x5bd1e995), postDelayMs: [150, 400], postFaults: { rateLimited: 0.05, serverError: 0.05 }, historyFaults: { rateLimited: 0.15, serverError: 0.15 } });
    const stats = { attempts: 0, kills: 0, killsInWindow: 0, truncated: false };
    try {
      /** Three replicas at `now`, ended by `strategy`; returns whether any finished its start-up tick. */
      const attempt = async (now: string, strategy: Strategy): Promise<boolean> => {
        const replicas: Replica[] = [0, 1, 2].map(() => startReplica({ ...baseEnv(db, milestones, api.apiUrl), REFORM_NOW: now }));
        const ready = replicas.map(() => false);
        const dead = replicas.map(() => false);
        replicas.forEach((r, i) => {
          void r.ready.then(
            () => {
              ready[i] = true;
              // Its start-up tick is over: a replica not to be killed stops here.
              if (strategy.kind === 'none' || dead[i]) r.child.kill('SIGTERM');
              else r.child.kill('SIGKILL');
            },
            () => undefined,
          );
          void r.exited.then(() => (dead[i] = true));
        });
        const mine = new Set<number>();
        const kill = (): void => {
          if (strategy.kind === 'none') return;
          const victims = strategy.all ? [0, 1, 2] : [Math.floor(random() * 3)];
          if (api.posts.some((p) => mine.has(p.seq) && !p.answered)) stats.killsInWindow++;
          for (const v of victims) {
            if (dead[v]) continue;
            dead[v] = true;
            stats.kills++;
            replicas[v]!.child.kill('SIGKILL');
          }
        };
        let accepted = 0;
        api.onAccepted = (post) => {
          mine.add(post.seq);
          if (strategy.kind === 'accepted' && ++accepted === strategy.post) kill();
        };
        const timer = strategy.kind === 'after' ? setTimeout(kill, strategy.ms) : undefined;
        let bound: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          Promise.all(replicas.map((r) => r.exited)).then(() => false),
          new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(true), ATTEMPT_TIMEOUT_MS))),
        ]);
        clearTimeout(bound);
        clearTimeout(timer);
        api.onAccepted = undefined;
        stats.attempts++;
        for (const r of replicas) r.child.kill('SIGKILL');
        const lines = replicas.flatMap((r) => r.lines);
        if (timedOut) throw new Error(`replicas at ${now} neither finished nor were killed within ${ATTEMPT_TIMEOUT_MS} ms (seed ${seedNumber})\n${lines.slice(-20).join('\n')}`);
        const errors = lines.filter((l) => l.includes('"level":"error"'));
        if (errors.length) throw new Error(`a replica at ${now} logged an error (seed ${seedNumber}):\n${errors.join('\n')}`);
        return ready.some(Boolean);
      };

      const pick = (): Strategy => {
        const r = random();
        const all = random() < 0.4;
        if (r < 0.5) return { kind: 'accepted', post: 1 + Math.floor(random() * 3), all };
        if (r < 0.85) return { kind: 'after', ms: 500 + Math.floor(random() * 4000), all };
        return { kind: 'none' };
      };
      const steps: string[] = [];
      for (const day of ['2026-11-04', '2026-11-09', '2026-11-12', '2026-11-17']) {
        if (Date.now() - started > STRETCH_BUDGET_MS) {
          stats.truncated = true;
          break;
        }
        const base = DateTime.fromISO(`${day}T10:00:00Z`, { setZone: true });
        steps.push(base.toISO()!);
        for (let j = 0; j < ATTEMPTS_PER_STEP; j++) {
          const now = base.plus({ minutes: RESTART_GAP_MINUTES * j }).toISO()!;
          // The first attempt of each step always kills as Slack stores a post, the moment this test is for.
          const strategy: Strategy = j === ATTEMPTS_PER_STEP - 1 ? { kind: 'none' } : j === 0 ? { kind: 'accepted', post: 1, all: random() < 0.5 } : pick();
          // The step's plan must be in (some replica finished its tick) before the clock moves on, as in the reference.
          if (await attempt(now, strategy)) break;
        }
      }
      api.setFaults(false);
      const drainAt = DateTime.fromISO('2026-11-25T12:00:00Z', { setZone: true });
      const read = async (): Promise<LedgerEntry[]> => {
        const store = postgresStore({ url: db });
        try {
          return Object.values((await store.read()).ledger);
        } finally {
          await store.close();
        }
      };
      let drains = 0;
      do {
        await attempt(drainAt.plus({ minutes: RESTART_GAP_MINUTES * drains }).toISO()!, { kind: 'none' });
        drains++;
      } while ((await read()).some((e) => e.state === 'pending' || e.state === 'claimed') && drains < 3);

      const { programme } = await readProgrammeFile(milestones, 'Europe/London');
      const reference = memoryStore(stateSchema.parse(SEED_STATE));
      const expected = new Set<string>();
      const ideal: Chat = { platform: 'slack', send: async (_to, _m, meta) => (expected.add(meta.key), { ok: true }) };
      for (const now of [...steps, drainAt.toISO()!]) {
        await tick({ programme, store: reference, chats: [ideal], logger: silentLogger, sleep: async () => undefined, tickId: 'reference' }, DateTime.fromISO(now, { setZone: true }));
      }
      const posted = new Map<string, number>();
      for (const p of api.posts) if (p.key) posted.set(p.key, (posted.get(p.key) ?? 0) + 1);
      const ledger = await read();
      const seriesOf = (key: string) => (key.includes('|digest|') ? key.slice(0, key.lastIndexOf('|')) : `${key.slice(0, key.lastIndexOf('|'))}@${key.slice(key.lastIndexOf('@') + 1)}`);
      const replaced = new Set(
        ledger
          .filter((e) => e.state === 'superseded' && /later (reminder|digest) replaces it/.test(e.note ?? ''))
          .filter((e) => [...posted.keys()].some((k) => k !== e.key && seriesOf(k) === seriesOf(e.key)))
          .map((e) => e.key),
      );
      const lost = [...expected].filter((k) => !posted.has(k) && !replaced.has(k));
      const doubled = [...posted].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
      const unexpected = [...posted.keys()].filter((k) => !expected.has(k));
      console.log(
        `replica chaos seed ${seedNumber}: ${steps.length} steps${stats.truncated ? ' (cut short by the time budget)' : ''}, ${stats.attempts} runs of three, ${stats.kills} kill -9 (${stats.killsInWindow} with a post stored and unanswered), ` +
          `expected ${expected.size}, posted ${api.posts.length}, replaced ${replaced.size}, lost ${lost.length}, doubled ${doubled.length}; faults ${JSON.stringify(api.faults)}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
      expect(expected.size).toBeGreaterThanOrEqual(8);
      expect(stats.kills).toBeGreaterThanOrEqual(2);
      expect(lost, `lost (seed ${seedNumber})`).toEqual([]);
      expect(doubled, `doubled (seed ${seedNumber})`).toEqual([]);
      expect(unexpected, `posts no crash-free bot would make (seed ${seedNumber})`).toEqual([]);
      expect(ledger.filter((e) => e.state === 'pending' || e.state === 'claimed').map((e) => e.key), 'left waiting').toEqual([]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
