// Block Kit rendering and Slack text mapping: escaping, mentions both ways, and Slack's limits for any reply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { responseType, stripBotMention, visibility } from '../adapters/slack/handlers.js';
import { escapeMrkdwn, ownerMrkdwn, slackToCore } from '../adapters/slack/mentions.js';
import { codeMrkdwn, itemLines, itemText, pack, packEach, plainMrkdwn } from '../adapters/slack/mrkdwn.js';
import { LIMITS, renderBlocks, renderSlack, splitSlack, type SlackMessage } from '../adapters/slack/render.js';
import { quietOwners, reply, type Reply, type ReplyItem } from '../src/replies/model.js';
import { readableMentions } from '../src/tracking/owners.js';
import { UNSAFE_CHARS, visibleReply } from '../src/replies/visible.js';
import { testBot } from './helpers.js';
import { blocksRefusal } from './fakes/slack-limits.js';

/** Every mrkdwn string in a message: the fallback, section and context texts. */
function mrkdwnTexts(m: SlackMessage): string[] {
  return [m.text, ...m.blocks.flatMap((b: any) => (b.type === 'header' ? [] : [b.text?.text, ...(b.elements ?? []).map((e: any) => (e.type === 'mrkdwn' ? e.text : undefined))]))].filter((t): t is string => typeof t === 'string');
}

/** Slack would act on any `<…>` that is not one of our own owner mentions, and shows a bare `&` wrongly. */
function assertSafe(m: SlackMessage): void {
  for (const text of mrkdwnTexts(m)) {
    expect(text.replace(/<@[UW][A-Z0-9]+>/g, '')).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

function assertWithinLimits(m: SlackMessage): void {
  // A lone half of a surrogate pair is invalid UTF-8 once sent.
  expect(JSON.stringify(m)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  expect(m.text.length).toBeGreaterThan(0);
  for (const b of m.blocks as any[]) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'section') expect(b.text.text.trim().length).toBeGreaterThan(0);
    if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'context') for (const e of b.elements) expect(e.text.trim().length).toBeGreaterThan(0);
    if (b.type === 'context') for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'actions') expect(b.elements.length).toBeLessThanOrEqual(25);
  }
  // What the fake Slack refuses, the cumulative text of all blocks (msg_blocks_too_long) included.
  expect(blocksRefusal(m.blocks)).toBeUndefined();
}

const item = (id: string, note: string, children: ReplyItem[] = []): ReplyItem => ({
  id, title: `Title of ${id}`, status: 'overdue', rag: 'red', fields: [{ label: 'note', value: [note] }], children,
});

describe('mentions', () => {
  it('maps Slack user mentions to core tokens and the rest to what the user saw', () => {
    expect(slackToCore('assign x <@U123|alice>')).toBe('assign x <@slack:U123|alice>');
    expect(slackToCore('assign x <@W0ABC>')).toBe('assign x <@slack:W0ABC>');
    expect(slackToCore('note x see <#C1|general> <!here> <http://a.example|a.example> &amp; &lt;b&gt;')).toBe('note x see #general @here a.example & <b>');
  });

  it('never turns text the user typed into an owner token', () => {
    expect(slackToCore('assign x &lt;@teams:boss|boss&gt;')).not.toContain('<@teams:');
  });

  it('renders Slack owners as real mentions and every other owner as escaped text', () => {
    expect(ownerMrkdwn({ id: 'slack:U123', name: 'alice' })).toBe('<@U123>');
    expect(ownerMrkdwn({ id: 'console:bob', name: 'bob' })).toBe('@bob');
    expect(ownerMrkdwn({ id: 'role:x', name: 'Head <!channel> & co' })).toBe('Head &lt;!channel&gt; &amp; co');
  });

  it('names a quiet owner (who changed what, an answer shown to a channel) without mentioning them', () => {
    const r = reply('answer', 'h', [{ lines: [['by ', { owner: { id: 'slack:U0CHRIS', name: 'chris <x>' }, quiet: true }]] }]);
    expect(JSON.stringify(renderSlack(r))).toContain('by @chris &lt;x&gt;');
    expect(JSON.stringify(renderSlack(r))).not.toContain('<@U0CHRIS>');
    const loud = reply('answer', 'h', [{ items: [{ id: 'a', title: 'A', fields: [{ label: 'owner', value: [{ owner: { id: 'slack:U0ANN', name: 'ann' } }] }] }] }], [['and ', { owner: { id: 'slack:U0BEN', name: 'ben' } }]]);
    expect(JSON.stringify(renderSlack(loud))).toContain('<@U0ANN>');
    const quiet = JSON.stringify(renderSlack(quietOwners(loud)));
    expect(quiet).toContain('*owner:* @ann');
    expect(quiet).toContain('and @ben');
    expect(quiet).not.toMatch(/<@U0/);
  });

  it('names who moved a deadline, in every reply that shows the slip, without pinging them', async () => {
    const { bot } = testBot();
    const as = (text: string) => bot.handle({ text, user: { id: 'slack:U0REV', name: 'Rev Smith' }, platform: 'slack', channel: 'C1' });
    await as('revise multi-agency-cp 2028 because the pilot moved');
    const shown = JSON.stringify(renderSlack(await as('status multi-agency-cp')));
    expect(shown).toContain('the pilot moved (by @Rev Smith)');
    expect(shown).not.toContain('<@U0REV>');
  });

  it('keeps a mentioned person in free text by name, or by id when the name is not known', () => {
    expect(readableMentions('ask <@slack:U0DAVE|dave> and <@slack:U0EVE>, then <@teams:aad-1|Bob Jones>')).toBe('ask @dave and @U0EVE, then @Bob Jones');
  });

  it('escapes &, <, > and breaks markdown links', () => {
    expect(escapeMrkdwn('<!channel> & [x](http://evil)')).toBe('&lt;!channel&gt; &amp; [x]\u200B(http://evil)');
  });
});

describe('slash command visibility', () => {
  it('strips a trailing "share" from queries only, and shares successful changes', () => {
    expect(visibility('status kinship share')).toEqual({ text: 'status kinship', share: true });
    expect(visibility('status kinship')).toEqual({ text: 'status kinship', share: false });
    expect(visibility('note x we will share')).toEqual({ text: 'note x we will share', share: false });
    expect(responseType(reply('answer', 'a'), { share: false })).toBe('ephemeral');
    expect(responseType(reply('answer', 'a'), { share: true })).toBe('in_channel');
    expect(responseType(reply('change', 'c'), { share: false })).toBe('in_channel');
    expect(responseType(reply('problem', 'p'), { share: true })).toBe('ephemeral');
    expect(responseType(reply('help', 'h'), { share: true })).toBe('ephemeral');
  });

  it('strips the bot mention in front of an @Reform message', () => {
    expect(stripBotMention('<@UBOT> status kinship', 'UBOT')).toBe('status kinship');
    expect(stripBotMention('<@UBOT|reform>: next 3', 'UBOT')).toBe('next 3');
    expect(stripBotMention('hey <@UBOT>, next 3', 'UBOT')).toBe('next 3');
    expect(stripBotMention('done kinship-strategy <@UBOT>', 'UBOT')).toBe('done kinship-strategy');
  });
});

describe('Block Kit rendering', () => {
  it('shows every command to type as the slash command, /reform …, and ids and other code as they are', async () => {
    const { bot } = testBot();
    const said = (text: string) => bot.handle({ text, user: { id: 'slack:U1', name: 'alice' }, platform: 'slack', channel: 'C1' });
    const status = JSON.stringify(renderSlack(await said('status multi-agency-cp')));
    expect(status).toContain('nobody yet (`/reform assign multi-agency-cp @name`)');
    expect(status).toContain('`multi-agency-cp`');
    expect(status).not.toContain('`/reform multi-agency-cp`');
    const help = JSON.stringify(renderSlack(await said('help')));
    expect(help).toContain('`/reform status [milestone id | theme | words]`');
    expect(help).not.toContain('/reform /reform');
    const none = JSON.stringify(renderSlack(await said('status zebra')));
    expect(none).toContain('Try `/reform status` for the whole programme, or `/reform next` for the next deadlines.');
    // The text fallback (all a screen reader reads) says the same, the slash command included.
    expect(renderSlack(await said('status multi-agency-cp'))[0]!.text).toContain('nobody yet (`/reform assign multi-agency-cp @name`)');
  });

  it('shows status emoji, RAG, ids in code, and buttons carrying their command', () => {
    const r: Reply = { ...reply('answer', 'Due soon', [{ items: [item('a-1', 'fine')] }]), buttons: [{ label: 'Mark done', command: 'done a-1' }] };
    const [m] = renderSlack(r);
    const json = JSON.stringify(m!.blocks);
    expect(json).toContain(':red_circle: `a-1` *Title of a-1* · _overdue_ :large_red_square:');
    expect(m!.blocks.at(-1)).toEqual({ type: 'actions', elements: [{ type: 'button', action_id: 'reform_cmd_0', text: { type: 'plain_text', text: 'Mark done', emoji: true }, value: 'done a-1' }] });
    expect(m!.text).toContain('[Mark done]');
  });

  it('makes the text fallback from the blocks, in order, escaped as they are: the header, every section, footnotes and buttons', () => {
    const r: Reply = {
      ...reply('answer', 'Due soon <!channel> & co', [{ title: 'Late', items: [item('a-1', 'fine')] }], [['As at today']]),
      buttons: [{ label: 'Snooze <a> week', command: 'snooze a-1' }],
    };
    const [m] = renderSlack(r);
    const lines = m!.text.split('\n');
    expect(lines[0]).toBe('Due soon &lt;!channel&gt; &amp; co');
    const sections = m!.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    expect(sections.length).toBeGreaterThan(1);
    expect(m!.text).toBe(['Due soon &lt;!channel&gt; &amp; co', ...sections, 'As at today', '[Snooze &lt;a&gt; week]'].join('\n'));
    // Each part of a split reply has its own part's text.
    const many = renderSlack(reply('answer', 'Everything', [{ items: Array.from({ length: 120 }, (_, i) => item(`m-${i}`, 'fine')) }]));
    expect(many.length).toBeGreaterThan(1);
    for (const part of many) {
      const own = part.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
      expect(part.text.startsWith(`Everything (`)).toBe(true);
      expect(part.text).toContain(own[0]!.slice(0, 40));
    }
  });

  it('splits hundreds of items into at most four messages and says what was left out', () => {
    const items = Array.from({ length: 400 }, (_, i) => item(`m-${i}`, 'note'));
    const messages = renderSlack({ ...reply('answer', 'Everything', [{ title: 'All', items }], [['footnote']]), buttons: [{ label: 'b', command: 'next' }] });
    expect(messages).toHaveLength(LIMITS.parts);
    messages.forEach(assertWithinLimits);
    expect(messages[0]!.blocks[0]).toMatchObject({ text: { text: `Everything (1 of ${LIMITS.parts})` } });
    const last = JSON.stringify(messages.at(-1)!.blocks);
    expect(last).toMatch(/…and \d+ more not shown here/);
    expect(last).toContain('reform_cmd_0');
    expect(JSON.stringify(messages[0]!.blocks)).not.toContain('reform_cmd_0');
  });

  it('cuts long text at safe points, never inside an escape or a mention', () => {
    const note = '&<>'.repeat(2500) + ' <@U1> '.repeat(10);
    const messages = renderSlack(reply('answer', 'x'.repeat(400), [{ items: [item('long', note, [item('long/1', note)])] }]));
    messages.forEach(assertWithinLimits);
    messages.forEach(assertSafe);
  });

  it('escapes in one pass exactly what escaping each marker in turn gives', () => {
    const inTurn = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\]\(/g, ']\u200B(');
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '&', '<', '>', ']', '(', '[', ')', 'amp;', '😀'), maxLength: 40 });
    fc.assert(fc.property(text, (t) => {
      expect(escapeMrkdwn(t)).toBe(inTurn(t));
    }), { numRuns: 2000 });
  });

  it('packs lines that fit one section, at once, into what packing them line by line gives', () => {
    const line = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '*', '&amp;', '😀'), maxLength: 60 });
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), fc.integer({ min: 1, max: 400 }), (lines, limit) => {
      expect(pack(lines, limit)).toEqual(packEach(lines, limit));
    }), { numRuns: 3000 });
    // Empty lines before the first text are dropped either way; the fast path is taken here (all fit).
    expect(pack(['', '', 'a', '', 'b'], 3000)).toEqual(['a\n\nb']);
    expect(pack([' ', ''], 3000)).toEqual([]);
  });

  it('makes an item’s text at once exactly as its lines joined', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '&', '*', '_', '`', '\n', '😀'), maxLength: 30 });
    const inline = fc.oneof(text, text.map((code) => ({ code })), text.map((strong) => ({ strong })), text.map((name) => ({ owner: { id: 'role:x', name } })));
    const anItem = fc.record({
      id: text,
      title: text,
      status: fc.option(fc.constantFrom('overdue' as const, 'done' as const), { nil: undefined }),
      rag: fc.option(fc.constantFrom('red' as const, 'green' as const), { nil: undefined }),
      fields: fc.array(fc.record({ label: text, value: fc.array(inline, { maxLength: 3 }) }), { maxLength: 4 }),
    });
    fc.assert(fc.property(anItem, fc.integer({ min: 0, max: 3 }), (i, depth) => {
      expect(itemText(i, depth)).toBe(itemLines(i, depth).join('\n'));
    }), { numRuns: 2000 });
  });

  it('shows text the bot did not write the same whether or not it has anything to escape or mark', () => {
    // The two steps plainMrkdwn takes when its one quick test finds work.
    const lookAlike: Record<string, string> = { '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB' };
    const twoSteps = (t: string) => escapeMrkdwn(t).replace(/`|[*_~](?![\p{L}\p{N}])|(?<![\p{L}\p{N}])[*_~]/gu, (m) => lookAlike[m]!);
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '&', '<', '>', ']', '(', '*', '_', '~', '`', 'é', '😀'), maxLength: 30 });
    fc.assert(fc.property(text, (t) => {
      expect(plainMrkdwn(t)).toBe(twoSteps(t));
    }), { numRuns: 3000 });
    expect(codeMrkdwn('a`b <c>')).toBe("`a'b &lt;c&gt;`");
    expect(codeMrkdwn('plain')).toBe('`plain`');
  });

  it('shows any reply as its visible form is shown: each string neutralised where it becomes mrkdwn or plain text', () => {
    // Control characters (C0, DEL, C1, bidi, line separators) among mrkdwn's own markers, at either end of a string too.
    const unit = fc.constantFrom('a', ' ', '&', '<', ']', '*', '_', '`', '\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '\u0085', '\u061c', '\u202e', '\u2066', '\u2028', '\u200b', 'é', '😀');
    const short = fc.string({ unit, maxLength: 10 });
    // Now and then long enough that the reply is split into parts.
    const text = fc.oneof({ weight: 9, arbitrary: short }, { weight: 1, arbitrary: short.map((t) => `${t} word`.repeat(200)) });
    const owner = fc.record({ id: fc.constantFrom('role:head', 'slack:U0ABC1', 'teams:29:x', 'console:ann'), name: short });
    const inline = fc.oneof(
      text,
      fc.record({ code: short, command: fc.constant(true as const) }, { requiredKeys: ['code'] }),
      short.map((strong) => ({ strong })),
      fc.record({ owner, quiet: fc.constant(true as const) }, { requiredKeys: ['owner'] }),
    );
    const itemModel = { id: short, title: text, fields: fc.array(fc.record({ label: short, value: fc.array(inline, { maxLength: 3 }) }), { maxLength: 3 }) };
    const aReply = fc.record({
      tone: fc.constantFrom('answer' as const, 'change' as const),
      heading: short,
      sections: fc.array(fc.record({ title: fc.option(short, { nil: undefined }), lines: fc.array(fc.array(inline, { maxLength: 3 }), { maxLength: 3 }), items: fc.array(fc.record({ ...itemModel, children: fc.array(fc.record(itemModel), { maxLength: 2 }) }), { maxLength: 6 }) }), { maxLength: 3 }),
      footnotes: fc.array(fc.array(inline, { maxLength: 2 }), { maxLength: 2 }),
      buttons: fc.array(fc.record({ label: short, command: short }), { maxLength: 3 }),
    });
    let neutralised = 0;
    let split = 0;
    fc.assert(
      fc.property(aReply, (r) => {
        const shown = visibleReply(r);
        if (shown !== r) neutralised++;
        expect(renderBlocks(r)).toEqual(renderBlocks(shown));
        const messages = renderSlack(r);
        if (messages.length > 1) split++;
        expect(messages).toEqual(renderSlack(shown));
      }),
      // Shrinking replies this big takes minutes: a failure is reported as drawn.
      { numRuns: 1500, endOnFailure: true },
    );
    // Most replies drawn had something to neutralise, and some were split, so both paths were held to the visible form.
    expect(neutralised).toBeGreaterThan(1000);
    expect(split).toBeGreaterThan(50);
    // And the rendering does neutralise: a heading, an item and an owner with control characters in them.
    const [message] = renderSlack(reply('answer', 'Bad\u202eheading', [{ title: '\u0007title', items: [{ id: 'x\u0000', title: 'one\ntwo', fields: [{ label: 'owner', value: [{ owner: { id: 'role:h', name: 'Head\u001b' } }] }] }] }]));
    expect(JSON.stringify(message)).not.toMatch(new RegExp(`[${UNSAFE_CHARS}]`));
    expect(message!.blocks.map((b: any) => b.text?.text)).toEqual(['Bad\uFFFDheading', '*\u2407title*', '`x\u2400` *one ↵ two*\n\u2003*owner:* Head\u241b']);
  });

  it('any reply, whatever its text, renders to valid, safe messages', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '&', '<', '>', '!', '@', '`', '*', '[', ']', '(', ')', '\n', '😀', 'channel'), maxLength: 4000 });
    const inline = fc.oneof(text, text.map((code) => ({ code })), text.map((strong) => ({ strong })), text.map((name) => ({ owner: { id: 'role:x', name } })));
    const itemModel = { id: text, title: text, fields: fc.array(fc.record({ label: text, value: fc.array(inline, { maxLength: 3 }) }), { maxLength: 3 }) };
    const anItem = fc.record(itemModel);
    const aReply = fc.record({
      tone: fc.constant('answer' as const),
      heading: text,
      sections: fc.array(fc.record({ title: fc.option(text, { nil: undefined }), lines: fc.array(fc.array(inline, { maxLength: 3 }), { maxLength: 5 }), items: fc.array(fc.record({ ...itemModel, children: fc.array(anItem, { maxLength: 3 }) }), { maxLength: 12 }) }), { maxLength: 4 }),
      footnotes: fc.array(fc.array(inline, { maxLength: 2 }), { maxLength: 2 }),
      buttons: fc.array(fc.record({ label: text, command: text }), { maxLength: 30 }),
    });
    fc.assert(
      fc.property(aReply, (r) => {
        const messages = renderSlack(r);
        expect(messages.length).toBeGreaterThan(0);
        expect(messages.length).toBeLessThanOrEqual(LIMITS.parts);
        messages.forEach(assertWithinLimits);
        messages.forEach(assertSafe);
        // A reply that fits is rendered once, without the splitter; it must be what the splitter makes of it.
        expect(messages).toEqual(splitSlack(r));
      }),
      { numRuns: 300 },
    );
  });
});
