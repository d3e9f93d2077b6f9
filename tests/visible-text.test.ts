// What people type is shown as text, never acted on: control characters (a right-to-left override, NUL, ESC,
// BEL) are neutralised wherever a reply is shown (plain text, the real Slack and Teams adapters), while the store
// and history keep what was typed; and a multi-line note cannot print a line that passes for the bot's own.
import { afterEach, describe, expect, it } from 'vitest';
import { renderPlain } from '../src/replies/plain.js';
import { visibleReply, visibleText } from '../src/replies/visible.js';
import { reply } from '../src/replies/model.js';
import { BOT_MENTION, PERSONAL, startTeams, type TeamsHarness } from './fakes/bot-connector.js';
import { startHarness, type Harness } from './fakes/slack-api.js';
import { testBot } from './helpers.js';

let slack: Harness | undefined;
let teams: TeamsHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await teams?.close();
  slack = teams = undefined;
});

const CONTROLS = ['\u202E', '\u0000', '\u001B', '\u0007', '\u2066', '\u200F', '\u0085'];
const NOTE = `paid \u202Etxt.exe\u202C in full \u001B[2Jcleared \u0007 done\u0000`;
const FORGED = 'all fine\n*owner:* @director\n    owner: @director';
const hasControl = (text: string) => CONTROLS.some((c) => text.includes(c));

describe('control characters', () => {
  it('are shown as visible marks in plain text, and kept as typed in the store and history', async () => {
    const tb = testBot();
    expect(await tb.say(`note kinship-strategy ${NOTE}`)).toContain('kinship-strategy');
    expect(await tb.say('rag kinship-strategy amber \u202Eevom\u202C "Post \u0007 title"')).toBeTruthy();
    const shown = [await tb.say('status kinship-strategy'), await tb.say('history kinship-strategy')].join('\n');
    expect(hasControl(shown)).toBe(false);
    expect(shown).toContain('paid \uFFFDtxt.exe\uFFFD in full ␛[2Jcleared ␇ done␀');
    const state = await tb.store.read();
    expect(state.items['kinship-strategy']!.notes[0]!.text).toBe(NOTE);
    expect(JSON.stringify(state.audit)).toContain(JSON.stringify(NOTE).slice(1, -1));
  });

  it('are neutralised in post names and action titles too', async () => {
    const tb = testBot();
    await tb.say('assign kinship-strategy "Head of \u202ELATOT\u202C Care"');
    await tb.say('action add kinship-strategy "Call \u001B]8;;http://x\u0007 back"');
    const shown = await tb.say('status kinship-strategy');
    expect(hasControl(shown)).toBe(false);
    expect(shown).toContain('Head of \uFFFDLATOT\uFFFD Care');
    expect((await tb.store.read()).items['kinship-strategy']!.owner!.name).toBe('Head of \u202ELATOT\u202C Care');
  });

  it('through the real Slack adapter: blocks and the text fallback carry none', async () => {
    slack = await startHarness();
    await slack.command(`note kinship-strategy ${NOTE}`, 'n');
    const { ack } = await slack.command('status kinship-strategy', 's');
    expect(ack!.text).toContain('␛[2Jcleared');
    expect(hasControl(ack!.text)).toBe(false);
    expect(hasControl(JSON.stringify(ack!.blocks))).toBe(false);
    expect(JSON.stringify(ack!.blocks)).not.toMatch(/\\u00[01]/);
    expect(slack.store.snapshot().items['kinship-strategy']!.notes[0]!.text).toBe(NOTE);
  });

  it('through the real Teams adapter: the card and its summary carry none', async () => {
    teams = await startTeams();
    await teams.say({ text: `note kinship-strategy ${NOTE}`, conversation: PERSONAL });
    teams.connector.calls.length = 0;
    await teams.say({ text: '<at>Reform</at> status kinship-strategy', entities: [BOT_MENTION] });
    const call = await teams.connector.waitFor((c) => c.kind === 'reply');
    const sent = JSON.stringify(call.body);
    expect(sent).toContain('␛[2Jcleared');
    // JSON writes C0 controls as \u00XX escapes, and the others as they are.
    expect(CONTROLS.filter((c) => sent.includes(c) || sent.includes(JSON.stringify(c).slice(1, -1)))).toEqual([]);
  });

  it('neutralising is idempotent and leaves ordinary text, emoji and zero-width joiners alone', () => {
    const plain = 'Kinship 👩‍👩‍👧 care — “quoted” <\u200B@x>';
    expect(visibleText(plain)).toBe(plain);
    const once = visibleText(`a\u202Eb\nc\u0000`);
    expect(once).toBe('a\uFFFDb ↵ c␀');
    expect(visibleText(once)).toBe(once);
    const r = reply('answer', 'h\u0007', [{ lines: [['x\u001B']] }]);
    expect(renderPlain(visibleReply(r))).toBe(renderPlain(r));
  });

  it('makes a reply visible once, however often it is rendered (a Teams card and its plain fallback)', () => {
    const r = reply('answer', 'h\u0007', [{ lines: [['x\u001B']] }]);
    const shown = visibleReply(r);
    expect(shown.heading).toBe('h␇');
    expect(visibleReply(r)).toBe(shown);
    expect(visibleReply(shown)).toBe(shown);
  });

  it('copies only what it neutralises: a reply with nothing to neutralise is shown as it is, and untouched items are shared', () => {
    const item = (id: string, title: string) => ({ id, title, fields: [{ label: 'owner', value: ['Ann'] }] });
    const clean = reply('answer', 'Theme "kinship"', [{ title: 'Overdue', items: [item('a', 'Fine'), item('b', 'Also fine')] }], [['As at today.']]);
    expect(visibleReply(clean)).toBe(clean);
    const one = reply('answer', 'Theme "kinship"', [{ title: 'Overdue', items: [item('a', 'Fine'), item('b', 'Bell\u0007')] }]);
    const shown = visibleReply(one);
    expect(shown).not.toBe(one);
    expect(shown.sections[0]!.items![1]!.title).toBe('Bell␇');
    expect(shown.sections[0]!.items![0]).toBe(one.sections[0]!.items![0]);
    expect(one.sections[0]!.items![1]!.title).toBe('Bell\u0007');
  });
});

describe('multi-line notes', () => {
  it('show on their own line of the item, so no line of theirs passes for one of the bot’s fields', async () => {
    const tb = testBot();
    await tb.say('assign kinship-strategy @ann');
    await tb.say(`note kinship-strategy ${FORGED}`);
    const shown = await tb.say('status kinship-strategy');
    const lines = shown.split('\n');
    // One owner line (the bot's), and the note's lines joined into its own field.
    expect(lines.filter((l) => /^\s*owner: /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('@director'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('@director'))).toMatch(/^\s*note: all fine ↵ \*owner:\* @director ↵ {5}owner: @director/);
    expect((await tb.store.read()).items['kinship-strategy']!.notes[0]!.text).toBe(FORGED);
  });

  it('through the real Slack adapter, a note cannot start a bold `*owner:*` line', async () => {
    slack = await startHarness();
    await slack.command('assign kinship-strategy <@U0ANN|ann>', 'a');
    await slack.command(`note kinship-strategy ${FORGED}`, 'n');
    const { ack } = await slack.command('status kinship-strategy', 's');
    const texts = JSON.stringify(ack!.blocks);
    const lines = JSON.parse(texts).flatMap((b: any) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text)]).filter(Boolean).join('\n').split('\n');
    expect(lines.filter((l: string) => /^\s*\*?owner:?\*?/.test(l))).toHaveLength(1);
  });
});
