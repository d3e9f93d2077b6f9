// One app of a status comparison (bench/platforms.ts), in a process of its own, as each runs in the field: ours
// (the compiled bot behind the real Bolt or botbuilder path, on its real store) or the bare SDK app that answers
// with the very message ours sends. Started by bench/platforms.ts with
//   node --import tsx bench/status-app.ts <slack|teams> <reform|bare>
// and its settings as JSON in BENCH_APP; prints {"port":N} on stdout once listening, then serves until SIGTERM, and
// answers the message 'cpu' on its IPC channel with the CPU time it has used.
//
// In one process the two apps shared V8's compiled code for Node's HTTP stack and the SDK: whichever ran first
// warmed it for the other, and the more often they took turns, the more it cost ours (Slack's ratio went from
// 0.88-1.11 to 1.21-1.30 as the turns shortened, with the same apps). Apart, neither pays for the other.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { z } from 'zod';

const settingsSchema = z.object({
  /** The fake Slack Web API (auth.test) and response_url, or the Bot Connector: the load generator serves both. */
  sink: z.string().url(),
  /** The Slack signing secret the load generator signs with. */
  secret: z.string().default(''),
  /** Ours: seed a council's tracking of the kinship milestones first. */
  tracked: z.boolean().default(true),
  /** Ours: answer from this PostgreSQL database instead of a new file store. */
  postgres: z.string().optional(),
  /** The bare app: a file holding the message it answers with (ours, rendered once by the load generator). */
  message: z.string().optional(),
});
type Settings = z.infer<typeof settingsSchema>;

async function listening(server: ReturnType<typeof createServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Our bot, loaded only in our process: the bare app's process holds none of it. */
async function reformBot(s: Settings) {
  const { benchBot, seed } = await import('./status-bot.js');
  const compiled = await import('./compiled.js');
  const ours = benchBot(s.postgres ? await compiled.postgresStore({ url: s.postgres }) : undefined);
  if (s.tracked) await seed(ours.bot);
  return { ...ours, ...compiled };
}

async function reformSlack(s: Settings): Promise<number> {
  const { bot, store, createSlackAdapter, silentLogger, startServer } = await reformBot(s);
  const slack = createSlackAdapter({ bot, store, config: { botToken: 'xoxb-bench', signingSecret: s.secret, apiUrl: `${s.sink}/api/` }, logger: silentLogger });
  await slack.start();
  return (await startServer({ port: 0, host: '127.0.0.1', slack, logger: silentLogger })).port;
}

async function reformTeams(s: Settings): Promise<number> {
  const { bot, store, createTeamsAdapter, silentLogger, startServer } = await reformBot(s);
  const teams = createTeamsAdapter({ bot, store, logger: silentLogger, config: { devNoAuth: true } });
  return (await startServer({ port: 0, host: '127.0.0.1', teams: (req, res) => teams.handler(req, res), logger: silentLogger })).port;
}

/** The bare Bolt app: the same HTTP receiver, signature checked by Bolt, and an ack with the very message ours sends. */
async function bareSlack(s: Settings, message: object): Promise<number> {
  const receiver = new HTTPReceiver({ signingSecret: s.secret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  const app = new App({ token: 'xoxb-bench', receiver, clientOptions: { slackApiUrl: `${s.sink}/api/` }, logLevel: LogLevel.ERROR });
  app.command('/reform', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', ...message });
  });
  return listening(createServer(receiver.requestListener));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The bare echo bot: a CloudAdapter, no auth, one sendActivity of the very card ours sends. */
async function bareTeams(message: object): Promise<number> {
  const cloud = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const echo = new ActivityHandler();
  echo.onMessage(async (ctx, next) => {
    await ctx.sendActivity(message);
    await next();
  });
  return listening(
    createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const parsed = JSON.parse(await body(req));
      await cloud.process(
        { body: parsed, headers: req.headers, method: 'POST' },
        {
          socket: res.socket,
          status: (c: unknown) => void (res.statusCode = Number(c)),
          header: (n: unknown, v: unknown) => void res.setHeader(String(n), String(v)),
          send: (b: unknown) => void (b !== undefined && res.write(typeof b === 'string' ? b : JSON.stringify(b))),
          end: () => void res.end(),
        },
        (ctx) => echo.run(ctx),
      );
    }),
  );
}

const [platform, kind] = process.argv.slice(2);
const settings = settingsSchema.parse(JSON.parse(process.env.BENCH_APP ?? '{}'));
const message = (): object => {
  if (!settings.message) throw new Error('the bare app needs the message it answers with (BENCH_APP.message)');
  return JSON.parse(readFileSync(settings.message, 'utf8')) as object;
};
const start: Record<string, () => Promise<number>> = {
  'slack reform': () => reformSlack(settings),
  'teams reform': () => reformTeams(settings),
  'slack bare': () => bareSlack(settings, message()),
  'teams bare': () => bareTeams(message()),
};
const run = start[`${platform} ${kind}`];
if (!run) throw new Error(`usage: status-app.ts <slack|teams> <reform|bare> (given: ${platform} ${kind})`);
process.stdout.write(`${JSON.stringify({ port: await run() })}\n`);
// The CPU time this process has used, all its threads (the garbage collector's among them), in microseconds: asked
// for between rounds, when no request is in flight, so the load generator can say how much work each request cost.
process.on('message', (asked) => {
  if (asked !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
// Stopped by the load generator when its comparison is done.
process.once('SIGTERM', () => process.exit(0));
