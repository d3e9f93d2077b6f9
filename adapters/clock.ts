// The system clock, or a frozen one for demos and tests (REFORM_NOW, --now).
import { DateTime } from 'luxon';
import type { Clock } from '../src/ports.js';

export function systemClock(): Clock {
  return { now: () => DateTime.now() };
}

export function frozenClock(at: DateTime): Clock {
  return { now: () => at };
}
