// Activities shaped as Teams posts them to /api/messages, and the people and conversations they come from. Apart
// from the fake Bot Connector (bot-connector.ts, which re-exports them) so that a process that only sends
// activities, the benchmarks' load generator, does not load botbuilder and the Teams adapter with them.

export const BOT = { id: '28:bot', name: 'Reform' };
export const ALICE = { id: '29:alice', name: 'Alice Smith', aadObjectId: 'aad-alice' };
export const BOT_MENTION = { type: 'mention', text: '<at>Reform</at>', mentioned: BOT };
export const CHANNEL = { id: '19:general@thread.tacv2;messageid=1700000000001', conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' };
export const GROUP_CHAT = { id: '19:planning@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' };
export const PERSONAL = { id: 'a:1personal-alice', conversationType: 'personal', tenantId: 'tenant-1' };

export interface MessageOptions {
  text?: string;
  conversation?: Record<string, unknown>;
  from?: Record<string, unknown>;
  entities?: unknown[];
  value?: unknown;
  replyToId?: string;
  type?: string;
  membersAdded?: unknown[];
  action?: string;
}

let sequence = 0;

/** An activity shaped like the ones Teams posts to /api/messages. */
export function teamsActivity(serviceUrl: string, o: MessageOptions = {}): Record<string, unknown> {
  const conversation = o.conversation ?? CHANNEL;
  const inTeam = conversation.conversationType === 'channel';
  return {
    type: o.type ?? 'message',
    id: `msg-${++sequence}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: o.from ?? ALICE,
    conversation,
    recipient: BOT,
    locale: 'en-GB',
    ...(o.type && o.type !== 'message' ? {} : { textFormat: 'plain', text: o.text ?? '' }),
    ...(o.entities ? { entities: o.entities } : {}),
    ...(o.value !== undefined ? { value: o.value } : {}),
    ...(o.replyToId ? { replyToId: o.replyToId } : {}),
    ...(o.membersAdded ? { membersAdded: o.membersAdded } : {}),
    ...(o.action ? { action: o.action } : {}),
    channelData: {
      tenant: { id: 'tenant-1' },
      ...(inTeam ? { team: { id: '19:team@thread.tacv2' }, channel: { id: '19:general@thread.tacv2' } } : {}),
      ...(o.membersAdded && inTeam ? { eventType: 'teamMemberAdded' } : {}),
    },
  };
}
