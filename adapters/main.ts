// Composition root: config -> programme -> store -> bot -> adapters. Called by `reform start` (npm start).
import { createBot } from '../src/bot.js';
import { frozenClock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { consoleChat } from './console/chat.js';
import { runConsole } from './console/console.js';
import { startScheduler } from './scheduler.js';
import { createLogger } from './logger.js';
import { readProgrammeFile } from './programme-file.js';
import { openStore } from './store/open.js';

export async function start(config: Config, _args: string[]): Promise<void> {
  const logger = createLogger(config.logLevel, config.secrets);
  const { programme, warnings } = await readProgrammeFile(config.milestonesFile, config.timezone, config.milestonesFrom);
  for (const w of warnings) logger.warn('programme file', { warning: w });
  const store = await openStore(config.dbFile, logger);
  const clock = config.now ? frozenClock(config.now) : systemClock();
  const bot = createBot({ programme, store, clock, logger, editors: config.editors });
  const chats = [consoleChat(process.stdout)];
  const scheduler = startScheduler({ programme, store, chats, clock, logger });
  // Catch up at once after downtime rather than waiting for the first minute.
  await scheduler.runNow();
  await runConsole({ bot, user: config.consoleUser, input: process.stdin, output: process.stdout, prompt: process.stdin.isTTY === true });
  scheduler.stop();
}
