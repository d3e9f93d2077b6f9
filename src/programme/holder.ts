// The programme the bot runs, behind one holder that the bot and the scheduler both read, so an edit of the file
// is swapped in whole and at once: a command, or a tick, reads it once when it starts and uses that throughout.
import type { Programme } from './model.js';

export interface ProgrammeSource {
  /** The programme in force now. Called once at the start of each command and each tick. */
  current(): Programme;
}

export interface ProgrammeHolder extends ProgrammeSource {
  /** Puts `next` in force for every command and tick that starts from now on. Called by the file watcher. */
  swap(next: Programme): void;
}

export function programmeHolder(initial: Programme): ProgrammeHolder {
  let programme = initial;
  return {
    current: () => programme,
    swap(next) {
      programme = next;
    },
  };
}

/** A fixed programme (tests, `reform ask`) or a holder: what bot and scheduler accept. */
export type ProgrammeInput = Programme | ProgrammeSource;

export function currentProgramme(input: ProgrammeInput): Programme {
  return 'current' in input ? input.current() : input;
}
