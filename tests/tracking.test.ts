import { describe, expect, it } from 'vitest';
import { orphanedMilestones } from '../src/tracking/orphans.js';
import { defaultProgramme, programmeFrom, testBot } from './helpers.js';

describe('tracking commands', () => {
  it('assign to a person or a post, unassign, and show the owner in status', async () => {
    const { say } = testBot();
    expect(await say('assign kinship-strategy @alice', 'bob')).toContain('kinship-strategy is now owned by @alice');
    expect(await say('status kinship-strategy')).toContain('owner: @alice');
    expect(await say('assign multi-agency-cp "Service Director, Family Support"')).toContain('owned by Service Director, Family Support');
    expect(await say('assign multi-agency-cp Head of Service')).toContain('owned by Head of Service');
    expect(await say('unassign multi-agency-cp')).toContain('has no owner now (was Head of Service)');
    expect(await say('status multi-agency-cp')).toContain('owner: nobody yet');
  });

  it('done after reopen, within a month the file records as the completion, is recorded as done now', async () => {
    const file = 'programme: P\nmilestones:\n  - id: month-done\n    title: Done in a month\n    due: September 2025\n    themes: [x]\n    completed: { date: November 2025 }\n';
    const bot = testBot(programmeFrom(file), '2025-12-10T10:00:00Z');
    expect(await bot.say('reopen month-done')).toContain('open again');
    // Looked at from within November (--now), the file's completion is not yet certain: done records one now,
    // rather than saying "done again, as the file records" and leaving it open, and status agrees.
    bot.setNow('2025-11-15T10:00:00Z');
    const answer = await bot.say('done month-done');
    expect(answer).toContain('month-done is done');
    expect(answer).not.toContain('as the programme file records');
    expect(await bot.say('status month-done')).toContain('[done]');
  });

  it('a command over 2,000 characters is refused whole, and nothing of it is stored', async () => {
    const { say, store } = testBot();
    const prefix = 'note multi-agency-cp ';
    const long = await say(prefix + 'x'.repeat(2_001 - prefix.length));
    expect(long).toContain('That message is too long for a command');
    expect(long).toContain('It is 2,001 characters; a command can be at most 2,000. Nothing was changed');
    expect((await store.read()).items['multi-agency-cp']?.notes ?? []).toEqual([]);
    expect(await say(prefix + 'y'.repeat(2_000 - prefix.length))).toContain('Note added to multi-agency-cp');
    expect((await store.read()).items['multi-agency-cp']?.notes).toHaveLength(1);
    // Counted as the writer sees it: an emoji is one character, a mention is the name shown.
    const emoji = await say(prefix + '🙂'.repeat(1_000) + 'z'.repeat(2_000 - prefix.length - 1_000));
    expect(emoji).toContain('Note added to multi-agency-cp');
    // With a skin tone, or as a flag, an emoji is still one character to the writer.
    expect(await say(prefix + '👍🏽'.repeat(900) + '🇬🇧'.repeat(100))).toContain('Note added to multi-agency-cp');
    expect(await say(prefix + '👍🏽'.repeat(2_000))).toContain('It is 2,021 characters');
    const mention = '<@slack:U0123ABCD|Ann Lee>';
    expect(await say(prefix + mention + ' ' + 'w'.repeat(2_000 - prefix.length - '@Ann Lee '.length))).toContain('Note added to multi-agency-cp');
  });

  it('asks for an owner only for work still open: done work with none says so, with no assign prompt', async () => {
    const { say } = testBot(defaultProgramme(), '2023-06-01T10:00:00Z');
    expect(await say('status kinship-strategy')).toContain('owner: nobody yet (assign kinship-strategy @name)');
    expect(await say('done kinship-strategy')).toContain('kinship-strategy');
    const after = await say('status kinship-strategy');
    expect(after).toContain('owner: none recorded');
    expect(after).not.toContain('assign kinship-strategy @name');
  });

  it('mine and owned list what someone owns, soonest first', async () => {
    const { say } = testBot();
    await say('assign multi-agency-cp @carol');
    await say('assign agency-compliance @carol');
    await say('assign early-career-framework "Principal Social Worker"');
    const mine = await say('mine', 'carol');
    expect(mine).toMatch(/^What you own \(2\)/);
    expect(mine.indexOf('agency-compliance')).toBeLessThan(mine.indexOf('multi-agency-cp'));
    expect(await say('owned @carol')).toContain('multi-agency-cp');
    expect(await say('owned "principal social worker"')).toContain('early-career-framework');
    expect(await say('mine', 'dave')).toContain('You own nothing yet. To take something on: assign <id> me.');
    expect(await say('owned @erin')).toContain('@erin owns nothing yet.');
    // Nobody: the open work with no owner, not a post called "nobody".
    const unowned = await say('owned nobody');
    expect(unowned).toMatch(/^Open work with no owner \(\d+\)/);
    expect(unowned).not.toContain('owner: @');
    expect(unowned).not.toContain('[done]');
    // Without the @, "Carol" reads as a post title; no post of that name owns anything, so the person is meant.
    const carol = await say('owned Carol');
    expect(carol).toMatch(/^Owned by @carol \(2\)/);
    expect(carol).toContain('No post called "Carol" owns anything, so this is @carol.');
    expect(await say('owned "Head of Service"')).toContain('Head of Service owns nothing yet.');
    // A post that does own things is never taken for a person.
    await say('assign kinship-training "carol"');
    expect(await say('owned Carol')).toMatch(/^Owned by Carol \(1\)/);
  });

  it('rag, note, done and reopen, each shown in status', async () => {
    const { say } = testBot();
    expect(await say('rag multi-agency-cp amber ICB slow to agree data sharing')).toContain('multi-agency-cp is rated amber');
    let out = await say('status multi-agency-cp');
    expect(out).toContain('RAG: amber');
    expect(out).toContain('note: ICB slow to agree data sharing');
    await say('note multi-agency-cp Police lead named <b>"Jo"</b>');
    expect(await say('status multi-agency-cp')).toContain('note: Police lead named <b>"Jo"</b>');
    expect(await say('done multi-agency-cp teams live')).toContain('multi-agency-cp is done');
    out = await say('status multi-agency-cp');
    expect(out).toContain('[done]');
    expect(out).toContain('done 24 November 2026');
    expect(await say('reopen multi-agency-cp')).toContain('open again');
    expect(await say('status multi-agency-cp')).toContain('[upcoming]');
    // A completion from the programme file can be reopened locally too.
    await say('reopen kinship-strategy');
    expect(await say('status kinship-strategy')).toContain('[overdue]');
    // Done again, it takes the file's record back (the public date and note), not today's date; a note is kept.
    expect(await say('done kinship-strategy reopened by mistake')).toContain('kinship-strategy is done again, as the programme file records: 15 December 2023');
    const back = await say('status kinship-strategy');
    expect(back).toContain('done 15 December 2023');
    expect(back).toContain('completed: Championing Kinship Care published');
    expect(back).toContain('note: reopened by mistake');
    expect(await say('history kinship-strategy')).toContain('done 15 December 2023, as the programme file records: reopened by mistake');
  });

  it('keeps a person mentioned in a note, title, reason or completion note as they read: @name, not a code', async () => {
    const { say, store } = testBot();
    await say('note multi-agency-cp please ask @dave to check');
    await say('action add multi-agency-cp "Brief @erin on the pilot" due 2027');
    await say('revise multi-agency-cp 2028 because @frank has left');
    await say('done multi-agency-cp/1 thanks @gail');
    const out = await say('status multi-agency-cp');
    expect(out).toContain('note: please ask @dave to check');
    expect(out).toContain('@frank has left');
    expect(out).not.toContain('<@');
    const state = await store.read();
    expect(state.actions['multi-agency-cp/1']?.title).toBe('Brief @erin on the pilot');
    expect(state.items['multi-agency-cp/1']?.done?.note).toBe('thanks @gail');
    expect(JSON.stringify(state)).not.toContain('<@console:');
  });

  it('done after a reopen, at a time before the file says it was completed, is a completion of its own', async () => {
    const { say, setNow } = testBot();
    await say('reopen kinship-strategy');
    // Looking back to June 2023 (REFORM_NOW in a demo), the file's completion (December 2023) has not happened.
    setNow('2023-06-01T10:00:00Z');
    expect(await say('done kinship-strategy')).toMatch(/^kinship-strategy is done$/m);
    expect(await say('status kinship-strategy')).toContain('done 1 June 2023');
  });

  it('action add reads quotes as quoting: single quotes around a title are not kept, and a quote never closed is refused', async () => {
    const { say, store } = testBot();
    expect(await say("action add kinship-strategy 'Brief members' due May 2027")).toContain('kinship-strategy/1 Brief members');
    const unclosed = await say('action add kinship-strategy "Brief the board due May 2027');
    expect(unclosed).toContain("The title's opening quote is never closed");
    expect(Object.keys((await store.read()).actions)).toEqual(['kinship-strategy/1']);
  });

  it('action rename mends a title, keeps the old one in the history, and leaves milestones to the programme file', async () => {
    const { say, store } = testBot();
    await say('action add kinship-strategy "Publsh the local ofer" due end of March 2027 owner @carol');
    const renamed = await say("action rename kinship-strategy/1 'Publish the local kinship offer'");
    expect(renamed).toBe('Action kinship-strategy/1 renamed\n\nkinship-strategy/1 Publish the local kinship offer\nIt was: Publsh the local ofer');
    const state = await store.read();
    expect(state.actions['kinship-strategy/1']?.title).toBe('Publish the local kinship offer');
    // Nothing else about it changed: its deadline and owner stay.
    expect(await say('status kinship-strategy/1')).toMatch(/Publish the local kinship offer \[upcoming\]\n.*deadline 31 March 2027[^]*owner: @carol/);
    expect(await say('history kinship-strategy/1')).toContain('renamed: Publsh the local ofer → Publish the local kinship offer');
    // The same title again changes nothing; a milestone, a missing title, an unknown id or an open quote are refused.
    const audited = state.audit.length;
    expect(await say('action rename kinship-strategy/1 "Publish the local kinship offer"')).toBe('kinship-strategy/1 is already called "Publish the local kinship offer"');
    expect(await say('action rename kinship-strategy "Another title"')).toMatch(/^kinship-strategy is a milestone: its title comes from the programme file/);
    expect(await say('action rename kinship-strategy/1')).toMatch(/^Say which action and its new title/);
    expect(await say('action rename kinship-strategy/7 "x"')).toMatch(/^No milestone or action "kinship-strategy\/7"/);
    expect(await say('action rename kinship-strategy/1 "Half a title')).toContain("The title's opening quote is never closed");
    expect((await store.read()).audit).toHaveLength(audited);
    expect((await store.read()).actions['kinship-strategy/1']?.title).toBe('Publish the local kinship offer');
  });

  it('action remove takes an action out of every list, keeps its history, and never gives its id again', async () => {
    const { say, store } = testBot();
    await say('action add kinship-strategy "Refresh the offer" due March 2027');
    await say('action add kinship-strategy "Refresh the offer (again)" due April 2027 owner @bob');
    const removed = await say('action remove kinship-strategy/2 because it duplicates kinship-strategy/1');
    expect(removed).toMatch(/^Action kinship-strategy\/2 removed\n\nkinship-strategy\/2 Refresh the offer \(again\)\nBecause it duplicates kinship-strategy\/1\n/);
    const state = await store.read();
    expect(Object.keys(state.actions)).toEqual(['kinship-strategy/1']);
    expect(state.items['kinship-strategy/2']).toBeUndefined();
    // Gone from status, next and the owner's list; the one left stays.
    expect(await say('status kinship-strategy')).not.toContain('kinship-strategy/2');
    expect(await say('status kinship-strategy')).toContain('kinship-strategy/1');
    expect(await say('mine', 'bob')).not.toContain('kinship-strategy/2');
    expect(await say('next 50')).not.toContain('kinship-strategy/2');
    // Its id names only its history now: a command on it says it was removed, when, by whom and why.
    expect(await say('done kinship-strategy/2')).toBe(
      'kinship-strategy/2 was removed\n\nRemoved 24 November 2026, 10:00 by @alice: "Refresh the offer (again)", because it duplicates kinship-strategy/1. See history kinship-strategy/2.',
    );
    expect(await say('status kinship-strategy/2')).toMatch(/^kinship-strategy\/2 was removed/);
    expect(await say('history kinship-strategy/2')).toMatch(/^History of kinship-strategy\/2 \(3 changes\)\n\n.*action removed: "Refresh the offer \(again\)", because it duplicates kinship-strategy\/1\n.*owner: nobody → @bob\n.*action added/);
    // The next action under the milestone is /3, not /2 again.
    expect(await say('action add kinship-strategy "Brief members"')).toContain('Action kinship-strategy/3 added');
    // Without a reason; a milestone, an unknown id, or nothing named, are refused and change nothing.
    expect(await say('action remove kinship-strategy/3')).toMatch(/^Action kinship-strategy\/3 removed\n\nkinship-strategy\/3 Brief members\nIts reminders stop/);
    const audited = (await store.read()).audit.length;
    expect(await say('action remove kinship-strategy')).toMatch(/^kinship-strategy is a milestone: milestones come from the programme file/);
    expect(await say('action remove kinship-strategy/9')).toMatch(/^No milestone or action "kinship-strategy\/9"/);
    expect(await say('action remove')).toMatch(/^Say which action/);
    // A second id is not a reason: nothing is removed.
    expect(await say('action remove kinship-strategy/1 kinship-strategy/3')).toMatch(/^Remove one action at a time, with any reason after "because"/);
    expect(await say('action remove kinship-strategy/2')).toMatch(/^kinship-strategy\/2 was removed/);
    expect((await store.read()).audit).toHaveLength(audited);
    expect(Object.keys((await store.read()).actions)).toEqual(['kinship-strategy/1']);
    // "because:" reads as "because", and the reason is not said twice.
    await say('action add kinship-strategy "Spare"');
    expect(await say('action remove kinship-strategy/4 Because: added twice')).toContain('\nBecause added twice\n');
  });

  it('action rename takes only the new title: words after a quoted title are refused, not added to it', async () => {
    const { say, store } = testBot();
    await say('action add kinship-strategy "Brief members" due March 2027');
    expect(await say('action rename kinship-strategy/1 "Brief lead members" due May 2027')).toMatch(/^Only the new title goes after the id: to move the deadline, use revise/);
    expect((await store.read()).actions['kinship-strategy/1']?.title).toBe('Brief members');
    // Unquoted, every word is the title, as with action add.
    expect(await say('action rename kinship-strategy/1 Brief lead members')).toContain('kinship-strategy/1 Brief lead members');
  });

  it('a removed action\'s history counts under its milestone, so `reform check` reports no orphan for it', async () => {
    const { say, store } = testBot();
    await say('action add kinship-strategy "Brief members"');
    await say('action remove kinship-strategy/1');
    const state = await store.read();
    expect(orphanedMilestones(defaultProgramme(), state)).toEqual([]);
    // With the milestone gone from the file, its removed action's changes are its history.
    const without = { ...defaultProgramme(), milestones: defaultProgramme().milestones.filter((m) => m.id !== 'kinship-strategy') };
    expect(orphanedMilestones(without, state)).toEqual([{ id: 'kinship-strategy', changes: 2 }]);
  });

  it('action rename and remove follow the editors rule: the owner of the action or its milestone may, others may not', async () => {
    const { say } = testBot(undefined, undefined, { editors: ['console:editor'] });
    await say('action add multi-agency-cp "Agree ICB data sharng" owner @olive', 'editor');
    expect(await say('action rename multi-agency-cp/1 "Agree ICB data sharing"', 'olive')).toContain('renamed');
    expect(await say('action rename multi-agency-cp/1 "Something else"', 'mallory')).toContain("You can't change multi-agency-cp/1");
    expect(await say('status multi-agency-cp/1')).toContain('Agree ICB data sharing');
    expect(await say('action remove multi-agency-cp/1', 'mallory')).toContain("You can't change multi-agency-cp/1");
    expect(await say('action remove multi-agency-cp/1', 'olive')).toContain('Action multi-agency-cp/1 removed');
  });

  it('action add creates numbered actions with due and owner, and the same verbs work on them', async () => {
    const { say } = testBot();
    const added = await say('action add kinship-strategy "Refresh local kinship offer" due end of March 2027 owner @carol');
    expect(added).toContain('Action kinship-strategy/1 added under kinship-strategy');
    expect(added).not.toContain('has passed');
    // Today (24 November 2026) is not past; last year is, and the answer says so.
    expect(await say('action add phase-1-end "Book the room" due 24 November 2026')).not.toContain('has passed');
    const typo = await say('action add phase-1-end "Typo in the year" due 1 January 2020');
    expect(typo).toContain('due 1 January 2020\nThat date has passed: it is overdue from the start.');
    // The reply says the deadline worked out, and how an ambiguous phrase was read.
    expect(added).toContain('due end of March 2027 (deadline 31 March 2027)');
    expect(await say('action add phase-1-end "Budget" due financial year 2026')).toContain('is ambiguous: read as 2026-27');
    // A relative phrase is kept with its date: read again later, "in six months" would mean another day.
    const relative = await say('action add phase-1-end "Review" due in six months');
    expect(relative).toContain('due in six months (24 May 2027)\n');
    expect(relative).not.toContain('(deadline');
    expect(await say('status phase-1-end/4')).toContain('in six months (24 May 2027)');
    const slipped = await say('revise phase-1-end/4 in three months because sooner is better');
    expect(slipped).toContain('now due in three months (24 February 2027)');
    expect(slipped).toContain('; now in three months (24 February 2027).');
    expect(await say('revise phase-1-end/4 5 May 2021 because typo')).toContain('That date has passed');
    expect(await say('action add kinship-strategy Brief members on allowance trial')).toContain('kinship-strategy/2');
    let out = await say('status kinship-strategy');
    expect(out).toContain('kinship-strategy/1  Refresh local kinship offer [upcoming]');
    expect(out).toContain('deadline 31 March 2027');
    expect(out).toContain('owner: @carol');
    expect(await say('mine', 'carol')).toContain('kinship-strategy/1');
    await say('rag kinship-strategy/1 red');
    await say('done kinship-strategy/2');
    out = await say('status kinship-strategy/1');
    expect(out).toContain('RAG: red');
    const unread = await say('action add kinship-strategy "x" due the twelfth of never');
    expect(unread).toContain('is not a date phrase');
    // The examples offered are dated after today (24 November 2026 here), not in 2023.
    expect(unread).toContain('"11 May 2027", "September 2027", "spring 2027", "end of 2028", "in six months"');
    expect(await say('action add nope "x"')).toContain('No milestone or action "nope"');
  });

  it('revise re-baselines locally: the stated date stays, the revised one drives status, the slip shows', async () => {
    const { say } = testBot(undefined, '2027-12-20T10:00:00Z');
    expect(await say('status multi-agency-cp')).toContain('[due soon]');
    expect(await say('revise multi-agency-cp spring 2028 because ICB data sharing is late', 'bob')).toContain('multi-agency-cp now due spring 2028');
    const out = await say('status multi-agency-cp');
    expect(out).toContain('due: by end of 2027, revised to spring 2028');
    expect(out).toContain('[upcoming]');
    expect(out).toContain('slipped: by end of 2027 → spring 2028: ICB data sharing is late (by @bob)');
    expect(await say('revise multi-agency-cp never because reasons')).toContain('is not a date phrase');
    // A date moved earlier is brought forward, not a slip.
    await say('revise multi-agency-cp 31 January 2028 because data sharing agreed early', 'bob');
    const earlier = await say('status multi-agency-cp');
    expect(earlier).toContain('brought forward: spring 2028 → 31 January 2028: data sharing agreed early (by @bob)');
    expect(earlier).toContain('slipped: by end of 2027 → spring 2028');
    expect(await say('revise multi-agency-cp spring 2028')).toContain('revise <id> <due phrase> because <reason>');
  });

  it('the same owner, rating or deadline again changes nothing, and leaves nothing in the history or the digest', async () => {
    const { say, store } = testBot();
    await say('assign multi-agency-cp @alice');
    await say('rag multi-agency-cp red');
    const before = JSON.stringify(await store.read());
    expect(await say('assign multi-agency-cp @alice')).toContain('multi-agency-cp is already owned by @alice');
    expect(await say('rag multi-agency-cp RED')).toContain('multi-agency-cp is already rated red');
    expect(await say('revise multi-agency-cp 31 December 2027 because the date stands')).toContain('multi-agency-cp is already due 31 December 2027: nothing changed');
    expect(JSON.stringify(await store.read())).toBe(before);
    // The same rating with a note adds the note alone.
    expect(await say('rag multi-agency-cp red still waiting on the DfE')).toContain('multi-agency-cp is still rated red; note added');
    const audit = (await store.read()).audit.map((e) => e.change);
    expect(audit).toEqual(['owner', 'RAG', 'note']);
    expect(await say('digest')).not.toContain('red → red');
  });

  it('history lists who changed what, newest first, in London time', async () => {
    const { say, setNow } = testBot(undefined, '2026-07-01T08:05:00Z');
    await say('assign kinship-strategy @alice', 'bob');
    setNow('2026-07-02T09:00:00Z');
    await say('rag kinship-strategy green', 'carol');
    const out = await say('history kinship-strategy');
    expect(out).toContain('History of kinship-strategy (2 changes)');
    const first = out.indexOf('2 July 2026, 10:00 — @carol RAG: none → green');
    const second = out.indexOf('1 July 2026, 09:05 — @bob owner: nobody → @alice');
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
  });

  it('one word without @ is taken as a post, and the reply says how to name the person instead', async () => {
    const { say } = testBot();
    expect(await say('assign kinship-training bob')).toContain('Taken as a post title. To name a person, type assign kinship-training @bob.');
    expect(await say('assign kinship-training "Head of Service"')).not.toContain('Taken as a post title');
    expect(await say('assign kinship-training @bob')).not.toContain('Taken as a post title');
  });

  it('a post typed as the store writes its id (role:…) is that post, not a title starting "role:"', async () => {
    const { say, store } = testBot();
    await say('assign kinship-training role:Head of Kinship Services');
    expect((await store.read())!.items['kinship-training']!.owner).toEqual({ id: 'role:head of kinship services', name: 'Head of Kinship Services' });
    expect(await say('status kinship-training')).toContain('owner: Head of Kinship Services');
    // Nothing after it is not a post; "me" after it is a post of that name, not the caller.
    expect(await say('assign kinship-strategy role:')).toContain('Usage: assign');
    await say('assign kinship-allowance role:me');
    expect((await store.read())!.items['kinship-allowance']!.owner?.id).toBe('role:me');
  });

  it('bad input gets the usage or a suggestion and changes nothing', async () => {
    const { say, store } = testBot();
    const before = JSON.stringify(await store.read());
    expect(await say('assign kinship-stratgy @alice')).toContain('Did you mean kinship-strategy?');
    const usage = await say('assign');
    expect(usage).toContain('Usage: assign <id>');
    expect(usage.split('Usage: ')).toHaveLength(2);
    expect(await say('snooze kinship-strategy 400')).toContain('"400" is not a number of days from 1 to 90');
    expect(await say('snooze kinship-strategy soon')).toContain('"soon" is not a number of days from 1 to 90');
    expect(await say('rag kinship-strategy purple')).toContain('use red, amber or green');
    expect(await say('note kinship-strategy')).toContain('Usage: note <id> <text>');
    expect(await say(`assign kinship-strategy "${'x'.repeat(500)}"`)).toContain('a post title of at most 120 characters');
    expect(await say('assign kinship-training @')).toContain('Name one owner: a person (@name), a post title');
    // Two people are not one owner, and are not a post called "@bob @carol".
    expect(await say('assign kinship-training @bob @carol')).toContain('Name one owner: a person (@name), a post title');
    expect(await say('assign kinship-training <@slack:U1|bob> and <@slack:U2|carol>')).toContain('Name one owner');
    // kinship-strategy is done (the file records its completion): no reminders, so nothing to snooze.
    expect(await say('snooze kinship-strategy')).toContain('kinship-strategy is done: it gets no reminders to snooze');
    expect(await say('help foo')).toContain('There is no command "foo". These are the commands:');
    expect(await say('next 1000')).toContain('Usage: next [how many, 1 to 50, default 5]');
    expect(JSON.stringify(await store.read())).toBe(before);
  });
});

describe('who may change things', () => {
  const editors = ['console:editor'];

  it('refuses a non-editor, says who may, and changes nothing; anyone may query', async () => {
    const { say, store } = testBot(undefined, undefined, { editors });
    const before = JSON.stringify(await store.read());
    for (const command of ['assign kinship-strategy @mallory', 'rag kinship-strategy red', 'note kinship-strategy hi', 'done multi-agency-cp', 'reopen kinship-strategy', 'unassign kinship-strategy', 'revise multi-agency-cp 2028 because no', 'action add kinship-strategy "x"']) {
      const out = await say(command, 'mallory');
      expect(out, command).toContain("You can't change");
      expect(out, command).toContain('Only the editors (set in REFORM_EDITORS: console:editor)');
    }
    expect(JSON.stringify(await store.read())).toBe(before);
    expect(await say('status kinship', 'mallory')).toContain('kinship-strategy');
  });

  it('lets editors change anything and owners update their own items and add actions under them', async () => {
    const { say } = testBot(undefined, undefined, { editors });
    expect(await say('assign multi-agency-cp @olive', 'editor')).toContain('now owned by @olive');
    expect(await say('rag multi-agency-cp green', 'olive')).toContain('rated green');
    expect(await say('action add multi-agency-cp "Agree ICB data sharing" owner @olive', 'olive')).toContain('multi-agency-cp/1');
    expect(await say('done multi-agency-cp/1', 'olive')).toContain('is done');
    expect(await say('rag phase-1-end red', 'olive')).toContain("You can't change phase-1-end");
  });
});
