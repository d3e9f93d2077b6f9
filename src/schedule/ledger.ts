// Changes to a ledger entry that more than one place makes: the scheduler and `unsubscribe`.
import type { LedgerEntry } from '../tracking/state.js';

/** A waiting send that will not go out: kept in the ledger as a record, without any parts it still held. */
export function supersede(entry: LedgerEntry, note: string): void {
  entry.state = 'superseded';
  entry.note = note;
  delete entry.receipt;
}

/** The note on a direct message the platform refused for good; later reminders for that owner go to channels. */
export const DM_REFUSED = 'direct messages refused';
