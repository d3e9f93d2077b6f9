// Words as search compares them: lower case, no accents or possessives, singular ("SGOs" is "sgo", "children" is
// "child", by pluralize), and one spelling where British and American differ ("organization" is "organisation").
// The same function reads the programme and the query, so both sides always agree.
import pluralize from 'pluralize';

const ASCII = /^[\x00-\x7f]*$/;

export function normaliseQuery(text: string): string {
  const lower = text.toLowerCase();
  // Plain ASCII has no accents to take off: NFKD would leave it as it is.
  const plain = ASCII.test(lower) ? lower : lower.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return plain
    // "children's homes" is about children's homes: the possessive is not a word of its own.
    .replace(/[\u2018\u2019']s\b/g, '')
    .replace(/[\u2018\u2019']/g, '')
    .replace(/[^a-z0-9£]+/g, ' ')
    .trim();
}

export function words(text: string): string[] {
  return normaliseQuery(text).split(' ').filter(Boolean);
}

/** Spellings that differ between British and American English, as whole words: the British is kept. */
const SPELLINGS: Record<string, string> = {
  program: 'programme', programs: 'programmes', center: 'centre', centers: 'centres', behavior: 'behaviour',
  behaviors: 'behaviours', labor: 'labour', neighbor: 'neighbour', neighborhood: 'neighbourhood', honor: 'honour',
  favor: 'favour', color: 'colour', license: 'licence', defense: 'defence', offense: 'offence', judgment: 'judgement',
  enroll: 'enrol', fulfill: 'fulfil', counselor: 'counsellor', counseling: 'counselling', modeling: 'modelling',
  traveling: 'travelling', practise: 'practice', catalog: 'catalogue', dialog: 'dialogue', aging: 'ageing',
  mom: 'mum', moms: 'mums', pediatric: 'paediatric', caregiver: 'carer', caregivers: 'carers',
};

/** British endings for American ones: -ize, -ization, -yze (the whole family of each). */
function britishEnding(w: string): string {
  if (w.length < 6) return w;
  return w
    .replace(/ization$/, 'isation')
    .replace(/izations$/, 'isations')
    .replace(/iz(e|es|ed|ing|er|ers)$/, 'is$1')
    .replace(/yz(e|es|ed|ing)$/, 'ys$1');
}

const canonical = new Map<string, string>();
const MAX_CACHED = 20_000;

/**
 * One word as search compares it. Words under four letters keep their form: pluralize reads "as" as a plural of
 * "a" and "cws" as one of "cw". Four letters make "SGOs" "sgo" and "hubs" "hub".
 */
export function canonicalWord(w: string): string {
  let known = canonical.get(w);
  if (known === undefined) {
    const british = SPELLINGS[w] ?? britishEnding(w);
    known = british.length >= 4 && /^[a-z]+$/.test(british) ? pluralize.singular(british) : british;
    if (canonical.size >= MAX_CACHED) canonical.clear();
    canonical.set(w, known);
  }
  return known;
}

/** A text's words, each as search compares it; a hyphened compound also as one word ("co-operative"). */
export function searchWords(text: string): string[] {
  const out = words(text).map(canonicalWord);
  for (const joined of text.toLowerCase().matchAll(/\b([a-z]+)-([a-z]+)\b/g)) out.push(canonicalWord(joined[1]! + joined[2]!));
  return out;
}

/** A phrase as search compares it: its words, each canonical, joined by one space ("Looked-after children"). */
export function termKey(text: string): string {
  return words(text).map(canonicalWord).join(' ');
}
