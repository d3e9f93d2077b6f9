// Owners are chat users (platform-qualified ids, from mention tokens) or posts written as text
// ("Service Director, Family Support"): councils assign posts, not only people.
import type { Caller } from '../commands/types.js';
import type { Owner } from './state.js';

/** Adapters turn platform mentions into `<@platform:id|name>` before the core sees the text. */
const MENTION = /^<@([a-z]+:[^|>\s]+)(?:\|([^>]*))?>$/;
const MENTIONS = /<@[a-z]+:([^|>\s]+)(?:\|([^>]*))?>/g;

/**
 * Free text to keep (a note, a title, a reason) with its mentions as people read them: `please ask @dave`. The
 * stored text then shows the same everywhere and never pings anyone when it is shown again.
 */
export function readableMentions(text: string): string {
  // Most text mentions nobody: one search says so (every reply's heading that repeats a query comes through here).
  if (!text.includes('<@')) return text;
  return text.replace(MENTIONS, (_m, id: string, name: string | undefined) => `@${name?.trim() || id}`);
}
export const MAX_ROLE_LENGTH = 120;

export function roleId(text: string): string {
  return `role:${text.trim().toLowerCase().replace(/\s+/g, ' ')}`;
}

/** An owner from what was typed, or undefined when it is empty or too long to be a post title. */
export function parseOwner(text: string, caller: Caller): Owner | undefined {
  let t = text.trim();
  // `role:Head of Service`, as the store writes a post's id: that post, whatever its title says ("me" included).
  const post = /^role:\s*/i.exec(t);
  if (post) t = t.slice(post[0].length).trim();
  if (!t) return undefined;
  if (!post && /^(me|myself)$/i.test(t)) return { id: caller.id, name: caller.name };
  const m = post ? null : t.match(MENTION);
  if (m) return { id: m[1]!, name: m[2] || m[1]!.replace(/^[a-z]+:/, '') };
  // A post title has words in it: "@" or "-" on its own is a slip, not an owner. Mentions in it ("@bob @carol")
  // are people, and an item has one owner.
  if (t.length > MAX_ROLE_LENGTH || !/[\p{L}\p{N}]/u.test(t) || /<@[a-z]+:/.test(t)) return undefined;
  return { id: roleId(t), name: t };
}
