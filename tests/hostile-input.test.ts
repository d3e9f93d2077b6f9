// Hostile command texts through the real adapters: signed slash commands into the real Bolt app, activities
// into the real botbuilder CloudAdapter (dev no-auth). Each gets HTTP 200 and a helpful reply (help, usage or a
// problem that says what to do), and no reply, in any part, carries a stack trace or an internal error name.
// The assertions are on what the fake Slack response_url and the fake Bot Connector received.
import { afterEach, describe, expect, it } from 'vitest';
import { FORM, startHarness, type Harness } from './fakes/slack-api.js';
import { BOT_MENTION, PERSONAL, startTeams, type ConnectorCall, type TeamsHarness } from './fakes/bot-connector.js';

const INTERNAL_NAMES = /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|ZodError|InvalidArgumentError|AggregateError)\b/;
const STACK = /(?:^|\\n|\n)\s*at \S.*:\d+:\d+|\.ts:\d+|node:internal/;
const APOLOGY = /Sorry, something went wrong/;

// What a helpful answer to nonsense says: the command list, the usage, or a problem that names the next step.
const HELP = /I don't know .*Commands/s;
const USAGE = /Usage: /;
const TOO_LONG = /That message is too long for a command.*at most 2,000/s;
const NOT_FOUND = /No milestone or action|Nothing in this programme is about|No match/;

interface Hostile {
  name: string;
  /** What the user typed, as the core should see it. */
  text: string;
  /** What the reply's plain text must show. */
  expect: RegExp;
  /** The text as Slack sends it, when it differs from `text` entity-encoded (a real `<!channel>` special). */
  slack?: string;
}

const HOSTILE: Hostile[] = [
  { name: 'empty', text: '', expect: /Commands/ },
  { name: 'only spaces and newlines', text: '  \n\t  \n', expect: /Commands/ },
  { name: '10,000 characters', text: 'x'.repeat(10_000), expect: TOO_LONG },
  { name: 'status with 10,000 characters', text: `status ${'kinship '.repeat(1_250)}`, expect: TOO_LONG },
  { name: 'status with 1,900 characters', text: `status ${'kinship '.repeat(270)}`, expect: /kinship|No match|Nothing/ },
  // Shapes that made a pattern backtrack quadratically: a long run of spaces before a last word, and before "because".
  { name: 'a long run of spaces, then share', text: `status${' '.repeat(1_950)}x share`, expect: NOT_FOUND },
  { name: 'a long run of spaces, then not share', text: `status${' '.repeat(40_000)}x`, expect: TOO_LONG },
  { name: 'a revise with lines and no reason', text: `revise multi-agency-cp ${'a\n'.repeat(950)}b`, expect: USAGE },
  { name: 'control characters', text: 'status \u0000\u0001\u0007\u001b[31m\u007f', expect: NOT_FOUND },
  { name: 'control characters inside a verb', text: 'as\u0000sign kinship-strategy @x', expect: HELP },
  { name: 'an unbalanced straight quote', text: 'note "kinship-strategy', expect: USAGE },
  { name: 'an unbalanced curly quote', text: 'assign “kinship-strategy', expect: USAGE },
  { name: 'only quotes', text: '"""“”\'\'', expect: HELP },
  { name: '__proto__ as the verb', text: '__proto__', expect: HELP },
  { name: '__proto__ as an id', text: 'done __proto__', expect: /No milestone or action "__proto__"/ },
  { name: 'constructor as an id', text: 'rag constructor red', expect: /No milestone or action "constructor"/ },
  { name: 'a prototype word as a date', text: 'revise multi-agency-cp constructor 2024 because x', expect: /is not a date phrase/ },
  { name: 'an @channel as the owner of a mistyped id', text: 'assign kinship-stratgy @channel', slack: 'assign kinship-stratgy <!channel>', expect: /Did you mean kinship-strategy\?/ },
  { name: 'emoji only', text: '🙂👩‍👩‍👧‍👦🏴󠁧󠁢󠁳󠁣󠁴󠁿', expect: HELP },
  { name: 'emoji as an id', text: 'history 🙂', expect: NOT_FOUND },
  { name: 'SQL-ish', text: "status '; DROP TABLE items; --", expect: NOT_FOUND },
  { name: 'SQL-ish id', text: "done kinship-strategy' OR '1'='1", expect: NOT_FOUND },
  { name: '/reform /reform', text: '/reform /reform', expect: /I don't know "\/reform"/ },
  { name: 'lone surrogates', text: 'status \ud800\udfff\ud83d', expect: NOT_FOUND },
  { name: 'a lone surrogate as the verb', text: '\udc00', expect: HELP },
  { name: 'a colour that is not a RAG', text: 'rag kinship-strategy <script>', expect: /use red, amber or green/ },
  { name: 'a huge count', text: 'next 99999999999999999999', expect: /is not a number/ },
  { name: 'revise without a reason', text: 'revise multi-agency-cp because', expect: USAGE },
  { name: 'template and format strings', text: 'status ${process.env.SLACK_BOT_TOKEN} %s %n {{7*7}}', expect: NOT_FOUND },
];

/** Slack entity-encodes what users type: `<` `>` `&` arrive as `&lt;` `&gt;` `&amp;`. */
const slackEncode = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function expectClean(shown: string, what: string): void {
  expect(shown, `${what}: internal error name`).not.toMatch(INTERNAL_NAMES);
  expect(shown, `${what}: stack trace`).not.toMatch(STACK);
  expect(shown, `${what}: apology for an unexpected failure`).not.toMatch(APOLOGY);
  // Nothing the user typed may become a channel-wide ping.
  for (const ping of ['<!channel>', '<!here>', '<!everyone>']) expect(shown, `${what}: ${ping}`).not.toContain(ping);
}

describe('hostile command texts through the real Slack adapter (signed slash commands)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('every one gets HTTP 200 and a helpful, clean reply in the ack', async () => {
    h = await startHarness();
    const harness = h;
    const acks: Record<string, any>[] = [];
    for (const [i, c] of HOSTILE.entries()) {
      const res = await harness.post(harness.slash(c.slack ?? slackEncode(c.text), `hostile-${i}`), FORM);
      expect(res.status, c.name).toBe(200);
      const raw = await res.text();
      expect(raw, `the answer to ${c.name}`).not.toBe('');
      acks.push(JSON.parse(raw));
    }
    // Let any later parts of a split reply arrive before reading them all.
    await new Promise((r) => setTimeout(r, 100));
    for (const [i, c] of HOSTILE.entries()) {
      const parts = [acks[i]!, ...harness.api.responses.filter((r) => r.path === `/respond/hostile-${i}`).map((r) => r.body)];
      const first = parts[0]!;
      expect(first.text.length, c.name).toBeGreaterThan(0);
      // The fallback text is the blocks' mrkdwn; read it back as the user sees it (entities decoded, no code marks).
      const seen = first.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/`/g, '');
      expect(seen, c.name).toMatch(c.expect);
      for (const part of parts) expectClean(JSON.stringify(part), c.name);
    }
    // Nonsense changes nothing: no owner, no note, no action was created by any of it.
    const state = await harness.store.read();
    expect(state.items).toEqual({});
    expect(state.actions).toEqual({});
    expect(harness.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('a real @channel typed as an owner is stored and shown as text, never as a ping', async () => {
    h = await startHarness();
    const harness = h;
    const body = (await harness.command('assign kinship-strategy <!channel>', 'channel-owner')).ack!;
    expect(body.text).toContain('kinship-strategy is now owned by @channel');
    expectClean(JSON.stringify(body), 'assign <!channel>');
    expect(harness.store.snapshot().items['kinship-strategy']?.owner).toEqual({ id: 'role:@channel', name: '@channel' });
  });
});

describe('hostile command texts through the real Teams adapter (dev no-auth)', () => {
  let h: TeamsHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
  /** Warnings and errors other than the startup notice that dev no-auth is on. */
  const unexpectedLogs = (harness: TeamsHarness) => harness.logs.filter((l) => !l.startsWith('TEAMS AUTHENTICATION IS OFF'));

  async function replyTo(harness: TeamsHarness, message: Parameters<TeamsHarness['say']>[0]): Promise<{ status: number; calls: ConnectorCall[] }> {
    const before = harness.connector.calls.length;
    const status = await harness.say(message);
    // The POST resolves once the turn, and so its reply, is done.
    return { status, calls: harness.connector.calls.slice(before) };
  }

  it('every one, in a personal chat and as a channel mention, gets HTTP 200 and a helpful, clean card', async () => {
    h = await startTeams();
    for (const c of HOSTILE) {
      for (const message of [{ text: c.text, conversation: PERSONAL }, { text: `<at>Reform</at> ${c.text}`, entities: [BOT_MENTION] }]) {
        const { status, calls } = await replyTo(h, message);
        expect(status, c.name).toBe(200);
        expect(calls.map((call) => call.kind), c.name).toEqual(['reply']);
        const activity = calls[0]!.body;
        const card = activity.attachments?.find((a: { contentType: string }) => a.contentType === ADAPTIVE)?.content;
        expect(card?.type, c.name).toBe('AdaptiveCard');
        expect(activity.summary.length, c.name).toBeGreaterThan(0);
        expect(card.fallbackText, c.name).toMatch(c.expect);
        expectClean(JSON.stringify(activity), c.name);
        // Only owners the core names become mentions; none of these replies names a Teams owner.
        expect(card.msteams.entities, c.name).toBeUndefined();
      }
    }
    const state = await h.store.read();
    expect(state.items).toEqual({});
    expect(state.actions).toEqual({});
    expect(unexpectedLogs(h)).toEqual([]);
  });

  it('hostile activities (odd values, huge text, no text) are answered or ignored, never a 500', async () => {
    h = await startTeams();
    const cases: Parameters<TeamsHarness['say']>[0][] = [
      { text: 'x'.repeat(500_000), conversation: PERSONAL },
      { value: { reformCommand: '__proto__' }, conversation: PERSONAL },
      { value: { reformCommand: { toString: 'status' } }, conversation: PERSONAL },
      { value: '__proto__', text: 'status __proto__', conversation: PERSONAL },
      { text: '<at>Reform</at> <at>Reform</at> <at>Reform</at>', entities: [BOT_MENTION, BOT_MENTION] },
      { text: '<at>Nobody</at> status', entities: [BOT_MENTION, { type: 'mention', text: '<at>Nobody</at>', mentioned: { id: '__proto__', name: '__proto__' } }] },
    ];
    for (const message of cases) {
      const { status, calls } = await replyTo(h, message);
      expect(status, JSON.stringify(message).slice(0, 80)).toBe(200);
      for (const call of calls) expectClean(JSON.stringify(call.body ?? null), JSON.stringify(message).slice(0, 80));
    }
    // Every one of these is a message the bot should answer: personal chats and mentions of the bot.
    expect(h.connector.calls.filter((c) => c.kind === 'reply')).toHaveLength(cases.length);
    expect(unexpectedLogs(h)).toEqual([]);
    expect((await h.store.read()).items).toEqual({});
  });

  it('an over-long note is refused whole, not cut to fit and stored in part', async () => {
    h = await startTeams();
    const { calls } = await replyTo(h, { text: `note multi-agency-cp ${'word '.repeat(500)}`, conversation: PERSONAL });
    expect(JSON.stringify(calls.map((c) => c.body))).toContain('That message is too long for a command');
    expect((await h.store.read()).items).toEqual({});
  });
});
