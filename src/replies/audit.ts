// How an audit entry reads, in `history` and in the digest's "changes since the last digest".
import { DateTime } from 'luxon';
import { formatInstant } from '../programme/model.js';
import type { AuditEntry } from '../tracking/state.js';
import { STATUS_LABEL, type Status } from '../programme/status.js';
import type { Inline } from './model.js';

/** A status as people say it ("due soon"); a completion records the status it ended (`due-soon`). */
const worded = (value: string): string => (Object.hasOwn(STATUS_LABEL, value) ? STATUS_LABEL[value as Status] : value);

/** "owner: nobody → @alice", "note: text", "done: due soon → done". */
export function auditChange(e: AuditEntry): string {
  if (e.from !== undefined) return `${e.change}: ${worded(e.from)} → ${e.to ?? ''}`;
  return `${e.change}${e.to !== undefined ? `: ${e.to}` : ''}`;
}

/** Who made the change, named as platforms name people, but never mentioned: a digest pings nobody for it. */
export function auditBy(e: AuditEntry): Inline {
  return { owner: { id: e.by, name: e.byName ?? e.by.replace(/^[a-z]+:/, '') }, quiet: true };
}

export function auditWhen(e: AuditEntry, zone: string): string {
  return formatInstant(DateTime.fromISO(e.at, { setZone: true }), zone);
}
