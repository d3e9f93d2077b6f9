// Officers' own words find the milestones they mean: the glossary, singular and plural, British and American
// spellings, words from sources and notes, phrases ranked, and a plain answer when nothing is about a word.
import { describe, expect, it } from 'vitest';
import { searchMilestones } from '../src/programme/search.js';
import { defaultProgramme, programmeFrom, testBot } from './helpers.js';

const ids = (text: string): string[] => [...text.matchAll(/^([a-z0-9-]+) {2}\S/gm)].map((m) => m[1]!);

describe('search in officers\' words', () => {
  it('every word the issue found nothing for now finds a milestone, or says plainly that none is about it', async () => {
    const { say } = testBot(defaultProgramme(), '2026-12-07T10:00:00Z');
    const words = ['MASH', 'virtual school', 'VSH', 'CWSB', 'residential', "children's homes", 'RAA', 'Lifelong Links', 'family finding', 'profit cap',
      'secure', 'unregistered', 'police', 'LAC', 'CLA', 'looked after', 'DfE', 'funding', 'spending review', 'staying close', 'workload'];
    for (const w of words) {
      const out = await say(`status ${w}`);
      if (['RAA', 'Lifelong Links', 'family finding'].includes(w)) {
        expect(out, w).toMatch(new RegExp(`^No match\\n\\nNothing in this programme is about "${w}"\\.\\nNearest: kinship-strategy, kinship-training, kinship-allowance, family-network-packages\\.`));
      } else {
        expect(ids(out).length, w).toBeGreaterThan(0);
      }
    }
    expect(await say('status adoption')).toContain('Nothing in this programme is about "adoption".\nNearest: kinship-strategy, kinship-training, kinship-allowance, family-network-packages.');
    // Where they lead, as REFORM-FACTS lists them.
    expect(ids(await say('status MASH')).sort()).toEqual(['families-first-partnership', 'multi-agency-cp', 'working-together-2023']);
    expect(ids(await say('status virtual school'))).toEqual(expect.arrayContaining(['cws-bill', 'corporate-parenting']));
    expect(ids(await say('status residential'))).toEqual(expect.arrayContaining(['rcc-pathfinders', 'supported-accommodation', 'cws-bill']));
    expect(ids(await say('status spending review'))).toContain('funding-formula');
  });

  it('LAC, CLA, looked after and children in care are one term, and none of them answers with unrelated milestones', async () => {
    const { say } = testBot();
    const inCare = ids(await say('status children in care')).sort();
    for (const w of ['LAC', 'CLA', 'looked after', 'looked-after children', 'CiC']) expect(ids(await say(`status ${w}`)).sort(), w).toEqual(inCare);
    expect(inCare).toEqual(expect.arrayContaining(['foster-allowance', 'foster-recruitment', 'iro-strengthen', 'leaving-care-allowance', 'rcc-pathfinders']));
    expect(inCare).not.toContain('national-framework');
    expect(inCare).not.toContain('kinship-strategy');
    // Those that only use the words are named apart, after the answer.
    expect(await say('status children in care')).toMatch(/\nAlso mentioning "care" \(\d+\)\n/);
  });

  it('a phrase finds at least what its most specific word finds, the whole phrase first', async () => {
    const p = defaultProgramme();
    const kinship = searchMilestones(p, 'kinship');
    const kinshipCare = searchMilestones(p, 'kinship care');
    if (kinship.kind !== 'matches' || kinshipCare.kind !== 'matches') throw new Error('expected matches');
    const all = [...kinshipCare.milestones, ...kinshipCare.related].map((m) => m.id);
    expect(all).toEqual(expect.arrayContaining(kinship.milestones.map((m) => m.id)));
    expect(kinship.milestones).toHaveLength(4);
    // pathfinders: the families first ones and the Regional Care Co-operative ones alike.
    const pathfinders = searchMilestones(p, 'pathfinders');
    if (pathfinders.kind !== 'matches') throw new Error('expected matches');
    expect(pathfinders.milestones.map((m) => m.id)).toEqual(expect.arrayContaining(['ffc-wave-1', 'ffc-wave-2', 'rcc-pathfinders']));
    // Ranked: a free phrase puts milestones that have every word before those with one.
    const own = programmeFrom(`programme: P
milestones:
  - id: one-word
    title: Training for carers
    due: 2027
    themes: [x]
  - id: both-words
    title: Kinship carers training
    due: 2028
    themes: [x]
`);
    const ranked = searchMilestones(own, 'kinship training');
    if (ranked.kind !== 'matches') throw new Error('expected matches');
    expect(ranked.milestones.map((m) => m.id)).toEqual(['both-words']);
    expect(ranked.related.map((m) => m.id)).toEqual([]);
    const either = searchMilestones(own, 'training carers');
    if (either.kind !== 'matches') throw new Error('expected matches');
    expect(either.milestones.map((m) => m.id)).toEqual(['one-word', 'both-words']);
  });

  it('singular and plural, British and American spellings, hyphens, and the source\'s own words all find the milestone', () => {
    const p = programmeFrom(`programme: P
milestones:
  - id: hub-pilot
    title: Family hub organisation pilot
    due: 2027
    themes: [family-help]
    source:
      seed: local.txt
      section: "§1"
      quote: The council will open a co-operative nursery alongside each hub
  - id: other
    title: Something else
    due: 2027
    themes: [other]
`);
    for (const q of ['family hubs', 'hubs', 'organization', 'organisations', 'pilots', 'cooperative', 'co-operatives', 'nursery', 'nurseries']) {
      const found = searchMilestones(p, q);
      expect(found.kind === 'matches' ? found.milestones.map((m) => m.id) : found, q).toEqual(['hub-pilot']);
    }
  });

  it('a council\'s own glossary maps its terms, and the file is checked: a term leading to a missing id is an error with its line', () => {
    const text = (target: string) => `programme: P
glossary:
  - terms: [EHCP, education health and care plan]
    milestones: [${target}]
milestones:
  - id: send-review
    title: Special educational needs review
    due: 2027
    themes: [send]
`;
    const p = programmeFrom(text('send-review'));
    const found = searchMilestones(p, 'education health and care plans');
    expect(found.kind === 'matches' && found.milestones.map((m) => m.id)).toEqual(['send-review']);
    expect(() => programmeFrom(text('no-such'))).toThrow(/^4: glossary\[0\]\.milestones\[0\]: no milestone "no-such" in this file$/);
  });

  it('a query asked again gets the same answer, whatever another query or a caller did in between, and an edited programme answers from its own milestones', () => {
    const p = defaultProgramme();
    const first = searchMilestones(p, 'kinship');
    if (first.kind !== 'matches') throw new Error('expected matches');
    const shown = first.milestones.map((m) => m.id);
    // Answers are shared: a caller that tries to reorder or extend one cannot change the next caller's.
    expect(() => (first.milestones as unknown as unknown[]).push(p.milestones[0])).toThrow(TypeError);
    expect(() => (first.related as unknown as unknown[]).splice(0)).toThrow(TypeError);
    // Ends trimmed alike; other queries in between (more than are remembered) change nothing.
    for (let i = 0; i < 600; i++) searchMilestones(p, `query ${i}`);
    const again = searchMilestones(p, '  kinship ');
    expect(again.kind === 'matches' && again.milestones.map((m) => m.id)).toEqual(shown);
    expect(again.kind === 'matches' && again.term).toBe('kinship');
    // A typo is corrected the same way every time, and says what was typed.
    for (let i = 0; i < 2; i++) {
      const typo = searchMilestones(p, 'kinshp');
      expect(typo.kind === 'matches' && [typo.term, typo.correctedFrom]).toEqual(['kinship', 'kinshp']);
    }
    // The programme as edited (a new programme: files are never changed in place) is searched afresh.
    const edited = programmeFrom(`programme: P
milestones:
  - id: kinship-only
    title: Kinship care offer
    due: 2027
    themes: [kinship]
`);
    const after = searchMilestones(edited, 'kinship');
    expect(after.kind === 'matches' && after.milestones.map((m) => m.id)).toEqual(['kinship-only']);
  });
});
