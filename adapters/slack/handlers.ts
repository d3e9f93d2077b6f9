// What the bot does with each kind of Slack input. A slash command answers in its ack when the answer is ready
// in time (Slack allows 3 seconds) and through respond() after the ack when it is not; the other handlers ack
// first, then answer through respond(), say() or views.publish.
import { performance } from 'node:perf_hooks';
import type { AckFn, AllMiddlewareArgs, App, BlockAction, CodedError, Middleware, RespondArguments, RespondFn, SlackEventMiddlewareArgs, types } from '@slack/bolt';
import { APOLOGY, type Bot } from '../../src/bot.js';
import { splitShare, tooLong } from '../../src/commands/index.js';
import type { Incoming } from '../../src/commands/types.js';
import type { Logger } from '../../src/ports.js';
import { quietOwners, type Reply } from '../../src/replies/model.js';
import { renderPlain } from '../../src/replies/plain.js';
import { visibleText } from '../../src/replies/visible.js';
import type { SlackFiles } from './files.js';
import { homeView } from './home.js';
import { escapeMrkdwn, slackToCore } from './mentions.js';
import { truncate } from './mrkdwn.js';
import { nameLookup, withNames } from './names.js';
import { LIMITS, renderSlack, type SlackMessage } from './render.js';
import { realSleep, responder, withRetries, type Sleep } from './retry.js';
import { postInParts, RESPONSE_URL_POSTS } from './resplit.js';

type Block = types.KnownBlock;

function incoming(text: string, userId: string, name: string | undefined, channel: string): Incoming {
  return { text, user: { id: `slack:${userId}`, name: name || userId }, platform: 'slack', channel };
}

/**
 * Queries answer only the asker unless they end with `share`; successful changes are confirmed to the channel
 * so the team sees them; usage and problems always stay private.
 */
export const visibility = splitShare;

/** Only changing commands answer with the tone 'change', so a change is confirmed in the channel. */
export function responseType(reply: Reply, plan: { share: boolean }): 'in_channel' | 'ephemeral' {
  if (reply.tone === 'change') return 'in_channel';
  if (plan.share && reply.tone === 'answer') return 'in_channel';
  return 'ephemeral';
}

type Respond = (message: Record<string, unknown>) => Promise<unknown>;

/** Our own poster when Slack gave a response_url (it shows Retry-After); Bolt's respond() otherwise. */
function replier(responseUrl: string | undefined, respond: RespondFn): Respond {
  return responseUrl ? responder(responseUrl) : (message) => respond(message);
}

/** Posts the parts in order, each retried on passing troubles, re-split if Slack refuses it as it is. */
async function respondAll(respond: Respond, parts: SlackMessage[], extra: Record<string, unknown>, sleep: Sleep, logger: Logger): Promise<void> {
  await postInParts(parts, (part) => withRetries(() => respond({ ...extra, ...part }), sleep), (m, c) => logger.warn(m, c), RESPONSE_URL_POSTS);
}

/**
 * `<@UBOT> status kinship` -> `status kinship`. Words before the bot's name are talk to the channel ("hey
 * <@UBOT>, status kinship"), so the command follows the name, unless nothing does ("done x <@UBOT>").
 */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  const bot = botUserId ? botUserId.replace(/[^A-Z0-9]/gi, '') : '[UW][A-Z0-9]+';
  // Linear in the text, as everything before the length check must be: a label stops at the next `<`, and the
  // separators before the name are walked back over, where a `[\s,:]+$` pattern would retry at every one of them.
  const mention = new RegExp(`<@${bot}(\\|[^<>]*)?>[\\s:,]*`).exec(text);
  if (!mention) return text.trim();
  const after = text.slice(mention.index + mention[0].length).trim();
  if (after) return after;
  let end = mention.index;
  while (end > 0 && /[\s,:]/.test(text[end - 1]!)) end--;
  return text.slice(0, end).trim();
}

/**
 * The message a button sat on, with a line saying who did what. Its buttons go, and so do its footnotes: on a
 * reminder they say what to do next ("Next: /reform done …"), which the click has just done.
 */
function outcomeBlocks(original: Block[], reply: Reply, userId: string): Block[] {
  const kept = original.filter((b) => b.type !== 'actions' && b.type !== 'context').slice(0, LIMITS.blocksPerMessage - 1);
  const line = truncate(`:white_check_mark: <@${userId}>: ${escapeMrkdwn(visibleText(reply.heading))}`, LIMITS.contextChars);
  return [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }];
}

/**
 * Bolt's ignoreSelf, for the events the bot takes: one by the bot's own user (a message of ours that mentions us) is
 * dropped before it is claimed or run. The App is built with Bolt's global check off (app.ts), which ran on every
 * request, slash commands and clicks too.
 */
const notFromSelf: Middleware<SlackEventMiddlewareArgs> = async ({ event, context, next }) => {
  if (context.botUserId !== undefined && 'user' in event && event.user === context.botUserId) return;
  await next();
};

/** Past this many characters a command is refused without being read (8 times the core's limit). */
const MAX_UNREAD_CHARS = 16_000;
/** Why the pack did not arrive, and what to do about it. */
function packRefusal(error: string): string {
  const invite = /not_in_channel|channel_not_found/.test(error) ? ' Invite me to this channel (`/invite @Reform`), or ask in a channel I am in.' : ' Try again in a minute.';
  return `I could not upload the report files here (${error}).${invite}`;
}

/** How long a slash command may work before its ack. Slack waits 3 seconds for the ack, network included. */
export const ANSWER_IN_ACK_MS = 1_500;
/** An answer ready later than this after the command arrived is not put in the ack. */
const LATE_ACK_MS = 2_500;

const NOT_YET = Symbol('not yet');

/**
 * The work's result if it settles within `ms`, else undefined (the work goes on). A failure is thrown. An answer
 * from state already in memory settles before the event loop turns, and needs no timer set and cleared.
 */
async function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let turn: NodeJS.Immediate | undefined;
  const first = await Promise.race([work, new Promise<typeof NOT_YET>((resolve) => (turn = setImmediate(resolve, NOT_YET)))]);
  clearImmediate(turn);
  if (first !== NOT_YET) return first;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An ack that acks once. A failed ack (a Socket Mode link that dropped, an ack after the request was answered) is
 * logged; the answer then goes on.
 */
function acksOnce(ack: AckFn<string | RespondArguments>, logger: Logger): (message?: string | RespondArguments) => Promise<boolean> {
  let acked = false;
  return async (message) => {
    if (acked) return false;
    acked = true;
    try {
      await ack(message);
      return true;
    } catch (error) {
      logger.warn('slack ack failed; answering at the response_url', { error: String(error) });
      return false;
    }
  };
}

export interface HandlerOptions {
  /** Waits between reply retries; tests pass one that records instead of sleeping. */
  sleep?: Sleep;
  /** A slash command's answer ready within this goes in the ack; a later one follows at the response_url. */
  answerInAckMs?: number;
  /** Uploads the committee pack (`report`) to the channel it was asked for in. */
  files?: SlackFiles;
  /** Runs before each event listener: lets an event through once, however often Slack resends it (dedupe.ts). */
  once: Middleware<SlackEventMiddlewareArgs>;
}

export function registerHandlers(app: App, bot: Bot, logger: Logger, opts: HandlerOptions): void {
  const { sleep = realSleep, answerInAckMs = ANSWER_IN_ACK_MS, files, once } = opts;
  /** `report`'s files, after its answer; a refusal (the bot not in the channel) is told to the asker alone. */
  const handOver = async (reply: Reply, channel: string, threadTs: string | undefined, tell: (text: string) => Promise<unknown>): Promise<void> => {
    if (!reply.pack || !files) return;
    const shared = await files.sharePack(channel, threadTs, reply.pack);
    if (!shared.ok) await withRetries(() => tell(packRefusal(shared.error)), sleep);
  };
  const nameOf = nameLookup(app.client, logger);
  /**
   * Slack's text as the core reads it, with a name for every person mentioned; or, for a text over the core's
   * limit, the core's refusal, made before any name is looked up. A text far over the limit is not read at all.
   */
  const coreText = (text: string): string | Reply | Promise<string> => {
    const unread = text.length > MAX_UNREAD_CHARS ? tooLong(text) : undefined;
    if (unread) return unread;
    const core = slackToCore(text);
    const refusal = tooLong(core);
    if (refusal) return refusal;
    return core.includes('<@slack:') ? withNames(core, nameOf) : core;
  };
  /** A command's reply, and whether it asked to be shared; the names it mentions are looked up as part of the work. */
  const run = async (text: string, userId: string, userName: string | Promise<string | undefined> | undefined, channel: string): Promise<{ reply: Reply; plan: { share: boolean } }> => {
    const prepared = coreText(text);
    const [core, name] = await Promise.all([prepared, userName]);
    if (typeof core !== 'string') return { reply: core, plan: { share: false } };
    const plan = visibility(core.trim());
    return { reply: await bot.handle(incoming(plan.text, userId, name, channel)), plan };
  };
  app.command('/reform', async ({ command, ack, respond }) => {
    const started = performance.now();
    const ackOnce = acksOnce(ack, logger);
    try {
      // The names a command mentions are looked up inside the timed work: a slow Web API delays the answer, never
      // the ack.
      const work = run(command.text ?? '', command.user_id, command.user_name, command.channel_id);
      // An answer ready in time, in one message, rides in the ack itself: one round trip, and nothing left to
      // deliver or retry. Slow work, a reply split into parts (kept in order) and a failed ack go to the
      // response_url, so an answer, perhaps to a change already made, is not lost.
      let done = await settledWithin(work, answerInAckMs);
      if (done === undefined) {
        await ackOnce();
        done = await work;
      }
      const { reply, plan } = done;
      const extra = { response_type: responseType(reply, plan) };
      // Shown to the whole channel, an answer names owners without pinging everyone it lists; a change still
      // mentions its owner, and a private answer can show mentions as names (it notifies nobody).
      const parts = renderSlack(extra.response_type === 'in_channel' && reply.tone !== 'change' ? quietOwners(reply) : reply);
      // Past LATE_ACK_MS (a stalled process), Slack may already have given up: Socket Mode would drop an answer
      // in a late ack without a word, so it goes to the response_url instead.
      const inTime = performance.now() - started < LATE_ACK_MS;
      const answer = replier(command.response_url, respond);
      const tell = (text: string) => answer({ response_type: 'ephemeral', replace_original: false, text });
      if (parts.length === 1 && inTime && (await ackOnce({ ...extra, ...parts[0]! }))) return await handOver(reply, command.channel_id, undefined, tell);
      await ackOnce();
      await respondAll(answer, parts, extra, sleep, logger);
      await handOver(reply, command.channel_id, undefined, tell);
    } finally {
      // Whatever failed, Slack still gets its ack in time; app.error then sends the apology.
      await ackOnce();
    }
  });

  // `@Reform status kinship` in a channel: answers and changes in a thread under the mention, so the channel stays
  // readable; usage and problems to the asker only, as for the slash command. Answers name owners without
  // pinging them; "share" means nothing here (the answer is in the channel already) and is dropped.
  const onMention = async ({ event, context, say, client }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs): Promise<void> => {
    if (!event.user) return;
    const user = event.user;
    const name = event.user_profile?.display_name || event.user_profile?.name || nameOf(user);
    // "share" is dropped as run() drops it from a query; the answer is in the channel's thread anyway.
    const { reply } = await run(stripBotMention(event.text, context.botUserId), user, name, event.channel);
    const thread_ts = event.thread_ts ?? event.ts;
    const parts = renderSlack(reply.tone === 'change' ? reply : quietOwners(reply));
    const privately = reply.tone === 'problem' || reply.tone === 'help';
    await postInParts(
      parts,
      (part) =>
        privately
          ? withRetries(() => client.chat.postEphemeral({ channel: event.channel, user, thread_ts, ...part }), sleep)
          : withRetries(() => say({ ...part, unfurl_links: false, unfurl_media: false, thread_ts }), sleep),
      (m, c) => logger.warn(m, c),
    );
    await handOver(reply, event.channel, thread_ts, (text) => client.chat.postEphemeral({ channel: event.channel, user, thread_ts, text }));
  };

  app.action<BlockAction>(/^reform_cmd_/, async ({ ack, body, action, respond: boltRespond, client }) => {
    await ack();
    const respond = replier(body.response_url, boltRespond);
    if (action.type !== 'button' || !action.value) return;
    const channel = body.channel?.id ?? body.container?.channel_id ?? 'home';
    const user = body.user;
    const reply = await bot.handle(incoming(action.value, user.id, user.username ?? user.name, channel));
    if (body.view?.type === 'home') {
      // Home tab buttons have no response_url: show the outcome by rebuilding the tab.
      await client.views.publish({ user_id: user.id, view: await homeView(bot, { id: `slack:${user.id}`, name: user.username ?? user.id }, channel) });
      return;
    }
    const parts = renderSlack(reply);
    const original = body.message?.blocks as Block[] | undefined;
    if (reply.tone === 'change' && original?.length) {
      await withRetries(() => respond({ replace_original: true, text: parts[0]!.text, blocks: outcomeBlocks(original, reply, user.id) }), sleep);
    } else if (reply.tone === 'change') {
      await respondAll(respond, parts, { replace_original: true }, sleep, logger);
    } else {
      // Refusals and "already done" go to the clicker only; the message stays as it was for everyone else.
      await respondAll(respond, parts, { response_type: 'ephemeral', replace_original: false }, sleep, logger);
    }
  });

  const onHomeOpened = async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== undefined && event.tab !== 'home') return;
    const view = await homeView(bot, { id: `slack:${event.user}`, name: event.user }, event.channel);
    await client.views.publish({ user_id: event.user, view });
  };

  // Both events the bot takes, in one listener: Bolt runs every listener's filters on every request (a slash command
  // goes through each event listener's filter, and a click each listener's but its own), so one listener for the two
  // saves every request a filter chain.
  app.event(/^(?:app_mention|app_home_opened)$/, notFromSelf, once, async (args) => {
    if (args.event.type === 'app_mention') await onMention(args as SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs);
    else await onHomeOpened(args as SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs);
  });

  // The one catch-all: log with context (never tokens or whole payloads), then a short apology to the user.
  app.error(async ({ error, body, context }: { error: CodedError; body?: unknown; context?: { teamId?: string } }) => {
    // Payload shapes differ by kind (command, event, action); only these few fields are read.
    const b = (body ?? {}) as Record<string, any>;
    const where = {
      kind: b.event?.type ?? b.type ?? (b.command ? 'slash_command' : 'unknown'),
      team: context?.teamId,
      user: b.user_id ?? b.user?.id ?? b.event?.user,
      channel: b.channel_id ?? b.channel?.id ?? b.event?.channel,
    };
    logger.error('slack handler failed', { ...where, code: error.code, error: error.message });
    const text = renderPlain(APOLOGY);
    try {
      if (typeof b.response_url === 'string') {
        await fetch(b.response_url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        });
      } else if (where.channel && where.user && where.kind === 'app_mention') {
        const thread_ts = b.event?.thread_ts ?? b.event?.ts;
        await app.client.chat.postEphemeral({ channel: where.channel, user: where.user, text, ...(typeof thread_ts === 'string' ? { thread_ts } : {}) });
      }
    } catch (apologyError) {
      logger.warn('slack apology failed', { ...where, error: String(apologyError) });
    }
  });
}
