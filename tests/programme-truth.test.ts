// The default programme says what the seeds and the public record say: no borrowed or invented deadlines,
// undated and superseded commitments as states of their own, and no nudges about either.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../adapters/store/memory.js';
import { tick } from '../src/schedule/tick.js';
import { silentLogger, type Chat } from '../src/ports.js';
import type { Reply } from '../src/replies/model.js';
import { at, DEFAULT_FILE, defaultProgramme, programmeFrom, testBot } from './helpers.js';

/** A chat that records what it is asked to send. */
function recordingChat(): Chat & { sent: Reply[] } {
  const sent: Reply[] = [];
  return { platform: 'console', sent, async send(_to, message) { sent.push(message); return { ok: true }; } };
}

describe('the programme is true', () => {
  it('status phase-1-end on 7 December 2026 says it ended in March 2025 and was superseded, and nothing nudges about it', async () => {
    const { say, store, bot } = testBot(defaultProgramme(), '2026-12-07T10:00:00Z');
    const out = await say('status phase-1-end');
    expect(out).toMatch(/\[superseded\]/);
    expect(out).toContain('superseded by Keeping Children Safe, Helping Families Thrive and the Families First Partnership on 31 March 2025');
    // A supersession the file records to the month reads "in", not "on".
    expect(await say('status corporate-parenting')).toContain('superseded by the Children\'s Wellbeing and Schools Bill (now the 2026 Act) in March 2025');
    expect(out).toContain('ended in March 2025');
    expect(out).not.toMatch(/days left|due soon|overdue/);
    expect(out).toContain('source: North Lincolnshire Health and Wellbeing Board, 21 February 2023, §4.1');
    // Nowhere among the deadlines, and never nudged, over the whole of the next year.
    expect(await say('next 50')).not.toContain('phase-1-end');
    expect(await say('overdue')).not.toContain('phase-1-end');
    await say('subscribe reminders');
    await say('subscribe digest');
    const chat = recordingChat();
    for (let day = 0; day < 400; day += 3) {
      await tick({ programme: bot.programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 't' }, at('2026-12-07T09:00:00Z').plus({ days: day }));
    }
    const reminders = chat.sent.filter((r) => !r.heading.startsWith('Weekly digest'));
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.map((r) => r.heading).join('\n')).not.toContain('phase-1-end');
    for (const id of ['families-first-partnership', 'iro-strengthen', 'funding-formula', 'shbl-refresh', 'corporate-parenting']) {
      expect(JSON.stringify(chat.sent), id).not.toContain(`Reminder: ${id}`);
      expect(JSON.stringify(chat.sent), id).not.toContain(`Overdue: ${id}`);
    }
  });

  it('a reply names each report as officers know it, never by the number of its seed file', async () => {
    const programme = defaultProgramme();
    const { say } = testBot(programme, '2026-12-07T10:00:00Z');
    // "000 §2.12 says 'in 2023'" meant nothing to an officer; "Kirklees §2.12" does. Amounts such as £3,000 are not
    // seed numbers.
    const seedNumber = /(?<![\d,.£])\b00[0-4]\b(?![\d,])/;
    for (const m of programme.milestones) {
      const out = await say(`status ${m.id}`);
      expect(out, m.id).toContain('source: ');
      expect(out.match(seedNumber)?.[0], `${m.id}: ${out}`).toBeUndefined();
    }
    expect(await say('status kinship-strategy')).toContain("Kirklees §2.12 says 'in 2023'");
  });

  it('no deadline is borrowed from another milestone, or equal to its own outcome date, without a seed saying so', () => {
    const file = parse(readFileSync(DEFAULT_FILE, 'utf8')) as { milestones: Record<string, unknown>[] };
    const programme = defaultProgramme();
    const byId = new Map(programme.milestones.map((m) => [m.id, m]));
    // The commitments REFORM-FACTS says no seed dates.
    for (const id of ['families-first-partnership', 'family-group-decision-making', 'family-network-packages', 'kinship-allowance', 'rcc-pathfinders', 'keeping-children-safe', 'cws-bill', 'iro-strengthen']) {
      expect(byId.get(id)?.undated, id).toBe(true);
      expect(byId.get(id)?.due, id).toBeUndefined();
    }
    expect(byId.has('committee-update')).toBe(false);
    // A reading that names the report and section which states the date ("North Lincolnshire App 3", "Kirklees §2.2",
    // "(Thurrock, 16 June 2022)") says so. Reports are named as officers know them, never by their seed's number.
    const REPORT = '(?:Kirklees|Thurrock|Trafford|North Lincolnshire|Keeping Children Safe minutes)';
    const citesSeed = (reading: unknown) =>
      typeof reading === 'string' && new RegExp(`\\b${REPORT}'?[^.;]*?(§|Appendix|App|A1|slide)|\\(${REPORT}, \\d`).test(reading);
    const lastDay = (id: string) => byId.get(id)?.due?.span.last;
    for (const raw of file.milestones) {
      const id = raw.id as string;
      const m = byId.get(id)!;
      if (!m.due) continue;
      // `deadline:` reads the seed's words itself when its date is in them ("in 2024" of "inspection in 2024").
      const ownWords = (d: unknown) => String(raw.due).toLowerCase().includes(String(d).toLowerCase().replace(/^(by|in) /, ''));
      const fromDeadline = raw.deadline !== undefined && !ownWords(raw.deadline);
      const outcome = m.completed?.span.last ?? m.superseded?.span.last;
      if (fromDeadline) {
        // A reading of the bot's own (not the seed's words): never another milestone's stated deadline day...
        const borrowedFrom = programme.milestones.filter((o) => o.id !== id && lastDay(o.id) === m.due!.span.last && !o.undated).map((o) => o.id);
        if (borrowedFrom.length) expect(citesSeed(raw.reading), `${id} shares its deadline with ${borrowedFrom.join(', ')}`).toBe(true);
        // ...and never the day it happened, which always reads "on time".
        expect(outcome !== undefined && outcome === m.due.span.last && !citesSeed(raw.reading), `${id}: deadline equals its outcome`).toBe(false);
      }
    }
  });

  it('an undated milestone has no deadline, is never overdue, is listed under Undated, and never in next', async () => {
    const p = programmeFrom(`programme: P
milestones:
  - id: dated
    title: Dated
    due: May 2027
    themes: [x]
  - id: someday
    title: Someday
    due: not stated
    undated: true
    themes: [x]
`);
    const { say } = testBot(p, '2030-01-01T10:00:00Z');
    expect(await say('status someday')).toContain('due: not stated · undated: the source gives no date, so no reminders');
    expect(await say('status someday')).toMatch(/\[undated\]/);
    expect(await say('overdue')).not.toContain('someday');
    expect(await say('next 50')).not.toContain('someday');
    const all = await say('status');
    expect(all).toContain('1 overdue · 0 due soon · 0 upcoming · 0 done · 1 undated');
    expect(all).toContain('Undated (1)\nNo date in the source, so no reminders: someday.');
    // A council that learns the date gives it: then it is dated like any other.
    await say('revise someday 1 March 2030 because the department set a date');
    expect(await say('next')).toContain('someday');
    // A deadline given to an undated milestone is refused, with its line.
    expect(() => programmeFrom('programme: P\nmilestones:\n  - id: a\n    title: A\n    due: not stated\n    undated: true\n    deadline: 2027\n    themes: [x]\n')).toThrow(/^7: milestones\[0\]\.deadline: an undated milestone has no deadline/);
  });

  it('supersede <id> because <reason>: editors only, recorded with history, shown as superseded by … on …, not done; reopen undoes it', async () => {
    const { say, store } = testBot(defaultProgramme(), '2026-12-07T10:00:00Z', { editors: ['console:alice'] });
    expect(await say('supersede multi-agency-cp because the Act replaced it', 'olive')).toMatch(/^Only the editors can supersede multi-agency-cp/);
    expect(await say('supersede multi-agency-cp')).toMatch(/^Say why: supersede <id>/);
    const done = await say('supersede multi-agency-cp by the Families First Partnership because the teams are its duty now');
    expect(done).toMatch(/^multi-agency-cp is superseded by the Families First Partnership/);
    const shown = await say('status multi-agency-cp');
    expect(shown).toContain('superseded by the Families First Partnership on 7 December 2026');
    expect(shown).not.toContain('[done]');
    expect(await say('next 50')).not.toContain('multi-agency-cp');
    expect(await say('history multi-agency-cp')).toContain('superseded: upcoming → superseded by the Families First Partnership because the teams are its duty now');
    expect((await store.read()).items['multi-agency-cp']?.done).toBeUndefined();
    expect(await say('supersede multi-agency-cp because again')).toMatch(/^multi-agency-cp is already superseded/);
    expect(await say('reopen multi-agency-cp')).toContain('multi-agency-cp is open again');
    expect(await say('next 50')).toContain('multi-agency-cp');
    // A superseded record in the file can be reopened too, and then counts as open.
    await say('reopen shbl-refresh');
    expect(await say('status shbl-refresh')).toMatch(/\[overdue\]/);
  });

  it('the programme file records superseded with its date, by what and a note; a bad date names the line', () => {
    const p = programmeFrom('programme: P\nmilestones:\n  - id: a\n    title: A\n    due: 2025\n    themes: [x]\n    superseded:\n      date: 18 November 2024\n      by: a new plan\n      note: replaced\n');
    expect(p.milestones[0]?.superseded).toMatchObject({ phrase: '18 November 2024', by: 'a new plan', note: 'replaced' });
    expect(() => programmeFrom('programme: P\nmilestones:\n  - id: a\n    title: A\n    due: 2025\n    themes: [x]\n    superseded:\n      date: someday\n      by: x\n')).toThrow(/^8: milestones\[0\]\.superseded\.date: "someday" is not a date phrase/);
    // A seed not listed under sources: is an error where sources are given.
    expect(() => programmeFrom('programme: P\nsources:\n  a.txt: { name: A report }\nmilestones:\n  - id: a\n    title: A\n    due: 2025\n    themes: [x]\n    source: { seed: b.txt, section: "§1" }\n')).toThrow(/milestones\[0\]\.source\.seed: "b\.txt" is not listed under "sources:"/);
    // A status reply cites the source by name, or by file name where the file names none.
    expect(programmeFrom('programme: P\nsources:\n  a.txt: { name: A report, date: 1 May 2024 }\nmilestones:\n  - id: a\n    title: A\n    due: 2025\n    themes: [x]\n    source: { seed: a.txt, section: "§1" }\n').milestones[0]?.source?.report).toBe('A report, 1 May 2024');
  });

  it('the store keeps a superseded record as a plain field the contract suite can carry', async () => {
    const store = memoryStore();
    const { say } = testBot(defaultProgramme(), '2026-12-07T10:00:00Z', { store });
    await say('supersede kinship-training by the Championing Kinship Care programme because that Parliament ended');
    const s = (await store.read()).items['kinship-training']?.superseded;
    expect(s).toEqual({ at: '2026-12-07T10:00:00.000Z', by: 'console:alice', byName: 'alice', replacedBy: 'the Championing Kinship Care programme', reason: 'that Parliament ended' });
  });
});
