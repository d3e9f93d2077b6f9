// Shared test helpers: programmes from text, a bot over an in-memory store, a frozen clock.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { memoryStore } from '../adapters/store/memory.js';
import { createBot, type Bot } from '../src/bot.js';
import { loadProgramme } from '../src/programme/load.js';
import type { Programme } from '../src/programme/model.js';
import { silentLogger, type Store } from '../src/ports.js';
import { renderPlain } from '../src/replies/plain.js';
import { consoleMessage } from '../adapters/console/console.js';

export const DEFAULT_FILE = 'milestones/stable-homes.yaml';

export function programmeFrom(text: string, file = 'test.yaml'): Programme {
  const result = loadProgramme(text, file);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`).join('\n'));
  return result.programme;
}

export function defaultProgramme(): Programme {
  return programmeFrom(readFileSync(DEFAULT_FILE, 'utf8'), 'stable-homes.yaml');
}

export const at = (iso: string): DateTime => DateTime.fromISO(iso, { setZone: true });

export interface TestBot {
  bot: Bot;
  store: Store;
  /** Sends text as a console user at the current test time; returns the plain-text reply. */
  say(text: string, user?: string): Promise<string>;
  setNow(iso: string): void;
}

export function testBot(programme: Programme = defaultProgramme(), now = '2026-11-24T10:00:00Z', opts: { editors?: string[]; store?: Store } = {}): TestBot {
  let current = at(now);
  const store = opts.store ?? memoryStore();
  const bot = createBot({ programme, store, clock: { now: () => current }, logger: silentLogger, editors: opts.editors });
  return {
    bot,
    store,
    async say(text, user = 'alice') {
      return renderPlain(await bot.handle(consoleMessage(text, user)));
    },
    setNow(iso) {
      current = at(iso);
    },
  };
}
