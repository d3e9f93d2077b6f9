// Composition root: config -> programme -> store -> bot -> adapters -> scheduler. Called by `reform start`
// (npm start). With no Slack or Teams settings the console adapter runs on this terminal.
import { createBot } from '../src/bot.js';
import type { Chat } from '../src/ports.js';
import { frozenClock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { consoleChat } from './console/chat.js';
import { runConsole } from './console/console.js';
import { calendarRoute } from './calendar-feed.js';
import { fileShelf } from './files.js';
import { createLogger } from './logger.js';
import { projectCache } from './programme-cache.js';
import { readProgrammeFile } from './programme-file.js';
import { watchProgramme } from './programme-watch.js';
import { programmeHolder } from '../src/programme/holder.js';
import { recordProgramme } from '../src/tracking/programme-edits.js';
import { startScheduler } from './scheduler.js';
import { startServer } from './server.js';
import { openStore } from './store/open.js';
import { channelSubscriptions } from './teams/migrate.js';

export async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, config.secrets);
  // Read as at the last start when neither the file nor the code has changed since (adapters/programme-cache.ts).
  const { programme, warnings, hash, cached } = await readProgrammeFile(config.milestonesFile, config.timezone, config.milestonesFrom, projectCache());
  logger.debug('programme file read', { file: config.milestonesFile, milestones: programme.milestones.length, cached });
  for (const w of warnings) logger.warn('programme file', { warning: w });
  const store = await openStore(config.dbFile, logger, { poolSize: config.dbPool });
  const clock = config.now ? frozenClock(config.now) : systemClock();
  // Bot and scheduler read the programme through one holder: an edit of the file is swapped in whole.
  const holder = programmeHolder(programme);
  // An edit made while the bot was down is compared with the file last taken, and announced, as one made now.
  await store.update((state) => recordProgramme(state, programme, hash, clock.now()));
  const bot = createBot({ programme: holder, store, clock, logger, editors: config.editors, publicUrl: config.publicUrl });

  // Each platform's SDK is loaded only when its settings are there: the console alone loads neither.
  const slack = config.slack ? (await import('./slack/app.js')).createSlackAdapter({ bot, store, config: config.slack, logger }) : undefined;
  // Teams shows the report's files and the digest's picture by URL, so the bot serves them at its public address.
  const files = config.publicUrl ? fileShelf({ baseUrl: config.publicUrl }) : undefined;
  const teams = config.teams ? (await import('./teams/adapter.js')).createTeamsAdapter({ bot, store, config: config.teams, logger, files }) : undefined;
  if (teams) {
    const moved = await store.update(channelSubscriptions);
    if (moved) logger.info('Teams subscriptions made in a thread now belong to their channel', { count: moved });
  }
  // Slack checks its credentials (auth.test) before any request is served.
  await slack?.start();
  const server = slack || teams
    ? await startServer({ port: config.port, host: config.host, slack, teams: teams ? (req, res) => teams.handler(req, res) : undefined, store: () => store.health(), files, calendar: calendarRoute({ programme: holder, store, clock }), logger })
    : undefined;

  // A server's output is its log, read by nobody as a chat: console subscriptions and console owners' reminders are
  // left to a `reform tick` at a terminal (an owner's then go to the reminders channels here, as they can reach).
  const chats: Chat[] = server ? [...(slack ? [slack.chat] : []), ...(teams ? [teams.chat] : [])] : [consoleChat(process.stdout)];
  // Console owners' actions are a terminal's to nudge, as console subscriptions are: both processes route them alike.
  const scheduler = startScheduler({ programme: holder, store, chats, clock, logger, ...(server ? { elsewhere: ['console'] } : {}) });
  // Catch up at once after downtime rather than waiting for the first minute.
  await scheduler.runNow();
  const watcher = watchProgramme({
    path: config.milestonesFile, hash, holder, store, clock, logger, defaultZone: config.timezone,
    onRecorded: () => void scheduler.runNow(),
  });

  if (server) {
    logger.info('ready', { port: server.port, slack: slack?.mode ?? 'off', teams: teams ? 'on' : 'off', settings: config.envFile ?? 'the environment' });
    const stop = async (): Promise<void> => {
      watcher.stop();
      scheduler.stop();
      await server.close();
      await slack?.stop();
      await store.close().catch(() => undefined);
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    return;
  }
  await runConsole({ bot, user: config.consoleUser, input: process.stdin, output: process.stdout, prompt: process.stdin.isTTY === true });
  watcher.stop();
  scheduler.stop();
  // Started as a service without Slack or Teams settings, the bot would otherwise stop without a word.
  if (!process.stdin.isTTY) {
    logger.info('console input ended; stopping. Without Slack or Teams settings the bot runs on this terminal only', { settings: config.envFile ?? 'the environment' });
  }
}
