// `reform store copy <from> <to>`: a council moving from the file store to PostgreSQL (or back) keeps everything,
// ledger and audit included; a target that already holds anything is refused unless --force is given.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../adapters/config.js';
import { storeCommand } from '../adapters/store/command.js';
import { fileStore } from '../adapters/store/file-store.js';
import { postgresStore } from '../adapters/store/postgres/store.js';
import { silentLogger, type Chat } from '../src/ports.js';
import { tick } from '../src/schedule/tick.js';
import type { State } from '../src/tracking/state.js';
import { at, defaultProgramme, testBot } from './helpers.js';
import { freshDatabase, pgAvailable } from './pg/database.js';
import { fill } from './pg/sample-state.js';

/** Runs `reform store …` in this process, as the CLI does; returns what it printed. */
async function store(...args: string[]): Promise<string> {
  const printed: string[] = [];
  await storeCommand(args, readConfig({ REFORM_LOG_LEVEL: 'silent' }), 'usage', (t) => printed.push(t));
  return printed.join('\n');
}

/** The file as JSON, and the order of every keyed collection (which the file keeps as written). */
function contents(path: string): { state: State; order: Record<string, string[]> } {
  const state = JSON.parse(readFileSync(path, 'utf8')) as State;
  const order = Object.fromEntries(['items', 'actions', 'ledger', 'directChannels', 'slackEvents'].map((k) => [k, Object.keys((state as unknown as Record<string, object>)[k] ?? {})]));
  return { state, order };
}

describe.skipIf(!pgAvailable)('reform store copy', () => {
  it('copies a file into a database and back again without losing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reform-copy-'));
    const source = join(dir, 'source.json');
    const back = join(dir, 'back.json');
    // A store with history: a conversation, every collection filled, a tick's ledger with sent entries.
    const file = fileStore(source);
    const bot = testBot(defaultProgramme(), '2026-10-01T12:00:00Z', { store: file });
    for (const said of ['subscribe reminders', 'subscribe digest', 'assign kinship-strategy @alice', 'rag kinship-strategy amber', 'note kinship-strategy on track', 'action add kinship-strategy "Draft the plan" by 30 November 2026']) await bot.say(said);
    await file.update(fill);
    const chat: Chat = { platform: 'console', send: async () => ({ ok: true, receipt: { ts: '1.1' } }) };
    await tick({ programme: defaultProgramme(), store: file, chats: [chat], logger: silentLogger, sleep: async () => undefined, tickId: 'copy' }, at('2026-12-03T09:00:00Z'));
    const before = contents(source);
    expect(Object.keys(before.state.ledger).length).toBeGreaterThan(3);

    const db = await freshDatabase();
    expect(await store('copy', source, db)).toMatch(/^copied \d+ tracked items, 1 action, \d+ audit entries, 5 subscriptions, \d+ ledger entries, 1 direct channel, 1 Slack event id from .*source\.json to postgres:\/\/.*$/);
    expect(await store('copy', db, back)).toMatch(/^copied /);
    const after = contents(back);
    expect(after.state).toStrictEqual(before.state);
    expect(after.order).toEqual(before.order);
    // And the database is a working store: a change there keeps what was copied.
    const pg = postgresStore({ url: db });
    await pg.update((s) => void s.items['kinship-strategy']!.notes.push({ at: '2026-12-04T10:00:00.000Z', by: 'console:bob', text: 'after the move' }));
    const moved = await pg.read();
    await pg.close();
    expect(moved.audit).toEqual(before.state.audit);
    expect(moved.items['kinship-strategy']!.notes.map((n) => n.text)).toEqual([...before.state.items['kinship-strategy']!.notes.map((n) => n.text), 'after the move']);
  });

  it('refuses a target that holds anything unless told, and replaces it with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reform-copy-'));
    const source = join(dir, 'source.json');
    await fileStore(source).update(fill);
    const db = await freshDatabase();
    const pg = postgresStore({ url: db });
    await pg.update((s) => void (s.items['theirs'] = { notes: [], revisions: [] }));
    // The real command: exit 1, the reason on standard error, and the target as it was.
    // The server's own password where it has one (embedded); one it ignores where it trusts local connections.
    const withPassword = new URL(db);
    withPassword.password ||= 'copy-test-password';
    const password = withPassword.password;
    const run = await new Promise<{ code: number | null; err: string; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/reform.mjs', 'store', 'copy', source, withPassword.toString()], { env: { PATH: process.env.PATH, REFORM_ENV_FILE: '', REFORM_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let out = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (code) => (clearTimeout(timer), resolve({ code, err, out })));
    });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/is not empty \(1 tracked item\)\. Nothing was copied; add --force to replace what it holds\./);
    expect(run.err + run.out).not.toContain(password);
    expect(Object.keys((await pg.read()).items)).toEqual(['theirs']);
    await store('copy', source, db, '--force');
    // Another handle, as another replica, sees the replacement, not a mixture.
    const other = postgresStore({ url: db });
    const replaced = await other.read();
    expect(Object.keys(replaced.items)).toEqual(['kinship-strategy', 'kinship-guidance']);
    await new Promise((r) => setTimeout(r, 150));
    expect(Object.keys((await pg.read()).items)).toEqual(['kinship-strategy', 'kinship-guidance']);
    await Promise.all([pg.close(), other.close()]);
    // Back to a file that is not empty: refused too.
    await expect(store('copy', db, source)).rejects.toThrow(/source\.json is not empty/);
  });
});
