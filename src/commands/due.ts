// A due phrase typed in chat (`action add … due …`, `revise …`), read against today, and what is kept of it.
import type { Rich } from '../replies/model.js';
import { formatDay } from '../programme/model.js';
import { parsePhrase, phraseHint, YEAR_RANGE, type DaySpan } from '../programme/phrases.js';
import type { Context } from './types.js';

export type TypedDue = { ok: true; phrase: string; span: DaySpan; notes: Rich[] } | { ok: false; problem: string };

/**
 * The phrase to keep and its span, with what the reply should say about it: the deadline worked out, how an
 * ambiguous phrase was read, and a date already past. A relative phrase ("in six months") is kept with its date,
 * since it would mean another day if read again later.
 */
export function typedDue(ctx: Context, text: string): TypedDue {
  const zone = ctx.programme.timezone;
  const today = ctx.now.setZone(zone).toISODate() ?? undefined;
  const parsed = parsePhrase(text, today);
  if (!parsed.ok && parsed.reason === 'out-of-range') return { ok: false, problem: `"${text.slice(0, 60)}" is outside the years the bot reads (${YEAR_RANGE})` };
  if (!parsed.ok) return { ok: false, problem: `"${text.slice(0, 60)}" is not a date phrase (${phraseHint(text, today)})` };
  const deadline = formatDay(parsed.span.last, zone);
  const phrase = parsed.kind === 'relative' ? `${text} (${deadline})` : text;
  const notes: Rich[] = [];
  if (parsed.warning) notes.push([`Note: ${parsed.warning}.`]);
  if (today !== undefined && parsed.span.last < today) notes.push(['That date has passed: it is overdue from the start.']);
  return { ok: true, phrase, span: parsed.span, notes };
}

/** " (deadline 31 March 2027)" after a phrase that does not already say the day ("11 May 2023", "in six months (…)"). */
export function withDeadline(phrase: string, day: string): string {
  return phrase.toLowerCase().includes(day.toLowerCase()) ? '' : ` (deadline ${day})`;
}
