// The Teams endpoint under hostile requests, through the real botbuilder CloudAdapter over HTTP on 127.0.0.1: an
// activity that names no sender, and bodies past the cap, get a 400 or 413 and one clear log line.
import { afterEach, describe, expect, it } from 'vitest';
import { PERSONAL, startTeams, teamsActivity, type TeamsHarness } from './fakes/bot-connector.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Teams: hostile requests', () => {
  it('answers 400 to an activity without `from` (dev mode), with one clear log line and no TypeError', async () => {
    h = await startTeams();
    const { from: _, ...anonymous } = teamsActivity(h.connector.url, { text: 'status', conversation: PERSONAL });
    expect(await h.post(anonymous)).toBe(400);
    expect(await h.post({ ...anonymous, from: { name: 'no id' } })).toBe(400);
    const refused = h.logs.filter((l) => !l.startsWith('TEAMS AUTHENTICATION IS OFF'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^Teams request refused: the activity says nobody sent it/);
    expect(h.logs.join('\n')).not.toMatch(/TypeError|Teams turn failed|Teams request failed/);
    expect(h.connector.calls).toEqual([]);
    // A proper activity is still answered.
    expect(await h.say({ text: 'status kinship', conversation: PERSONAL })).toBe(200);
  });

  it('refuses a body declared larger than the cap with 413 before reading it', async () => {
    h = await startTeams();
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(await h.say({ text: 'status kinship', conversation: PERSONAL })).toBe(200);
  });
});
