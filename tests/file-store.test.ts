// The lowdb file store on a real disk (the file adapter directly: vitest sets NODE_ENV=test, which would
// make lowdb's presets switch to memory).
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStore, RECHECK_MS, type StoreFs } from '../adapters/store/file-store.js';
import { openStore } from '../adapters/store/open.js';
import { StoreUnavailable, type Store } from '../src/ports.js';
import { emptyState, STATE_VERSION, stateSchema } from '../src/tracking/state.js';
import { renderPlain } from '../src/replies/plain.js';
import { defaultProgramme, testBot } from './helpers.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'reform-store-'));

describe('file store', () => {
  it('starts from the same empty state the schema describes', () => {
    expect(emptyState()).toEqual(stateSchema.parse({ version: STATE_VERSION }));
  });

  it('creates the folder and file on first write and keeps state across restarts', async () => {
    const dir = fresh();
    const path = join(dir, 'nested', 'reform.json');
    const first = testBot(defaultProgramme(), undefined, { store: fileStore(path) });
    await first.say('assign kinship-strategy @alice', 'bob');
    await first.say('rag kinship-strategy amber');
    const second = testBot(defaultProgramme(), undefined, { store: fileStore(path) });
    const out = await second.say('status kinship-strategy');
    expect(out).toContain('owner: @alice');
    expect(out).toContain('RAG: amber');
    expect(await second.say('history kinship-strategy')).toContain('@bob owner: nobody → @alice');
    expect(readdirSync(join(dir, 'nested')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('creates the store readable by its owner only, and keeps the permissions an operator gave it', async () => {
    const path = join(fresh(), 'reform.json');
    const store = fileStore(path);
    await store.update((s) => void (s.directChannels['console:a'] = { platform: 'console', channel: 'a' }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(path, 0o640);
    // And its group, shared with an operator's account (a process may give a group it belongs to; root may give any).
    try {
      chownSync(path, -1, 4242);
    } catch {
      // Not permitted here: the group stays the writer's own, which the next write must keep all the same.
    }
    const group = statSync(path).gid;
    await store.update((s) => void (s.directChannels['console:b'] = { platform: 'console', channel: 'b' }));
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(path).gid).toBe(group);
  });

  it('writes through a store path that is a symbolic link, leaving the link in place', async () => {
    const dir = fresh();
    const target = join(dir, 'real.json');
    const link = join(dir, 'reform.json');
    await fileStore(target).update((s) => void (s.directChannels['console:a'] = { platform: 'console', channel: 'a' }));
    symlinkSync(target, link);
    await fileStore(link).update((s) => void (s.directChannels['console:b'] = { platform: 'console', channel: 'b' }));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(target, 'utf8')).directChannels)).toEqual(['console:a', 'console:b']);
    // A link made before the store was first written: the write creates the target, and the link stays.
    const later = join(dir, 'later.json');
    const early = join(dir, 'early-link.json');
    symlinkSync(later, early);
    await fileStore(early).update((s) => void (s.directChannels['console:c'] = { platform: 'console', channel: 'c' }));
    expect(lstatSync(early).isSymbolicLink()).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(later, 'utf8')).directChannels)).toEqual(['console:c']);
    // A chain of links, with `..` read from the real folder of a linked release folder, as the system reads it.
    mkdirSync(join(dir, 'releases', 'v3'), { recursive: true });
    symlinkSync(join(dir, 'releases', 'v3'), join(dir, 'current'));
    symlinkSync('../shared/store.json', join(dir, 'releases', 'v3', 'hop.json'));
    symlinkSync('hop.json', join(dir, 'current', 'store.json'));
    await fileStore(join(dir, 'current', 'store.json')).update((s) => void (s.directChannels['console:d'] = { platform: 'console', channel: 'd' }));
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'releases', 'shared', 'store.json'), 'utf8')).directChannels)).toEqual(['console:d']);
    expect(lstatSync(join(dir, 'releases', 'v3', 'hop.json')).isSymbolicLink()).toBe(true);
  });

  it('does not write over a change another process made while this one was changing the state (a lost lock)', async () => {
    const path = join(fresh(), 'reform.json');
    const ours = fileStore(path);
    await ours.update((s) => void (s.directChannels['console:a'] = { platform: 'console', channel: 'a' }));
    const theirs = { ...JSON.parse(readFileSync(path, 'utf8')), directChannels: { 'console:theirs': { platform: 'console', channel: 't' } } };
    const attempt = ours.update((s) => {
      // Another process writes the file in the middle of this change, as one that took a stale lock would.
      writeFileSync(`${path}.other`, JSON.stringify(theirs));
      renameSync(`${path}.other`, path);
      s.directChannels['console:ours'] = { platform: 'console', channel: 'o' };
    });
    await expect(attempt).rejects.toThrow(StoreUnavailable);
    await expect(attempt).rejects.toThrow('was changed by another process while this change was being made. Nothing was changed; try again.');
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).directChannels)).toEqual(['console:theirs']);
    // The next change starts from their state, not from the half-made one.
    await ours.update((s) => void (s.directChannels['console:next'] = { platform: 'console', channel: 'n' }));
    expect(Object.keys((await ours.read()).directChannels)).toEqual(['console:theirs', 'console:next']);
  });

  it('sees writes by another store on the same file, and drops a change that threw half-way', async () => {
    const path = join(fresh(), 'reform.json');
    // Every query looks at the file (the recheck time is tested below).
    const a = fileStore(path, { recheckMs: 0 });
    const b = fileStore(path);
    await a.update((s) => void (s.items['x'] = { notes: [{ at: 't', by: 'a', text: 'from a' }], revisions: [] }));
    expect((await a.read()).items['x']?.notes).toHaveLength(1);
    await b.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'b', text: 'from b' }));
    expect((await a.read()).items['x']?.notes.map((n) => n.text)).toEqual(['from a', 'from b']);
    await expect(
      a.update((s) => {
        s.items['x']!.notes.push({ at: 't', by: 'a', text: 'half' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await a.read()).items['x']?.notes.map((n) => n.text)).toEqual(['from a', 'from b']);
    await a.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'a', text: 'after' }));
    expect((await fileStore(path).read()).items['x']?.notes.map((n) => n.text)).toEqual(['from a', 'from b', 'after']);
  });

  it('writes nothing for a query or a refused change', async () => {
    const dir = fresh();
    const path = join(dir, 'reform.json');
    const bot = testBot(defaultProgramme(), undefined, { store: fileStore(path) });
    await bot.say('assign nope @alice');
    await bot.say('status');
    expect(readdirSync(dir).filter((f) => f === 'reform.json')).toEqual([]);
  });

  it('answers queries from the state it last confirmed for recheckMs, while changes always build on the file', async () => {
    const path = join(fresh(), 'reform.json');
    const texts = async (store: Store) => (await store.read()).items['x']?.notes.map((n) => n.text);
    const a = fileStore(path, { recheckMs: 60_000 });
    const b = fileStore(path);
    await a.update((s) => void (s.items['x'] = { notes: [{ at: 't', by: 'a', text: 'from a' }], revisions: [] }));
    await b.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'b', text: 'from b' }));
    // Within its recheck time a query does not look at the file: another process's change is not seen yet...
    expect(await texts(a)).toEqual(['from a']);
    // ...but a change reads the file under the lock, so it keeps b's note, and this process's own change is seen at once.
    await a.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'a', text: 'after' }));
    expect(await texts(a)).toEqual(['from a', 'from b', 'after']);
    // With the default recheck time, another process's change is seen once that time has passed.
    const c = fileStore(path);
    expect(await texts(c)).toEqual(['from a', 'from b', 'after']);
    await b.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'b', text: 'late' }));
    await new Promise((r) => setTimeout(r, RECHECK_MS + 20));
    expect(await texts(c)).toEqual(['from a', 'from b', 'after', 'late']);
  });

  it("a query still reading the file when this process's change lands does not hide that change", async () => {
    const path = join(fresh(), 'reform.json');
    const texts = async (store: Store) => (await store.read()).items['x']?.notes.map((n) => n.text);
    // The next readFile waits at the gate after reading: a slow disk, as a query meets it.
    let gate: Promise<void> | undefined;
    let atGate = false;
    const slow = { ...fsp, readFile: async (...args: Parameters<typeof fsp.readFile>) => {
      const text = await fsp.readFile(...args);
      const held = gate;
      gate = undefined;
      if (held) {
        atGate = true;
        await held;
      }
      return text;
    } } as StoreFs;
    const a = fileStore(path, { fs: slow });
    const b = fileStore(path);
    await a.update((s) => void (s.items['x'] = { notes: [{ at: 't', by: 'a', text: 'one' }], revisions: [] }));
    await b.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'b', text: 'two' }));
    // Past the recheck time, a's next query looks at the file, finds b's write and reads it.
    await new Promise((r) => setTimeout(r, RECHECK_MS + 20));
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const query = texts(a);
    for (let i = 0; i < 200 && !atGate; i++) await new Promise((r) => setTimeout(r, 5));
    expect(atGate).toBe(true);
    await a.update((s) => void s.items['x']!.notes.push({ at: 't', by: 'a', text: 'three' }));
    open();
    // The query began before the change, so it may answer without it; the next one, at once, has it.
    expect(await query).toEqual(['one', 'two']);
    expect(await texts(a)).toEqual(['one', 'two', 'three']);
  });

  it('refuses a corrupt store with the file and the problem, and never overwrites it', async () => {
    const dir = fresh();
    const path = join(dir, 'reform.json');
    writeFileSync(path, '{"version": 1, "items": {');
    await expect(openStore(path)).rejects.toThrow(/The store .*reform\.json is not valid JSON/);
    const bot = testBot(defaultProgramme(), undefined, { store: fileStore(path) });
    const out = await bot.say('assign kinship-strategy @alice');
    expect(out).toContain('The tracking store is unavailable');
    expect(out).toContain('is not valid JSON');
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "items": {');
    // In a chat, the reply says what happened without naming the server's files or quoting one.
    const inChat = renderPlain(await bot.bot.handle({ text: 'assign kinship-strategy @alice', user: { id: 'slack:U1', name: 'u' }, platform: 'slack', channel: 'C1' }));
    expect(inChat).toContain('The tracking store is unavailable');
    expect(inChat).toContain("Nothing was changed. The details are in the bot's log");
    expect(inChat).not.toContain(path);
    expect(inChat).not.toContain('JSON');
    writeFileSync(path, JSON.stringify({ version: 1, items: { x: { rag: 'purple' } } }));
    await expect(fileStore(path).update(() => 1)).rejects.toThrow(/is damaged \(items\.x\.rag/);
  });

  it('refuses at once, without waiting for the lock, a change to a store in a folder this user may not write', async () => {
    const dir = fresh();
    chmodSync(dir, 0o755);
    const path = join(dir, 'reform.json');
    // Root may write anywhere: the change is made as "nobody" then; anyone else meets a read-only folder.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) chmodSync(dir, 0o555);
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/reform.mjs'), 'ask', 'note phase-1-end x'], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, HOME: tmpdir(), REFORM_ENV_FILE: '', REFORM_DB: path, REFORM_LOG_LEVEL: 'silent' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    // The lock is waited for 15 s when another process holds it; a folder that refuses writes is not that.
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => (child.kill('SIGKILL'), resolve(null)), 12_000);
      child.once('exit', (c) => (clearTimeout(timer), resolve(c)));
    });
    expect(out).toContain(`Could not lock the store ${path}: permission denied. Nothing was changed.`);
    expect(code).toBe(1);
  });

  it('refuses a store written by a newer version', async () => {
    const path = join(fresh(), 'reform.json');
    writeFileSync(path, JSON.stringify({ version: 99, future: true }));
    const error = await fileStore(path).update(() => 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).toContain('written by a newer Reform Bot (store version 99');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 99, future: true });
  });

  it.each([
    ['ENOSPC', 'the disk is full'],
    ['EROFS', 'the file system is read-only'],
  ])('gives a clear error when a write fails with %s and keeps the earlier data', async (code, words) => {
    const path = join(fresh(), 'reform.json');
    await testBot(defaultProgramme(), undefined, { store: fileStore(path) }).say('assign kinship-strategy @alice');
    const failing: StoreFs = {
      ...fsp,
      open: (async (file: string, flags?: string) => {
        if (String(file).endsWith('.tmp')) throw Object.assign(new Error(code), { code });
        return fsp.open(file, flags);
      }) as StoreFs['open'],
    };
    const bot = testBot(defaultProgramme(), undefined, { store: fileStore(path, { fs: failing }) });
    const out = await bot.say('rag kinship-strategy red');
    expect(out).toContain('The tracking store is unavailable');
    expect(out).toContain(`Could not write the store ${path}: ${words}. Nothing was changed.`);
    const after = await bot.say('status kinship-strategy');
    expect(after).toContain('owner: @alice');
    expect(after).not.toContain('RAG: red');
    expect(readdirSync(dirname(path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps every note when twelve processes write at once', async () => {
    const dir = fresh();
    const path = join(dir, 'reform.json');
    const runs = Array.from({ length: 12 }, (_, i) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/reform.mjs', 'ask', `note kinship-strategy note number ${i}`, '--user', `u${i}`], {
          env: { PATH: process.env.PATH, REFORM_DB: path, REFORM_LOG_LEVEL: 'error', REFORM_ENV_FILE: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve(code ?? -1);
        });
      }),
    );
    expect(await Promise.all(runs)).toEqual(Array(12).fill(0));
    const state = await fileStore(path).read();
    const notes = state.items['kinship-strategy']!.notes.map((n) => n.text).sort();
    expect(notes).toEqual(Array.from({ length: 12 }, (_, i) => `note number ${i}`).sort());
    expect(state.audit.filter((a) => a.change === 'note')).toHaveLength(12);
  }, 90_000);
});

describe('reform tick across processes', () => {
  it('two ticks at once from two processes send each reminder once', async () => {
    const path = join(fresh(), 'reform.json');
    const env = { PATH: process.env.PATH, REFORM_DB: path, REFORM_LOG_LEVEL: 'error', REFORM_ENV_FILE: '' };
    const run = (args: string[]) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/reform.mjs', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(out);
        });
      });
    await run(['ask', 'subscribe reminders', '--channel', 'leadership', '--now', '2027-10-01T12:00:00Z']);
    const outs = await Promise.all([run(['tick', '--now', '2027-12-03T09:00:00Z']), run(['tick', '--now', '2027-12-03T09:00:00Z'])]);
    const sent = outs.join('').split('\n').filter((l) => l.startsWith('sent '));
    // multi-agency-cp is due by the end of 2027: its 28-day reminder falls on Friday 3 December 2027.
    expect(sent).toEqual(['sent reminder console:leadership multi-agency-cp before-28@2027-12-31']);
    const again = await run(['tick', '--now', '2027-12-03T09:05:00Z']);
    expect(again).toContain('nothing due');
  }, 90_000);
});
