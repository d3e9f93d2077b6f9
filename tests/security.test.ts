// Security: who may change what (every changing verb, found from the registry), user text that tries to ping,
// mention or link (shown as text by the real Slack and Teams renderers), and secrets that never reach a log line
// of the real bot process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../adapters/config.js';
import { consoleMessage } from '../adapters/console/console.js';
import { createLogger } from '../adapters/logger.js';
import { renderSlack } from '../adapters/slack/render.js';
import { openStore } from '../adapters/store/open.js';
import { renderCard } from '../adapters/teams/render.js';
import { createBot } from '../src/bot.js';
import { COMMANDS } from '../src/commands/index.js';
import type { Incoming } from '../src/commands/types.js';
import { silentLogger } from '../src/ports.js';
import type { Reply } from '../src/replies/model.js';
import { renderPlain } from '../src/replies/plain.js';
import { PERSONAL, startTeams, type TeamsHarness } from './fakes/bot-connector.js';
import { FORM, JSON_TYPE, slackSignature, startFakeSlackApi, startHarness, waitFor, type FakeSlackApi, type Harness } from './fakes/slack-api.js';
import { at, defaultProgramme, testBot } from './helpers.js';

// ── Authorization ────────────────────────────────────────────────────────────────────────────────────────────

const EDITORS = ['console:editor'];
const ITEM = 'multi-agency-cp';

interface Example {
  /** The invocation, for an item id (a milestone, or an action when `onAction`). */
  text(id: string): string;
  /** Run by the editor first (after the item is given to @olive). */
  setup?(id: string): string[];
  /** Only editors may, even the item's owner may not (subscriptions belong to a channel, not an item). */
  editorsOnly?: boolean;
  /** Also applies to an action (kinship-strategy/1); `action add` goes under milestones only. */
  onAction?: boolean;
}

/** One valid invocation per changing verb. A new changing verb without an example fails the matrix below. */
const EXAMPLES: Record<string, Example> = {
  assign: { text: (id) => `assign ${id} @zed`, onAction: true },
  unassign: { text: (id) => `unassign ${id}`, onAction: true },
  rag: { text: (id) => `rag ${id} red ICB slow`, onAction: true },
  note: { text: (id) => `note ${id} police lead named`, onAction: true },
  done: { text: (id) => `done ${id} went live`, onAction: true },
  reopen: { text: (id) => `reopen ${id}`, setup: (id) => [`done ${id}`], onAction: true },
  action: { text: (id) => `action add ${id} "Agree data sharing" due March 2027 owner @olive` },
  revise: { text: (id) => `revise ${id} spring 2028 because ICB data sharing is late`, onAction: true },
  snooze: { text: (id) => `snooze ${id} 14`, onAction: true },
  unsnooze: { text: (id) => `unsnooze ${id}`, setup: (id) => [`snooze ${id} 14`], onAction: true },
  supersede: { text: (id) => `supersede ${id} by the 2026 Act because the duty is law now`, editorsOnly: true },
  subscribe: { text: () => 'subscribe reminders', editorsOnly: true },
  unsubscribe: { text: () => 'unsubscribe digest', setup: () => ['subscribe digest'], editorsOnly: true },
  ack: { text: (id) => `ack ${id} in hand`, setup: (id) => [`revise ${id} 2 November 2026 because the ICB is late`], onAction: true },
  lead: { text: () => 'lead child-protection @zed', editorsOnly: true },
  unlead: { text: () => 'unlead child-protection', setup: () => ['lead child-protection @zed'], editorsOnly: true },
};

const CHANGING = COMMANDS.filter((c) => c.changes).map((c) => c.name);

/** A bot with editors, where @olive owns `id` (an action is created under ITEM first), after the example's setup. */
async function matrixBot(verb: string, id: string) {
  const tb = testBot(undefined, undefined, { editors: EDITORS });
  const as = async (user: string, text: string): Promise<Reply> => tb.bot.handle(consoleMessage(text, user));
  if (id !== ITEM) expect((await as('editor', `action add ${ITEM} "Local action"`)).tone).toBe('change');
  expect((await as('editor', `assign ${id} @olive`)).tone).toBe('change');
  for (const step of EXAMPLES[verb]!.setup?.(id) ?? []) expect((await as('editor', step)).tone, step).toBe('change');
  const snapshot = async () => JSON.stringify(await tb.store.read());
  return { as, snapshot };
}

describe('authorization matrix: every changing verb, with REFORM_EDITORS set', () => {
  it('has a valid example for every changing verb in the registry', () => {
    expect(CHANGING.length).toBeGreaterThan(5);
    expect(CHANGING.filter((verb) => !EXAMPLES[verb]), 'changing verbs with no example here').toEqual([]);
  });

  const cases = CHANGING.flatMap((verb) => [
    { verb, id: ITEM },
    ...(EXAMPLES[verb]?.onAction ? [{ verb, id: `${ITEM}/1` }] : []),
  ]);

  it.each(cases)('$verb on $id: refused for a non-editor, store unchanged', async ({ verb, id }) => {
    const { as, snapshot } = await matrixBot(verb, id);
    const before = await snapshot();
    const text = EXAMPLES[verb]!.text(id);
    const answer = await as('mallory', text);
    expect(answer.tone, text).toBe('problem');
    expect(renderPlain(answer)).toMatch(/You can't change|You can't acknowledge|Only the editors can (change|name leads|supersede)/);
    expect(await snapshot()).toBe(before);
  });

  it.each(cases)('$verb on $id: allowed for the item’s owner, except the editors-only verbs', async ({ verb, id }) => {
    const { as, snapshot } = await matrixBot(verb, id);
    const before = await snapshot();
    const text = EXAMPLES[verb]!.text(id);
    const answer = await as('olive', text);
    if (EXAMPLES[verb]!.editorsOnly) {
      expect(['subscribe', 'unsubscribe', 'lead', 'unlead', 'supersede']).toContain(verb);
      expect(answer.tone, text).toBe('problem');
      expect(renderPlain(answer)).toMatch(verb === 'supersede' ? /^Only the editors can supersede/ : /Only the editors can (change subscriptions|name leads)/);
      expect(await snapshot()).toBe(before);
    } else {
      expect(answer.tone, `${text}: ${renderPlain(answer)}`).toBe('change');
      expect(await snapshot()).not.toBe(before);
    }
  });

  it.each(cases)('$verb on $id: allowed for an editor', async ({ verb, id }) => {
    const { as, snapshot } = await matrixBot(verb, id);
    const before = await snapshot();
    const text = EXAMPLES[verb]!.text(id);
    const answer = await as('editor', text);
    expect(answer.tone, `${text}: ${renderPlain(answer)}`).toBe('change');
    expect(await snapshot()).not.toBe(before);
  });

  it('no read-only command answers with the tone of a change (Slack posts changes to the whole channel)', async () => {
    const tb = testBot();
    const readOnly = COMMANDS.filter((c) => !c.changes).map((c) => c.name);
    expect(readOnly.length).toBeGreaterThan(5);
    for (const verb of readOnly) {
      for (const text of [verb, `${verb} ${ITEM}`, `${verb} kinship`, `${verb} me`, `${verb} 3`]) {
        expect((await tb.bot.handle(consoleMessage(text, 'editor'))).tone, text).not.toBe('change');
      }
    }
  });

  it('the owner of a milestone may change the actions under it; owning one item gives no rights on another', async () => {
    const { as } = await matrixBot('note', ITEM);
    expect((await as('editor', `action add ${ITEM} "Someone else's action" owner @zed`)).tone).toBe('change');
    expect((await as('olive', `rag ${ITEM}/1 amber`)).tone).toBe('change');
    expect((await as('zed', `rag ${ITEM} green`)).tone).toBe('problem');
    expect((await as('olive', 'rag kinship-strategy green')).tone).toBe('problem');
  });
});

// ── Injection ────────────────────────────────────────────────────────────────────────────────────────────────

// Things that would ping, mention, link or add card structure if any renderer passed them through.
const PAYLOAD = "<!channel> <!here> <!everyone> <@U999> <@U999|boss> @everyone [link](http://evil.example) <http://evil.example|click> <at>Boss</at> **bold** {'type':'Action.OpenUrl','url':'http://evil.example'}";
const ROLE = '<!here> <@U999> @everyone [link](http://evil.example) <at>Boss</at>';

/** Every string value in a JSON-like value, with the key it sits under. */
function strings(value: unknown, key = ''): { key: string; text: string }[] {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, k));
  return [];
}

/** Slack's mrkdwn texts and the fallback; `plain_text` objects (headers, button labels) show no markup at all. */
function mrkdwnStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnStrings);
  if (!value || typeof value !== 'object') return typeof value === 'string' ? [value] : [];
  if ((value as { type?: string }).type === 'plain_text') return [];
  return Object.values(value).flatMap(mrkdwnStrings);
}

function expectSafeSlack(reply: Reply, what: string): void {
  for (const part of renderSlack(reply)) {
    for (const text of mrkdwnStrings(part)) {
      for (const bad of ['<!channel>', '<!here>', '<!everyone>', '<!', '<@U999', '<http', '](http']) expect(text, `${what}: Slack shows ${bad}`).not.toContain(bad);
    }
  }
}

const CARD_TYPES = new Set(['AdaptiveCard', 'TextBlock', 'ColumnSet', 'Column', 'Container', 'FactSet', 'Action.Submit', 'mention']);

function expectSafeCard(reply: Reply, what: string, notify: boolean): void {
  const card = renderCard(reply, { notify });
  // fallbackText is plain text (shown only where cards are not); everything else is card markdown.
  const rendered = strings({ ...card, fallbackText: undefined });
  for (const { key, text } of rendered) {
    if (key === 'type') expect(CARD_TYPES.has(text), `${what}: card element type ${text}`).toBe(true);
    expect(text, `${what}: an <at> tag Teams would turn into a mention`).not.toMatch(/(?<!\\)<\s*\/?\s*at>/);
    expect(text, `${what}: a markdown link`).not.toContain('[link](');
    expect(text, `${what}: a bare link`).not.toContain('http://evil.example');
    expect(text, `${what}: bold`).not.toContain('**bold**');
  }
  const entities = (card.msteams as { entities?: { mentioned: { name: string } }[] }).entities ?? [];
  expect(entities.map((e) => e.mentioned.name), `${what}: mention entities`).toEqual([]);
  const actions = (card.actions as { type: string; url?: string }[] | undefined) ?? [];
  expect(actions.every((a) => a.type === 'Action.Submit' && a.url === undefined), `${what}: card actions`).toBe(true);
}

describe('injection: user text is shown as text in Slack and Teams, never a ping, mention or link', () => {
  it('notes, action titles, RAG notes, revision reasons and owner roles, in confirmations and in queries', async () => {
    const { bot } = testBot();
    const said = (text: string): Incoming => ({ text, user: { id: 'slack:U1', name: 'bob' }, platform: 'slack', channel: 'C1' });
    const changes = [
      `note ${ITEM} ${PAYLOAD}`,
      `action add ${ITEM} ${PAYLOAD}`,
      `assign ${ITEM} ${ROLE}`,
      `rag ${ITEM}/1 red ${PAYLOAD}`,
      `revise ${ITEM} spring 2028 because ${PAYLOAD}`,
      `done ${ITEM}/1 ${PAYLOAD}`,
    ];
    const replies: [string, Reply][] = [];
    for (const text of changes) {
      const answer = await bot.handle(said(text));
      expect(answer.tone, `${text}: ${renderPlain(answer)}`).toBe('change');
      replies.push([text, answer]);
    }
    for (const text of [`status ${ITEM}`, `status ${ITEM}/1`, `history ${ITEM}`, `history ${ITEM}/1`, `owned ${ROLE}`, 'overdue', 'digest']) replies.push([text, await bot.handle(said(text))]);

    // The payload really is in the replies (so the checks below are looking at it), as the user typed it.
    const plain = replies.map(([, r]) => renderPlain(r)).join('\n');
    expect(plain).toContain(PAYLOAD);
    expect(plain).toContain(`owner: ${ROLE}`);
    const slackShown = JSON.stringify(renderSlack(replies.find(([t]) => t === `status ${ITEM}`)![1]));
    expect(slackShown).toContain('&lt;!channel&gt; &lt;!here&gt;');
    expect(JSON.stringify(renderCard(replies.find(([t]) => t === `status ${ITEM}`)![1]).body)).toContain('\\\\<at>Boss\\\\</at>');

    for (const [text, answer] of replies) {
      expectSafeSlack(answer, text);
      expectSafeCard(answer, text, true);
      expectSafeCard(answer, text, false);
    }
  });

  describe('through the real adapters, a typed owner token cannot forge a mention', () => {
    let slack: Harness | undefined;
    let teams: TeamsHarness | undefined;
    afterEach(async () => {
      await slack?.close();
      await teams?.close();
      slack = teams = undefined;
    });

    it('Slack: `<@slack:U999|boss>` typed as text is not a mention of U999', async () => {
      slack = await startHarness();
      const h = slack;
      // Slack entity-encodes typed angle brackets; only a real mention arrives as <@U…>.
      const body = (await h.command('assign multi-agency-cp &lt;@slack:U999|boss&gt;', 'forge')).ack!;
      expect(body.text).toContain('multi-agency-cp');
      expect(h.store.snapshot().items[ITEM]?.owner?.id).not.toBe('slack:U999');
      expect(JSON.stringify(body)).not.toContain('<@U999>');
    });

    it('Slack: quotes between `<` and `@` (dropped by the tokenizer) do not make a typed token a mention', async () => {
      slack = await startHarness();
      const h = slack;
      for (const typed of ['&lt;"@slack:U999|boss"&gt;', '&lt;“@slack:U999|boss”&gt;', '"&lt;"@slack:U999|boss&gt;']) {
        const body = (await h.command(`assign multi-agency-cp ${typed}`, 'forge')).ack!;
        expect(h.store.snapshot().items[ITEM]?.owner?.id, typed).not.toBe('slack:U999');
        expect(JSON.stringify(body), typed).not.toContain('<@U999>');
      }
    });

    it('Teams: `<@teams:aad-boss|Boss>` typed as text is not a mention of Boss', async () => {
      teams = await startTeams();
      await teams.say({ text: `assign ${ITEM} <@teams:aad-boss|Boss>`, conversation: PERSONAL });
      const owner = (await teams.store.read()).items[ITEM]?.owner;
      expect(owner?.id.startsWith('role:'), JSON.stringify(owner)).toBe(true);
      const card = teams.connector.calls.find((c) => c.kind === 'reply')!.body.attachments[0].content;
      expect(card.msteams.entities).toBeUndefined();
      // Nor with quotes between `<` and `@`, which the tokenizer drops.
      await teams.say({ text: `assign ${ITEM} <"@teams:aad-boss|Boss">`, conversation: PERSONAL });
      const quoted = (await teams.store.read()).items[ITEM]?.owner;
      expect(quoted?.id.startsWith('role:'), JSON.stringify(quoted)).toBe(true);
      const second = teams.connector.calls.filter((c) => c.kind === 'reply')[1]!.body.attachments[0].content;
      expect(second.msteams.entities).toBeUndefined();
    });
  });
});

// ── Secrets ──────────────────────────────────────────────────────────────────────────────────────────────────

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-SECRET-bot-token-4f9a1c',
  SLACK_SIGNING_SECRET: 'SIGNING-SECRET-77d3e0b2a9',
  MicrosoftAppPassword: 'TEAMS-PASSWORD-c81f5e3377',
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment for the child: ours, without any Slack, Teams or Reform settings from the outer one. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(SLACK_|Microsoft|TEAMS_|REFORM_|PORT$|HOST$)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

describe('secrets never reach a log line of the real bot process', () => {
  it('the logger masks every secret the config names, wherever it appears in a line', () => {
    const config = readConfig({ ...SECRETS, SLACK_APP_TOKEN: 'xapp-SECRET-app-token-0a1b2c', MicrosoftAppId: 'app-id' });
    expect(config.secrets.sort()).toEqual([...Object.values(SECRETS), 'xapp-SECRET-app-token-0a1b2c'].sort());
    const lines: string[] = [];
    const logger = createLogger('debug', config.secrets, (line) => lines.push(line));
    for (const secret of config.secrets) {
      logger.error(`failed with ${secret}`, { error: `Bearer ${secret}`, nested: { headers: { authorization: secret } }, list: [secret] });
      logger.info('quoted', { url: `https://x.example/?token=${encodeURIComponent(secret)}` });
    }
    const all = lines.join('\n');
    expect(all).toContain('[secret]');
    for (const secret of config.secrets) expect(all).not.toContain(secret);
  });

  let child: ChildProcess | undefined;
  let api: FakeSlackApi | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
    child = undefined;
    await api?.close();
    api = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('with tokens and passwords set, through startup, commands, bad signatures, a failing send and a failing reminder', { timeout: 30_000 }, async () => {
    api = await startFakeSlackApi();
    const fake = api;
    dir = mkdtempSync(join(tmpdir(), 'reform-secrets-'));
    const db = join(dir, 'reform.json');
    // A Slack channel subscribed to reminders before the process starts, so its first tick posts (and fails).
    const store = await openStore(db);
    const seed = createBot({ programme: defaultProgramme(), store, clock: { now: () => at('2027-11-01T10:00:00Z') }, logger: silentLogger });
    expect((await seed.handle({ text: 'subscribe reminders', user: { id: 'slack:U1', name: 'bob' }, platform: 'slack', channel: 'C1' })).tone).toBe('change');
    // The first reminder post fails (HTTP 500) and is logged for retry; the rest go through.
    fake.script('chat.postMessage', { status: 500, body: { ok: false, error: 'internal_error' } });

    const port = await freePort();
    let output = '';
    child = spawn(process.execPath, ['bin/reform.mjs', 'start'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv({
        ...SECRETS,
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        REFORM_LOG_LEVEL: 'debug',
        REFORM_DB: db,
        // 28 days before multi-agency-cp (31 December 2027), after 09:00: the first tick owes a reminder.
        REFORM_NOW: '2027-12-03T09:30:00Z',
      }),
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const exitedEarly = new Promise<void>((_, reject) => child!.once('exit', (code) => reject(new Error(`the bot exited (${code}):\n${output}`))));
    exitedEarly.catch(() => undefined);
    const base = `http://127.0.0.1:${port}`;
    /** Waits for the process to log something, failing with everything it logged so far. */
    const logged = (pattern: RegExp, what: string, ms = 10_000) =>
      waitFor(() => (pattern.test(output) ? true : undefined), what, ms).catch((error: Error) => {
        throw new Error(`${error.message}; the bot logged:\n${output}`);
      });
    await Promise.race([logged(/"message":"ready"/, 'the bot to be ready', 20_000), exitedEarly]);

    // The startup check and the first tick's reminder posts carried the token to Slack.
    expect(fake.callsTo('auth.test')[0]?.authorization).toBe(`Bearer ${SECRETS.SLACK_BOT_TOKEN}`);
    await logged(/slack send failed/, 'a failed reminder post to be logged');
    expect(fake.callsTo('chat.postMessage')[0]?.authorization).toBe(`Bearer ${SECRETS.SLACK_BOT_TOKEN}`);

    const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(await health.json()).toEqual({ ok: true, slack: 'http', teams: 'on', store: 'file' });

    const post = (body: string, type: string, signature?: string) => {
      const timestamp = Math.floor(Date.now() / 1000);
      return fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: { 'Content-Type': type, 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': signature ?? slackSignature(SECRETS.SLACK_SIGNING_SECRET, timestamp, body) },
        body,
        signal: AbortSignal.timeout(5_000),
      });
    };
    const slash = (text: string, name: string) => new URLSearchParams({ token: 'legacy', team_id: 'T1', channel_id: 'C1', user_id: 'U1', user_name: 'bob', command: '/reform', text, response_url: fake.responseUrl(name), trigger_id: '1' }).toString();

    const ok = await post(slash('status kinship', 'ok'), FORM);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { text: string }).text).toContain('kinship-strategy');
    expect((await post(slash('status kinship', 'forged'), FORM, 'v0=' + '0'.repeat(64))).status).toBe(401);
    // A button reply whose send fails (the response_url answers 500), and a mention whose chat.postMessage is refused.
    fake.failNextResponse('broken', { status: 500 }, { status: 500 }, { status: 500 });
    const click = {
      type: 'block_actions', user: { id: 'U1', username: 'bob', team_id: 'T1' }, team: { id: 'T1', domain: 'council' }, channel: { id: 'C1', name: 'reform' },
      container: { type: 'message', message_ts: '1.2', channel_id: 'C1' }, message: { type: 'message', ts: '1.2', text: 'x', blocks: [] }, response_url: fake.responseUrl('broken'),
      actions: [{ type: 'button', action_id: 'reform_cmd_0', block_id: 'b', value: 'status kinship', action_ts: '1' }],
    };
    expect((await post(new URLSearchParams({ payload: JSON.stringify(click) }).toString(), FORM)).status).toBe(200);
    fake.script('chat.postMessage', { body: { ok: false, error: 'not_authed' } });
    const mention = { team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'Ev1', event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_mention', user: 'U1', text: '<@UBOT> next', ts: '1.5', channel: 'C1', event_ts: '1.5' } };
    expect((await post(JSON.stringify(mention), JSON_TYPE)).status).toBe(200);
    await waitFor(() => fake.callsTo('chat.postEphemeral')[0], 'the apology for the failed mention reply');
    // Teams with an app id: an activity without a token is refused before the bot sees it.
    const teams = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'status', serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: 'x' }, from: { id: 'u' }, recipient: { id: 'b' } }), signal: AbortSignal.timeout(5_000) });
    expect(teams.status).toBe(401);
    await logged(/slack handler failed[\s\S]*slack handler failed/, 'both failures to be logged');

    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);

    // The exercise happened and was logged at debug level: startup, the failing sends and the failing posts.
    expect(output).toMatch(/"message":"ready"/);
    expect(output).toMatch(/slack handler failed/);
    expect(output).toMatch(/slack send failed/);
    expect(output.split('\n').length).toBeGreaterThan(5);
    for (const line of output.split('\n')) {
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(line, `${name} in a log line`).not.toContain(secret);
        // Not even a recognisable piece of one.
        expect(line, `part of ${name} in a log line`).not.toContain(secret.slice(0, 14));
      }
    }
  });
});
