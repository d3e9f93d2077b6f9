// The bare SDK app the start-up benchmark compares `npm start` with: Bolt (HTTP receiver, credentials checked
// with auth.test as ours are) and a botbuilder CloudAdapter, on one node:http server. Prints "ready" to stderr
// once listening, as the bot's logger does. Run by bench/platforms.ts; not part of the bot.
import { createServer } from 'node:http';
import bolt from '@slack/bolt';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

const receiver = new bolt.HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, endpoints: '/slack/events' });
const app = new bolt.App({ token: process.env.SLACK_BOT_TOKEN, receiver, clientOptions: { slackApiUrl: process.env.SLACK_API_URL } });
app.command('/reform', async ({ ack }) => ack('ok'));
await app.client.auth.test();
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const listener = receiver.requestListener;
const server = createServer((req, res) => {
  if (req.url === '/api/messages') return void adapter.process(req, res, async (context) => void (await context.sendActivity('ok')));
  listener(req, res);
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => process.stderr.write('{"message":"ready"}\n'));
