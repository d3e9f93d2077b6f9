// The file store when the world moves under it: the store file deleted while the bot runs is reported (log and
// reply), never written back from memory nor silently started empty; temporary files a crashed writer left are
// removed at start, and a live writer's are not. Real files, and the ids of real processes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleMessage } from '../adapters/console/console.js';
import { fileStore } from '../adapters/store/file-store.js';
import { openStore } from '../adapters/store/open.js';
import { createBot } from '../src/bot.js';
import type { Logger } from '../src/ports.js';
import { renderPlain } from '../src/replies/plain.js';
import { at, defaultProgramme } from './helpers.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function botOn(path: string) {
  const errors: string[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (m, c) => void errors.push(`${m} ${JSON.stringify(c)}`) };
  const store = fileStore(path, { recheckMs: 0 });
  const bot = createBot({ programme: defaultProgramme(), store, clock: { now: () => at('2026-11-24T10:00:00Z') }, logger });
  const say = async (text: string) => renderPlain(await bot.handle(consoleMessage(text, 'alice')));
  return { say, errors, store };
}

describe('the store file deleted while the bot runs', () => {
  it('is reported to the user and in the log; a change does not write the old state back, nor start an empty one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reform-gone-'));
    const path = join(dir, 'reform.json');
    const { say, errors } = botOn(path);
    expect(await say('assign kinship-strategy @ann')).toContain('now owned by');
    expect(await say('status kinship-strategy')).toContain('@ann');
    unlinkSync(path);
    const query = await say('status kinship-strategy');
    expect(query).toMatch(/^The tracking store is unavailable/);
    const change = await say('note kinship-strategy after the deletion');
    expect(change).toMatch(/^The tracking store is unavailable/);
    expect(existsSync(path)).toBe(false);
    expect(errors.filter((e) => e.startsWith('store unavailable') && e.includes('has disappeared'))).toHaveLength(2);
    // Restored from a backup (here: another process writes a store there), the bot carries on with what is on disk.
    writeFileSync(path, JSON.stringify({ version: 1, items: { 'kinship-strategy': { owner: { id: 'console:bob', name: 'bob' }, notes: [], revisions: [] } } }));
    expect(await say('status kinship-strategy')).toContain('@bob');
    expect(await say('note kinship-strategy restored')).toContain('kinship-strategy');
  });

  it('a new install (no file yet) still starts empty and creates it on the first change', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reform-new-'));
    const path = join(dir, 'reform.json');
    const { say } = botOn(path);
    expect(await say('status kinship-strategy')).toContain('kinship-strategy');
    expect(await say('assign kinship-strategy @ann')).toContain('now owned by');
    expect(existsSync(path)).toBe(true);
  });
});

describe('temporary files left by a crashed write', () => {
  it('are removed at start when their writer is gone or they are old; a live writer’s fresh one is kept', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reform-tmp-'));
    const path = join(dir, 'reform.json');
    writeFileSync(path, JSON.stringify({ version: 1 }));
    // A process that has ended, and one that is running now.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const deadTmp = `reform.json.${gone}.0a1b2c3d.tmp`;
      const liveTmp = `reform.json.${live.pid}.0a1b2c3e.tmp`;
      const liveOld = `reform.json.${live.pid}.0a1b2c3f.tmp`;
      const unrelated = ['reform.json.notes.tmp', 'other.json.123.0a1b2c3d.tmp'];
      for (const f of [deadTmp, liveTmp, liveOld, ...unrelated]) writeFileSync(join(dir, f), '{"half":');
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(join(dir, liveOld), hourAgo, hourAgo);
      const infos: unknown[] = [];
      const store = await openStore(path, { info: (m, c) => void infos.push({ m, c }), warn() {}, error() {} });
      expect(readdirSync(dir).sort()).toEqual([liveTmp, ...unrelated, 'reform.json'].sort());
      expect(infos).toEqual([{ m: 'removed temporary files a crashed write left beside the store', c: { path, count: 2 } }]);
      expect((await store.read()).version).toBe(1);
    } finally {
      live.kill();
    }
  });
});
