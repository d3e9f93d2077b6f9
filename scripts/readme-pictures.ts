// npm run pictures: draws the README's two pictures from the bot's real output into docs/images/. The bot itself
// makes a reminder of the default programme (a frozen clock, an in-memory store, one real tick); the Teams and
// Slack renderers turn it into what they post; headless Chromium draws the Adaptive Card with the official
// `adaptivecards` renderer in the Teams light theme's colours, and the Block Kit as HTML laid out like a Slack
// message (a likeness, not Slack's own client). Needs Chromium (CHROMIUM, default /usr/bin/chromium), so it is
// not part of `npm test`; the committed PNGs are what the README shows.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DateTime } from 'luxon';
import { chromium, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { consoleMessage } from '../adapters/console/console.js';
import { renderSlack } from '../adapters/slack/render.js';
import { memoryStore } from '../adapters/store/memory.js';
import { replyActivity } from '../adapters/teams/render.js';
import { createBot } from '../src/bot.js';
import { loadProgramme } from '../src/programme/load.js';
import { silentLogger, type Chat } from '../src/ports.js';
import type { Reply } from '../src/replies/model.js';
import { tick } from '../src/schedule/tick.js';

const ITEM = 'multi-agency-cp';
/** Set up on 1 December 2027; the 7-day reminder for 31 December falls on Friday 24 December at 09:00. */
const SETUP_AT = '2027-12-01T10:00:00Z';
const REMINDER_AT = '2027-12-24T09:00:00Z';
const WIDTH = 480;
const OUT = new URL('../docs/images/', import.meta.url);

/** The reminder the bot sends a leadership channel for ITEM: a real tick over the default programme. */
export async function realReminder(): Promise<Reply> {
  const loaded = loadProgramme(readFileSync(new URL('../milestones/stable-homes.yaml', import.meta.url), 'utf8'), 'stable-homes.yaml');
  if (!loaded.ok) throw new Error(`the default programme does not load: ${loaded.errors[0]?.message}`);
  const programme = loaded.programme;
  const store = memoryStore();
  let now = DateTime.fromISO(SETUP_AT, { setZone: true });
  const bot = createBot({ programme, store, clock: { now: () => now }, logger: silentLogger });
  for (const text of ['subscribe reminders', `assign ${ITEM} "Service Director, Family Support"`, `rag ${ITEM} amber local scheme waits for the police's sign-off`]) {
    await bot.handle({ ...consoleMessage(text, 'clerk'), channel: 'leadership' });
  }
  const sent: { key: string; reply: Reply }[] = [];
  const chat: Chat = {
    platform: 'console',
    async send(_to, reply, meta) {
      sent.push({ key: meta.key, reply });
      return { ok: true };
    },
  };
  now = DateTime.fromISO(REMINDER_AT, { setZone: true });
  await tick({ programme, store, chats: [chat], logger: silentLogger, sleep: async () => {}, tickId: 'pictures' }, now);
  const reminder = sent.find((s) => s.key.includes(ITEM) && s.key.includes('before-7'));
  if (!reminder) throw new Error(`no 7-day reminder for ${ITEM} at ${REMINDER_AT}; sent: ${sent.map((s) => s.key).join(', ')}`);
  return reminder.reply;
}

/** The bot's name in each chat, as its app manifests give it. */
const SLACK_NAME = (parseYaml(readFileSync(new URL('../adapters/slack/manifest.yaml', import.meta.url), 'utf8')) as { display_information: { name: string } }).display_information.name;
const TEAMS_NAME = (JSON.parse(readFileSync(new URL('../adapters/teams/manifest.json', import.meta.url), 'utf8')) as { name: { short: string } }).name.short;
const ICON = `data:image/png;base64,${readFileSync(new URL('../adapters/teams/color.png', import.meta.url)).toString('base64')}`;
const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON inside a <script>: no `</script>` can end it early. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

// ---- Teams: the Adaptive Card, drawn by the adaptivecards renderer ----------------------------------------------

/**
 * The Teams light theme's look, from the host config Microsoft publishes for it (microsoft/AdaptiveCards,
 * samples/HostConfig/microsoft-teams-light.json) and its designer's Teams container: fonts, sizes, spacing, colours.
 */
const TEAMS_HOST_CONFIG = {
  supportsInteractivity: true,
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#EEEEEE' },
  fontTypes: {
    default: { fontFamily: "'Segoe UI', 'Open Sans', sans-serif", fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 }, fontWeights: { lighter: 200, default: 400, bolder: 600 } },
    monospace: { fontFamily: "'Courier New', 'Liberation Mono', monospace", fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 }, fontWeights: { lighter: 200, default: 400, bolder: 600 } },
  },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#252424', subtle: '#BF252424' },
        accent: { default: '#6264A7', subtle: '#8B8CC7' },
        good: { default: '#92C353', subtle: '#E592C353' },
        warning: { default: '#F8D22A', subtle: '#E5F8D22A' },
        attention: { default: '#C4314B', subtle: '#E5C4314B' },
      },
    },
    emphasis: { backgroundColor: '#F9F8F7' },
  },
  actions: { maxActions: 6, spacing: 'Default', buttonSpacing: 8, actionsOrientation: 'Horizontal', actionAlignment: 'Left' },
  factSet: { title: { weight: 'Bolder', wrap: true }, value: { wrap: true }, spacing: 16 },
};

const TEAMS_CSS = `
  body { margin: 0; background: #F5F5F5; font-family: 'Segoe UI', 'Open Sans', sans-serif; color: #252424; }
  #frame { width: ${WIDTH}px; box-sizing: border-box; padding: 16px 16px 18px; display: flex; gap: 10px; background: #F5F5F5; }
  .avatar { width: 32px; height: 32px; border-radius: 4px; flex: none; }
  .message { flex: 1; min-width: 0; }
  .meta { font-size: 12px; margin: 2px 0 6px; color: #616161; }
  .meta b { color: #252424; font-weight: 600; margin-right: 8px; }
  .bubble { background: #FFFFFF; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.12); overflow: hidden; }
  .ac-adaptiveCard { border-radius: 6px; }
  .ac-pushButton { font-family: 'Segoe UI', 'Open Sans', sans-serif; font-size: 14px; font-weight: 600; height: 32px; padding: 4px 10px 5px;
    background: #FFFFFF; color: #6264A7; border: 2px solid #BFC0DA; border-radius: 4px; flex: 0 1 auto !important; }
  .ac-textBlock p { margin: 0; }
`;

/** Teams reads a card's text as a little markdown: **bold**, _italic_ and backslash escapes (what escapeCardText adds). */
const TEAMS_MARKDOWN = `function (text) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const held = [];
  let out = text.replace(/\\\\([\\\\\`*_~\\[\\]<>#+\\-.:)])/g, (_, c) => { held.push(c); return '\\u0000' + (held.length - 1) + '\\u0000'; });
  out = esc(out).replace(/\\*\\*(.+?)\\*\\*/g, '<strong>$1</strong>').replace(/(^|\\W)_(.+?)_(?=\\W|$)/g, '$1<em>$2</em>');
  out = out.replace(/\\u0000(\\d+)\\u0000/g, (_, i) => esc(held[Number(i)]));
  return { didProcess: true, outputHtml: '<p>' + out.replace(/\\n/g, '<br>') + '</p>' };
}`;

function teamsPage(card: unknown, time: string): string {
  const library = readFileSync(createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${TEAMS_CSS}</style><script>${library}</script></head><body>
<div id="frame"><img class="avatar" src="${ICON}" alt=""><div class="message"><div class="meta"><b>${html(TEAMS_NAME)}</b>${html(time)}</div><div class="bubble" id="card"></div></div></div>
<script>
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => Object.assign(result, (${TEAMS_MARKDOWN})(text));
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(${scriptJson(TEAMS_HOST_CONFIG)});
  card.parse(${scriptJson(card)});
  document.getElementById('card').appendChild(card.render());
  window.renderErrors = card.validateProperties().failures.flatMap((f) => f.errors.map((e) => e.message));
</script></body></html>`;
}

// ---- Slack: the Block Kit, laid out like a Slack message ----------------------------------------------------------

const SLACK_EMOJI: Record<string, string> = {
  calendar: '📆', large_green_square: '🟩', large_orange_circle: '🟠', large_orange_square: '🟧', large_red_square: '🟥', red_circle: '🔴', white_check_mark: '✅',
};

/**
 * Slack mrkdwn as Slack shows it. The text arrives escaped as Slack wants it (&amp; &lt; &gt;), so only Slack's
 * own `<…>` tokens (mentions, links) are markup; then `code`, *bold*, _italic_, ~strike~ and :emoji:.
 */
function mrkdwn(text: string): string {
  const codes: string[] = [];
  let out = text.replace(/`([^`\n]+)`/g, (_, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  out = out.replace(/<([^<>]+)>/g, (_, token: string) => {
    const [target, label] = token.split('|') as [string, string | undefined];
    if (target.startsWith('@') || target.startsWith('!')) return `<span class="mention">@${html(label ?? target.slice(1))}</span>`;
    return `<a>${html(label ?? target)}</a>`;
  });
  out = out
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/gm, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/gm, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/gm, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => (SLACK_EMOJI[name] ? `<span class="emoji">${SLACK_EMOJI[name]}</span>` : whole));
  return out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${codes[Number(i)]}</code>`);
}

type Text = { type: 'plain_text' | 'mrkdwn'; text: string };
type Block = { type: string; text?: Text; fields?: Text[]; elements?: (Text & { text?: Text | string; style?: string })[] };

const textHtml = (t: Text): string => (t.type === 'mrkdwn' ? mrkdwn(t.text) : html(t.text));

/** One Block Kit block as Slack lays it out; a block type this does not know stops the script. */
function blockHtml(block: Block): string {
  switch (block.type) {
    case 'header':
      return `<div class="header">${html(block.text!.text)}</div>`;
    case 'section':
      return `<div class="section">${block.text ? textHtml(block.text) : ''}${(block.fields ?? []).map((f) => `<div class="field">${textHtml(f)}</div>`).join('')}</div>`;
    case 'context':
      return `<div class="context">${(block.elements ?? []).map((e) => `<span>${textHtml(e)}</span>`).join(' ')}</div>`;
    case 'divider':
      return '<hr>';
    case 'actions':
      return `<div class="actions">${(block.elements ?? []).map((e) => `<span class="button ${e.style ?? ''}">${html((e.text as Text).text)}</span>`).join('')}</div>`;
    default:
      throw new Error(`the Slack picture cannot draw a "${block.type}" block yet`);
  }
}

const SLACK_CSS = `
  body { margin: 0; background: #FFFFFF; font-family: Lato, 'Open Sans', sans-serif; color: #1D1C1D; font-size: 15px; line-height: 1.46668; }
  #frame { width: ${WIDTH}px; box-sizing: border-box; padding: 14px 18px 16px 16px; display: flex; gap: 8px; }
  .avatar { width: 36px; height: 36px; border-radius: 6px; flex: none; margin-top: 3px; }
  .message { flex: 1; min-width: 0; }
  .meta b { font-weight: 900; margin-right: 4px; }
  .app { font-size: 10px; font-weight: 700; color: rgba(29,28,29,.7); background: rgba(29,28,29,.13); border-radius: 2px; padding: 1px 3px; margin-right: 6px; vertical-align: 1px; }
  .time { font-size: 12px; color: #616061; }
  .header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 4px 0 6px; }
  .section { white-space: pre-wrap; margin: 4px 0; overflow-wrap: anywhere; }
  .context { font-size: 12px; line-height: 1.5; color: #616061; margin: 6px 0; white-space: pre-wrap; }
  code { font-family: Monaco, Menlo, 'DejaVu Sans Mono', monospace; font-size: 12px; color: #E01E5A; background: rgba(29,28,29,.04);
    border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 1px 3px; }
  .context code { font-size: 11px; }
  .emoji { font-family: 'Noto Color Emoji'; font-size: 16px; vertical-align: -1px; }
  .mention { color: #1264A3; background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0 2px; }
  .button { font-size: 13px; font-weight: 700; height: 28px; line-height: 26px; padding: 0 12px; border: 1px solid rgba(29,28,29,.3);
    border-radius: 4px; box-sizing: border-box; white-space: nowrap; }
  .button.primary { background: #007A5A; color: #FFFFFF; border-color: #007A5A; }
  .button.danger { color: #E01E5A; }
`;

function slackPage(blocks: Block[], time: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${SLACK_CSS}</style></head><body>
<div id="frame"><img class="avatar" src="${ICON}" alt=""><div class="message"><div class="meta"><b>${html(SLACK_NAME)}</b><span class="app">APP</span><span class="time">${html(time)}</span></div>
${blocks.map(blockHtml).join('\n')}</div></div></body></html>`;
}

// ---- Drawing ------------------------------------------------------------------------------------------------------

async function draw(page: Page, content: string, file: string): Promise<void> {
  await page.setContent(content);
  await page.evaluate('document.fonts.ready');
  const errors = await page.evaluate('window.renderErrors ?? []');
  if (Array.isArray(errors) && errors.length) throw new Error(`the card did not render cleanly: ${errors.join('; ')}`);
  const path = new URL(file, OUT);
  await page.locator('#frame').screenshot({ path: path.pathname });
  console.log(`wrote ${path.pathname.replace(/^.*\/docs\//, 'docs/')}`);
}

async function main(): Promise<void> {
  const reminder = await realReminder();
  const time = DateTime.fromISO(REMINDER_AT).setZone('Europe/London').toFormat('HH:mm');
  const card = replyActivity(reminder, { notify: true }).attachments?.[0]?.content;
  const slack = renderSlack(reminder);
  if (!card || slack.length !== 1) throw new Error('expected one Teams card and one Slack message for the reminder');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 }, deviceScaleFactor: 1 });
    await draw(page, teamsPage(card, time), 'teams-reminder.png');
    await draw(page, slackPage(slack[0]!.blocks as Block[], time), 'slack-reminder.png');
  } finally {
    await browser.close();
  }
}

await main();
