// The programme and starting store the crash, replica and chaos tests run real processes against, and the seeded
// random numbers they pick kill moments and faults with.

/** mulberry32: small, seeded, good enough to pick kill moments reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Nine milestones due on working days in November 2026 (no bank holidays in England), nudged 4 and 1 days
// before and once overdue; the weekly digest on Mondays. All slots are at 09:00 London.
const DUE = ['6', '9', '10', '11', '12', '13', '16', '17', '18'];

/** The programme file, its milestones `<name>-milestone-1` to `-9`: `novemberProgramme('crash')`. */
export function novemberProgramme(name: string): string {
  const title = `${name[0]!.toUpperCase()}${name.slice(1)} test`;
  return `programme: ${title} programme
timezone: Europe/London
reminders:
  days_before: [4, 1]
  overdue: true
  at: "09:00"
digest:
  day: monday
  at: "09:00"
milestones:
${DUE.map((d, i) => `  - id: ${name}-milestone-${i + 1}
    title: ${title} milestone ${i + 1}
    due: ${d} November 2026
    themes: [programme]
`).join('')}`;
}

const SUBSCRIBED = '2026-10-01T00:00:00.000Z';

/** A reminders channel and a digest channel in Slack, subscribed in October. */
export const SEED_STATE = {
  version: 1,
  subscriptions: [
    { id: 'reminders:slack:C_LEAD', kind: 'reminders', platform: 'slack', channel: 'C_LEAD', createdAt: SUBSCRIBED, createdBy: 'slack:U_ADMIN' },
    { id: 'digest:slack:C_DIGEST', kind: 'digest', platform: 'slack', channel: 'C_DIGEST', createdAt: SUBSCRIBED, createdBy: 'slack:U_ADMIN' },
  ],
};
