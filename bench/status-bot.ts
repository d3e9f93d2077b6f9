// The bot the status comparisons ask (bench/platforms.ts, bench/status-app.ts): the default programme over a real
// store, a clock that moves on like the system's, and a council's tracking of the kinship milestones.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import type { Bot } from '../src/bot.js';
import type { Store } from '../src/ports.js';
import { createBot, fileStore, silentLogger } from './compiled.js';
import { defaultProgramme } from '../tests/helpers.js';

/** The real file store, as `npm start` uses, in a temporary folder. */
function benchStore(): Store {
  return fileStore(join(mkdtempSync(join(tmpdir(), 'reform-bench-')), 'reform.json'));
}

/** A bot on the default programme over a real store (a new file store unless given), with a moving clock. */
export function benchBot(given?: Store): { bot: Bot; store: Store } {
  const store = given ?? benchStore();
  const anchor = Date.parse('2026-11-24T10:00:00Z');
  const started = performance.now();
  const clock = { now: () => DateTime.fromMillis(anchor + (performance.now() - started)) };
  return { bot: createBot({ programme: defaultProgramme(), store, clock, logger: silentLogger }), store };
}

/** A council's tracking on the kinship milestones: owners, RAG, notes and local actions, as the status shows. */
export async function seed(bot: Bot): Promise<void> {
  const lines = [
    'assign kinship-strategy Head of Kinship Services',
    'assign kinship-training <@slack:U0KIN|kin>',
    'rag kinship-strategy amber',
    'note kinship-strategy Draft strategy with the DCS; consultation with kinship carers closes in January.',
    'note kinship-training Training offer agreed with the regional adoption agency & foster care hub.',
    'action add kinship-strategy "Publish the local kinship offer on the council website" due end March 2027',
    'action add kinship-strategy "Kinship carers forum: termly meetings" due spring 2027',
    'action add kinship-allowance "Model the cost of the allowance pilot" due February 2027',
  ];
  for (const text of lines) {
    const reply = await bot.handle({ text, user: { id: 'console:bench', name: 'bench' }, platform: 'console', channel: 'bench' });
    if (reply.tone !== 'change') throw new Error(`bench seed "${text}" was not applied: ${reply.heading}`);
  }
}
