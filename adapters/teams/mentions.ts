// Teams mentions both ways. Inbound: Teams writes `<at>Alice Smith</at>` in the text and describes each mention
// in an entity; the core wants `<@teams:<aad object id>|Alice Smith>`. Outbound: an owner who is a Teams user
// becomes `<at>Name</at>` plus a mention entity, so Teams notifies them.
import type { Activity, Mention } from 'botbuilder';
import { TurnContext } from './botbuilder.js';
import type { Caller } from '../../src/commands/types.js';

/** Looks up a Teams user's AAD object id when a mention entity lacks it (TeamsInfo.getMember in the adapter). */
export type AadLookup = (teamsUserId: string) => Promise<string | undefined>;

/** Characters that would break a core token `<@id|name>` or Teams' `<at>` markup. */
const cleanName = (name: string): string => name.replace(/[<>|[\]()*_~`\\]/g, '').replace(/\s+/g, ' ').trim() || 'someone';

/** `teams:<aad object id>`, falling back to the Teams user id (29:…) when Teams did not send the AAD id. */
export function teamsIdentity(account: { id: string; aadObjectId?: string }): string {
  return `teams:${account.aadObjectId ?? account.id}`;
}

export function callerOf(activity: Activity): Caller {
  return { id: teamsIdentity(activity.from), name: cleanName(activity.from.name ?? '') };
}

/** Whether this activity mentions the bot itself (the recipient). */
export function mentionsBot(activity: Activity): boolean {
  return TurnContext.getMentions(activity).some((m) => m.mentioned?.id === activity.recipient?.id);
}

/**
 * The command text the core sees: the bot's own mention removed, other mentioned users as core tokens, and
 * Teams' non-breaking spaces as plain spaces. Only text that an entity vouches for becomes a token.
 */
export async function inboundText(activity: Activity, lookupAad?: AadLookup): Promise<string> {
  const botId = activity.recipient?.id;
  let text = activity.text ?? '';
  // Words before the bot's name are talk to the channel ("hi", "thanks"); the command follows the name, unless
  // nothing does ("done x @Reform").
  const own = (TurnContext.getMentions(activity) as Mention[]).find((m) => m.mentioned?.id === botId && m.text);
  const at = own ? text.indexOf(own.text) : -1;
  if (own && at > 0 && text.slice(at + own.text.length).trim()) text = text.slice(at);
  // removeRecipientMention strips by the entity's own text; done on a copy so the activity stays as received.
  text = TurnContext.removeRecipientMention({ ...activity, text } as Activity) ?? text;
  // A `<@` typed as text is broken with a zero-width space (as the Slack adapter does), so nobody can forge a
  // `<@platform:id|name>` owner token that would mention, and notify, someone.
  text = text.replace(/<@/g, '<\u200B@');
  for (const m of TurnContext.getMentions(activity) as Mention[]) {
    if (!m.text || !m.mentioned?.id || m.mentioned.id === botId) continue;
    const raw = m.mentioned as { id: string; name?: string; aadObjectId?: string };
    const aad = raw.aadObjectId ?? (lookupAad ? await lookupAad(raw.id).catch(() => undefined) : undefined);
    const name = cleanName(raw.name ?? m.text.replace(/<\/?at>/g, ''));
    text = text.split(m.text).join(`<@${teamsIdentity({ id: raw.id, aadObjectId: aad })}|${name}>`);
  }
  return text.replace(/&nbsp;|\u00a0/g, ' ').trim();
}

/** A mention entity as Teams wants it inside an Adaptive Card (`msteams.entities`) or on an activity. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** The `<at>` markup and entity for an owner who is a Teams user, or undefined for anyone else. */
export function ownerMention(owner: { id: string; name: string }): MentionEntity | undefined {
  if (!owner.id.startsWith('teams:')) return undefined;
  const name = cleanName(owner.name);
  return { type: 'mention', text: `<at>${name}</at>`, mentioned: { id: owner.id.slice('teams:'.length), name } };
}
