// The columns of the pack's tables, shared by the workbook, the CSV and the Word tables so they never disagree.
import { formatDay } from '../programme/model.js';
import type { ReportRow } from './model.js';

export interface Column {
  header: string;
  /** `day`: an ISO day, written as a real date in the workbook and as "11 May 2023" elsewhere. */
  kind: 'text' | 'day';
  /** Width in characters in the workbook. */
  width: number;
  value(row: ReportRow): string | undefined;
}

/** "16 July 2024 because the DfE moved it (alice)", oldest first. */
export function revisionText(row: ReportRow, zone: string): string {
  return row.revisions
    .map((r) => `${r.phrase} (${formatDay(r.day, zone)})${r.reason ? `: ${r.reason}` : ''}${r.by ? ` (${r.by})` : ''}`)
    .join('; ');
}

export function columns(zone: string): Column[] {
  return [
    { header: 'Kind', kind: 'text', width: 10, value: (r) => r.kind },
    { header: 'Id', kind: 'text', width: 28, value: (r) => r.id },
    { header: 'Theme', kind: 'text', width: 16, value: (r) => r.theme },
    { header: 'Title', kind: 'text', width: 60, value: (r) => r.title },
    { header: 'Due (as the report wrote it)', kind: 'text', width: 24, value: (r) => r.dueAsWritten },
    { header: 'Stated deadline', kind: 'day', width: 16, value: (r) => r.statedDay },
    { header: 'Revised deadline', kind: 'day', width: 16, value: (r) => (r.revisions.length ? r.deadlineDay : undefined) },
    { header: 'Revisions', kind: 'text', width: 40, value: (r) => revisionText(r, zone) || undefined },
    { header: 'Status', kind: 'text', width: 12, value: (r) => (r.standing === 'dated' ? r.statusLabel : `${r.statusLabel} (${r.standing})`) },
    { header: 'Done', kind: 'text', width: 18, value: (r) => r.doneText },
    { header: 'Owner', kind: 'text', width: 28, value: (r) => r.owner },
    { header: 'RAG', kind: 'text', width: 8, value: (r) => r.rag },
    { header: 'Latest note', kind: 'text', width: 50, value: (r) => r.latestNote?.text },
    { header: 'Source', kind: 'text', width: 36, value: (r) => r.source?.text },
  ];
}
