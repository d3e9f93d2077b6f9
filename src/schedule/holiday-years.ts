// The years the bank-holiday table covers: every year a deadline phrase may name (src/programme/phrases.ts).
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2200;
