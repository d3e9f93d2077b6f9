// Text crossing the Slack boundary. Inbound: Slack's escaped message text -> the core's text, with user
// mentions as `<@slack:U123|name>` tokens. Outbound: user-provided text escaped for mrkdwn, and owners
// rendered as real mentions when they are Slack users, so the owner is notified (unless the reply names them
// quietly: see quietOwners).
import type { Owner } from '../../src/tracking/state.js';
import { ownerName } from '../../src/replies/plain.js';
import { visibleText } from '../../src/replies/visible.js';

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
/** Everything Slack wraps in angle brackets: users, channels, specials (`!here`), links. */
const SLACK_TOKEN = /<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>/g;
const ZERO_WIDTH_SPACE = '\u200B';
/** A quick test (a `]` alone needs nothing, but one character class scans faster than an alternation). */
const MAY_NEED_ESCAPE = /[&<>\]]/;
const ESCAPE_ALL = /[&<>]|\](?=\()/g;
const ESCAPED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', ']': `]${ZERO_WIDTH_SPACE}` };

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Slack text -> core text. `<@U123|alice>` and `<@U123>` become core mention tokens; channels, specials and
 * links become what the user saw; `&amp;` `&lt;` `&gt;` are decoded. A `<@` the user typed as text is broken
 * with a zero-width space, so nobody can forge a `<@platform:id>` owner token through plain text.
 */
export function slackToCore(text: string): string {
  // Most commands carry no token and no entity, and then there is nothing to translate.
  if (!text.includes('<') && !text.includes('&')) return text;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SLACK_TOKEN)) {
    out += plainPart(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, sigil, target = '', label] = m;
    if (sigil === '@' && SLACK_USER.test(target)) {
      const name = label ? decodeEntities(label).replace(/[|<>]/g, '').trim() : '';
      out += name ? `<@slack:${target}|${name}>` : `<@slack:${target}>`;
    } else if (sigil === '#') out += `#${plainPart(label ?? target)}`;
    else if (sigil === '!') out += plainPart(label ?? `@${target.split('^')[0]}`);
    else out += plainPart(linkText(target, label));
  }
  return out + plainPart(text.slice(last));
}

/**
 * A link as text that shows where it goes: `<https://example.org/x|click me>` -> `click me (https://example.org/x)`.
 * Replies show notes as text, so a label alone would lose the address and a link would hide it.
 */
function linkText(target: string, label: string | undefined): string {
  const name = label?.trim();
  if (!name) return target;
  const bare = target.replace(/^mailto:/i, '').replace(/^https?:\/\//i, '').replace(/\/$/, '');
  return name === target || name === bare || name.replace(/\/$/, '') === bare ? name : `${name} (${target})`;
}

function plainPart(text: string): string {
  return decodeEntities(text).replace(/<@/g, `<${ZERO_WIDTH_SPACE}@`);
}

/**
 * User-provided text -> mrkdwn that shows exactly that text. Escaping `&`, `<`, `>` means no `<!channel>`,
 * `<@U…>` or `<url|label>` can form; the zero-width space after `]` stops `[label](url)` links in surfaces that
 * read Markdown.
 */
export function escapeMrkdwn(text: string): string {
  return MAY_NEED_ESCAPE.test(text) ? text.replace(ESCAPE_ALL, (marker) => ESCAPED[marker]!) : text;
}

/** The Slack user id of an owner, when the owner is a Slack user. */
export function slackUserId(owner: Owner): string | undefined {
  if (!owner.id.startsWith('slack:')) return undefined;
  const id = owner.id.slice('slack:'.length);
  return SLACK_USER.test(id) ? id : undefined;
}

/** How an owner reads in plain text (ownerName), the name's control characters neutralised as visibleReply does. */
export function shownOwnerName(owner: Owner): string {
  const name = visibleText(owner.name);
  return ownerName(name === owner.name ? owner : { id: owner.id, name });
}

/** `<@U123>` for Slack users (a real mention); posts and other platforms' users as escaped text. */
export function ownerMrkdwn(owner: Owner): string {
  const id = slackUserId(owner);
  return id ? `<@${id}>` : escapeMrkdwn(shownOwnerName(owner));
}
