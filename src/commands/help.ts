// `help [command]`: what the bot can do. Also the answer to an empty or unknown command.
import { code, command as commandCode, reply, type Reply, type Rich } from '../replies/model.js';
import type { Command } from './types.js';

export function helpReply(commands: readonly Command[], lead?: Rich): Reply {
  const lines: Rich[] = commands.map((c) => [commandCode(c.usage), ` — ${c.summary}`]);
  return reply(
    'help',
    'Reform Bot: the reform programme, its deadlines and who owns them',
    [...(lead ? [{ lines: [lead] }] : []), { title: 'Commands', lines }],
    [['Ids come from ', commandCode('status'), '. In Slack type ', code('/reform status kinship'), '; in Teams ', code('@Reform status kinship'), '.']],
  );
}

/** The usage as the heading, or `why` as the heading with the usage below it: the usage is said once. */
export function usageReply(command: Command, why?: string): Reply {
  const lines = why ? [['Usage: ', commandCode(command.usage)], [command.summary]] : [[command.summary]];
  return reply('problem', why ?? `Usage: ${command.usage}`, [{ lines }]);
}

export function makeHelp(all: () => readonly Command[]): Command {
  return {
    name: 'help',
    aliases: ['?', 'commands'],
    usage: 'help [command]',
    summary: 'this list, or how to use one command',
    changes: false,
    async run(_ctx, args) {
      const wanted = args[0]?.toLowerCase();
      const one = wanted ? all().find((c) => c.name === wanted || c.aliases?.includes(wanted)) : undefined;
      if (one) return reply('help', one.usage, [{ lines: [[one.summary]] }]);
      return helpReply(all(), wanted ? [`There is no command "${args[0]!.slice(0, 40)}". These are the commands:`] : undefined);
    },
  };
}
