// The escalation ladder with a fake clock: overdue nudge, then the lead, then leadership, each once at 09:00
// London on a working day; stopped by an acknowledgement, restarted by a revised deadline, caught up after downtime.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../adapters/store/memory.js';
import { silentLogger, type Chat, type Destination, type Store } from '../src/ports.js';
import type { Programme } from '../src/programme/model.js';
import type { Reply } from '../src/replies/model.js';
import { renderPlain } from '../src/replies/plain.js';
import { formatDelivery, tick, type TickReport } from '../src/schedule/tick.js';
import { at, programmeFrom, testBot } from './helpers.js';

// Deadline Thursday 28 March 2024: Good Friday, the weekend and Easter Monday put the overdue nudge on Tuesday
// 2 April; three working days on is Friday 5 April; ten is Tuesday 16 April.
const FILE = `programme: Ladder test
reminders:
  days_before: []
leads:
  agency: console:lena
milestones:
  - id: agency-thing
    title: Agency rules in force
    due: 28 March 2024
    themes: [agency]
  - id: data-thing
    title: Data returns agreed
    due: 28 March 2024
    themes: [data]
`;

interface Sent {
  at: string;
  to: string;
  key: string;
  text: string;
}

function recordingChat(nowOf: () => DateTime): Chat & { log: Sent[] } {
  const log: Sent[] = [];
  return {
    platform: 'console',
    log,
    async send(to: Destination, message: Reply, meta: { key: string }) {
      log.push({ at: nowOf().setZone('Europe/London').toFormat('ccc d LLL yyyy HH:mm'), to: to.channel, key: meta.key, text: renderPlain(message) });
      return { ok: true };
    },
    directDestination: (identity) => (identity.startsWith('console:') ? { platform: 'console', channel: `dm-${identity}` } : undefined),
  };
}

async function setUp(programme: Programme, editors?: string[]) {
  const store: Store = memoryStore();
  const people = testBot(programme, '2024-03-01T12:00:00Z', { store, editors });
  let now = at('2024-03-01T12:00:00Z');
  const chat = recordingChat(() => now);
  const as = (user: string, text: string, channel = 'reform') =>
    people.bot.handle({ text, user: { id: `console:${user}`, name: user }, platform: 'console', channel }).then(renderPlain);
  await as('clerk', 'subscribe reminders', 'reminders');
  await as('clerk', 'subscribe escalations', 'board');
  await as('clerk', 'assign agency-thing @olly'.replace('@olly', '<@console:olly|olly>'));
  const run = (iso: string): Promise<TickReport> => {
    now = at(iso);
    people.setNow(iso);
    return tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 't' }, now);
  };
  /** Ticks at 08:59, 09:00 twice and 13:30 London on every day from `from` to `to`. */
  const days = async (from: string, to: string) => {
    for (let day = DateTime.fromISO(from, { zone: 'Europe/London' }); day.toISODate()! <= to; day = day.plus({ days: 1 })) {
      for (const time of [{ hour: 8, minute: 59 }, { hour: 9, minute: 0 }, { hour: 9, minute: 0 }, { hour: 13, minute: 30 }]) await run(day.set(time).toISO()!);
    }
  };
  const sent = (item: string) => chat.log.filter((s) => s.key.includes(`|${item}|`)).map((s) => `${s.at} ${s.to} ${s.key.split('|').at(-1)}`);
  return { store, chat, as, run, days, sent, setNow: (iso: string) => { now = at(iso); people.setNow(iso); } };
}

describe('escalation ladder', () => {
  const programme = programmeFrom(FILE);

  it('climbs once a step at 09:00 London on working days, across Easter: owner\'s channel, the lead directly, then leadership', async () => {
    const h = await setUp(programme);
    await h.days('2024-03-25', '2024-04-30');
    expect(h.sent('agency-thing')).toEqual([
      'Tue 2 Apr 2024 09:00 reminders overdue@2024-03-28',
      'Fri 5 Apr 2024 09:00 dm-console:lena escalation-2@2024-03-28',
      'Tue 16 Apr 2024 09:00 board escalation-3@2024-03-28',
    ]);
    const [, toLead, toBoard] = h.chat.log.filter((s) => s.key.includes('|agency-thing|'));
    expect(toLead!.text).toContain('Escalated to its lead: agency-thing is overdue by 8 days');
    expect(toLead!.text).toContain('Owner: @olly');
    expect(toLead!.text).toContain('If nobody does by 16 April 2024, it goes to the leadership channel.');
    expect(toLead!.text).toContain('[Acknowledge: ack agency-thing]');
    expect(toBoard!.text).toContain('Escalated to leadership: agency-thing is overdue by 19 days');
    expect(toBoard!.text).toContain('Owner: @olly');
    expect(toBoard!.text).toContain('Lead: @lena');
    expect(toBoard!.text).toContain('[Acknowledge: ack agency-thing]');
    // The overdue nudge carries the button too.
    expect(h.chat.log[0]!.text).toContain('[Acknowledge: ack agency-thing]');
  });

  it('skips step 2 for an item without a lead, and says so in step 3', async () => {
    const h = await setUp(programme);
    await h.days('2024-03-25', '2024-04-30');
    expect(h.sent('data-thing')).toEqual(['Tue 2 Apr 2024 09:00 reminders overdue@2024-03-28', 'Tue 16 Apr 2024 09:00 board escalation-3@2024-03-28']);
    const step3 = h.chat.log.find((s) => s.key.endsWith('|data-thing|escalation-3@2024-03-28'))!;
    expect(step3.text).toContain('Owner: nobody');
    expect(step3.text).toContain('No lead is named for data, so this did not go to a lead first (lead data @name names one).');
  });

  it('stops once acknowledged: by the lead, the owner or an editor; anyone else is refused; status says who and when', async () => {
    const h = await setUp(programme, ['console:clerk']);
    await h.days('2024-03-25', '2024-04-08');
    h.setNow('2024-04-08T11:00:00Z');
    expect(await h.as('mallory', 'ack agency-thing')).toContain("You can't acknowledge agency-thing");
    expect(await h.as('lena', 'ack data-thing')).toContain("You can't acknowledge data-thing");
    const ack = await h.as('lena', 'ack agency-thing new provider starts in May');
    expect(ack).toContain('agency-thing: overdue, acknowledged by @lena');
    expect(ack).toContain('It will not be escalated further for this deadline.');
    expect(await h.as('olly', 'ack agency-thing')).toContain('already acknowledged by @lena on 8 April 2024');
    expect(await h.as('clerk', 'ack data-thing')).toContain('data-thing: overdue, acknowledged by @clerk');
    await h.days('2024-04-09', '2024-05-31');
    expect(h.sent('agency-thing').map((s) => s.split(' ').at(-1))).toEqual(['overdue@2024-03-28', 'escalation-2@2024-03-28']);
    expect(h.sent('data-thing').map((s) => s.split(' ').at(-1))).toEqual(['overdue@2024-03-28']);
    h.setNow('2024-05-31T11:00:00Z');
    expect(await h.as('olly', 'status agency-thing')).toContain('escalation: acknowledged by @lena on 8 April 2024: new provider starts in May');
    expect(await h.as('olly', 'history agency-thing')).toContain('acknowledged: overdue since 28 March 2024: new provider starts in May');
  });

  it('done stops the ladder: no step waits or goes after it', async () => {
    const h = await setUp(programme);
    await h.days('2024-03-25', '2024-04-05');
    h.setNow('2024-04-05T12:00:00Z');
    await h.as('olly', 'done agency-thing');
    await h.days('2024-04-06', '2024-05-31');
    expect(h.sent('agency-thing').map((s) => s.split(' ').at(-1))).toEqual(['overdue@2024-03-28', 'escalation-2@2024-03-28']);
  });

  it('supersede stops the ladder, as done does: no step waits or goes after it', async () => {
    const h = await setUp(programme);
    await h.days('2024-03-25', '2024-04-05');
    h.setNow('2024-04-05T12:00:00Z');
    await h.as('olly', 'supersede agency-thing by the new rules because the old plan was dropped');
    await h.days('2024-04-06', '2024-05-31');
    expect(h.sent('agency-thing').map((s) => s.split(' ').at(-1))).toEqual(['overdue@2024-03-28', 'escalation-2@2024-03-28']);
  });

  it('an item not overdue, or done, has nothing to acknowledge', async () => {
    const h = await setUp(programme);
    h.setNow('2024-03-20T10:00:00Z');
    expect(await h.as('olly', 'ack agency-thing')).toContain('agency-thing is not overdue');
    h.setNow('2024-04-03T10:00:00Z');
    await h.as('olly', 'done agency-thing');
    expect(await h.as('olly', 'ack agency-thing')).toContain('agency-thing is done');
  });

  it('a revised deadline that passes starts a new ladder, even after an acknowledgement of the old one', async () => {
    const h = await setUp(programme);
    await h.days('2024-03-25', '2024-04-03');
    h.setNow('2024-04-03T11:00:00Z');
    await h.as('olly', 'ack agency-thing');
    h.setNow('2024-04-04T11:00:00Z');
    // Tuesday 30 April: overdue Wednesday 1 May; the May Day bank holiday (6 May) puts step 2 on Tuesday 7 May
    // and step 3 on Thursday 16 May.
    await h.as('olly', 'revise agency-thing 30 April 2024 because the provider was late');
    expect(await h.as('olly', 'status agency-thing')).not.toContain('acknowledged by');
    await h.days('2024-04-04', '2024-05-31');
    expect(h.sent('agency-thing')).toEqual([
      'Tue 2 Apr 2024 09:00 reminders overdue@2024-03-28',
      'Wed 1 May 2024 09:00 reminders overdue@2024-04-30',
      'Tue 7 May 2024 09:00 dm-console:lena escalation-2@2024-04-30',
      'Thu 16 May 2024 09:00 board escalation-3@2024-04-30',
    ]);
  });

  it('after downtime sends only the highest step due, late and saying so; the lower ones are recorded as replaced', async () => {
    const h = await setUp(programme);
    // Down from before the deadline until after step 3 fell due.
    const report = await h.run('2024-04-17T10:00:00Z');
    expect(report.sent.map(formatDelivery)).toEqual([
      'escalation-3 console:board agency-thing escalation-3@2024-03-28 (late)',
      'escalation-3 console:board data-thing escalation-3@2024-03-28 (late)',
    ]);
    expect(h.chat.log[0]!.text).toContain('Sent late: this was due on 16 April 2024 at 09:00.');
    const ledger = Object.values((await h.store.read()).ledger);
    expect(ledger.filter((e) => e.item === 'agency-thing').map((e) => [e.kind, e.state]).sort()).toEqual([['escalation-3', 'sent'], ['overdue', 'superseded']]);
    await h.days('2024-04-17', '2024-05-10');
    expect(h.chat.log).toHaveLength(2);
  });

  it('after downtime between steps sends step 2 once, and step 3 on its day', async () => {
    const h = await setUp(programme);
    // data-thing has no lead: its overdue nudge is the highest step due.
    expect((await h.run('2024-04-09T10:00:00Z')).sent.map(formatDelivery)).toEqual([
      'overdue console:reminders data-thing overdue@2024-03-28 (late)',
      'escalation-2 console:dm-console:lena agency-thing escalation-2@2024-03-28 (late)',
    ]);
    await h.days('2024-04-09', '2024-04-30');
    expect(h.sent('agency-thing')).toEqual(['Tue 9 Apr 2024 11:00 dm-console:lena escalation-2@2024-03-28', 'Tue 16 Apr 2024 09:00 board escalation-3@2024-03-28']);
  });

  it('a lead that is a post title hears in the reminders channels; an action escalates to its milestone\'s owner', async () => {
    const file = FILE.replace('agency: console:lena', "agency: Director of Children's Services");
    const h = await setUp(programmeFrom(file));
    h.setNow('2024-03-02T10:00:00Z');
    await h.as('clerk', 'action add data-thing "Chase the returns" due 28 March 2024');
    await h.as('clerk', 'assign data-thing/1 <@console:olly|olly>');
    await h.as('clerk', 'assign data-thing <@console:dee|dee>');
    await h.days('2024-04-01', '2024-04-05');
    expect(h.sent('agency-thing')).toEqual(['Tue 2 Apr 2024 09:00 reminders overdue@2024-03-28', 'Fri 5 Apr 2024 09:00 reminders escalation-2@2024-03-28']);
    expect(h.chat.log.find((s) => s.key.endsWith('agency-thing|escalation-2@2024-03-28'))!.text).toContain("Lead: Director of Children's Services");
    expect(h.sent('data-thing/1')).toEqual(['Tue 2 Apr 2024 09:00 dm-console:olly overdue@2024-03-28', 'Fri 5 Apr 2024 09:00 dm-console:dee escalation-2@2024-03-28']);
  });

  it('the digest opens with what is escalated and not acknowledged', async () => {
    const h = await setUp(programme);
    await h.days('2024-03-25', '2024-04-16');
    h.setNow('2024-04-16T12:00:00Z');
    await h.as('olly', 'ack agency-thing');
    const digest = await h.as('clerk', 'digest');
    const sections = digest.split('\n\n');
    expect(sections[1]).toMatch(/^Escalated and not acknowledged \(1\)\n {2}data-thing/);
    expect(sections[1]).toContain('escalated: to leadership on 16 April 2024, not acknowledged');
    expect(sections[1]).not.toContain('agency-thing');
    expect(digest).toContain('escalation: acknowledged by @olly on 16 April 2024');
  });
});

describe('theme leads', () => {
  it('lead, lead <theme>, leads and unlead: editors only, recorded and shown with their history', async () => {
    const t = testBot(undefined, '2026-11-24T10:00:00Z', { editors: ['console:clerk'] });
    expect(await t.say('lead kinship <@console:bob|bob>', 'mallory')).toContain('Only the editors can name leads');
    expect(await t.say('lead kinshp <@console:bob|bob>', 'clerk')).toContain('No theme "kinshp"\n\nDid you mean kinship?');
    expect(await t.say('lead kinship <@console:bob|bob>', 'clerk')).toMatch(/^@bob now leads kinship/);
    expect(await t.say('lead kinship Director of Children\'s Services', 'clerk')).toContain("Director of Children's Services now leads kinship");
    const shown = await t.say('lead kinship', 'mallory');
    expect(shown).toMatch(/^Director of Children's Services leads kinship/);
    expect(shown).toContain("— @clerk lead: @bob → Director of Children's Services");
    expect(shown).toContain('— @clerk lead: nobody → @bob');
    expect(await t.say('leads', 'mallory')).toContain("kinship → Director of Children's Services");
    expect(await t.say('unlead kinship', 'mallory')).toContain('Only the editors can name leads');
    expect(await t.say('unlead kinship', 'clerk')).toContain("Nobody leads kinship now (was Director of Children's Services)");
    expect(await t.say('lead kinship', 'clerk')).toContain('Nobody leads kinship');
    expect((await t.store.read()).audit.filter((e) => e.item === 'lead:kinship')).toHaveLength(3);
  });

  it('the programme file sets default leads; `lead` overrides one, `unlead` returns to it', async () => {
    const t = testBot(programmeFrom(FILE.replace('agency: console:lena', "agency: console:lena\n  data: Head of Performance")), '2024-03-01T12:00:00Z');
    expect(await t.say('leads')).toContain('agency → @lena (programme file)');
    expect(await t.say('leads')).toContain('data → Head of Performance (programme file)');
    expect(await t.say('unlead data')).toContain('Head of Performance leads data in the programme file');
    await t.say('lead data me');
    expect(await t.say('lead data')).toMatch(/^@alice leads data/);
    expect(await t.say('unlead data')).toContain('Head of Performance leads data again, as the programme file sets');
  });

  it('a programme file that names a lead for a theme no milestone has, or a bad ladder, is refused with the line', async () => {
    const bad = (text: string) => {
      try {
        programmeFrom(text);
        return '';
      } catch (error) {
        return String(error);
      }
    };
    expect(bad(FILE.replace('agency: console:lena', 'agencies: console:lena'))).toContain('5: leads.agencies: no milestone has the theme "agencies" (themes: agency, data)');
    expect(bad(FILE.replace('leads:', 'escalation:\n  lead_after: 5\n  leadership_after: 4\nleads:'))).toContain('escalation.leadership_after: leadership_after must be more working days than lead_after');
    const custom = programmeFrom(FILE.replace('leads:', 'escalation:\n  lead_after: 1\n  leadership_after: 2\nleads:'));
    expect(custom.escalation).toEqual({ lead_after: 1, leadership_after: 2 });
  });

  it('the programme file can shorten the ladder', async () => {
    const h = await setUp(programmeFrom(FILE.replace('leads:', 'escalation:\n  lead_after: 1\n  leadership_after: 2\nleads:')));
    await h.days('2024-03-25', '2024-04-10');
    expect(h.sent('agency-thing')).toEqual([
      'Tue 2 Apr 2024 09:00 reminders overdue@2024-03-28',
      'Wed 3 Apr 2024 09:00 dm-console:lena escalation-2@2024-03-28',
      'Thu 4 Apr 2024 09:00 board escalation-3@2024-03-28',
    ]);
  });
});

describe('an action with no lead', () => {
  it('goes from its overdue nudge straight to leadership, saying its milestone has no other owner', async () => {
    const h = await setUp(programmeFrom(FILE));
    h.setNow('2024-03-02T10:00:00Z');
    await h.as('clerk', 'action add data-thing "Chase the returns" due 28 March 2024 owner <@console:olly|olly>');
    await h.days('2024-04-01', '2024-04-16');
    expect(h.sent('data-thing/1')).toEqual(['Tue 2 Apr 2024 09:00 dm-console:olly overdue@2024-03-28', 'Tue 16 Apr 2024 09:00 board escalation-3@2024-03-28']);
    expect(h.chat.log.find((s) => s.key.endsWith('|data-thing/1|escalation-3@2024-03-28'))!.text).toContain('No lead: nobody other than its owner owns its milestone data-thing');
  });
});
