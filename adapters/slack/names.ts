// Display names of the Slack users a command mentions or comes from, looked up with users.info and kept for an hour,
// so owners and notes read by name. A name is a nicety: a slow or refused lookup names the person by id.
import type { App } from '@slack/bolt';
import type { Logger } from '../../src/ports.js';

/** How long a looked-up display name is trusted before it is asked for again (people rename themselves). */
const NAME_TTL_MS = 60 * 60_000;
/** A name is a nicety: a slash command must still be answered within Slack's 3 seconds if users.info is slow. */
const NAME_LOOKUP_MS = 1_000;

/** Display names by Slack user id (users.info), for mentions and callers whose payloads carry no name. */
export function nameLookup(client: App['client'], logger: Logger): (userId: string) => Promise<string> {
  const names = new Map<string, { name: string; at: number }>();
  const warned = new Set<string>();
  return async (userId) => {
    const known = names.get(userId);
    if (known && Date.now() - known.at < NAME_TTL_MS) return known.name;
    let timer: NodeJS.Timeout | undefined;
    try {
      const slow = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('users.info took too long')), NAME_LOOKUP_MS)));
      const { user } = await Promise.race([client.users.info({ user: userId }), slow]);
      const name = user?.profile?.display_name || user?.real_name || user?.name || userId;
      if (names.size >= 1_000) names.clear();
      names.set(userId, { name, at: Date.now() });
      return name;
    } catch (error) {
      // Asked again next time (a 429 passes); warned about once per person (a missing users:read scope does not).
      if (warned.size >= 1_000) warned.clear();
      if (!warned.has(userId)) logger.warn('slack users.info failed; naming the user by id', { user: userId, error: String(error) });
      warned.add(userId);
      return known?.name ?? userId;
    } finally {
      clearTimeout(timer);
    }
  };
}

const UNNAMED = /<@slack:([UW][A-Z0-9]+)>/g;
/**
 * The most people whose names are looked up for one command (a command names one or two). The rest are shown by
 * id: a text naming hundreds of people must not become hundreds of Web API calls.
 */
export const MAX_NAME_LOOKUPS = 10;

/**
 * `<@slack:U123>` as a mention event writes it (no name) -> `<@slack:U123|Ann Lee>`, so owners and notes read by
 * name. The names are looked up together, so a slow Web API costs one wait, not one per person.
 */
export async function withNames(text: string, nameOf: (userId: string) => Promise<string>): Promise<string> {
  const ids = [...new Set([...text.matchAll(UNNAMED)].map((m) => m[1]!))].slice(0, MAX_NAME_LOOKUPS);
  const names = await Promise.all(ids.map(nameOf));
  let out = text;
  ids.forEach((id, i) => {
    const name = names[i]!.replace(/[|<>]/g, '').trim();
    if (name && name !== id) out = out.split(`<@slack:${id}>`).join(`<@slack:${id}|${name}>`);
  });
  return out;
}
