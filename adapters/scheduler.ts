// Runs tick() every minute in the running bot (node-cron, no overlap). node-cron does not replay missed
// runs; the ledger does the catching up, so a restart after downtime sends what was missed, once.
import { randomBytes } from 'node:crypto';
import cron from 'node-cron';
import type { Chat, Clock, Logger, Store } from '../src/ports.js';
import type { ProgrammeInput } from '../src/programme/holder.js';
import { formatDelivery, tick, type TickReport } from '../src/schedule/tick.js';

export function tickId(): string {
  return `${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface SchedulerDeps {
  /** The holder the file watcher swaps an edit into, or a fixed programme (`reform tick`). */
  programme: ProgrammeInput;
  store: Store;
  chats: readonly Chat[];
  clock: Clock;
  logger: Logger;
  /** Platforms the running bot serves and this process does not (`reform tick` from a terminal). */
  elsewhere?: readonly string[];
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function tickOnce(deps: SchedulerDeps): Promise<TickReport> {
  return tick({ ...deps, sleep, tickId: tickId() }, deps.clock.now());
}

/**
 * Starts the minute-by-minute tick. `runNow` (the catch-up at start-up) and the cron task share one run at a time:
 * a tick asked for while another is under way joins it, so a long catch-up never overlaps the next minute's tick.
 */
export function startScheduler(deps: SchedulerDeps): { stop(): void; runNow(): Promise<void> } {
  let running: Promise<void> | undefined;
  const runOnce = async (): Promise<void> => {
    try {
      const report = await tickOnce(deps);
      for (const d of report.sent) deps.logger.info('sent', { delivery: formatDelivery(d) });
    } catch (error) {
      deps.logger.error('tick failed; the next one will catch up', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const run = (): Promise<void> => (running ??= runOnce().finally(() => (running = undefined)));
  const task = cron.schedule('* * * * *', run, { noOverlap: true, name: 'reform-tick' });
  return { stop: () => void task.stop(), runNow: run };
}
