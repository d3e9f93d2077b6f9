// The pack's Word report (docx), laid out as a committee report appendix: A4 landscape, numbered headings, every
// table's header row repeated on each page, the timeline picture with its alt text, and plain words throughout.
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { formatDay } from '../../src/programme/model.js';
import { revisionText } from '../../src/report/columns.js';
import { STATUS_ORDER, type ReportModel, type ReportRow } from '../../src/report/model.js';
import { STATUS_LABEL } from '../../src/programme/status.js';

/** RAG cell shading, as in the workbook; the word stays in the cell, so colour is never the only sign. */
const RAG_SHADE = { red: 'F4B6B6', amber: 'FFD98C', green: 'B7E1B0' } as const;
const HEADER_SHADE = 'DDE4EE';
/** A4 landscape's width less 2 cm margins each side, in twentieths of a point. */
const PAGE_WIDTH = 16838;
const MARGIN = 1134;
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

export interface DocxPicture {
  png: Buffer;
  width: number;
  height: number;
  alt: string;
}

/** The page's text area at 96 dpi (25.7 × 17 cm), less room for the heading above: the picture keeps its proportions. */
const PICTURE_BOX = { width: 970, height: 580 };

function fitted(picture: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(PICTURE_BOX.width / picture.width, PICTURE_BOX.height / picture.height);
  return { width: Math.round(picture.width * scale), height: Math.round(picture.height * scale) };
}

const text = (value: string, bold = false): Paragraph => new Paragraph({ children: [new TextRun({ text: value, bold })] });

function cell(value: string, opts: { bold?: boolean; shade?: string; width: number }): TableCell {
  return new TableCell({
    children: value.split('\n').map((line) => text(line, opts.bold)),
    width: { size: opts.width, type: WidthType.DXA },
    ...(opts.shade ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: opts.shade } } : {}),
  });
}

/** A table whose first row is a header that Word repeats at the top of each page the table runs onto. */
function table(headers: string[], rows: { values: string[]; shades?: (string | undefined)[] }[], widths: number[]): Table {
  const total = widths.reduce((a, b) => a + b, 0);
  const twips = widths.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: twips,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: headers.map((h, i) => cell(h, { bold: true, shade: HEADER_SHADE, width: twips[i]! })) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.values.map((v, i) => cell(v, { width: twips[i]!, shade: r.shades?.[i] })) })),
    ],
  });
}

function deadlineText(row: ReportRow, zone: string): string {
  if (!row.deadlineDay) return 'no deadline';
  const stated = row.statedDay ? formatDay(row.statedDay, zone) : '';
  if (!row.revisions.length) return stated;
  const last = row.revisions.at(-1)!;
  return `${stated ? `${stated}, ` : ''}revised to ${formatDay(last.day, zone)}`;
}

function statusText(row: ReportRow): string {
  if (row.status === 'done') return row.doneText ? `done (${row.doneText})` : 'done';
  if (row.status === 'overdue' && row.daysLate !== undefined) return `overdue (${row.daysLate} day${row.daysLate === 1 ? '' : 's'})`;
  return row.statusLabel;
}

function themeTable(rows: ReportRow[], zone: string): Table {
  return table(
    ['Id', 'Title', 'Due (as the report wrote it)', 'Deadline and any revision', 'Status', 'Owner', 'RAG', 'Latest note'],
    rows.map((r) => ({
      values: [r.kind === 'action' ? `  ${r.id}` : r.id, r.kind === 'action' ? `Action: ${r.title}` : r.title, r.dueAsWritten ?? '—', deadlineText(r, zone), statusText(r), r.owner ?? 'nobody', r.rag ?? '—', r.latestNote?.text ?? ''],
      shades: [undefined, undefined, undefined, undefined, undefined, undefined, r.rag ? RAG_SHADE[r.rag] : undefined],
    })),
    [14, 26, 11, 13, 9, 10, 6, 19],
  );
}

const heading = (value: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel] = HeadingLevel.HEADING_1): Paragraph =>
  new Paragraph({ text: value, heading: level, keepNext: true });

export async function writeDocx(model: ReportModel, picture?: DocxPicture): Promise<Buffer> {
  const zone = model.zone;
  const s = model.summary;
  const body: (Paragraph | Table)[] = [
    new Paragraph({ text: model.programme, heading: HeadingLevel.TITLE }),
    text(`Progress report: ${model.dayText}`, true),
    text(`Prepared by Reform Bot from ${model.file} and the council's tracking, as at ${model.atText}.`),

    heading('1. Summary'),
    text(`${s.milestones} milestones and ${s.actions} local actions.`),
    table(
      ['', ...STATUS_ORDER.map((st) => STATUS_LABEL[st]), 'red', 'amber', 'green', 'not rated'],
      [
        { values: ['Milestones and actions', ...STATUS_ORDER.map((st) => String(s.byStatus[st])), String(s.byRag.red), String(s.byRag.amber), String(s.byRag.green), String(s.byRag.none)] },
      ],
      [20, 10, 10, 10, 10, 10, 10, 10, 10],
    ),

    heading('2. Timeline'),
    ...(picture
      ? [
          new Paragraph({
            children: [
              new ImageRun({
                type: 'png',
                data: picture.png,
                transformation: fitted(picture),
                altText: { name: 'Timeline', title: 'Timeline of milestones by theme', description: picture.alt },
              }),
            ],
          }),
        ]
      : []),
    text(model.timeline.alt),

    heading('3. Progress by theme'),
    ...model.themes.flatMap((t) => [heading(t.theme, HeadingLevel.HEADING_2), themeTable(t.rows, zone)]),

    heading('4. Overdue'),
    ...(model.overdue.length
      ? [
          table(
            ['Id', 'Title', 'Stated deadline', 'Days overdue', 'Revisions and reasons', 'Owner'],
            model.overdue.map((r) => ({ values: [r.id, r.title, r.statedDay ? formatDay(r.statedDay, zone) : '—', String(r.daysLate ?? ''), revisionText(r, zone) || 'none', r.owner ?? 'nobody'] })),
            [16, 30, 12, 9, 23, 12],
          ),
        ]
      : [text('Nothing is overdue.')]),

    heading(`5. Changes since ${model.since.text}`),
    ...(model.changes.length
      ? [table(['When', 'Item', 'Change', 'By'], model.changes.map((c) => ({ values: [c.when, c.item, c.change, c.by] })), [16, 20, 50, 14])]
      : [text('No changes were recorded.')]),

    heading('6. Undated and superseded commitments'),
    heading('Undated', HeadingLevel.HEADING_2),
    ...(model.undated.length
      ? [table(['Id', 'Title', 'Status', 'Owner'], model.undated.map((r) => ({ values: [r.id, r.title, r.statusLabel, r.owner ?? 'nobody'] })), [25, 45, 15, 15])]
      : [text('Every milestone and action has a deadline.')]),
    heading('Superseded', HeadingLevel.HEADING_2),
    ...(model.superseded.length
      ? [table(['Id', 'Title', 'Status'], model.superseded.map((r) => ({ values: [r.id, r.title, r.statusLabel] })), [30, 55, 15])]
      : [text('None is recorded as superseded.')]),

    heading('7. Sources'),
    ...(model.sources.length
      ? [table(['Source', 'Date', 'Milestones it states'], model.sources.map((src) => ({ values: [src.name, src.date ? formatDay(src.date, zone) : 'not dated', src.items.join(', ')] })), [30, 15, 55])]
      : [text('The programme file names no sources.')]),
  ];
  const doc = new Document({
    creator: 'Reform Bot',
    title: `${model.programme}: progress report, ${model.dayText}`,
    styles: { default: { document: { run: { font: 'Arial', size: 19 } } } },
    sections: [
      {
        properties: {
          page: {
            // A4 (210 × 297 mm); docx swaps width and height itself for landscape.
            size: { width: 11906, height: PAGE_WIDTH, orientation: PageOrientation.LANDSCAPE },
            margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
          },
        },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ children: [`${model.programme}: progress report, ${model.dayText} · page `, PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })] })],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
