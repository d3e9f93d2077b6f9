// The pack's workbook (exceljs): sheets for milestones, actions and changes, each with a frozen header row and
// filters, deadlines as real dates, RAG cells filled red, amber or green, and column widths that fit.
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { columns } from '../../src/report/columns.js';
import type { ReportModel, ReportRow } from '../../src/report/model.js';

/** The fills of a RAG cell; the text stays ("red") so the colour is never the only sign. */
export const RAG_FILLS = { red: 'FFF4B6B6', amber: 'FFFFD98C', green: 'FFB7E1B0' } as const;

const HEADER_FILL = 'FFDDE4EE';

/** An ISO day as a date Excel shows as that day: midnight UTC, which exceljs writes as the day's serial number. */
const excelDay = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

/** An instant as the programme's clock showed it: Excel's dates have no zone, so the wall-clock time is written. */
function londonClock(iso: string, zone: string): Date {
  const t = DateTime.fromISO(iso, { setZone: true }).setZone(zone);
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
}

function header(sheet: ExcelJS.Worksheet, count: number): void {
  const row = sheet.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  for (let c = 1; c <= count; c++) row.getCell(c).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: count } };
}

function itemSheet(book: ExcelJS.Workbook, name: string, rows: readonly ReportRow[], model: ReportModel): void {
  const cols = columns(model.zone);
  const sheet = book.addWorksheet(name);
  sheet.columns = cols.map((c) => ({ header: c.header, width: c.width, ...(c.kind === 'day' ? { style: { numFmt: 'd mmmm yyyy' } } : {}) }));
  const ragColumn = cols.findIndex((c) => c.header === 'RAG') + 1;
  for (const r of rows) {
    const added = sheet.addRow(cols.map((c) => {
      const v = c.value(r);
      if (v === undefined) return null;
      return c.kind === 'day' ? excelDay(v) : v;
    }));
    added.alignment = { vertical: 'top', wrapText: true };
    if (r.rag) added.getCell(ragColumn).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RAG_FILLS[r.rag] } };
  }
  header(sheet, cols.length);
}

export async function writeXlsx(model: ReportModel): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Reform Bot';
  book.title = `${model.programme}: report at ${model.dayText}`;
  // A fixed stamp: the same data gives the same workbook.
  book.created = book.modified = new Date(model.at);
  itemSheet(book, 'Milestones', model.milestones, model);
  itemSheet(book, 'Actions', model.actions, model);
  const changes = book.addWorksheet('Changes');
  changes.columns = [
    { header: 'When', width: 22, style: { numFmt: 'd mmmm yyyy hh:mm' } },
    { header: 'Item', width: 28 },
    { header: 'Change', width: 70 },
    { header: 'By', width: 24 },
  ];
  for (const c of model.changes) {
    const added = changes.addRow([londonClock(c.at, model.zone), c.item, c.change, c.by]);
    added.alignment = { vertical: 'top', wrapText: true };
  }
  header(changes, 4);
  return Buffer.from(await book.xlsx.writeBuffer());
}
