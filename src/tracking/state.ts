// The tracking state kept in the store: who owns what, RAG, notes, completions, local actions, the audit
// trail, channel subscriptions and the delivery ledger. The programme file stays read-only input; this is
// keyed by milestone and action id, so editing the file never loses an owner.
import { z } from 'zod';

export const STATE_VERSION = 1;

const instant = z.string().min(1); // ISO 8601 with offset, written by the bot
const daySpan = z.strictObject({ first: z.string(), last: z.string() });
const datedPhrase = z.strictObject({ phrase: z.string(), span: daySpan });

export const ownerSchema = z.strictObject({
  /** Platform-qualified identity (`slack:U123`, `teams:<aad id>`, `console:alice`) or `role:<post title>`. */
  id: z.string().min(1),
  /** How to show the owner when the platform cannot mention them. */
  name: z.string(),
});
export type Owner = z.infer<typeof ownerSchema>;

export const RAG = ['red', 'amber', 'green'] as const;
export type Rag = (typeof RAG)[number];

const noteSchema = z.strictObject({ at: instant, by: z.string(), text: z.string() });
export type Note = z.infer<typeof noteSchema>;

const revisionSchema = datedPhrase.extend({ at: instant, by: z.string(), byName: z.string().optional(), reason: z.string(), from: z.string() });
export type Revision = z.infer<typeof revisionSchema>;

export const itemStateSchema = z.strictObject({
  owner: ownerSchema.optional(),
  rag: z.enum(RAG).optional(),
  notes: z.array(noteSchema).default([]),
  done: z.strictObject({ at: instant, by: z.string(), note: z.string().optional() }).optional(),
  /** Set when someone reopens a milestone the programme file marks completed. */
  reopened: z.boolean().optional(),
  revisions: z.array(revisionSchema).default([]),
  /** Reminders for this item are skipped until this instant ("Snooze a week"). */
  snoozedUntil: instant.optional(),
  /**
   * Someone answered for the overdue item (`ack`, the Acknowledge button): its escalation stops. `deadline` is the
   * deadline day (ISO) acknowledged, so a revised deadline that passes starts a new ladder.
   */
  acknowledged: z.strictObject({ at: instant, by: z.string(), byName: z.string().optional(), note: z.string().optional(), deadline: z.string() }).optional(),
  /** Set by `supersede`: overtaken by later policy, not done. `by` is who recorded it; `replacedBy` what replaced it. */
  superseded: z.strictObject({ at: instant, by: z.string(), byName: z.string().optional(), replacedBy: z.string().optional(), reason: z.string() }).optional(),
});
export type ItemState = z.infer<typeof itemStateSchema>;

export const actionSchema = z.strictObject({
  id: z.string(),
  milestoneId: z.string(),
  title: z.string(),
  due: datedPhrase.optional(),
  createdAt: instant,
  createdBy: z.string(),
});
export type ActionRecord = z.infer<typeof actionSchema>;

export const auditSchema = z.strictObject({
  at: instant,
  by: z.string(),
  byName: z.string().optional(),
  item: z.string(),
  change: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditSchema>;

export const subscriptionSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['reminders', 'digest', 'escalations']),
  platform: z.string(),
  channel: z.string(),
  /** Platform data the core never reads (a Teams conversation reference). */
  extras: z.record(z.string(), z.unknown()).optional(),
  createdAt: instant,
  createdBy: z.string(),
  /** Set when the platform refuses posts to this channel for good (bot removed, channel archived). */
  failing: z.strictObject({ at: instant, reason: z.string() }).optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const ledgerSchema = z.strictObject({
  key: z.string(),
  subscription: z.string(),
  item: z.string(),
  slot: z.string(),
  /**
   * `escalation-2`: to the item's lead(s); `escalation-3`: to the escalations channels (the ladder's steps).
   * `programme`: the announcement of an edit to the programme file (its record is in `programmeEdits`).
   */
  kind: z.enum(['reminder', 'overdue', 'digest', 'escalation-2', 'escalation-3', 'programme']),
  /** The instant the message was due to go out. */
  dueAt: instant,
  /** A digest: when its contents were built, so the next one lists the changes made from then on. */
  builtAt: instant.optional(),
  state: z.enum(['pending', 'claimed', 'sent', 'superseded']),
  /** Why a slot was superseded: a later slot was sent instead after downtime, or the item was snoozed. */
  note: z.string().optional(),
  attempts: z.number().int().default(0),
  claimedAt: instant.optional(),
  claimedBy: z.string().optional(),
  nextAttemptAt: instant.optional(),
  sentAt: instant.optional(),
  lastError: z.string().optional(),
  /** The last attempt failed in a way that may still have delivered it: check the channel before resending. */
  uncertain: z.boolean().optional(),
  /**
   * Platform data the core never reads: about the sent message (its id on the platform), or, while a send is
   * pending, what its last attempt still has to post (the rest of a message in parts), handed to the next attempt.
   */
  receipt: z.record(z.string(), z.unknown()).optional(),
});
export type LedgerEntry = z.infer<typeof ledgerSchema>;

/** What an edit of the programme file is compared on: deadline day (ISO), completion and supersession as written. */
const milestoneSnapshotSchema = z.strictObject({
  title: z.string(),
  deadline: z.string().optional(),
  completed: z.string().optional(),
  superseded: z.string().optional(),
});
export type MilestoneSnapshot = z.infer<typeof milestoneSnapshotSchema>;

const programmeEditSchema = z.strictObject({
  at: instant,
  file: z.string(),
  /** False: the edit did not load, and the bot kept the programme it had. */
  taken: z.boolean(),
  changes: z
    .array(z.strictObject({ change: z.enum(['added', 'removed', 'redated', 'completed', 'superseded', 'undated']), item: z.string(), title: z.string(), from: z.string().optional(), to: z.string().optional() }))
    .default([]),
  /** Why an edit was refused: file, line, field and problem, one a line. */
  errors: z.array(z.string()).default([]),
});
export type ProgrammeEdit = z.infer<typeof programmeEditSchema>;

export const calendarFeedSchema = z.strictObject({
  /** `channel`: the channel's deadlines; `owner`: what one person owns. */
  kind: z.enum(['channel', 'owner']),
  platform: z.string(),
  /** The channel it was made for, or the owner's identity. */
  for: z.string(),
  /** SHA-256 of the secret in the feed's address (hex). The secret itself is shown once and never kept. */
  hash: z.string(),
  createdAt: instant,
  createdBy: z.string(),
  revokedAt: instant.optional(),
});
export type CalendarFeed = z.infer<typeof calendarFeedSchema>;

export const stateSchema = z.strictObject({
  version: z.number().int(),
  items: z.record(z.string(), itemStateSchema).default({}),
  actions: z.record(z.string(), actionSchema).default({}),
  audit: z.array(auditSchema).default([]),
  subscriptions: z.array(subscriptionSchema).default([]),
  ledger: z.record(z.string(), ledgerSchema).default({}),
  /** Personal conversations per identity (Teams), so owners can be nudged directly. */
  directChannels: z.record(z.string(), z.strictObject({ platform: z.string(), channel: z.string(), extras: z.record(z.string(), z.unknown()).optional() })).default({}),
  digests: z.strictObject({ lastBuiltAt: instant.optional() }).default({}),
  /** Theme leads named with `lead` (they override the programme file's `leads:`), by theme. */
  leads: z.record(z.string(), ownerSchema).default({}),
  /**
   * Slack Events API event ids already taken (event_id -> when first seen), so a retry Slack sends when it missed
   * our 200 is not run again, by whichever process or restart receives it. Kept for SLACK_EVENT_RETENTION_MS.
   */
  slackEvents: z.record(z.string(), instant).default({}),
  /**
   * The programme file the running bot last took: its content hash and, per milestone, what an edit is compared
   * with. Unset until a bot first starts on this store.
   */
  programmeFile: z
    .strictObject({ hash: z.string(), file: z.string(), at: instant, milestones: z.record(z.string(), milestoneSnapshotSchema) })
    .optional(),
  /** Each edit of the programme file the bot noticed, taken or refused, keyed as its announcement is in the ledger. */
  programmeEdits: z.record(z.string(), programmeEditSchema).default({}),
  /**
   * Calendar feed addresses given out (`calendar`), revoked ones kept so their audit reads true. Absent until the
   * first is made, so a store that has none stays readable by versions before calendar feeds.
   */
  calendars: z.array(calendarFeedSchema).optional(),
});
export type State = z.infer<typeof stateSchema>;

/** A new store's state: what stateSchema.parse({ version }) gives (a test keeps the two equal), without zod. */
export function emptyState(): State {
  return { version: STATE_VERSION, items: {}, actions: {}, audit: [], subscriptions: [], ledger: {}, directChannels: {}, digests: {}, leads: {}, slackEvents: {}, programmeEdits: {} };
}

export function itemState(state: State, id: string): ItemState {
  // An item nobody has touched: the same as itemStateSchema.parse({}), without a parse per item per tick.
  return (Object.hasOwn(state.items, id) ? state.items[id] : undefined) ?? { notes: [], revisions: [] };
}
