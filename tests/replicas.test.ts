// Replicas: three real `reform start` processes (Slack HTTP mode) share one PostgreSQL database, as a council
// running the bot scaled out would. Each runs the tick; every reminder and digest must reach the (slow, sometimes
// failing) fake Slack exactly once, whichever replica claims it. And 300 changes sent at once through Slack,
// spread over the three, must all be kept. A real server throughout (tests/pg/global-setup.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { readProgrammeFile } from '../adapters/programme-file.js';
import { memoryStore } from '../adapters/store/memory.js';
import { postgresStore } from '../adapters/store/postgres/store.js';
import { baseEnv, children, PROGRAMME, READY_TIMEOUT_MS, readyWithin, SECRET, SEED_STATE, seed, startReplica } from './pg/replica.js';
import { silentLogger, type Chat } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { stateSchema } from '../src/tracking/state.js';
import { FORM, slackSignature, startFakeSlackApi } from './fakes/slack-api.js';
import { startSlowSlackApi } from './fakes/slow-slack-api.js';
import { freshDatabase, pgAvailable } from './pg/database.js';

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

describe.skipIf(!pgAvailable)('replicas on one PostgreSQL database (real npm start)', () => {
  it('three replicas ticking together send every reminder and digest exactly once', { timeout: 300_000 }, async () => {
    const db = await freshDatabase();
    await seed(db);
    const dir = mkdtempSync(join(tmpdir(), 'reform-replicas-'));
    const milestones = join(dir, 'programme.yaml');
    writeFileSync(milestones, PROGRAMME);
    // mulberry32, seeded: the fake's delays and faults are the same every run.
    let a = 20;
    const random = (): number => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const api = await startSlowSlackApi({ random, postDelayMs: [100, 300], postFaults: { rateLimited: 0.15, serverError: 0.15 }, historyFaults: { rateLimited: 0.1, serverError: 0.1 } });
    try {
      // Steps of the programme: each starts three replicas at the same instant; each replica's start-up tick runs
      // at once with the others'; once all three are ready they are stopped and the clock moves on.
      // Few steps, as each starts three processes: each step catches up on the days since the last.
      const steps = ['2026-11-05', '2026-11-12', '2026-11-19'].map((d) => `${d}T10:00:00Z`);
      const drain = ['2026-11-25T12:00:00Z'];
      for (const [i, now] of [...steps, ...drain].entries()) {
        if (i === steps.length) api.setFaults(false);
        const replicas = [0, 1, 2].map(() => startReplica({ ...baseEnv(db, milestones, api.apiUrl), REFORM_NOW: now }));
        await readyWithin(Promise.all(replicas.map((r) => r.ready)), READY_TIMEOUT_MS, `three replicas at ${now}`);
        for (const r of replicas) r.child.kill('SIGTERM');
        await Promise.all(replicas.map((r) => r.exited));
        const errors = replicas.flatMap((r) => r.lines.filter((l) => l.includes('"level":"error"')));
        expect(errors, `errors logged at ${now}`).toEqual([]);
      }

      const { programme } = await readProgrammeFile(milestones, 'Europe/London');
      const reference = memoryStore(stateSchema.parse(SEED_STATE));
      const expected: string[] = [];
      const ideal: Chat = { platform: 'slack', send: async (_to, _m, meta) => (expected.push(meta.key), { ok: true }) };
      for (const now of [...steps, drain[0]!]) {
        await tick({ programme, store: reference, chats: [ideal], logger: silentLogger, sleep: async () => undefined, tickId: 'reference' }, DateTime.fromISO(now, { setZone: true }));
      }
      const posted = new Map<string, number>();
      for (const p of api.posts) if (p.key) posted.set(p.key, (posted.get(p.key) ?? 0) + 1);
      const store = postgresStore({ url: db });
      const ledger = Object.values((await store.read()).ledger);
      await store.close();
      const claimedBy = new Set(ledger.filter((e) => e.state === 'sent').map((e) => e.claimedBy?.split('-')[0]));
      // Held by faults until a later reminder of the same deadline fell due: replaced by it, as after downtime.
      const replaced = new Set(ledger.filter((e) => e.state === 'superseded' && /later (reminder|digest) replaces it/.test(e.note ?? '')).map((e) => e.key));
      const lost = expected.filter((k) => !posted.has(k) && !replaced.has(k));
      const doubled = [...posted].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
      console.log(`replicas: expected ${expected.length}, posted ${api.posts.length}, replaced ${replaced.size}, lost ${lost.length}, doubled ${doubled.length}, sent by ${claimedBy.size} processes; faults ${JSON.stringify(api.faults)}`);
      expect(expected.length).toBeGreaterThanOrEqual(12);
      expect(lost, 'lost').toEqual([]);
      expect(doubled, 'doubled').toEqual([]);
      expect([...posted.keys()].filter((k) => !expected.includes(k)), 'posts no single bot would make').toEqual([]);
      expect(ledger.filter((e) => e.state === 'pending' || e.state === 'claimed').map((e) => e.key), 'left waiting').toEqual([]);
      // The work was shared (sends claimed by more than one process), and Slack did fail some sends.
      expect(claimedBy.size).toBeGreaterThan(1);
      expect(api.faults.rateLimited + api.faults.serverError).toBeGreaterThan(0);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('three replicas taking 300 changes at once through Slack keep all 300', { timeout: 240_000 }, async () => {
    const db = await freshDatabase();
    await seed(db);
    const dir = mkdtempSync(join(tmpdir(), 'reform-replicas-'));
    const milestones = join(dir, 'programme.yaml');
    writeFileSync(milestones, PROGRAMME);
    const api = await startFakeSlackApi();
    try {
      const replicas = [0, 1, 2].map(() => startReplica({ ...baseEnv(db, milestones, api.apiUrl), REFORM_NOW: '2026-10-20T10:00:00Z' }));
      const ports = await readyWithin(Promise.all(replicas.map((r) => r.ready)), READY_TIMEOUT_MS, 'three replicas');
      const send = async (i: number): Promise<number> => {
        const body = new URLSearchParams({
          team_id: 'T1',
          channel_id: 'C1',
          user_id: `U${i}`,
          user_name: `officer${i}`,
          command: '/reform',
          text: `note replica-milestone-1 change number ${i}`,
          api_app_id: 'A1',
          response_url: api.responseUrl(`r${i}`),
          trigger_id: `t${i}`,
        }).toString();
        const timestamp = Math.floor(Date.now() / 1000);
        const res = await fetch(`http://127.0.0.1:${ports[i % 3]}/slack/events`, {
          method: 'POST',
          headers: { 'Content-Type': FORM, 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': slackSignature(SECRET, timestamp, body) },
          body,
        });
        await res.text();
        return res.status;
      };
      const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => send(i)));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      const store = postgresStore({ url: db });
      const deadline = Date.now() + 90_000;
      let notes: string[] = [];
      // Answers that did not fit in the ack go on at the response_url; the changes are saved before either.
      do {
        await new Promise((r) => setTimeout(r, 200));
        notes = ((await store.read()).items['replica-milestone-1']?.notes ?? []).map((n) => n.text);
      } while (notes.length < 300 && Date.now() < deadline);
      const audit = (await store.read()).audit.filter((e) => e.change === 'note');
      await store.close();
      expect(notes.sort()).toEqual(Array.from({ length: 300 }, (_, i) => `change number ${i}`).sort());
      expect(audit).toHaveLength(300);
      const unavailable = api.responses.filter((r) => JSON.stringify(r.body).includes('unavailable'));
      expect(unavailable).toEqual([]);
      for (const r of replicas) r.child.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.exited));
      expect(replicas.flatMap((r) => r.lines.filter((l) => l.includes('"level":"error"')))).toEqual([]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
