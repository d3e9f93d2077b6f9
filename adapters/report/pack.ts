// The committee pack: every format built from one report model, and written to a folder. Used by `reform report`,
// the chat adapters' `report`, and the bench.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calendarEvents, calendarName } from '../../src/report/calendar.js';
import type { ReportModel } from '../../src/report/model.js';
import { writeCsv } from './csv.js';
import { writeDocx } from './docx.js';
import { writeIcs } from './ics.js';
import { timelinePng } from './timeline.js';
import { writeXlsx } from './xlsx.js';

export const FORMATS = ['docx', 'xlsx', 'csv', 'png', 'ics'] as const;
export type Format = (typeof FORMATS)[number];

export const MEDIA_TYPES: Record<Format, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
  ics: 'text/calendar; charset=utf-8',
};

export interface PackFile {
  format: Format;
  /** reform-report-2026-12-07.docx: what the file is, and the day it was made for. */
  name: string;
  data: Buffer;
  /** Words for a file that is a picture. */
  alt?: string;
}

export function fileName(model: ReportModel, format: Format): string {
  return format === 'png' ? `reform-timeline-${model.day}.png` : format === 'ics' ? `reform-deadlines-${model.day}.ics` : `reform-report-${model.day}.${format}`;
}

/** The files of the pack in `formats` (all by default). The picture is drawn once and goes into the Word file too. */
export async function buildPack(model: ReportModel, formats: readonly Format[] = FORMATS): Promise<PackFile[]> {
  const wanted = new Set(formats);
  const picture = wanted.has('png') || wanted.has('docx') ? await timelinePng(model.timeline) : undefined;
  const files: PackFile[] = [];
  const add = (format: Format, data: Buffer, alt?: string): void => {
    if (wanted.has(format)) files.push({ format, name: fileName(model, format), data, ...(alt ? { alt } : {}) });
  };
  if (wanted.has('docx')) add('docx', await writeDocx(model, picture && { ...picture, alt: model.timeline.alt }));
  if (wanted.has('xlsx')) add('xlsx', await writeXlsx(model));
  if (wanted.has('csv')) add('csv', Buffer.from(writeCsv(model), 'utf8'));
  if (picture) add('png', picture.png, model.timeline.alt);
  if (wanted.has('ics')) add('ics', Buffer.from(writeIcs(calendarEvents(model), { name: calendarName(model), zone: model.zone }), 'utf8'));
  return FORMATS.flatMap((f) => files.filter((file) => file.format === f));
}

/** Writes the files into `dir` (made if missing) and returns their paths. */
export async function writePack(files: readonly PackFile[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    await writeFile(path, f.data);
    paths.push(path);
  }
  return paths;
}

/** The whole pack for `report` typed at a terminal: written into `<root>/<date>/`; the paths, one a line. */
export async function writeReportFolder(model: ReportModel, root = 'reports'): Promise<string[]> {
  return writePack(await buildPack(model), join(root, model.day));
}
