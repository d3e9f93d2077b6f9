// The Store contract, run against both homes of the port: the JSON file store and PostgreSQL (a real server:
// tests/pg/global-setup.ts). Two handles on one store stand for two processes, or two replicas.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStore } from '../adapters/store/file-store.js';
import { postgresStore } from '../adapters/store/postgres/store.js';
import { silentLogger, type Chat, type Store } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import { emptyState } from '../src/tracking/state.js';
import { freshDatabase, pgAvailable } from './pg/database.js';
import { fill, note } from './pg/sample-state.js';
import { at, defaultProgramme, testBot } from './helpers.js';

interface Home {
  /** A handle on the store, as another process would open it; `recheckMs` as the store's option. */
  open(options?: { recheckMs?: number }): Store;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const homes: [string, boolean, () => Promise<Home>][] = [
  [
    'file store',
    true,
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'reform-contract-')), 'reform.json');
      return { open: (o) => fileStore(path, o) };
    },
  ],
  [
    'PostgreSQL store',
    pgAvailable,
    async () => {
      const url = await freshDatabase();
      return {
        open: (o) => {
          const store = postgresStore({ url, ...o });
          closers.push(() => store.close());
          return store;
        },
      };
    },
  ],
];

for (const [name, available, makeHome] of homes) {
  describe.skipIf(!available)(`Store contract: ${name}`, () => {
    it('a new store reads as the empty state, and a query or a change that changes nothing writes nothing', async () => {
      const home = await makeHome();
      const store = home.open();
      expect(await store.read()).toEqual(emptyState());
      expect(await store.update((s) => Object.keys(s.items).length)).toBe(0);
      const bot = testBot(defaultProgramme(), undefined, { store });
      await bot.say('assign nope @alice');
      await bot.say('status');
      expect(await home.open().read()).toEqual(emptyState());
    });

    it("its revision changes with every change that changes something, this process's or another's, and with nothing else", async () => {
      const home = await makeHome();
      const a = home.open({ recheckMs: 60_000 });
      const b = home.open();
      await a.update(fill);
      const first = await a.revision!();
      expect(first).toBeDefined();
      await a.update((s) => Object.keys(s.items).length);
      await a.read();
      expect(await a.revision!()).toBe(first);
      expect(await b.revision!()).toBe(first);
      await b.update((s) => void s.items['kinship-strategy']!.notes.push(note('by another process')));
      const second = await a.revision!();
      expect(second).not.toBe(first);
      await a.update((s) => void s.items['kinship-strategy']!.notes.push(note('by this one')));
      expect(await b.revision!()).not.toBe(second);
    });

    it('keeps every collection, and the order of each, for another process', async () => {
      const home = await makeHome();
      await home.open().update(fill);
      const expected = emptyState();
      fill(expected);
      const other = await home.open().read();
      expect(other).toEqual(expected);
      expect(Object.keys(other.ledger)).toEqual(Object.keys(expected.ledger));
      expect(other.subscriptions.map((s) => s.id)).toEqual(expected.subscriptions.map((s) => s.id));
      expect(other.audit.map((a) => a.at)).toEqual(expected.audit.map((a) => a.at));
    });

    it("another process's changes and deletions are seen by the next change at once, and by a query within its recheck time", async () => {
      const home = await makeHome();
      const a = home.open({ recheckMs: 60_000 });
      const b = home.open();
      await a.update(fill);
      await b.update((s) => {
        delete s.ledger['reminders:slack:C1|kinship-strategy|before-1@2026-12-01'];
        s.ledger['reminders:slack:C1|kinship-strategy|overdue@2026-12-01']!.state = 'claimed';
        delete s.actions['kinship-strategy/1'];
        s.subscriptions.splice(1, 1);
        delete s.slackEvents['Ev01'];
        s.slackEvents['Ev02'] = '2026-11-24T11:00:00.000Z';
        s.items['kinship-strategy']!.notes.push(note('from b'));
      });
      // Within its recheck time a's query may answer from what it kept...
      expect((await a.read()).items['kinship-strategy']!.notes).toHaveLength(1);
      // ...but a change builds on b's.
      const seen = await a.update((s) => {
        s.items['kinship-strategy']!.notes.push(note('from a'));
        return { ledger: Object.keys(s.ledger), actions: Object.keys(s.actions), subscriptions: s.subscriptions.map((x) => x.id), events: Object.keys(s.slackEvents) };
      });
      expect(seen).toEqual({
        ledger: ['reminders:slack:C1|kinship-strategy|before-7@2026-12-01', 'reminders:slack:C1|kinship-strategy|overdue@2026-12-01'],
        actions: [],
        subscriptions: ['reminders:slack:C1', 'reminders:teams:19:x'],
        events: ['Ev02'],
      });
      const c = home.open();
      const first = await c.read();
      expect(first.items['kinship-strategy']!.notes.map((n) => n.text)).toEqual(['first', 'from b', 'from a']);
      expect(first.ledger['reminders:slack:C1|kinship-strategy|overdue@2026-12-01']!.state).toBe('claimed');
      await b.update((s) => void s.items['kinship-strategy']!.notes.push(note('late')));
      // The stated bound: a query sees another process's change within the recheck time (100 ms by default).
      await new Promise((r) => setTimeout(r, 150));
      expect((await c.read()).items['kinship-strategy']!.notes.map((n) => n.text)).toEqual(['first', 'from b', 'from a', 'late']);
    });

    it('a change that throws half-way saves nothing, and the next one builds on the saved state', async () => {
      const home = await makeHome();
      const store = home.open();
      await store.update(fill);
      await expect(
        store.update((s) => {
          s.items['kinship-strategy']!.notes.push(note('half'));
          delete s.ledger['reminders:slack:C1|kinship-strategy|before-1@2026-12-01'];
          s.audit.push({ at: '2026-11-24T10:02:00.000Z', by: 'x', item: 'kinship-strategy', change: 'note' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const after = await store.update((s) => {
        s.items['kinship-strategy']!.notes.push(note('after'));
        return s.audit.length;
      });
      expect(after).toBe(2);
      const saved = await home.open().read();
      expect(saved.items['kinship-strategy']!.notes.map((n) => n.text)).toEqual(['first', 'after']);
      expect(Object.keys(saved.ledger)).toHaveLength(3);
      expect(saved.audit).toHaveLength(2);
    });

    it('keeps every change when two processes change it at once', async () => {
      const home = await makeHome();
      const [a, b] = [home.open(), home.open()];
      const bots = [testBot(defaultProgramme(), undefined, { store: a }), testBot(defaultProgramme(), undefined, { store: b })];
      const said = await Promise.all(Array.from({ length: 40 }, (_, i) => bots[i % 2]!.say(`note kinship-strategy number ${i}`, `u${i}`)));
      expect(said.every((r) => !/unavailable|wrong/i.test(r))).toBe(true);
      const state = await home.open().read();
      expect(state.items['kinship-strategy']!.notes.map((n) => n.text).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `number ${i}`).sort());
      expect(state.audit.filter((e) => e.change === 'note')).toHaveLength(40);
    });

    it('two ticks at once on two processes send each reminder once, and later ticks send nothing again', async () => {
      const home = await makeHome();
      const programme = defaultProgramme();
      await testBot(programme, '2027-08-01T12:00:00Z', { store: home.open() }).say('subscribe reminders');
      const sent: string[] = [];
      const chat: Chat = {
        platform: 'console',
        async send(_to, _message, meta) {
          sent.push(meta.key);
          return { ok: true };
        },
      };
      const run = (store: Store, id: string, iso: string) => tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => undefined, tickId: id }, at(iso));
      const [a, b] = [home.open(), home.open()];
      // 28 days before early-career-framework's deadline (30 September 2027): 09:00 London is 08:00 UTC in summer time.
      await Promise.all([run(a, 'a', '2027-09-02T08:00:00Z'), run(b, 'b', '2027-09-02T08:00:00Z'), run(a, 'a2', '2027-09-02T08:00:00Z')]);
      expect(sent).toEqual(['reminders:console:console|early-career-framework|before-28@2027-09-30']);
      await Promise.all([run(a, 'a', '2027-09-02T08:05:00Z'), run(b, 'b', '2027-09-02T08:05:00Z')]);
      expect(sent).toHaveLength(1);
      expect((await home.open().read()).ledger[sent[0]!]!.state).toBe('sent');
    });
  });
}
