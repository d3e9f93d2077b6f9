import { describe, expect, it } from 'vitest';
import { splitShare } from '../src/commands/index.js';
import { defaultProgramme, programmeFrom, testBot } from './helpers.js';

describe('status, next, overdue and help in a conversation', () => {
  it('status agency in June 2023 shows the agency rules and compliance milestones with their phrases', async () => {
    const { say } = testBot(undefined, '2023-06-01T10:00:00Z');
    const out = await say('status agency');
    expect(out).toContain('agency-national-rules');
    expect(out).toContain('September 2023');
    expect(out).toContain('agency-compliance');
    expect(out).toContain('spring 2024');
  });

  it('status kinship shows kinship-strategy and no agency milestones; SGO finds kinship too', async () => {
    const { say } = testBot();
    const kinship = await say('status kinship');
    expect(kinship).toContain('kinship-strategy');
    expect(kinship).not.toMatch(/agency-/);
    expect(await say('/reform status SGO')).toContain('kinship-strategy');
    expect(await say('STATUS   Kinship')).toContain('kinship-strategy');
    // Quotes around the question, even unbalanced or curly, are not part of it.
    expect(await say('status "kinship')).toMatch(/^Theme "kinship": /);
    expect(await say('status \u201cSGO\u201d')).toMatch(/^Also known as "SGO": /);
    expect(await say('status \u2018kinship\u2019')).toMatch(/^Theme "kinship": /);
    // A pasted page is not repeated back whole.
    const pasted = await say(`status ${'zq'.repeat(990)}`);
    expect(pasted).toContain(`Nothing in this programme is about "${'zq'.repeat(28)}z…".`);
    expect(pasted.length).toBeLessThan(600);
    // Swapped neighbouring letters are one slip, and corrected like any other.
    expect(await say('status kinsihp')).toMatch(/^Theme "kinship": 4 milestones[\s\S]*Did you mean "kinship"\? Nothing matched "kinsihp" exactly/);
    expect(await say('status agnecy')).toMatch(/^Theme "agency"/);
    // "share" is for the chat, whichever way the question came: not a word of the query.
    expect(await say('status kinship share')).toMatch(/^Theme "kinship": 4 milestones/);
    // An action id that names no action is a mistyped id, not a search that finds its milestone alone.
    const unknown = await say('status kinship-strategy/99');
    expect(unknown).toMatch(/^No milestone or action "kinship-strategy\/99"/);
    expect(unknown).toContain('Did you mean kinship-strategy?');
    // One that does, in any case, is shown itself.
    await say('action add kinship-strategy "Brief members" due May 2027');
    expect(await say('status Kinship-Strategy/1')).toMatch(/^kinship-strategy\/1: Brief members/);
    // Long counts are written as UK readers write numbers.
    const late = testBot(defaultProgramme(), '2029-01-01T10:00:00Z');
    expect(await late.say('status national-framework')).toMatch(/overdue by 1,\d{3} days \(deadline 31 December 2024\)/);
    // The summary's examples come from the programme the bot reads, not from the default one.
    const other = testBot(programmeFrom('programme: Local plan\nmilestones:\n  - id: hub-opens\n    title: Family hub opens\n    due: May 2027\n    themes: [hubs]\n    aliases: [FH]\n'));
    expect(await other.say('status')).toContain('Ask about one thing: status hubs, status hub-opens, status FH.');
    // Stop words alone are not corrected into a title word that happens to be near ("the" is not "then").
    expect(await say('status the')).toContain('Nothing in this programme is about "the".');
    expect(await say('status what is the')).not.toContain('Did you mean');
    // Quotes around the whole command, as pasted from an email, are not part of it.
    expect(await say("'status kinship'")).toMatch(/^Theme "kinship": /);
    expect(await say('\u201cnext 1\u201d')).toMatch(/^Next 1 deadline/);
    // With nothing ahead, no "Next 0 deadlines".
    expect(await other.say('next')).toMatch(/^Next 1 deadline/);
    await other.say('done hub-opens');
    expect(await other.say('next')).toMatch(/^Next deadlines\n\nNo open deadlines ahead\./);
    // A person typed into a query is repeated as @name, not as the bot's own mention token.
    const person = await say('status @alice');
    expect(person).toContain('Nothing in this programme is about "@alice".');
    expect(person).not.toContain('<@');
    // Cut before an emoji that would be split in two, not through it.
    expect(await say(`status ${'x'.repeat(56)}😀${'y'.repeat(10)}`)).toContain(`is about "${'x'.repeat(56)}…".`);
  });

  it('finds a milestone by id, by id written with spaces, and by title words', async () => {
    const { say } = testBot();
    const one = await say('status kinship-strategy');
    expect(one).toMatch(/^kinship-strategy: /);
    // The report as people know it, not the seed's file name.
    expect(one).toContain('source: North Lincolnshire Health and Wellbeing Board, 21 February 2023, Appendix 1, Pillar 3; §5.3');
    expect(one).not.toContain('003_');
    expect(await say('status kinship strategy')).toMatch(/^kinship-strategy: /);
    expect(await say('status early career')).toContain('early-career-framework');
  });

  it('tolerates typos with "did you mean", and says so when nothing matches', async () => {
    const { say } = testBot();
    const typo = await say('status kinshp');
    expect(typo).toContain('kinship-strategy');
    expect(typo).toContain('Did you mean "kinship"?');
    const none = await say('status zebra crossings');
    expect(none).toContain('Nothing in this programme is about "zebra crossings"');
    expect(none).toContain('Themes: ');
  });

  it('never corrects or suggests a short word as another term: a council acronym is found through the glossary, or said to be about nothing', async () => {
    const { say } = testBot();
    // CLA and MASH are in the default glossary: they find what they mean, never "cma" or "masa".
    expect(await say('status CLA')).toMatch(/^Also known as "CLA": 8 milestones/);
    expect(await say('status MASH')).toMatch(/^Also known as "MASH": 3 milestones/);
    for (const typed of ['CAF', 'XYZ']) {
      const out = await say(`status ${typed}`);
      expect(out, typed).toMatch(new RegExp(`^No match\\n\\nNothing in this programme is about "${typed}".\\nThemes: `));
      expect(out, typed).not.toContain('Did you mean');
    }
    // Without the glossary, CLA is still not "cma".
    const bare = testBot(programmeFrom('programme: P\nmilestones:\n  - id: cma-study\n    title: Market study\n    due: 2027\n    themes: [market]\n    aliases: [CMA]\n'));
    expect(await bare.say('status CLA')).not.toMatch(/cma/i);
    // A plural of an alias is that alias, short or not; a longer word is still corrected.
    expect(await say('status SGOs')).toMatch(/^Also known as "SGOs": 3 milestones/);
    expect(await say('status kinshp')).toMatch(/^Theme "kinship"/);
  });

  it('status summarises counts, overdue items and the next five deadlines', async () => {
    const { say } = testBot(undefined, '2024-06-01T10:00:00Z');
    const out = await say('status');
    expect(out).toMatch(/\d+ overdue · \d+ due soon · \d+ upcoming · \d+ done/);
    const next = out.split('Next deadlines')[1]!.split('Undated')[0]!;
    expect(next.match(/^ {2}[a-z0-9-]+ {2}/gm)).toHaveLength(5);
    expect(next).toContain('national-framework');
  });

  it('status agrees with overdue and next about local actions', async () => {
    const { say } = testBot(undefined, '2024-04-10T10:00:00Z');
    await say('action add kinship-strategy "Late thing" due 1 April 2024');
    await say('action add multi-agency-cp "Soon thing" due 18 April 2024');
    const out = await say('status');
    expect(out).toContain('2 open local actions (1 overdue, 1 due soon)');
    const overdueCount = Number(/^(\d+) overdue/.exec(await say('overdue'))![1]);
    expect(out).toContain(`Overdue (${overdueCount})`);
    const [late, ahead] = out.split('Next deadlines');
    expect(late).toContain('kinship-strategy/1  Late thing [overdue]');
    // The next deadlines are next 5's, actions included, soonest first.
    const ids = (text: string) => [...text.matchAll(/^ *([a-z0-9-]+(?:\/\d+)?) {2}\S/gm)].map((m) => m[1]);
    expect(ids(ahead!)).toHaveLength(5);
    expect(ids(ahead!)).toEqual(ids(await say('next 5')));
    expect(ahead!.trimStart().startsWith('multi-agency-cp/1  Soon thing')).toBe(true);
  });

  it('says wherever it lists one that an overdue milestone has no public record of its outcome, until the council records one', async () => {
    const { say } = testBot(undefined, '2026-11-24T10:00:00Z');
    const marker = 'record: no public record of the outcome yet; confirm with done national-framework or revise national-framework <date> because <reason>';
    expect(await say('overdue')).toContain(marker);
    expect(await say('status')).toContain(marker);
    expect(await say('status national-framework')).toContain(marker);
    // Milestones with an outcome on record never carry it.
    expect(await say('overdue')).not.toContain('confirm with done agency-compliance');
    await say('revise national-framework 31 March 2027 because the local offer starts then');
    expect(await say('status national-framework')).not.toContain('record:');
    // Once done, nothing in its detail still says it shows as overdue.
    await say('done national-framework dashboard confirmed live');
    const settled = await say('status national-framework');
    expect(settled).toContain('[done]');
    expect(settled).not.toMatch(/record:|shows as overdue/);
    // Not yet due, it is not overdue, and there is nothing to confirm.
    expect(await testBot(undefined, '2024-01-10T10:00:00Z').say('status national-framework')).not.toContain('record:');
  });

  it('reads "share" only as the last word of a query', () => {
    expect(splitShare('status kinship share')).toEqual({ text: 'status kinship', share: true });
    expect(splitShare('status kinship SHARE \n ')).toEqual({ text: 'status kinship', share: true });
    expect(splitShare('status\tshare')).toEqual({ text: 'status', share: true });
    expect(splitShare('share')).toEqual({ text: '', share: true });
    expect(splitShare('status kinshipshare')).toEqual({ text: 'status kinshipshare', share: false });
    expect(splitShare('status share kinship')).toEqual({ text: 'status share kinship', share: false });
    expect(splitShare('note kinship-strategy we will share')).toEqual({ text: 'note kinship-strategy we will share', share: false });
    const spaces = `status${' '.repeat(40_000)}x`;
    expect(splitShare(spaces)).toEqual({ text: spaces, share: false });
  });

  it('next [n] lists open deadlines soonest first; overdue lists what is late', async () => {
    const { say } = testBot(undefined, '2023-06-01T10:00:00Z');
    const next = await say('next 3');
    expect(next).toMatch(/^Next 3 deadlines/);
    expect(next.indexOf('agency-national-rules')).toBeGreaterThan(-1);
    expect(await say('next lots')).toContain('is not a number from 1 to 50');
    const late = await say('overdue');
    expect(late).toMatch(/^\d+ overdue/);
    expect(late).not.toContain('consultation-close');
  });

  it('answers empty and unknown commands with help', async () => {
    const { say } = testBot();
    expect(await say('')).toContain('Commands');
    const unknown = await say('stauts kinship');
    expect(unknown).toContain(`I don't know "stauts". Did you mean status?`);
    expect(unknown).toContain('status [milestone id | theme | words]');
  });
});
