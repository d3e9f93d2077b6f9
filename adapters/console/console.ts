// The console adapter: lines from standard input as if typed in a chat, replies on standard output.
// The Shell adapter of this bot: it needs no credentials, so `npm start` always works.
import { createInterface } from 'node:readline';
import type { Bot } from '../../src/bot.js';
import type { Incoming } from '../../src/commands/types.js';
import type { Reply } from '../../src/replies/model.js';
import { renderPlain } from '../../src/replies/plain.js';

/**
 * `@alice` typed in the console means the console user alice: `<@console:alice|alice>` to the core. A console name
 * is a login name, which is not case-sensitive to the people typing it: `@Jane.Smith` is `console:jane.smith`.
 */
export function consoleMentions(text: string): string {
  return text.replace(/(^|\s)@([A-Za-z0-9][A-Za-z0-9._-]*)/g, (_m, space: string, name: string) => `${space}<@${consoleId(name)}|${name}>`);
}

export function consoleId(name: string): string {
  return `console:${name.toLowerCase()}`;
}

/** `@Reform status` reads like `status`, as in Teams: the bot's own name is not a console user. */
const BOT_NAME = /^\s*@reform(?=\s|$)/i;

export function consoleMessage(text: string, user: string, channel = 'console'): Incoming {
  return { text: consoleMentions(text.replace(BOT_NAME, '')), user: { id: consoleId(user), name: user }, platform: 'console', channel, terminal: true };
}

export interface ConsoleOptions {
  bot: Bot;
  user: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Show a prompt (when standard input is a terminal). */
  prompt: boolean;
  /** Where `report` writes its folder of files (default `reports/`, under which each day has its own). */
  reportsDir?: string;
}

/** `report` at a terminal: the files go into a folder, and their paths are printed under the answer. */
export async function reportFiles(answer: Reply, root?: string): Promise<string> {
  if (!answer.pack) return '';
  // Loaded on first use: the writers take a while to load.
  const { writeReportFolder } = await import('../report/pack.js');
  const paths = await writeReportFolder(answer.pack, root);
  return `Written:\n${paths.map((p) => `  ${p}`).join('\n')}\n`;
}

/** Reads commands until end of input, answering each in order. Resolves when input ends. */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, output: opts.prompt ? opts.output : undefined, terminal: opts.prompt });
  const write = (text: string): void => void opts.output.write(text);
  if (opts.prompt) {
    write(`Reform Bot (${opts.bot.programme.name}). Type "help" for commands, "quit" or Ctrl-D to leave.\n`);
    rl.setPrompt('reform> ');
    rl.prompt();
  }
  for await (const line of rl) {
    // A blank line (Enter on its own, a gap in a script) asks nothing.
    if (line.trim() === '') {
      if (opts.prompt) rl.prompt();
      continue;
    }
    if (['quit', 'exit'].includes(line.trim().toLowerCase())) break;
    const answer = await opts.bot.handle(consoleMessage(line, opts.user));
    write(renderPlain(answer) + '\n' + (await reportFiles(answer, opts.reportsDir)) + '\n');
    if (opts.prompt) rl.prompt();
  }
  rl.close();
}
