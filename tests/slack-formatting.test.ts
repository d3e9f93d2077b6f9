// Formatting that survives user text, through the real Bolt app against the strict fake Slack: user text cannot
// end the bot's bold, long text is cut between words, a typed link keeps its address, a reminder replaced after
// "Mark done" drops its hint, and digest change lines keep their "(" and name statuses in words.
import { afterEach, describe, expect, it } from 'vitest';
import { renderSlack } from '../adapters/slack/render.js';
import { reminderMessage } from '../src/schedule/messages.js';
import { allMilestoneItems } from '../src/tracking/items.js';
import { NOW, startHarness, waitFor, type Harness } from './fakes/slack-api.js';
import { at, programmeFrom } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every text of every block, in order. */
const textsOf = (m: { blocks?: any[] }): string[] => (m.blocks ?? []).flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text)]).filter((t): t is string => typeof t === 'string');
const as = (h: Harness, text: string) => h.bot.handle({ text, user: { id: 'console:setup', name: 'setup' }, platform: 'console', channel: 'setup' });
const responseTo = (h: Harness, name: string) => waitFor(() => h.api.responses.find((r) => r.path === `/respond/${name}`)?.body, `a respond() to ${name}`);

/** m1 falls due a fortnight after NOW (24 November 2026): due soon. */
const PROGRAMME = programmeFrom('programme: P\nmilestones:\n  - id: m1\n    title: First thing\n    due: 8 December 2026\n    themes: [t]\n  - id: m2\n    title: Second thing\n    due: 2027\n    themes: [t]\n');

describe('Slack formatting that survives user text', () => {
  it('a title with *stars* inside the bold of its line cannot end the bold early', async () => {
    h = await startHarness({ programme: PROGRAMME });
    await as(h, 'action add m1 "Check *stuff* and _this_" due 2027');
    const { ack } = await h.command('status m1', 's');
    const shown = textsOf(ack!).join('\n');
    expect(shown).toContain('*Check \u2217stuff\u2217 and \u02CDthis\u02CD*');
    expect(shown).not.toContain('*stuff*');
  });

  it('a long note is cut between words, never inside one or inside a marker', async () => {
    h = await startHarness({ programme: PROGRAMME });
    // 1,870 characters typed; escaped for mrkdwn (&amp;) it is more than one 3,000-character section.
    const note = '_again_ && '.repeat(170).trim();
    expect((await as(h, `note m1 ${note}`)).tone).toBe('change');
    const { ack } = await h.command('status m1', 's');
    const sections = ack!.blocks.filter((b: any) => b.type === 'section').map((b: any) => b.text.text as string);
    const noteSections = sections.filter((t: string) => t.includes('again'));
    expect(noteSections.length).toBeGreaterThanOrEqual(2);
    for (const text of noteSections) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text).not.toMatch(/_$|^again_/);
      // Every word of the note is whole in whichever section it is.
      for (const word of text.split(/\s+/).filter((w: string) => /again|amp/.test(w))) expect(['\u02CDagain\u02CD', '&amp;&amp;']).toContain(word);
    }
  });

  it('a link typed in a note keeps its address visible as text', async () => {
    h = await startHarness({ programme: PROGRAMME });
    // Slack sends a link with a label as <url|label>.
    const { ack } = await h.command('note m1 the plan is at <https://example.org/x|click me> now', 'n');
    expect(h.store.snapshot().items['m1']?.notes[0]?.text).toBe('the plan is at click me (https://example.org/x) now');
    const shown = textsOf((await h.command('status m1', 's')).ack!).join('\n');
    expect(shown).toContain('click me (https://example.org/x)');
    expect(shown).not.toContain('|click me');
    expect(textsOf(ack!).join('\n')).toContain('click me (https://example.org/x)');
  });

  it('a reminder replaced after "Mark done" drops its "Next: /reform done …" hint and its buttons', async () => {
    h = await startHarness({ programme: PROGRAMME });
    const item = allMilestoneItems(PROGRAMME, await h.store.read(), at(NOW)).find((i) => i.id === 'm1')!;
    const [reminder] = renderSlack(reminderMessage(PROGRAMME, item, { kind: 'before', at: at(NOW) } as never, at(NOW)));
    expect(textsOf(reminder!).join('\n')).toContain('Next: `/reform done m1`');
    const button = (reminder!.blocks.find((b) => b.type === 'actions') as any).elements[0];
    expect(button.text.text).toBe('Mark done');
    expect(await h.click(reminder!, button, 'click')).toBe(200);
    const update = await responseTo(h, 'click');
    const shown = textsOf(update).join('\n');
    expect(shown).toContain('<@U1>: m1 is done');
    expect(shown).not.toContain('Next:');
    expect(update.blocks.some((b: any) => b.type === 'actions')).toBe(false);
  });

  it('digest change lines keep the "(" after a long note that was cut, and name statuses in words', async () => {
    h = await startHarness({ programme: PROGRAMME });
    const long = 'The board asked for a fuller account of the partners and the timetable. '.repeat(12).trim();
    await as(h, `note m1 ${long}`);
    await as(h, 'done m1');
    const { ack } = await h.command('digest', 'd');
    const body = ack ?? (await responseTo(h, 'd'));
    const lines = textsOf(body).join('\n').split('\n');
    const noteLine = lines.find((l) => l.includes('note: The board'))!;
    expect(noteLine).toMatch(/… \(@setup, .*\)$/);
    const doneLine = lines.find((l) => l.includes('`m1` done'))!;
    expect(doneLine).toContain('done: due soon → done');
    expect(textsOf(body).join('\n')).not.toContain('due-soon');
  });
});
