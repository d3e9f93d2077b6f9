// Environment -> typed, validated configuration, read once at startup. The only module that reads
// process.env. A wrong value stops the process with a message naming the variable.
import { join } from 'node:path';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { PROJECT_ROOT } from './project-root.js';

/**
 * The defaults are files of this project, wherever the command runs from: a cron job started in another folder
 * uses the same store as `npm start`, not a second one that would send everything again.
 */
const DEFAULT_MILESTONES = join(PROJECT_ROOT, 'milestones', 'stable-homes.yaml');
const DEFAULT_DB = join(PROJECT_ROOT, 'data', 'reform.json');

const optionalText = z.string().trim().min(1).optional();
const authUrl = z.url({ error: (issue) => `${quoted(issue.input)} is not a URL (a botbuilder authentication setting)` }).optional();

/** A value as a settings error quotes it: short, and only if it is text. */
function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : 'The value';
}

/** One of a few words, with an error that says which were meant: `"verbose" is not a log level: debug, info, …`. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  const listed = values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1)}` : values[0];
  return z.enum(values, { error: (issue) => `${quoted(issue.input)} is not ${what}: ${listed}` });
}

/** An ISO date-time; one without an offset (`2026-06-01T09:00`) is a time on the programme's clock, not UTC's. */
export function instantIn(iso: string, zone: string): DateTime {
  return DateTime.fromISO(iso, { zone, setZone: true });
}
const isoInstant = z
  .string()
  .trim()
  .refine((v) => DateTime.fromISO(v, { setZone: true }).isValid, { error: (issue) => `${quoted(issue.input)} is not a date-time: ISO 8601, such as 2024-03-28T09:00:00Z` });

/** A console user's name (REFORM_USER, `reform ask --user`): one word, with no platform prefix or @. */
export const CONSOLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Who may change things: platform identities, as callers are known to the core. */
const IDENTITY = /^(slack|teams|console):[A-Za-z0-9][A-Za-z0-9._@-]*$/;
const LIST_IDENTITIES = 'list slack:U123, teams:<aad object id> or console:alice, comma-separated';
const identities = optionalText.superRefine((value, ctx) => {
  if (value === undefined) return;
  const listed = value.split(/[\s,]+/).filter(Boolean);
  const wrong = listed.find((v) => !IDENTITY.test(v));
  // An empty list would let nobody but owners change anything: unset the variable to let everyone.
  if (!listed.length) ctx.addIssue({ code: 'custom', message: `names nobody: ${LIST_IDENTITIES}, or leave it unset to let everyone change things` });
  else if (wrong !== undefined) ctx.addIssue({ code: 'custom', message: `"${wrong}" is not an identity: ${LIST_IDENTITIES}` });
});

const envSchema = z.object({
  REFORM_MILESTONES: z.string().trim().min(1).default(DEFAULT_MILESTONES),
  // A file path (the JSON file store) or a postgres:// or postgresql:// URL (the PostgreSQL store).
  REFORM_DB: z
    .string()
    .trim()
    .min(1)
    // Not quoted: the address may hold a password.
    .refine((v) => !/^postgres(ql)?:\/\//i.test(v) || URL.canParse(v), { error: 'is not a PostgreSQL URL: postgres://user:password@host:5432/database?sslmode=require' })
    .default(DEFAULT_DB),
  REFORM_DB_POOL: z
    .string()
    .trim()
    .refine((v) => /^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 100, { error: (issue) => `${quoted(issue.input)} is not a pool size: a whole number of connections from 1 to 100, such as 4` })
    .transform(Number)
    .optional(),
  REFORM_TZ: z
    .string()
    .trim()
    .refine((v) => IANAZone.isValidZone(v), { error: (issue) => `${quoted(issue.input)} is not a time zone: an IANA name such as Europe/London` })
    .default('Europe/London'),
  PORT: z
    .string()
    .trim()
    .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, { error: (issue) => `${quoted(issue.input)} is not a port: a whole number from 0 to 65535, such as 3000` })
    .transform(Number)
    .default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  REFORM_NOW: isoInstant.optional(),
  REFORM_EDITORS: identities,
  // The console user's identity is console:<name>: one word, so it can be listed in REFORM_EDITORS and typed as @name.
  REFORM_USER: optionalText.refine((v) => v === undefined || CONSOLE_NAME.test(v), {
    error: (issue) => `${quoted(issue.input)} is not a console name: one word, such as jane.smith, without @ (it is the console user's identity, console:<name>)`,
  }),
  REFORM_LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error', 'silent'], 'a log level').default('info'),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: z.url({ error: (issue) => `${quoted(issue.input)} is not a URL: the Web API's address, such as https://slack.com/api/` }).optional(),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: oneOf(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], 'an app type').optional(),
  MicrosoftAppTenantId: optionalText,
  TEAMS_DEV_NO_AUTH: oneOf(['0', '1'], 'a switch').optional(),
  // botbuilder's own settings for where Teams' signing keys and the bot's tokens come from (government and
  // private clouds set them; tests point them at loopback). Unset: the public cloud's.
  ToBotFromChannelOpenIdMetadataUrl: authUrl,
  ToBotFromChannelTokenIssuer: optionalText,
  ToChannelFromBotLoginUrl: authUrl,
  ToChannelFromBotOAuthScope: optionalText,
  ValidateAuthority: oneOf(['true', 'false'], 'true or false').optional(),
  // The bot's own public address: Teams cards show the report's files from it, and calendars subscribe to it.
  REFORM_PUBLIC_URL: z.url({ protocol: /^https?$/, error: (issue) => `${quoted(issue.input)} is not the bot's public address: a URL such as https://reform.council.gov.uk` }).optional(),
});

export type Env = z.infer<typeof envSchema>;

/** botbuilder's authentication settings, passed through as named (see adapters/teams/adapter.ts). */
export interface TeamsAuthSettings {
  ToBotFromChannelOpenIdMetadataUrl?: string;
  ToBotFromChannelTokenIssuer?: string;
  ToChannelFromBotLoginUrl?: string;
  ToChannelFromBotOAuthScope?: string;
  ValidateAuthority?: boolean;
}

const AUTH_SETTINGS = ['ToBotFromChannelOpenIdMetadataUrl', 'ToBotFromChannelTokenIssuer', 'ToChannelFromBotLoginUrl', 'ToChannelFromBotOAuthScope'] as const;

export interface Config {
  milestonesFile: string;
  /** Which variable set the milestones path, for "file not found" messages. */
  milestonesFrom: string;
  /** REFORM_DB: a file path or a PostgreSQL URL (which may hold a password: never log it, see `secrets`). */
  dbFile: string;
  /** Connections per process to PostgreSQL (REFORM_DB_POOL). */
  dbPool?: number;
  timezone: string;
  port: number;
  host: string;
  now?: DateTime;
  editors?: string[];
  consoleUser: string;
  logLevel: Env['REFORM_LOG_LEVEL'];
  slack?: { botToken: string; signingSecret: string; appToken?: string; apiUrl?: string };
  teams?: { appId?: string; appPassword?: string; appType?: string; tenantId?: string; devNoAuth: boolean; auth?: TeamsAuthSettings };
  /** Secrets, so the logger can make sure none is ever written. */
  secrets: string[];
  /** The settings file read into the environment at start-up (`.env`), if any. */
  envFile?: string;
  /** The bot's public address (REFORM_PUBLIC_URL), for files and calendar feeds it serves. */
  publicUrl?: string;
}

export class ConfigError extends Error {}

/** The password in a PostgreSQL URL, so the logger never writes it. */
function databasePassword(db: string): string | undefined {
  if (!/^postgres(ql)?:\/\//i.test(db)) return undefined;
  try {
    return decodeURIComponent(new URL(db).password) || undefined;
  } catch {
    return undefined;
  }
}

/** Addresses only this machine can reach. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function teamsAuth(e: Env): { auth?: TeamsAuthSettings } {
  const auth: TeamsAuthSettings = {};
  for (const key of AUTH_SETTINGS) if (e[key] !== undefined) auth[key] = e[key];
  if (e.ValidateAuthority !== undefined) auth.ValidateAuthority = e.ValidateAuthority === 'true';
  return Object.keys(auth).length ? { auth } : {};
}

/** Reads configuration from an environment (default process.env). Throws ConfigError naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, defaultUser = 'console'): Config {
  // Spaces around a value are not part of it, and a blank value is an unset one (as an empty one always was).
  const cleaned = Object.fromEntries(
    Object.entries(env)
      .map(([k, v]) => [k, v?.trim()] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Configuration error:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if ((e.SLACK_BOT_TOKEN === undefined) !== (e.SLACK_SIGNING_SECRET === undefined)) {
    throw new ConfigError(`Configuration error: set both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack, or neither`);
  }
  // Half a platform's settings is a mistake, not a wish to run without it: say so rather than quietly run the console.
  if (e.SLACK_APP_TOKEN !== undefined && e.SLACK_BOT_TOKEN === undefined) {
    throw new ConfigError(`Configuration error: SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not; Socket Mode needs all three`);
  }
  const teamsPartial = (['MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType'] as const).filter((k) => e[k] !== undefined);
  if (e.MicrosoftAppId === undefined && teamsPartial.length) {
    throw new ConfigError(`Configuration error: ${teamsPartial.join(', ')} ${teamsPartial.length > 1 ? 'are' : 'is'} set but MicrosoftAppId is not; set MicrosoftAppId for Teams, or remove ${teamsPartial.length > 1 ? 'them' : 'it'}`);
  }
  if (e.TEAMS_DEV_NO_AUTH === '1' && e.MicrosoftAppId === undefined && !LOOPBACK.has(e.HOST.toLowerCase())) {
    // Anyone who reached the port could act as anyone, and have the bot post to any address they name.
    throw new ConfigError(
      `Configuration error: TEAMS_DEV_NO_AUTH=1 takes Teams requests without authentication, so it only listens on this machine: set HOST=127.0.0.1 (it is ${e.HOST}), or set MicrosoftAppId and remove TEAMS_DEV_NO_AUTH`,
    );
  }
  const teamsOn = e.MicrosoftAppId !== undefined || e.TEAMS_DEV_NO_AUTH === '1';
  return {
    milestonesFile: e.REFORM_MILESTONES,
    milestonesFrom: env.REFORM_MILESTONES ? 'REFORM_MILESTONES' : 'the default (set REFORM_MILESTONES to change it)',
    dbFile: e.REFORM_DB,
    dbPool: e.REFORM_DB_POOL,
    timezone: e.REFORM_TZ,
    port: e.PORT,
    host: e.HOST,
    now: e.REFORM_NOW ? instantIn(e.REFORM_NOW, e.REFORM_TZ) : undefined,
    // Console names are not case-sensitive (console:Jane.Smith is console:jane.smith); Slack and Teams ids are.
    editors: e.REFORM_EDITORS?.split(/[\s,]+/).filter(Boolean).map((id) => (id.startsWith('console:') ? id.toLowerCase() : id)),
    consoleUser: e.REFORM_USER ?? defaultUser,
    logLevel: e.REFORM_LOG_LEVEL,
    slack: e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
      : undefined,
    teams: teamsOn
      ? { appId: e.MicrosoftAppId, appPassword: e.MicrosoftAppPassword, appType: e.MicrosoftAppType, tenantId: e.MicrosoftAppTenantId, devNoAuth: e.TEAMS_DEV_NO_AUTH === '1', ...teamsAuth(e) }
      : undefined,
    ...(e.REFORM_PUBLIC_URL ? { publicUrl: e.REFORM_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    secrets: [e.SLACK_BOT_TOKEN, e.SLACK_SIGNING_SECRET, e.SLACK_APP_TOKEN, e.MicrosoftAppPassword, databasePassword(e.REFORM_DB)].filter((s): s is string => !!s),
  };
}
