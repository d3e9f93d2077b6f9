// The `reform` command and `npm start`, run as real processes, as a newcomer would.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, readConfig } from '../adapters/config.js';
import { startServer } from '../adapters/server.js';
import { silentLogger } from '../src/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'reform-cli-'));
// No settings file: a developer's own .env must not change what these runs do.
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, REFORM_DB: join(dir, 'reform.json'), REFORM_LOG_LEVEL: 'warn', REFORM_ENV_FILE: '' };

function reform(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, ['bin/reform.mjs', ...args], {
    input: opts.input ?? '',
    env: { ...baseEnv, ...opts.env },
    encoding: 'utf8',
    timeout: 45_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/**
 * `reform start` with Teams on (no authentication, on 127.0.0.1) over the store `db`, until it logs ready (its
 * start-up tick has run), then stopped. Its output and log.
 */
async function startTeamsUntilReady(db: string): Promise<{ out: string; log: string }> {
  const child = spawn(process.execPath, ['bin/reform.mjs', 'start'], {
    env: { ...baseEnv, REFORM_DB: db, REFORM_LOG_LEVEL: 'info', REFORM_NOW: '2026-11-24T10:00:00Z', TEAMS_DEV_NO_AUTH: '1', PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let log = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 45 s: ${log.slice(-300)}`)), 45_000);
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('"message":"ready"')) resolve(clearTimeout(timer));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${log.slice(-300)}`)));
    });
  } finally {
    child.kill('SIGKILL');
  }
  return { out, log };
}

describe('reform CLI', () => {
  it('ask answers one command as a chat would, at a frozen instant', () => {
    const r = reform(['ask', 'status agency', '--now', '2023-06-01T10:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('agency-national-rules');
    expect(r.out).toContain('September 2023');
    expect(r.out).toContain('spring 2024');
  });

  it('answers the slips a newcomer makes: nothing to ask, a --user that is not a console name, a chat command as the CLI\'s', () => {
    for (const args of [['ask'], ['ask', '  ']]) {
      const r = reform(args);
      expect(r.code).toBe(1);
      expect(r.err).toContain('reform ask: say what to ask, such as reform ask "status kinship"');
    }
    for (const user of ['', 'jane smith', '@jane', 'slack:U123']) {
      const r = reform(['ask', 'assign phase-1-end me', '--user', user]);
      expect(r.code, user).toBe(1);
      expect(r.err).toContain(`--user: "${user}" is not a console name`);
    }
    expect(reform(['ask', 'assign phase-1-end me', '--user', 'jane.smith'], { env: { REFORM_DB: join(dir, 'user.json') } }).out).toContain('phase-1-end is now owned by @jane.smith');
    const slip = reform(['status', 'kinship']);
    expect(slip.code).toBe(1);
    expect(slip.err).toContain('Unknown command "status".\nTo ask the bot, put it in quotes after ask: reform ask "status kinship"');
    expect(reform(['frobnicate']).err).not.toContain('To ask the bot');
  });

  it('reads a --now or REFORM_NOW without an offset on London\'s clock; one with an offset as given', () => {
    expect(reform(['ask', 'status', '--now', '2026-06-01T09:00']).out).toContain('As at 1 June 2026, 09:00.');
    expect(reform(['ask', 'status'], { env: { REFORM_NOW: '2026-06-01T09:00' } }).out).toContain('As at 1 June 2026, 09:00.');
    expect(reform(['ask', 'status', '--now', '2026-06-01T09:00:00Z']).out).toContain('As at 1 June 2026, 10:00.');
  });

  it('finds the project\'s programme file and store by default from any working folder, so a cron job uses the same store', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'reform-elsewhere-'));
    const { REFORM_DB: _db, ...noDb } = baseEnv;
    const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/reform.mjs'), 'check'], { cwd: elsewhere, env: noDb, encoding: 'utf8', timeout: 45_000 });
    expect(r.stdout).toContain('stable-homes.yaml: 37 milestones');
    expect(r.status).toBe(0);
    expect(readConfig({}, 'x').dbFile).toBe(join(process.cwd(), 'data', 'reform.json'));
    expect(readConfig({}, 'x').milestonesFile).toBe(join(process.cwd(), 'milestones', 'stable-homes.yaml'));
  });

  it('tick with no channel subscribed says so, rather than "nothing due"', () => {
    const db = join(dir, 'no-subscriptions.json');
    const r = reform(['tick', '--now', '2026-12-03T09:00:00Z'], { env: { REFORM_DB: db } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing due: no channel is subscribed. Type "subscribe reminders" or "subscribe digest" in a channel');
  });

  it('tick from a timer announces an edit of the programme file to the reminders channels, once, as the running bot does', () => {
    const db = join(dir, 'tick-edits.json');
    const file = join(dir, 'tick-edits.yaml');
    const original = readFileSync('milestones/stable-homes.yaml', 'utf8');
    writeFileSync(file, original);
    const env = { REFORM_DB: db, REFORM_MILESTONES: file };
    expect(reform(['ask', 'subscribe reminders', '--channel', 'leadership', '--now', '2026-12-03T09:00:00Z'], { env }).code).toBe(0);
    expect(reform(['tick', '--now', '2026-12-03T09:00:00Z'], { env }).code).toBe(0);
    writeFileSync(file, original.replace('    due: September 2023\n', '    due: October 2023\n'));
    const edited = reform(['tick', '--now', '2026-12-03T09:01:00Z'], { env });
    expect(edited.code).toBe(0);
    expect(edited.out).toContain('Programme file updated: 1 change to milestones');
    expect(edited.out).toContain('agency-national-rules');
    expect(edited.out).toMatch(/sent programme console:leadership/);
    const again = reform(['tick', '--now', '2026-12-03T09:02:00Z'], { env });
    expect(again.out).not.toContain('Programme file updated');
  });

  it('ask exits 1 when the reply is a problem or the usage, so a script can tell, and 0 for help asked for', () => {
    expect(reform(['ask', 'status zebra crossings']).code).toBe(1);
    expect(reform(['ask', 'assign no-such-id me']).code).toBe(1);
    expect(reform(['ask', 'frobnicate']).code).toBe(1);
    expect(reform(['ask', 'assign']).code).toBe(1);
    const refused = reform(['ask', 'assign kinship-training me'], { env: { REFORM_EDITORS: 'console:someone-else' } });
    expect(refused.out).toContain('Only the editors');
    expect(refused.code).toBe(1);
    expect(reform(['ask', 'help']).code).toBe(0);
    expect(reform(['ask', 'help assign']).code).toBe(0);
    expect(reform(['ask', '/reform help']).code).toBe(0);
    expect(reform(['ask', 'help frobnicate']).code).toBe(1);
    expect(reform(['ask', 'help "assign" please']).code).toBe(0);
  });

  it('reads settings from .env in the working folder; the environment wins over the file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reform-dotenv-'));
    const root = process.cwd();
    writeFileSync(join(folder, '.env'), `# settings\nREFORM_USER=zed\nREFORM_MILESTONES=${join(root, 'milestones/stable-homes.yaml')}\nREFORM_DB=${join(folder, 'from-dotenv.json')}\n`);
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, REFORM_LOG_LEVEL: 'info', REFORM_NOW: '2026-11-24T10:00:00Z' };
    const run = (extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(root, 'bin/reform.mjs'), 'start'], { cwd: folder, input: 'assign kinship-strategy me\n', env: { ...env, ...extra }, encoding: 'utf8', timeout: 45_000 });
    const fromFile = run();
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toContain('kinship-strategy is now owned by @zed');
    expect(JSON.parse(readFileSync(join(folder, 'from-dotenv.json'), 'utf8')).items['kinship-strategy'].owner.id).toBe('console:zed');
    // Input ended without Slack or Teams settings: one line says so, naming where the settings came from.
    expect(fromFile.stderr).toMatch(/console input ended; stopping.*"settings":"\.env"/);
    expect(run({ REFORM_USER: 'amy' }).stdout).toContain('kinship-strategy is now owned by @amy');
    expect(run({ REFORM_ENV_FILE: '', REFORM_MILESTONES: join(root, 'milestones/stable-homes.yaml'), REFORM_DB: join(folder, 'env.json') }).stderr).toContain('"settings":"the environment"');
    const missing = run({ REFORM_ENV_FILE: 'nowhere.env' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('REFORM_ENV_FILE: there is no file nowhere.env');
  });

  it('start (npm start) reads commands from standard input and exits 0 at the end', () => {
    const r = reform(['start'], { input: 'status kinship\nnext 2\n', env: { REFORM_NOW: '2026-11-24T10:00:00Z' } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('kinship-strategy');
    expect(r.out).toMatch(/Next 2 deadlines/);
  });

  it('start skips blank lines and reads "@Reform next 1" as "next 1"', () => {
    const r = reform(['start'], { input: '\n   \n@Reform next 1\n\n', env: { REFORM_NOW: '2026-11-24T10:00:00Z' } });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Next 1 deadline\n/);
    expect(r.out).not.toContain('Commands');
    expect(r.out).not.toContain("don't know");
  });

  it('start takes --now and --milestones as ask does, and refuses a flag it does not know', () => {
    const small = join(dir, 'start-small.yaml');
    writeFileSync(small, 'programme: Small\nmilestones:\n  - id: only-one\n    title: The only one\n    due: 2027\n    themes: [x]\n');
    const r = reform(['start', '--now', '2023-06-01T10:00:00Z', '--milestones', small], { input: 'status\n', env: { REFORM_DB: join(dir, 'start-flags.json') } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Small: 1 milestone\n');
    expect(r.out).toContain('As at 1 June 2023, 11:00');
    const bad = reform(['start', '--bogus'], { input: 'status\n' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("Unknown option '--bogus'");
    expect(bad.out).toBe('');
  });

  it('check counts milestones and themes, and fails with file, line and field', () => {
    const ok = reform(['check']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^stable-homes\.yaml: \d+ milestones \(\d+ undated, \d+ superseded\), \d+ themes$/m);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'programme: X\nmilestones:\n  - id: a\n    title: A\n    due: the twelfth of never\n    themes: [x]\n');
    const r = reform(['check', '--milestones', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.yaml:5: milestones[0].due: "the twelfth of never" is not a date phrase');
    // A completion dated after today is a warning, not an error: it counts only from that day.
    const ahead = join(dir, 'ahead.yaml');
    writeFileSync(ahead, 'programme: X\nmilestones:\n  - id: a\n    title: A\n    due: May 2027\n    themes: [x]\n    completed:\n      date: 11 May 2099\n');
    const warned = reform(['check', '--milestones', ahead, '--now', '2026-11-24T10:00:00Z']);
    expect(warned.code).toBe(0);
    expect(warned.out).toContain('warning: a: completed "11 May 2099" is after today; it counts as not done until then');
    expect(reform(['check', '--milestones', ahead, '--now', '2099-05-11T10:00:00Z']).out).not.toContain('warning');
    // One recorded as a year counts once the year is over, and check says so while it is not.
    writeFileSync(ahead, 'programme: X\nmilestones:\n  - id: a\n    title: A\n    due: May 2027\n    themes: [x]\n    completed:\n      date: 2026\n');
    expect(reform(['check', '--milestones', ahead, '--now', '2026-11-24T10:00:00Z']).out).toContain('warning: a: completed "2026" is not over yet; it counts as not done until 31 December 2026 is over');
    expect(reform(['check', '--milestones', ahead, '--now', '2027-01-01T10:00:00Z']).out).not.toContain('warning');
  });

  it('stops startup on a missing file, naming the path and the variable', () => {
    const r = reform(['start'], { env: { REFORM_MILESTONES: join(dir, 'nope.yaml') } });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(dir, 'nope.yaml')} (no such file); it was set by REFORM_MILESTONES`);
  });

  it('assign from one process is seen by the next: owner in status, who and when in history', () => {
    const env = { REFORM_DB: join(dir, 'assign.json') };
    expect(reform(['ask', 'assign kinship-strategy @alice', '--user', 'bob', '--now', '2026-11-24T14:05:00Z'], { env }).code).toBe(0);
    expect(reform(['ask', 'status kinship-strategy'], { env }).out).toContain('owner: @alice');
    expect(reform(['ask', 'history kinship-strategy'], { env }).out).toContain('24 November 2026, 14:05 — @bob owner: nobody → @alice');
  });

  it('check reports milestones that left the file but are still in the store', () => {
    const env = { REFORM_DB: join(dir, 'orphan.json') };
    reform(['ask', 'note kinship-strategy keep me'], { env });
    reform(['ask', 'subscribe digest'], { env });
    const small = join(dir, 'small.yaml');
    writeFileSync(small, 'programme: X\nmilestones:\n  - id: a\n    title: A\n    due: 2027\n    themes: [x]\n');
    const r = reform(['check', '--milestones', small], { env });
    expect(r.out).toContain('orphaned: kinship-strategy is in the store (1 change in its history) but not in small.yaml');
    // A subscription's own record in the history belongs to no milestone.
    expect(r.out.match(/orphaned:/g)).toHaveLength(1);
  });

  it('start with Teams on prints no reminder into its own log: console ones wait for a `reform tick` at a terminal', async () => {
    const db = join(dir, 'server-console.json');
    const due = { phrase: '30 November 2026', span: { first: '2026-11-30', last: '2026-11-30' } };
    writeFileSync(db, JSON.stringify({
      version: 1,
      subscriptions: [{ id: 'reminders:console:leadership', kind: 'reminders', platform: 'console', channel: 'leadership', createdAt: '2026-11-01T10:00:00.000Z', createdBy: 'console:clerk' }],
      actions: { 'kinship-strategy/1': { id: 'kinship-strategy/1', milestoneId: 'kinship-strategy', title: 'Brief members', due, createdAt: '2026-11-01T10:00:00.000Z', createdBy: 'console:clerk' } },
      items: { 'kinship-strategy/1': { owner: { id: 'console:alice', name: 'alice' }, notes: [], revisions: [] } },
    }));
    const { out } = await startTeamsUntilReady(db);
    // The start-up tick has run: alice's reminder was neither printed into the server's output nor recorded as sent.
    expect(out).not.toContain('Brief members');
    const ledger = (JSON.parse(readFileSync(db, 'utf8')).ledger ?? {}) as Record<string, { state: string }>;
    expect(Object.entries(ledger).filter(([, e]) => e.state === 'sent')).toEqual([]);
    // A console owner's action is left to a terminal's tick, as console subscriptions are: nothing planned here.
    expect(Object.keys(ledger).filter((k) => k.includes('kinship-strategy/1'))).toEqual([]);
    // A terminal's tick prints it, once, to alice.
    const tickRun = reform(['tick', '--now', '2026-11-24T10:05:00Z'], { env: { REFORM_DB: db, TEAMS_DEV_NO_AUTH: '1', HOST: '127.0.0.1' } });
    expect(tickRun.out).toContain('── to @alice ──\nReminder: kinship-strategy/1 is due in 6 days');
    expect(tickRun.out.match(/Brief members/g)).toHaveLength(1);
  });

  it('start with Teams on moves a subscription an earlier version kept on a thread to its channel', async () => {
    const db = join(dir, 'teams-thread.json');
    const thread = '19:general@thread.tacv2;messageid=1700000000001';
    const id = `digest:teams:${thread}`;
    const reference = { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', conversation: { id: thread, conversationType: 'channel', isGroup: true } };
    writeFileSync(db, JSON.stringify({
      version: 1,
      subscriptions: [{ id, kind: 'digest', platform: 'teams', channel: thread, extras: { reference }, createdAt: '2026-11-20T10:00:00.000Z', createdBy: 'teams:aad-alice' }],
      ledger: { [`${id}|digest|digest@2026-W47`]: { key: `${id}|digest|digest@2026-W47`, subscription: id, item: 'digest', slot: 'digest@2026-W47', kind: 'digest', dueAt: '2026-11-16T09:00:00.000Z', state: 'sent', attempts: 1 } },
    }));
    const { log } = await startTeamsUntilReady(db);
    expect(log).toContain('"message":"Teams subscriptions made in a thread now belong to their channel","count":1');
    const state = JSON.parse(readFileSync(db, 'utf8'));
    expect(state.subscriptions.map((s: { id: string }) => s.id)).toEqual(['digest:teams:19:general@thread.tacv2']);
    // What was sent stays sent under the channel's key; the start-up tick then planned this week's for the channel.
    expect(state.ledger['digest:teams:19:general@thread.tacv2|digest|digest@2026-W47']).toMatchObject({ state: 'sent' });
    expect(Object.keys(state.ledger).every((k) => k.startsWith('digest:teams:19:general@thread.tacv2|'))).toBe(true);
  });

  it('stops on a corrupt store, naming it, without touching it', () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, 'not json');
    const r = reform(['start'], { env: { REFORM_DB: path }, input: 'status\n' });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`The store ${path} is not valid JSON`);
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });

  it('stops on a bad variable, naming it', () => {
    const r = reform(['ask', 'status'], { env: { REFORM_NOW: 'yesterday' } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('REFORM_NOW');
  });

  it('tick into a closed pipe (reform tick 2>&1 | head) exits quietly, and what it could not print goes out next time', async () => {
    for (const closed of [['stdout'], ['stdout', 'stderr']] as const) {
      const env = { REFORM_DB: join(dir, `epipe-${closed.length}.json`) };
      reform(['ask', 'subscribe reminders'], { env });
      // The reader is gone before the tick prints anything: every write fails with EPIPE.
      const child = spawn(process.execPath, ['bin/reform.mjs', 'tick', '--now', '2028-01-05T09:00:00Z'], { env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const name of closed) child[name].destroy();
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      expect(err, closed.join('+')).not.toMatch(/\n\s+at /);
      expect(code, closed.join('+')).toBe(0);
      // Recorded as pending, not left claimed (a claim would hold it for ten minutes).
      const later = reform(['tick', '--now', '2028-01-05T09:05:00Z'], { env });
      expect(later.out, closed.join('+')).toContain('sent overdue console:console multi-agency-cp');
    }
  });

  it('takes editors as platform identities and stops on a name without its platform, which could never match', () => {
    expect(readConfig({ REFORM_EDITORS: 'slack:U0123ABCD, teams:6f1c-aad console:alice' }, 'x').editors).toEqual(['slack:U0123ABCD', 'teams:6f1c-aad', 'console:alice']);
    expect(() => readConfig({ REFORM_EDITORS: 'slack:U0123ABCD,alice' }, 'x')).toThrow('REFORM_EDITORS: "alice" is not an identity');
    expect(() => readConfig({ REFORM_EDITORS: 'U0123ABCD' }, 'x')).toThrow(ConfigError);
    expect(() => readConfig({ REFORM_EDITORS: 'slack:U1;slack:U2' }, 'x')).toThrow('"slack:U1;slack:U2" is not an identity');
    expect(() => readConfig({ REFORM_EDITORS: ' , ' }, 'x')).toThrow('REFORM_EDITORS: names nobody');
  });

  it('a wrong setting is quoted back with what it should be, not in the validator\'s words', () => {
    const problem = (env: Record<string, string>) => {
      try {
        readConfig(env, 'x');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problem({ PORT: 'abc' })).toBe('Configuration error:\n  PORT: "abc" is not a port: a whole number from 0 to 65535, such as 3000');
    expect(problem({ PORT: '70000' })).toContain('PORT: "70000" is not a port');
    expect(readConfig({ PORT: ' 8080 ' }, 'x').port).toBe(8080);
    expect(readConfig({}, 'x').port).toBe(3000);
    expect(problem({ REFORM_LOG_LEVEL: 'verbose' })).toContain('REFORM_LOG_LEVEL: "verbose" is not a log level: debug, info, warn, error or silent');
    expect(problem({ MicrosoftAppType: 'Single' })).toContain('MicrosoftAppType: "Single" is not an app type: MultiTenant, SingleTenant or UserAssignedMSI');
    expect(problem({ TEAMS_DEV_NO_AUTH: 'yes' })).toContain('TEAMS_DEV_NO_AUTH: "yes" is not a switch: 0 or 1');
    expect(problem({ SLACK_API_URL: 'nope' })).toContain('SLACK_API_URL: "nope" is not a URL');
    expect(problem({ REFORM_TZ: 'Mars/Base' })).toContain('REFORM_TZ: "Mars/Base" is not a time zone: an IANA name such as Europe/London');
    expect(problem({ REFORM_NOW: 'yesterday' })).toContain('REFORM_NOW: "yesterday" is not a date-time');
    // Spaces around a value are not part of it, and a blank value is an unset one.
    expect(readConfig({ REFORM_LOG_LEVEL: ' warn ', PORT: '   ', HOST: ' ', REFORM_DB: '  ' }, 'x')).toMatchObject({ logLevel: 'warn', port: 3000, host: '0.0.0.0' });
    expect(readConfig({ REFORM_DB: '  ' }, 'x').dbFile).toBe(readConfig({}, 'x').dbFile);
    // Several at once are listed together, one a line.
    expect(problem({ PORT: 'x', REFORM_LOG_LEVEL: 'loud' }).split('\n')).toHaveLength(3);
    for (const message of [problem({ PORT: 'abc' }), problem({ REFORM_LOG_LEVEL: 'verbose' })]) expect(message).not.toMatch(/Invalid|expected|received/);
  });

  it('a port already in use, or a HOST not of this machine, stops start-up with one line naming the setting', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = reform(['start'], { env: { TEAMS_DEV_NO_AUTH: '1', HOST: '127.0.0.1', PORT: String(port) } });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`Cannot listen on 127.0.0.1:${port}: another program is using port ${port}. Stop it, or set PORT to a free port.`);
      expect(r.err).not.toMatch(/\n\s+at |node:net/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    await expect(startServer({ port: 0, host: '10.255.255.1', logger: silentLogger })).rejects.toThrow('HOST "10.255.255.1" is not an address of this machine');
  });

  it('ask and tick name --milestones as the setting to fix when that file cannot be read', () => {
    for (const verb of [['ask', 'status'], ['tick']]) {
      const r = reform([...verb, '--milestones', join(dir, 'nope.yaml')]);
      expect(r.code, verb[0]).toBe(1);
      expect(r.err, verb[0]).toContain(`Cannot read the milestones file ${join(dir, 'nope.yaml')} (no such file); it was set by --milestones.`);
    }
  });

  it('npm run teams:package reads MicrosoftAppId from the settings file, as the bot does', () => {
    const settings = join(dir, 'teams.env');
    writeFileSync(settings, 'MicrosoftAppId=00000000-0000-4000-8000-000000000001\n');
    const run = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/teams-package.ts'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, REFORM_ENV_FILE: file }, encoding: 'utf8', timeout: 30_000 });
    const made = run(settings);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('reform-teams.zip');
    const missing = run(join(dir, 'none.env'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`REFORM_ENV_FILE: there is no file ${join(dir, 'none.env')}`);
  });

  it('takes REFORM_USER as one word, the console user\'s identity', () => {
    expect(readConfig({ REFORM_USER: 'jane.smith' }, 'x').consoleUser).toBe('jane.smith');
    for (const wrong of ['Jane Smith', '@jane']) {
      expect(() => readConfig({ REFORM_USER: wrong }, 'x')).toThrow(`REFORM_USER: "${wrong}" is not a console name: one word, such as jane.smith, without @ (it is the console user's identity, console:<name>)`);
    }
    // Console names are not case-sensitive, in REFORM_EDITORS as in the console.
    expect(readConfig({ REFORM_EDITORS: 'console:Jane.Smith, slack:U0ABC' }, 'x').editors).toEqual(['console:jane.smith', 'slack:U0ABC']);
  });

  it('reads console names whatever their case: @Jane.Smith, the user Jane.Smith and jane.smith are one person', () => {
    const db = join(dir, 'case.json');
    expect(reform(['ask', 'assign phase-1-end @Jane.Smith'], { env: { REFORM_DB: db } }).out).toContain('phase-1-end is now owned by @Jane.Smith');
    expect(reform(['ask', 'owned @jane.smith'], { env: { REFORM_DB: db } }).out).toContain('phase-1-end');
    expect(reform(['ask', 'mine', '--user', 'JANE.SMITH'], { env: { REFORM_DB: db } }).out).toMatch(/^What you own \(1\)/);
    // An owner may update their own item, whatever the case they type their name in.
    expect(reform(['ask', 'rag phase-1-end amber', '--user', 'jane.Smith'], { env: { REFORM_DB: db, REFORM_EDITORS: 'console:someone-else' } }).out).toContain('phase-1-end is rated amber');
  });

  it('stops on half a platform\'s settings, rather than quietly running the console', () => {
    expect(() => readConfig({ SLACK_APP_TOKEN: 'xapp-1' }, 'x')).toThrow('SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not; Socket Mode needs all three');
    expect(() => readConfig({ MicrosoftAppPassword: 'pw' }, 'x')).toThrow('MicrosoftAppPassword is set but MicrosoftAppId is not; set MicrosoftAppId for Teams, or remove it');
    expect(() => readConfig({ MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: 't' }, 'x')).toThrow('MicrosoftAppPassword, MicrosoftAppTenantId are set but MicrosoftAppId is not');
    expect(readConfig({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, 'x').slack?.appToken).toBe('xapp-1');
    // Empty values, as a copied .env.example leaves them, are unset.
    expect(readConfig({ MicrosoftAppPassword: '', SLACK_APP_TOKEN: '' }, 'x').slack).toBeUndefined();
  });

  it('takes Teams without authentication only on this machine: TEAMS_DEV_NO_AUTH needs a loopback HOST', () => {
    expect(() => readConfig({ TEAMS_DEV_NO_AUTH: '1' }, 'x')).toThrow('TEAMS_DEV_NO_AUTH=1 takes Teams requests without authentication, so it only listens on this machine: set HOST=127.0.0.1 (it is 0.0.0.0)');
    expect(() => readConfig({ TEAMS_DEV_NO_AUTH: '1', HOST: '10.0.0.5' }, 'x')).toThrow(ConfigError);
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(readConfig({ TEAMS_DEV_NO_AUTH: '1', HOST: host }, 'x').teams?.devNoAuth, host).toBe(true);
    // With an app id, requests are authenticated and the flag changes nothing.
    expect(readConfig({ TEAMS_DEV_NO_AUTH: '1', MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' }, 'x').teams?.appId).toBe('app');
  });
});
