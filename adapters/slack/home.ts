// The App Home tab: what the viewer owns, what is overdue, and the next deadlines, rebuilt from the same
// commands every time the tab is opened (views.publish replaces the whole view).
import type { types } from '@slack/bolt';
import type { Bot } from '../../src/bot.js';
import type { Incoming } from '../../src/commands/types.js';
import { renderBlocks } from './render.js';

type Block = types.KnownBlock;

/** Slack accepts 100 blocks in a Home view; three panels share them. */
const HOME_BLOCKS = 100;
const PANELS = [
  { command: 'mine', more: '/reform mine' },
  { command: 'overdue', more: '/reform overdue' },
  { command: 'next 5', more: '/reform next 10' },
] as const;

export async function homeView(bot: Bot, user: { id: string; name: string }, channel: string): Promise<types.HomeView> {
  const perPanel = Math.floor((HOME_BLOCKS - 1 /* intro */ - (PANELS.length - 1) /* dividers */) / PANELS.length);
  const blocks: Block[] = [{
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Refreshed each time you open this tab. Ask anything with \`/reform help\`.` }],
  }];
  for (const [i, panel] of PANELS.entries()) {
    const message: Incoming = { text: panel.command, user, platform: 'slack', channel };
    let panelBlocks = renderBlocks(await bot.handle(message)).filter((b) => b.type !== 'actions');
    if (panelBlocks.length > perPanel) {
      panelBlocks = panelBlocks.slice(0, perPanel - 1);
      panelBlocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `_…more with_ \`${panel.more}\`` }] });
    }
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...panelBlocks);
  }
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) };
}
