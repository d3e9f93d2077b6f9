// The committee pack read back by independent readers: exceljs for the workbook, jszip for the Word file's XML,
// ical.js (Thunderbird's parser) for the calendar, the PNG's own header and the SVG it was drawn from. Each is
// checked against the programme and the store: every milestone and action, with its deadline, status and owner.
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPack, type PackFile } from '../adapters/report/pack.js';
import { csvField, writeCsv } from '../adapters/report/csv.js';
import { DEADLINE_MARK, STATUS_COLOURS, timelineSvg } from '../adapters/report/timeline.js';
import { formatDay } from '../src/programme/model.js';
import { digestMessage } from '../src/schedule/messages.js';
import { buildReport, MAX_TIMELINE_ROWS, type ReportModel, type ReportRow } from '../src/report/model.js';
import { emptyState } from '../src/tracking/state.js';
import { at, defaultProgramme, programmeFrom, testBot, type TestBot } from './helpers.js';

const NOW = '2026-12-07T10:00:00Z';

async function trackedBot(): Promise<TestBot> {
  const t = testBot(defaultProgramme(), '2026-11-20T10:00:00Z');
  for (const line of [
    'assign kinship-strategy @bob',
    'rag early-career-framework red slipping: waiting on "the DfE", again',
    'assign early-career-framework "Service Director, Family Support"',
    'revise early-career-framework 31 March 2027 because the DfE moved it',
    'action add early-career-framework "Brief members, then cabinet" due 31 January 2027 owner @carol',
    'action add early-career-framework "Write the local plan"',
    'rag kinship-strategy green',
    'done multi-agency-cp pilots running',
  ]) {
    const answer = await t.say(line);
    expect(answer, line).not.toMatch(/^Sorry|not allowed|did you mean/i);
  }
  t.setNow(NOW);
  return t;
}

let t: TestBot;
let model: ReportModel;
let files: Map<string, PackFile>;
const rows = (): ReportRow[] => [...model.milestones, ...model.actions];

beforeAll(async () => {
  t = await trackedBot();
  model = buildReport(t.bot.programme, await t.store.read(), at(NOW));
  files = new Map((await buildPack(model)).map((f) => [f.format, f]));
}, 60_000);

describe('the report model', () => {
  it('has every milestone and action, with the store tracking merged in', () => {
    expect(model.milestones.map((m) => m.id)).toEqual(t.bot.programme.milestones.map((m) => m.id));
    expect(model.actions.map((a) => a.id).sort()).toEqual(['early-career-framework/1', 'early-career-framework/2']);
    const phase = model.milestones.find((m) => m.id === 'early-career-framework')!;
    expect(phase).toMatchObject({ owner: 'Service Director, Family Support', rag: 'red', deadlineDay: '2027-03-31', status: 'upcoming' });
    expect(phase.revisions.at(-1)).toMatchObject({ day: '2027-03-31', reason: 'the DfE moved it' });
    expect(model.milestones.find((m) => m.id === 'multi-agency-cp')!.status).toBe('done');
  });

  it('lists an action without a deadline as undated, and leaves it out of the calendar and the picture', () => {
    // The programme file's undated milestones, then the action added without a deadline.
    expect(model.undated.map((r) => r.id)).toEqual([...t.bot.programme.milestones.filter((m) => m.undated).map((m) => m.id), 'early-career-framework/2']);
    expect(model.timeline.rows.map((r) => r.id).sort()).toEqual(model.milestones.filter((m) => m.deadlineDay && m.standing !== 'undated').map((m) => m.id).sort());
    expect(model.timeline.undated.map((u) => u.id)).toEqual(t.bot.programme.milestones.filter((m) => m.undated).map((m) => m.id));
  });

  it('gives the digest the same timeline as the report, named by its instant so it is drawn once', async () => {
    const digest = digestMessage(t.bot.programme, await t.store.read(), at(NOW), undefined);
    expect(digest.picture?.timeline).toEqual(model.timeline);
    expect(digest.picture?.key).toBe(`timeline@${at(NOW).toUTC().toISO()}`);
  });

  it('lists the changes since --since, and none before it', async () => {
    const state = await t.store.read();
    const all = buildReport(t.bot.programme, state, at(NOW), { since: at('2026-11-01T00:00:00Z') });
    expect(all.changes.length).toBeGreaterThanOrEqual(8);
    const none = buildReport(t.bot.programme, state, at(NOW), { since: at('2026-12-01T00:00:00Z') });
    expect(none.changes).toEqual([]);
  });
});

describe('the workbook', () => {
  let book: ExcelJS.Workbook;
  beforeAll(async () => {
    book = new ExcelJS.Workbook();
    await book.xlsx.load(files.get('xlsx')!.data as unknown as ArrayBuffer);
  });

  it('has milestone, action and change sheets, each with a frozen, filtered header row', () => {
    expect(book.worksheets.map((w) => w.name)).toEqual(['Milestones', 'Actions', 'Changes']);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.autoFilter).toBeTruthy();
    }
    expect(book.getWorksheet('Changes')!.rowCount - 1).toBe(model.changes.length);
  });

  it('has a row for every milestone and action with its deadline as a real date, status, owner and RAG fill', () => {
    for (const [name, expected] of [['Milestones', model.milestones], ['Actions', model.actions]] as const) {
      const sheet = book.getWorksheet(name)!;
      const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      const col = (h: string) => headers.indexOf(h) + 1;
      expect(sheet.rowCount - 1).toBe(expected.length);
      expected.forEach((r, i) => {
        const row = sheet.getRow(i + 2);
        expect(row.getCell(col('Id')).value).toBe(r.id);
        const stated = row.getCell(col('Stated deadline')).value;
        if (r.statedDay) expect((stated as Date).toISOString().slice(0, 10)).toBe(r.statedDay);
        else expect(stated).toBeNull();
        const revised = row.getCell(col('Revised deadline')).value;
        if (r.revisions.length) expect((revised as Date).toISOString().slice(0, 10)).toBe(r.deadlineDay);
        expect(row.getCell(col('Status')).value).toContain(r.statusLabel);
        expect(row.getCell(col('Owner')).value ?? undefined).toBe(r.owner);
        const rag = row.getCell(col('RAG'));
        expect(rag.value ?? undefined).toBe(r.rag);
        const fill = rag.fill as { fgColor?: { argb?: string } } | undefined;
        expect(fill?.fgColor?.argb).toBe(r.rag ? { red: 'FFF4B6B6', amber: 'FFFFD98C', green: 'FFB7E1B0' }[r.rag] : undefined);
      });
    }
  });
});

describe('the CSV', () => {
  const text = () => files.get('csv')!.data.toString('utf8');

  it('opens in Excel on Windows: a byte-order mark, CRLF line ends, RFC 4180 quoting', () => {
    const csv = text();
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n](?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"Brief members, then cabinet"');
    expect(csvField('say "no", twice')).toBe('"say ""no"", twice"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('has one row per milestone and action, read back by an independent CSV reader', async () => {
    const book = new ExcelJS.Workbook();
    const { Readable } = await import('node:stream');
    const sheet = await book.csv.read(Readable.from([writeCsv(model).slice(1)]));
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    expect(sheet.rowCount - 1).toBe(rows().length);
    rows().forEach((r, i) => {
      const row = sheet.getRow(i + 2);
      const cell = (h: string) => row.getCell(headers.indexOf(h) + 1).text;
      expect(cell('Id')).toBe(r.id);
      expect(cell('Title')).toBe(r.title);
      expect(cell('Owner')).toBe(r.owner ?? '');
      expect(cell('Status')).toContain(r.statusLabel);
    });
  });
});

describe('the Word report', () => {
  let xml: string;
  let zip: JSZip;
  beforeAll(async () => {
    zip = await JSZip.loadAsync(files.get('docx')!.data);
    xml = await zip.file('word/document.xml')!.async('string');
  });
  const plain = () => xml.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&apos;/g, "'");

  it('is A4 landscape, and repeats each table header on every page', () => {
    expect(xml).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
    const tables = xml.match(/<w:tbl>/g)?.length ?? 0;
    expect(tables).toBeGreaterThan(model.themes.length);
    expect(xml.match(/<w:tblHeader\/>/g)?.length).toBe(tables);
  });

  it('has every milestone and action with its deadline, status and owner, and the sections a committee expects', () => {
    const body = plain();
    for (const r of rows()) {
      expect(body).toContain(r.id);
      expect(body).toContain(r.title);
      if (r.deadlineDay) expect(body).toContain(formatDay(r.deadlineDay, model.zone));
      if (r.owner) expect(body).toContain(r.owner);
    }
    for (const heading of ['1. Summary', '2. Timeline', '3. Progress by theme', '4. Overdue', `5. Changes since ${model.since.text}`, '6. Undated and superseded commitments', '7. Sources']) {
      expect(body).toContain(heading);
    }
    for (const s of model.sources) expect(body).toContain(s.name);
    expect(body).toContain('the DfE moved it');
  });

  it('carries the timeline picture with its alt text', async () => {
    const media = Object.keys(zip.files).filter((n) => n.startsWith('word/media/'));
    expect(media).toHaveLength(1);
    const png = await zip.file(media[0]!)!.async('nodebuffer');
    expect(png.equals(files.get('png')!.data)).toBe(true);
    expect(xml).toContain(`descr="${model.timeline.alt.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
  });
});

describe('the calendar', () => {
  const parse = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));

  it('keeps the RFC 5545 rules calendars are strict about: CRLF, lines of at most 75 octets, DTSTAMP', () => {
    const text = files.get('ics')!.data.toString('utf8');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const events = text.split('BEGIN:VEVENT').length - 1;
    expect(text.match(/^DTSTAMP:\d{8}T\d{6}Z$/gm)?.length).toBe(events);
    expect(text.match(/^DTSTART;VALUE=DATE:\d{8}$/gm)?.length).toBe(events);
  });

  it('has an all-day event per dated milestone and action, on its deadline day, with status, owner and RAG', () => {
    const events = parse(files.get('ics')!.data.toString('utf8'));
    const dated = rows().filter((r) => r.deadlineDay);
    expect(events.map((e) => e.uid).sort()).toEqual(dated.map((r) => `${r.id.replace('/', '.')}@reform-bot`).sort());
    for (const r of dated) {
      const e = events.find((x) => x.uid === `${r.id.replace('/', '.')}@reform-bot`)!;
      expect(e.startDate.isDate).toBe(true);
      expect(e.startDate.toString()).toBe(r.deadlineDay);
      expect(e.description).toContain(`Status: ${r.statusLabel}`);
      expect(e.description).toContain(`Owner: ${r.owner ?? 'nobody'}`);
      expect(e.description).toContain(`RAG: ${r.rag ?? 'not rated'}`);
      expect(e.component.getFirstPropertyValue('status')).toBe(r.status === 'done' || r.status === 'superseded' ? 'CANCELLED' : 'CONFIRMED');
    }
  });

  it('keeps UIDs across runs and raises SEQUENCE when an item is revised', async () => {
    const ics = async (): Promise<Map<string, number>> => {
      const m = buildReport(t.bot.programme, await t.store.read(), at(NOW));
      const [file] = await buildPack(m, ['ics']);
      return new Map(parse(file!.data.toString('utf8')).map((e) => [e.uid, e.sequence]));
    };
    const before = await ics();
    expect(before).toEqual(await ics());
    expect(await t.say('revise kinship-training 30 June 2027 because the offer was re-scoped')).not.toMatch(/^Sorry/);
    const after = await ics();
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect(after.get('kinship-training@reform-bot')).toBe(before.get('kinship-training@reform-bot')! + 1);
    expect(after.get('kinship-strategy@reform-bot')).toBe(before.get('kinship-strategy@reform-bot'));
  });
});

describe('the timeline picture', () => {
  it('is a PNG 1,600 pixels wide, of the height the picture needs', () => {
    const png = files.get('png')!.data;
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1600);
    const height = png.readUInt32BE(20);
    expect(height).toBeGreaterThan(model.timeline.rows.length * 20);
    expect(files.get('png')!.alt).toBe(model.timeline.alt);
  });

  it('draws one marker per dated milestone, coloured by its status, and none for the undated', async () => {
    const svg = await timelineSvg(model.timeline);
    const groups = [...svg.matchAll(new RegExp(`<g class="mark-symbol role-mark ${DEADLINE_MARK}_marks"[^>]*>(.*?)</g>`, 'gs'))].map((m) => m[1]!);
    const markers = groups.flatMap((g) => [...g.matchAll(/<path aria-label="([^"]*)"[^>]*fill="([^"]*)"/g)]).map((m) => ({ label: m[1]!, fill: m[2]! }));
    expect(markers).toHaveLength(model.timeline.rows.length);
    for (const r of model.timeline.rows) {
      const mine = markers.filter((m) => m.label.includes(`label: ${r.id}:`));
      expect(mine, r.id).toHaveLength(1);
      expect(mine[0]!.fill).toBe(STATUS_COLOURS[r.status]);
    }
    expect(markers.some((m) => m.label.includes('early-career-framework/2'))).toBe(false);
  });

  it('plots at most 120 milestones of a large programme, the open ones first, and says how many more the tables hold', async () => {
    const lines = ['programme: Large', 'milestones:'];
    for (let i = 0; i < 300; i++) lines.push(`  - id: m-${i}`, `    title: Milestone ${i}`, `    due: ${at(NOW).plus({ days: i * 3 - 200 }).toISODate()}`, `    themes: [t${i % 5}]`);
    const large = buildReport(programmeFrom(lines.join('\n')), emptyState(), at(NOW));
    expect(large.timeline.rows).toHaveLength(MAX_TIMELINE_ROWS);
    expect(large.timeline.notShown).toBe(300 - MAX_TIMELINE_ROWS);
    expect(large.timeline.rows.every((r) => r.status !== 'done')).toBe(true);
    expect(large.timeline.alt).toContain(`${300 - MAX_TIMELINE_ROWS} more dated milestones are not plotted`);
    const [png] = await buildPack(large, ['png']);
    expect(png!.data.readUInt32BE(16)).toBe(1600);
    expect(png!.data.readUInt32BE(20)).toBeLessThan(4000);
  }, 60_000);

  it('says the same in words', () => {
    const overdue = model.timeline.rows.filter((r) => r.status === 'overdue').map((r) => r.id);
    expect(overdue.length).toBeGreaterThan(0);
    expect(model.timeline.alt).toContain(`${overdue.length} overdue`);
    for (const id of overdue) expect(model.timeline.alt).toContain(id);
    expect(model.timeline.alt).toContain(`${model.timeline.rows.length} dated milestones`);
  });
});
