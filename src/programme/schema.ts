// The shape of a programme (milestones) file. Checked with zod; the JSON Schema published next to the
// milestones files is generated from this (npm run schema), so editors can check and complete them.
import { z } from 'zod';

const text = z.string().trim().min(1);
// A bare year (`due: 2027`) arrives from YAML as a number; it is still a phrase.
const words = z.union([text.max(120), z.number().int().min(1900).max(2200)]).transform((v) => String(v));
const phrase = words.describe('A date phrase: "11 May 2023", "September 2023", "spring 2024", "end of 2027", "2024-25"');

export const milestoneId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by hyphens, e.g. kinship-strategy')
  .max(60);

const source = z.strictObject({
  seed: text.describe('The report the commitment comes from (file name in shared/seeds)'),
  section: text.describe('Section, appendix or slide title in that report'),
  also: text.optional().describe('Other reports that state it, and any disagreement'),
  quote: text.max(600).optional().describe("The report's own sentence, searchable by officers' words"),
});

export const milestoneSchema = z.strictObject({
  id: milestoneId.describe('Fixed identifier officers type: kinship-strategy'),
  title: text.max(200),
  due: words.describe("The report's own words: a date phrase, or any words when `deadline` is given"),
  deadline: phrase.optional().describe('How the bot reads `due` when it is not a date phrase'),
  anchor: phrase.optional().describe('The date a relative phrase ("in six months\' time") counts from'),
  reading: text.optional().describe('How an ambiguous phrase was read, in one sentence'),
  themes: z.array(text.max(40).regex(/^[a-z0-9-]+$/, 'lower-case words joined by hyphens')).min(1),
  aliases: z.array(text.max(60)).default([]),
  source: source.optional(),
  undated: z.boolean().optional().describe('The seed gives no date: no deadline, no nudges, never overdue ("due" keeps its words)'),
  revised: z.strictObject({ due: phrase, note: text.optional() }).optional().describe('A later deadline from the public record'),
  completed: z.strictObject({ date: phrase, note: text.optional() }).optional().describe('When it happened'),
  superseded: z
    .strictObject({
      date: phrase.describe('When it stopped being the commitment: "31 March 2025"'),
      by: text.max(200).describe('What replaced it: "Keeping Children Safe, Helping Families Thrive"'),
      note: text.optional(),
    })
    .optional()
    .describe('Overtaken by a later policy, not done: no more nudges; shown as "superseded by … on …"'),
  progress: text.optional().describe('What the public record shows so far, when it is neither done nor superseded'),
  unverified: z.boolean().optional().describe('No public record of the outcome was found: shown wherever it is overdue'),
});

/** A seed report's readable name and date, shown in replies instead of its file name. */
const sourceName = z.strictObject({
  name: text.max(120).describe("The report as people know it: North Lincolnshire Health and Wellbeing Board"),
  date: text.max(40).optional().describe('Its date as written: "21 February 2023" (leave out for an undated report)'),
});

/** Words that mean the same to officers, and the milestones they lead to. */
const glossaryEntry = z.strictObject({
  terms: z.array(text.max(60)).min(1).describe('Terms and acronyms that mean the same: [LAC, CLA, looked after, children in care]'),
  milestones: z.array(milestoneId).default([]).describe('Milestones these terms are about'),
  nearest: z.array(milestoneId).default([]).describe('Milestones to offer when none is about these terms (adoption -> kinship)'),
});

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour time such as 09:00');

export const remindersSchema = z.strictObject({
  days_before: z.array(z.number().int().min(1).max(365)).default([28, 7, 1]),
  overdue: z.boolean().default(true),
  at: clock.default('09:00'),
});

export const digestSchema = z.strictObject({
  day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']).default('monday'),
  at: clock.default('09:00'),
  horizon_weeks: z.number().int().min(1).max(52).default(6),
  unowned_weeks: z.number().int().min(1).max(104).default(12),
});

// The escalation ladder (issue 22): after the overdue nudge, counted in working days from it.
export const escalationSchema = z
  .strictObject({
    lead_after: z.number().int().min(1).max(60).default(3).describe("Working days after the overdue nudge when an item nobody acknowledged goes to its lead(s) by direct message"),
    leadership_after: z.number().int().min(2).max(120).default(10).describe('Working days after the overdue nudge when it goes to the channels subscribed with "subscribe escalations"'),
  })
  .refine((e) => e.leadership_after > e.lead_after, { message: 'leadership_after must be more working days than lead_after', path: ['leadership_after'] });

/** A theme's default lead: a post title ("Director of Children's Services") or a chat identity ("slack:U123"). */
const leadText = text.max(120).describe('A post title, or a chat identity such as slack:U0123ABC');

export const programmeSchema = z.strictObject({
  programme: text.max(200).describe('The programme name shown in replies'),
  timezone: text.optional().describe('IANA time zone; default REFORM_TZ, else Europe/London'),
  due_soon_days: z.number().int().min(1).max(365).default(28),
  reminders: remindersSchema.default(remindersSchema.parse({})),
  digest: digestSchema.default(digestSchema.parse({})),
  escalation: escalationSchema.default(escalationSchema.parse({})).describe('When an overdue item nobody acknowledged goes to its lead, then to leadership'),
  leads: z.record(z.string(), leadText).default({}).describe("Default lead per theme (the store's `lead` command overrides it)"),
  sources: z.record(text.max(120), sourceName).optional().describe('Each seed file named once: how replies cite it'),
  glossary: z.array(glossaryEntry).default([]).describe("The sector's words, so officers find milestones in their own terms"),
  milestones: z.array(milestoneSchema).min(1),
});

export type ProgrammeFile = z.infer<typeof programmeSchema>;
export type MilestoneEntry = z.infer<typeof milestoneSchema>;
export type ReminderPolicy = z.infer<typeof remindersSchema>;
export type DigestPolicy = z.infer<typeof digestSchema>;
export type EscalationPolicy = z.infer<typeof escalationSchema>;
export type GlossaryEntry = z.infer<typeof glossaryEntry>;
export type SourceName = z.infer<typeof sourceName>;

/** JSON Schema for editors (VS Code's YAML extension reads the `$schema` comment at the top of a file). */
export function programmeJsonSchema(): unknown {
  return z.toJSONSchema(programmeSchema, { io: 'input' });
}
