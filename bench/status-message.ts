// The message the bare SDK app of a status comparison answers with: our bot's own answer to `status kinship`, on the
// same store, as Block Kit (Slack) or an activity (Teams). Run by bench/platforms.ts in a process of its own, so that
// the load generator holds none of the bot:
//   node --import tsx bench/status-message.ts <slack|teams> <tracked|fresh> <file>
// writes the message to the file as JSON and exits.
import { writeFileSync } from 'node:fs';
import { renderSlack, replyActivity } from './compiled.js';
import { benchBot, seed } from './status-bot.js';

const [platform, store, file] = process.argv.slice(2);
if ((platform !== 'slack' && platform !== 'teams') || (store !== 'tracked' && store !== 'fresh') || !file) {
  throw new Error(`usage: status-message.ts <slack|teams> <tracked|fresh> <file> (given: ${process.argv.slice(2).join(' ')})`);
}
const { bot } = benchBot();
if (store === 'tracked') await seed(bot);
const reply = await bot.handle({ text: 'status kinship', user: { id: `${platform}:U1`, name: 'alice' }, platform, channel: 'C1' });
writeFileSync(file, JSON.stringify(platform === 'slack' ? renderSlack(reply)[0] : replyActivity(reply, {})));
