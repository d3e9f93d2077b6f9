// The pack's CSV: one row per milestone and action, the workbook's columns. It opens correctly in Excel on
// Windows: UTF-8 with a byte-order mark (else Excel reads it as the ANSI code page), RFC 4180 quoting, CRLF.
import { columns } from '../../src/report/columns.js';
import type { ReportModel } from '../../src/report/model.js';

const BOM = '\uFEFF';

/** RFC 4180: a field with a comma, a quote or a line break is quoted, and its quotes doubled. */
export function csvField(value: string): string {
  // A leading =, +, - or @ would be run as a formula by Excel: such text is kept as text with a leading quote.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function writeCsv(model: ReportModel): string {
  const cols = columns(model.zone);
  const lines = [cols.map((c) => csvField(c.header)).join(',')];
  for (const row of [...model.milestones, ...model.actions]) {
    lines.push(
      cols
        // Days stay ISO (2023-05-11): Excel reads them as dates whatever the machine's locale, "11 May 2023" it may not.
        .map((c) => csvField(c.value(row) ?? ''))
        .join(','),
    );
  }
  return BOM + lines.join('\r\n') + '\r\n';
}
