// A running bot (the real `npm start`, console adapter) takes an edited programme file without a restart: a good
// edit is swapped in and announced once to the reminders channel; a broken one keeps the programme in force, is
// logged with file, line and field, and the channel is told once. A restart announces nothing again.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../adapters/store/memory.js';
import { recordProgramme, recordRefusedEdit, editMessage } from '../src/tracking/programme-edits.js';
import { renderPlain } from '../src/replies/plain.js';
import { at, programmeFrom, testBot } from './helpers.js';

const BEFORE = `programme: Local plan
milestones:
  - id: hub-opens
    title: Family hub opens
    due: May 2027
    themes: [hubs]
  - id: old-plan
    title: The old plan ends
    due: end March 2027
    themes: [plan]
  - id: leaves-file
    title: A milestone that leaves
    due: 2028
    themes: [plan]
`;

const AFTER = `programme: Local plan
milestones:
  - id: hub-opens
    title: Family hub opens
    due: May 2027
    revised:
      due: September 2027
    themes: [hubs]
  - id: old-plan
    title: The old plan ends
    due: end March 2027
    themes: [plan]
    superseded:
      date: 1 December 2026
      by: the new plan
  - id: new-duty
    title: New duty commenced
    due: not stated
    undated: true
    themes: [plan]
`;

const BROKEN = AFTER.replace('    due: May 2027\n', '    due: the twelfth of never\n');

interface Running {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  log: () => string;
  say(text: string): void;
  until(what: () => boolean, label: string, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

const running: Running[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.child.kill('SIGKILL');
});

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['bin/reform.mjs', 'start'], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, REFORM_ENV_FILE: '', REFORM_LOG_LEVEL: 'info', REFORM_NOW: '2026-12-07T10:00:00Z', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let log = '';
  child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (log += d.toString()));
  const r: Running = {
    child,
    out: () => out,
    log: () => log,
    say: (text) => void child.stdin.write(`${text}\n`),
    async until(what, label, ms = 60_000) {
      const end = Date.now() + ms;
      while (!what()) {
        if (Date.now() > end) throw new Error(`${label}: not seen within ${ms / 1000} s\nout: ${out.slice(-800)}\nlog: ${log.slice(-800)}`);
        if (child.exitCode !== null) throw new Error(`${label}: the bot exited (${child.exitCode})\n${log.slice(-800)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
  running.push(r);
  return r;
}

/** Writes the file as editors do: a new file renamed over the old. */
function save(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('live edits of the programme file', () => {
  it('a running bot with a subscribed channel takes a good edit and announces it once, refuses a broken one once, and a restart repeats neither', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reform-live-'));
    const file = join(dir, 'local.yaml');
    const env = { REFORM_MILESTONES: file, REFORM_DB: join(dir, 'store.json') };
    writeFileSync(file, BEFORE);
    const bot = start(env);
    bot.say('assign old-plan @alice');
    bot.say('subscribe reminders');
    await bot.until(() => bot.out().includes('This channel will get'), 'the subscription');

    save(file, AFTER);
    await bot.until(() => bot.out().includes('Programme file updated'), 'the announcement');
    const announced = bot.out().slice(bot.out().indexOf('Programme file updated'));
    expect(announced).toMatch(/^Programme file updated: 4 changes to milestones/);
    expect(announced).toContain('Added (1)\nnew-duty New duty commenced (undated)');
    expect(announced).toContain('Removed (1)\nleaves-file A milestone that leaves');
    expect(announced).toContain('Re-dated (1)\nhub-opens Family hub opens: 31 May 2027 → 30 September 2027');
    expect(announced).toContain('Superseded (1)\nold-plan The old plan ends by the new plan on 1 December 2026');
    // The swap is whole, for the commands as for the scheduler; the owner of a milestone that stays is untouched.
    bot.say('status new-duty');
    await bot.until(() => bot.out().includes('new-duty: New duty commenced'), 'the new milestone');
    bot.say('status old-plan');
    await bot.until(() => /old-plan {2}The old plan ends \[superseded\][\s\S]*owner: @alice/.test(bot.out()), 'the superseded milestone and its owner');
    bot.say('history hub-opens');
    await bot.until(() => bot.out().includes('programme file: deadline: 31 May 2027 → 30 September 2027'), 'the history');

    save(file, BROKEN);
    await bot.until(() => bot.out().includes('was not taken'), 'the refusal');
    expect(bot.log()).toContain('local.yaml:5: milestones[0].due: \\"the twelfth of never\\" is not a date phrase');
    const refused = bot.out().slice(bot.out().indexOf('The edit to local.yaml was not taken'));
    expect(refused).toContain('local.yaml:5: milestones[0].due: "the twelfth of never" is not a date phrase');
    // The programme in force goes on.
    bot.say('status new-duty');
    await bot.until(() => count(bot.out(), 'new-duty: New duty commenced') === 2, 'the programme in force');
    // Touching the broken file again (same content) tells nobody twice.
    save(file, BROKEN);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await bot.stop();
    expect(count(bot.out(), 'was not taken')).toBe(1);
    expect(count(bot.out(), 'Programme file updated')).toBe(1);

    // Fixed while the bot is down: the restart takes it, compares it with the last file taken, and says nothing
    // about the edit already announced.
    save(file, AFTER);
    const again = start(env);
    again.say('status hub-opens');
    await again.until(() => again.out().includes('hub-opens: Family hub opens'), 'the restarted bot');
    await again.stop();
    expect(again.out()).not.toContain('Programme file updated');
    expect(again.out()).not.toContain('was not taken');
    const store = JSON.parse(readFileSync(env.REFORM_DB, 'utf8')) as { ledger: Record<string, { kind: string; state: string }> };
    const announcements = Object.values(store.ledger).filter((e) => e.kind === 'programme');
    expect(announcements.map((e) => e.state)).toEqual(['sent', 'sent']);
  }, 240_000);

  it('records an edit once per content under the store lock, whichever process sees it first', async () => {
    const store = memoryStore();
    const before = programmeFrom(BEFORE, 'local.yaml');
    const after = programmeFrom(AFTER, 'local.yaml');
    await store.update((s) => s.subscriptions.push({ id: 'console:leadership#reminders', kind: 'reminders', platform: 'console', channel: 'leadership', createdAt: '2026-12-01T00:00:00Z', createdBy: 'console:alice' }));
    expect(await store.update((s) => recordProgramme(s, before, 'a'.repeat(64), at('2026-12-07T10:00:00Z')))).toEqual([]);
    const first = await store.update((s) => recordProgramme(s, after, 'b'.repeat(64), at('2026-12-07T10:01:00Z')));
    const second = await store.update((s) => recordProgramme(s, after, 'b'.repeat(64), at('2026-12-07T10:02:00Z')));
    expect(first?.map((c) => `${c.change} ${c.item}`)).toEqual(['redated hub-opens', 'superseded old-plan', 'added new-duty', 'removed leaves-file']);
    expect(second).toBeUndefined();
    const state = await store.read();
    const ledger = Object.values(state.ledger);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'programme', state: 'pending', subscription: 'console:leadership#reminders' });
    expect(await store.update((s) => recordRefusedEdit(s, 'local.yaml', 'c'.repeat(64), ['local.yaml:5: bad'], at('2026-12-07T10:03:00Z')))).toBe(true);
    expect(await store.update((s) => recordRefusedEdit(s, 'local.yaml', 'c'.repeat(64), ['local.yaml:5: bad'], at('2026-12-07T10:04:00Z')))).toBe(false);
    // history and the digest name the programme file as who changed it, as a post is named, never as a person.
    const { say } = testBot(after, '2026-12-07T11:00:00Z', { store });
    const history = await say('history hub-opens');
    expect(history).toContain('programme file: deadline: 31 May 2027 → 30 September 2027');
    expect(history).toContain('the programme file');
    expect(history).not.toContain('@the programme file');
    expect(await say('digest')).toContain('hub-opens programme file: deadline: 31 May 2027 → 30 September 2027');
    const message = editMessage(after, await store.read(), ledger[0]!.item);
    expect('skip' in message ? message.skip : renderPlain(message)).toMatch(/^Programme file updated: 4 changes to milestones/);
  });
});
