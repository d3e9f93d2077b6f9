// `reform tick` lists each escalation step it sent: `sent escalation-<step> <channel> <id> <slot>`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fileStore } from '../adapters/store/file-store.js';
import { testBot } from './helpers.js';

it('reform tick prints the escalation steps it sent, to the lead and to the leadership channel', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'reform-escalation-')), 'reform.json');
  const { say } = testBot(undefined, '2025-09-01T10:00:00Z', { store: fileStore(db) });
  expect(await say('subscribe escalations', 'clerk')).toContain('This channel will get escalations');
  expect(await say('lead agency @lena', 'clerk')).toContain('@lena now leads agency');
  const tickAt = (now: string) =>
    spawnSync(process.execPath, ['bin/reform.mjs', 'tick', '--now', now], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, REFORM_DB: db, REFORM_LOG_LEVEL: 'warn', REFORM_ENV_FILE: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
  // agency-compliance, due 1 October 2025: its lead on Tuesday 7 October, leadership on Thursday 16 October.
  const lead = tickAt('2025-10-07T08:00:00Z');
  expect(lead.status).toBe(0);
  expect(lead.stdout).toContain('── to @lena ──\nEscalated to its lead: agency-compliance is overdue by 6 days');
  expect(lead.stdout).toContain('sent escalation-2 console:@lena agency-compliance escalation-2@2025-10-01\n');
  const board = tickAt('2025-10-16T08:00:00Z');
  expect(board.stdout).toContain('Escalated to leadership: agency-compliance is overdue by 15 days');
  expect(board.stdout).toContain('sent escalation-3 console:console agency-compliance escalation-3@2025-10-01\n');
}, 150_000);
