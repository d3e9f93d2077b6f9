// Inbound Teams activities -> Bot.handle -> Adaptive Card replies. Commands come from mentions in channels and
// group chats, from any message in a personal chat, and from the buttons on reminder cards.
import type { Activity, ConversationReference, TeamsActivityHandler as Handler, TurnContext as Context } from 'botbuilder';
import { TeamsActivityHandler, TeamsInfo, TurnContext } from './botbuilder.js';
import type { Bot } from '../../src/bot.js';
import { MAX_COMMAND_CHARS, splitShare } from '../../src/commands/index.js';
import type { Incoming } from '../../src/commands/types.js';
import type { Logger } from '../../src/ports.js';
import type { Reply } from '../../src/replies/model.js';
import { callerOf, inboundText, mentionsBot, teamsIdentity } from './mentions.js';
import type { Present } from './files.js';
import { replyActivity } from './render.js';

/** Where a Teams conversation can be reached later: the conversation reference rides in `extras`. */
export interface TeamsDestination {
  platform: 'teams';
  channel: string;
  extras: { reference: Partial<ConversationReference> };
}

export interface TeamsBotOptions {
  bot: Bot;
  logger: Logger;
  /** Called when a user's personal conversation is first seen by this process (or changes). */
  recordReference(identity: string, destination: TeamsDestination): Promise<void>;
  /** The reply's activity with any files it carries (the report's, the digest's picture); plain cards without. */
  present?: Present;
}

/** A button's command is ours; anything longer has been tampered with, and is cut to what the core takes. */
const MAX_COMMAND = MAX_COMMAND_CHARS;

export function isPersonal(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (type === undefined && !activity.conversation?.isGroup);
}

/**
 * The conversation a message belongs to, for subscriptions and later posts. In a Teams channel the activity's
 * conversation is one thread (`19:…@thread.tacv2;messageid=…`): the channel itself is the id without the thread,
 * and posting there starts a new thread that the whole channel sees.
 */
export function conversationOf(activity: Activity): string {
  const id = activity.conversation.id;
  const thread = id.indexOf(';messageid=');
  return thread < 0 ? id : id.slice(0, thread);
}

export function destinationOf(activity: Activity): TeamsDestination {
  const reference = TurnContext.getConversationReference(activity);
  const channel = conversationOf(activity);
  return { platform: 'teams', channel, extras: { reference: { ...reference, conversation: { ...reference.conversation!, id: channel } } } };
}

/** The command a card button carries (`Action.Submit` data `{ reformCommand }`), if this message is a click. */
function clickedCommand(activity: Activity): string | undefined {
  const value: unknown = activity.value;
  if (typeof value !== 'object' || value === null) return undefined;
  const command = (value as { reformCommand?: unknown }).reformCommand;
  return typeof command === 'string' && command.trim() ? command.trim().slice(0, MAX_COMMAND) : undefined;
}

export function createTeamsBot(opts: TeamsBotOptions): Handler {
  const { bot, logger } = opts;
  // identity -> conversation id already recorded by this process, so a chatty user does not rewrite the store.
  const recorded = new Map<string, string>();

  async function recordPersonal(activity: Activity): Promise<void> {
    if (!isPersonal(activity) || !activity.from?.aadObjectId || !activity.conversation?.id) return;
    const identity = teamsIdentity(activity.from);
    if (recorded.get(identity) === activity.conversation.id) return;
    try {
      await opts.recordReference(identity, destinationOf(activity));
      recorded.set(identity, activity.conversation.id);
    } catch (error) {
      logger.warn('could not record a Teams personal conversation', { identity, error: String(error) });
    }
  }

  function incoming(ctx: Context, text: string): Incoming {
    const a = ctx.activity;
    const destination = destinationOf(a);
    // Passed whole: the core refuses an over-long command, where cutting it here would store half a note.
    return { text, user: callerOf(a), platform: 'teams', channel: destination.channel, extras: destination.extras };
  }

  /**
   * What botbuilder adds to a reply before it goes (addressing, the ids), so the size guard measures the activity
   * as Teams receives it: the card alone once measured 24,000 bytes and the activity sent 24,064.
   */
  const envelopeOf = (ctx: Context): Partial<Activity> =>
    TurnContext.applyConversationReference({ id: ctx.activity.id }, TurnContext.getConversationReference(ctx.activity));

  /** Mention entities often lack the AAD id; the roster has it. Failure falls back to the Teams user id. */
  const aadLookup = (ctx: Context) => async (userId: string) => (await TeamsInfo.getMember(ctx, userId)).aadObjectId;

  async function onClick(ctx: Context, command: string): Promise<void> {
    const outcome = await bot.handle(incoming(ctx, command));
    const cardId = ctx.activity.replyToId;
    // A change replaces the card with its outcome (so the buttons cannot be pressed twice). A refusal or an
    // "already done" is a new message in the conversation (Teams has no private replies to a card's Action.Submit
    // in a channel), and the reminder stays as it was.
    if (outcome.tone !== 'change' || !cardId) {
      await ctx.sendActivity(replyActivity(outcome, {}, envelopeOf(ctx)));
      return;
    }
    const updated: Reply = { ...outcome, footnotes: [...outcome.footnotes, [`Updated by ${callerOf(ctx.activity).name}.`]] };
    try {
      await ctx.updateActivity({ ...replyActivity(updated, {}, { ...envelopeOf(ctx), id: cardId }), id: cardId });
    } catch (error) {
      logger.warn('could not update a Teams card; replying instead', { error: String(error) });
      await ctx.sendActivity(replyActivity(updated, {}, envelopeOf(ctx)));
    }
  }

  const handler = new TeamsActivityHandler();

  handler.onMessage(async (ctx, next) => {
    const activity = ctx.activity;
    await recordPersonal(activity);
    const command = clickedCommand(activity);
    if (command) await onClick(ctx, command);
    else if (isPersonal(activity) || mentionsBot(activity)) {
      // "share" means nothing in Teams (answers are in the conversation already) and is not part of the query.
      const text = splitShare(await inboundText(activity, aadLookup(ctx))).text;
      const answer = await bot.handle(incoming(ctx, text));
      const envelope = envelopeOf(ctx);
      await ctx.sendActivity(opts.present ? await opts.present(answer, {}, envelope) : replyActivity(answer, {}, envelope));
    }
    await next();
  });

  handler.onConversationUpdate(async (ctx, next) => {
    const activity = ctx.activity;
    await recordPersonal(activity);
    // Greet once, when the bot itself is added (Teams also sends installationUpdate, which only records).
    if (activity.membersAdded?.some((m) => m.id === activity.recipient?.id)) {
      await ctx.sendActivity(replyActivity(await bot.handle(incoming(ctx, 'help')), {}, envelopeOf(ctx)));
    }
    await next();
  });

  handler.onInstallationUpdateAdd(async (ctx, next) => {
    await recordPersonal(ctx.activity);
    await next();
  });

  return handler;
}
