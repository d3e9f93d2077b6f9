// The `reform` command: start the bot, check a programme file, ask one question, run one tick.
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { createBot } from '../src/bot.js';
import { formatDay } from '../src/programme/model.js';
import { completedBy } from '../src/tracking/items.js';
import { commandText, findCommand } from '../src/commands/index.js';
import { tokenize } from '../src/commands/tokenize.js';
import { StoreUnavailable, type Chat } from '../src/ports.js';
import { orphanedMilestones } from '../src/tracking/orphans.js';
import { recordProgramme } from '../src/tracking/programme-edits.js';
import { renderPlain } from '../src/replies/plain.js';
import { frozenClock, systemClock } from './clock.js';
import { CONSOLE_NAME, ConfigError, instantIn, readConfig, type Config } from './config.js';
import { consoleChat } from './console/chat.js';
import { consoleMessage, reportFiles } from './console/console.js';
import { tickOnce } from './scheduler.js';
import { ServerStartError } from './server.js';
import { SlackStartupError, TeamsConfigError } from './startup-errors.js';
import { formatDelivery } from '../src/schedule/tick.js';
import { createLogger } from './logger.js';
import { loadEnvFile } from './env-file.js';
import { projectCache } from './programme-cache.js';
import { ProgrammeFileError, readProgrammeFile, type ProgrammeRead } from './programme-file.js';
import { StoreCommandRefused } from './store/copy.js';
import { openStore } from './store/open.js';
import { buildReport } from '../src/report/model.js';
import type { Format } from './report/pack.js';

const USAGE = `Usage:
  reform [start]                              run the bot (console when no Slack or Teams settings)
  reform start [--now ISO] [--milestones FILE]
                                              the same, at a frozen instant or on another programme file
  reform check [--milestones FILE] [--now ISO] validate a programme file
  reform ask "<text>" [--now ISO] [--user NAME] [--channel ID] [--milestones FILE]
                                              run one command as a chat would and print the reply
  reform tick [--now ISO] [--milestones FILE] run the scheduler once, sending to the console and to Slack
                                              and Teams when they are set up, and list what it sent
  reform store migrate                        bring REFORM_DB's PostgreSQL schema up to date
  reform store copy <from> <to> [--force]     copy a store (a file or a postgres:// URL) into another
  reform report [--format docx|xlsx|csv|png|ics] [--out FILE|DIR] [--since DATE] [--now ISO] [--milestones FILE]
                                              the committee pack: all formats into a folder (default
                                              reports/<date>/), or one format; prints the paths
  reform help                                 this text`;

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

/** The programme file `--milestones` names, or the configured one, read through the installation's cache. */
function programmeFile(given: string | undefined, config: Config): Promise<ProgrammeRead> {
  return readProgrammeFile(given ?? config.milestonesFile, config.timezone, given !== undefined ? '--milestones' : config.milestonesFrom, projectCache());
}

function parseNow(value: string | undefined, config: Config): DateTime | undefined {
  if (value === undefined) return config.now;
  const at = instantIn(value, config.timezone);
  if (!at.isValid) fail(`--now: "${value}" is not an ISO 8601 date-time (e.g. 2024-03-28T09:00:00Z, or 2024-03-28T09:00 on ${config.timezone}'s clock)`);
  return at;
}

async function check(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({ args, options: { milestones: { type: 'string' }, now: { type: 'string' } }, strict: true });
  const file = values.milestones ?? config.milestonesFile;
  const { programme, warnings } = await programmeFile(values.milestones, config);
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  // A completion dated ahead (a typo in the year, a planned date), or a month or year not yet over, counts only
  // once its last day is past: say so.
  const now = parseNow(values.now, config) ?? systemClock().now();
  for (const m of programme.milestones) {
    if (!m.completed || completedBy(m.completed, programme.timezone, now)) continue;
    const { first, last } = m.completed.span;
    const until = first === last ? 'after today; it counts as not done until then' : `not over yet; it counts as not done until ${formatDay(last, programme.timezone)} is over`;
    process.stdout.write(`warning: ${m.id}: completed "${m.completed.phrase}" is ${until}\n`);
  }
  const base = file.split('/').at(-1);
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  // Undated and superseded commitments get no reminders: counted, so an edit that makes one is seen at once.
  const undated = programme.milestones.filter((m) => m.undated).length;
  const superseded = programme.milestones.filter((m) => m.superseded).length;
  const states = [...(undated ? [`${undated} undated`] : []), ...(superseded ? [`${superseded} superseded`] : [])];
  process.stdout.write(`${base}: ${count(programme.milestones.length, 'milestone')}${states.length ? ` (${states.join(', ')})` : ''}, ${count(programme.themes.length, 'theme')}\n`);
  const state = await (await openStore(config.dbFile, undefined, { poolSize: config.dbPool })).read();
  for (const o of orphanedMilestones(programme, state)) {
    process.stdout.write(`orphaned: ${o.id} is in the store (${o.changes} change${o.changes === 1 ? '' : 's'} in its history) but not in ${base}\n`);
  }
}

async function ask(args: string[], config: Config): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { now: { type: 'string' }, user: { type: 'string' }, channel: { type: 'string' }, milestones: { type: 'string' } },
    strict: true,
  });
  const text = positionals.join(' ');
  if (!text.trim()) fail(`reform ask: say what to ask, such as reform ask "status kinship".\n${USAGE}`);
  // The console user's identity is console:<name>, as REFORM_USER's: one word, without the @ that mentions it.
  if (values.user !== undefined && !CONSOLE_NAME.test(values.user)) {
    fail(`--user: "${values.user}" is not a console name: one word such as jane.smith (it acts as console:<name>; list that in REFORM_EDITORS to let it change things)`);
  }
  const now = parseNow(values.now, config);
  const { programme } = await programmeFile(values.milestones, config);
  const logger = createLogger(config.logLevel, config.secrets);
  const store = await openStore(config.dbFile, logger, { poolSize: config.dbPool });
  const bot = createBot({ programme, store, clock: now ? frozenClock(now) : systemClock(), logger, editors: config.editors, publicUrl: config.publicUrl });
  const answer = await bot.handle(consoleMessage(text, values.user ?? config.consoleUser, values.channel ?? 'console'));
  process.stdout.write(renderPlain(answer) + '\n' + (await reportFiles(answer)));
  // Scripts can tell: a refusal, an unknown id, a store that cannot be read, or a command not understood exit 1.
  // Help asked for: the list, or the usage of a command that exists ("help frobnicate" is a problem).
  const [verb, topic] = tokenize(commandText(text));
  const askedForHelp = verb === undefined || (findCommand(verb)?.name === 'help' && (topic === undefined || findCommand(topic) !== undefined));
  if (answer.tone === 'problem' || (answer.tone === 'help' && !askedForHelp)) process.exitCode = 1;
}

async function tickCommand(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({ args, options: { now: { type: 'string' }, milestones: { type: 'string' } }, strict: true });
  const now = parseNow(values.now, config);
  const { programme, hash } = await programmeFile(values.milestones, config);
  const logger = createLogger(config.logLevel, config.secrets);
  const store = await openStore(config.dbFile, logger, { poolSize: config.dbPool });
  const clock = now ? frozenClock(now) : systemClock();
  // An edit of the file since the last one taken (by a tick or the running bot) is announced, as the running bot
  // announces one: a council that runs only this from a timer hears of edits too, and each edit once.
  await store.update((state) => recordProgramme(state, programme, hash, clock.now()));
  // With Slack or Teams settings, the tick sends there too, exactly as the running bot's does: a council with a
  // timer and no running process (cron, a serverless function) gets its nudges. Both may run; the ledger's claims
  // in the shared store keep each message to one sender.
  const chats: Chat[] = [consoleChat(process.stdout)];
  // Each platform's SDK is loaded only where its settings are: a terminal's tick often has neither.
  if (config.slack) chats.push((await import('./slack/app.js')).slackOutbound(config.slack, logger));
  if (config.teams) {
    const bot = createBot({ programme, store, clock, logger, editors: config.editors });
    chats.push((await import('./teams/adapter.js')).createTeamsAdapter({ bot, store, config: config.teams, logger }).chat);
  }
  const report = await tickOnce({ programme, store, chats, logger, clock });
  for (const d of report.sent) process.stdout.write(`sent ${formatDelivery(d)}\n`);
  for (const d of report.pending) process.stdout.write(`pending ${formatDelivery(d)}\n`);
  for (const d of report.failing) process.stdout.write(`failing ${formatDelivery(d)}\n`);
  if (report.superseded) {
    const n = report.superseded;
    process.stdout.write(`superseded ${n} reminder${n === 1 ? '' : 's'} that will not go out: a later one replaced ${n === 1 ? 'it' : 'them'}, or the item was done, snoozed or acknowledged\n`);
  }
  if (!report.sent.length && !report.pending.length && !report.failing.length) {
    // Nothing can be due where nothing is subscribed: say so, rather than let "nothing due" pass for a quiet day.
    const { subscriptions } = await store.read();
    process.stdout.write(subscriptions.length ? 'nothing due\n' : 'nothing due: no channel is subscribed. Type "subscribe reminders" or "subscribe digest" in a channel (or reform ask "subscribe reminders" --channel leadership)\n');
  }
}

async function reportCommand(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { format: { type: 'string' }, out: { type: 'string' }, since: { type: 'string' }, now: { type: 'string' }, milestones: { type: 'string' } },
    strict: true,
  });
  // The writers (Word, Excel, Vega) take seconds to load: only `report` loads them.
  const { buildPack, FORMATS, writePack } = await import('./report/pack.js');
  const format = values.format?.toLowerCase();
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) fail(`--format: "${values.format}" is not a format: ${FORMATS.join(', ')} (leave it out for all of them)`);
  const now = parseNow(values.now, config) ?? systemClock().now();
  let since: DateTime | undefined;
  if (values.since !== undefined) {
    // A day alone (2026-11-01) is from its start on the programme's clock.
    since = instantIn(values.since, config.timezone);
    if (!since.isValid) fail(`--since: "${values.since}" is not a date: ISO 8601, such as 2026-11-01 or 2026-11-01T09:00`);
    if (since > now) fail(`--since: ${values.since} is after the report's date (${now.setZone(config.timezone).toISODate()}): changes are listed from an earlier date`);
  }
  const { programme } = await programmeFile(values.milestones, config);
  const state = await (await openStore(config.dbFile)).read();
  const model = buildReport(programme, state, now, since ? { since } : {});
  const files = await buildPack(model, format ? [format as Format] : FORMATS);
  const paths = format && values.out
    ? await writePack(files.map((f) => ({ ...f, name: basename(values.out!) })), dirname(values.out))
    : await writePack(files, values.out ?? join('reports', model.day));
  for (const path of paths) process.stdout.write(`${path}\n`);
}

async function main(argv: string[]): Promise<void> {
  // A reader that goes away (`reform tick 2>&1 | head`) ends the output, not the process with a stack trace:
  // what could not be printed stays pending (consoleChat), and the rest of the work is still recorded.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  let envFile: string | undefined;
  try {
    envFile = loadEnvFile(process.env);
  } catch (error) {
    fail((error as Error).message);
  }
  let config: Config;
  try {
    config = { ...readConfig(process.env, userInfo().username || 'console'), ...(envFile ? { envFile } : {}) };
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const [verb = 'start', ...rest] = argv;
  try {
    switch (verb) {
      case 'start': {
        const { values } = parseArgs({ args: rest, options: { now: { type: 'string' }, milestones: { type: 'string' } }, strict: true });
        const { start } = await import('./main.js');
        const milestones = values.milestones ? { milestonesFile: values.milestones, milestonesFrom: '--milestones' } : {};
        await start({ ...config, ...milestones, now: parseNow(values.now, config) });
        return;
      }
      case 'check':
        return await check(rest, config);
      case 'ask':
        return await ask(rest, config);
      case 'tick':
        return await tickCommand(rest, config);
      case 'store':
        return await (await import('./store/command.js')).storeCommand(rest, config, USAGE, (text) => process.stdout.write(text + '\n'));
      case 'report':
        return await reportCommand(rest, config);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return;
      default: {
        // `reform status kinship` is the likeliest slip: a chat command typed as the CLI's.
        const chat = findCommand(verb) ? `\nTo ask the bot, put it in quotes after ask: reform ask "${[verb, ...rest].join(' ')}"` : '';
        fail(`Unknown command "${verb}".${chat}\n${USAGE}`);
      }
    }
  } catch (error) {
    if (error instanceof ProgrammeFileError || error instanceof StoreUnavailable || error instanceof SlackStartupError || error instanceof TeamsConfigError || error instanceof ServerStartError || error instanceof StoreCommandRefused) {
      fail(error.message);
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${error.message}\n${USAGE}`);
    throw error;
  }
}

await main(process.argv.slice(2));
