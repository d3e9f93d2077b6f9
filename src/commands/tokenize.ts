// Splits a command line into words. Double quotes (straight or curly) group words: a role such as
// "Service Director, Family Support" is one argument. A mention token `<@id|name>` is one word.

export interface Word {
  value: string;
  /** Index just past the word in the text (after a closing quote). */
  end: number;
}

const CLOSING: Record<string, string> = { '"': '"', '\u201c': '\u201d' };

export function tokenizeWithEnds(text: string): Word[] {
  return scan(text).words;
}

/** Whether a double quote (straight or curly) opened in `text` is never closed: the rest became one word. */
export function unclosedQuote(text: string): boolean {
  return scan(text).unclosed;
}

const SPACE = /\s/;

/**
 * A character as it is added to the word. A mention token is only ever typed whole: a `<` and an `@` that meet
 * only because the quotes between them were dropped (`<"@slack:U1|x">`) are kept apart, as adapters keep apart
 * a `<@` typed as text, so nobody can forge an owner. `last` is the word's last character so far, carried along:
 * reading it from the word (endsWith, charCodeAt) flattens the word built so far, on every `@` of a long run of
 * them (`note x @@@…`), which made the scan quadratic in the text.
 */
function added(last: string, text: string, i: number): string {
  const ch = text[i]!;
  return ch === '@' && text[i - 1] !== '<' && last === '<' ? '\u200B@' : ch;
}

function scan(text: string): { words: Word[]; unclosed: boolean } {
  const words: Word[] = [];
  let current = '';
  let last = '';
  let closing: string | undefined;
  let inWord = false;
  const add = (i: number): void => {
    const piece = added(last, text, i);
    current += piece;
    last = piece.at(-1)!;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (closing !== undefined) {
      if (ch === closing || (closing === '\u201d' && ch === '"')) closing = undefined;
      else add(i);
      continue;
    }
    if (ch === '"' || ch === '\u201c') {
      closing = CLOSING[ch];
      inWord = true;
      continue;
    }
    if (SPACE.test(ch)) {
      if (inWord) words.push({ value: current, end: i });
      current = '';
      last = '';
      inWord = false;
      continue;
    }
    add(i);
    inWord = true;
  }
  if (inWord) words.push({ value: current, end: text.length });
  return { words, unclosed: closing !== undefined };
}

export function tokenize(text: string): string[] {
  return tokenizeWithEnds(text).map((w) => w.value);
}

/** The text after the first `skip` words, exactly as typed (notes keep their quotes and spacing). */
export function textAfter(text: string, skip: number): string {
  if (skip <= 0) return text.trim();
  const words = tokenizeWithEnds(text);
  const last = words[skip - 1];
  return last ? text.slice(last.end).trim() : '';
}
