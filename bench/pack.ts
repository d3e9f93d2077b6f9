// The committee pack's cost: the time and peak memory to build every format (Word, workbook, CSV, timeline, calendar)
// for the default programme with a council's tracking, and for 10,000 milestones and actions. Each size runs in
// a fresh process (`tsx bench/pack.ts <size>`), so one's memory does not colour the other's. Called by run.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { buildPack } from '../adapters/report/pack.js';
import { loadProgramme } from '../src/programme/load.js';
import type { Programme } from '../src/programme/model.js';
import { buildReport } from '../src/report/model.js';
import { emptyState, type State } from '../src/tracking/state.js';

const NOW = DateTime.fromISO('2026-12-07T10:00:00Z');

function programmeOf(size: 'default' | number): Programme {
  if (size === 'default') {
    const r = loadProgramme(readFileSync('milestones/stable-homes.yaml', 'utf8'), 'stable-homes.yaml');
    if (!r.ok) throw new Error('default programme does not load');
    return r.programme;
  }
  const lines = ['programme: Bench', 'milestones:'];
  for (let i = 0; i < size / 2; i++) {
    lines.push(`  - id: m-${i}`, `    title: Milestone ${i} with a title as long as most`, `    due: ${NOW.plus({ days: (i % 700) - 300 }).toISODate()}`, `    themes: [t${i % 12}]`);
  }
  const r = loadProgramme(lines.join('\n'), 'bench.yaml');
  if (!r.ok) throw new Error(r.errors[0]?.message);
  return r.programme;
}

/** A council's tracking: owners, RAG and a note on every third milestone; the other half of the items as actions. */
function stateOf(programme: Programme, actions: number): State {
  const state = emptyState();
  programme.milestones.forEach((m, i) => {
    if (i % 3) return;
    state.items[m.id] = { owner: { id: `role:post ${i % 40}`, name: `Post ${i % 40}` }, rag: (['red', 'amber', 'green'] as const)[i % 3], notes: [{ at: '2026-11-20T10:00:00Z', by: 'console:bench', text: `Note on ${m.id}, with "quotes", commas and a line of detail` }], revisions: [] };
  });
  for (let i = 0; i < actions; i++) {
    const m = programme.milestones[i % programme.milestones.length]!;
    const id = `${m.id}/${Math.floor(i / programme.milestones.length) + 1}`;
    state.actions[id] = { id, milestoneId: m.id, title: `Action ${i}`, due: { phrase: NOW.plus({ days: i % 200 }).toISODate()!, span: { first: NOW.plus({ days: i % 200 }).toISODate()!, last: NOW.plus({ days: i % 200 }).toISODate()! } }, createdAt: '2026-01-01T00:00:00Z', createdBy: 'console:bench' };
  }
  return state;
}

interface PackFigures {
  items: number;
  ms: number;
  peakRssMiB: number;
  bytes: Record<string, number>;
}

async function measure(size: 'default' | number): Promise<PackFigures> {
  const programme = programmeOf(size);
  const state = stateOf(programme, size === 'default' ? 12 : size / 2);
  // Load the writers first: their start-up is a process's once, not each pack's.
  await buildPack(buildReport(programmeOf('default'), emptyState(), NOW), ['png']);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t = performance.now();
  const files = await buildPack(buildReport(programme, state, NOW));
  const ms = performance.now() - t;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { items: programme.milestones.length + Object.keys(state.actions).length, ms, peakRssMiB: peak / 2 ** 20, bytes: Object.fromEntries(files.map((f) => [f.format, f.data.length])) };
}

/** Runs each size in its own process and returns the table rows and the figures. */
export function benchPack(): { rows: { measure: string; value: string }[]; results: Record<string, PackFigures> } {
  const rows: { measure: string; value: string }[] = [];
  const results: Record<string, PackFigures> = {};
  for (const size of ['default', '10000']) {
    const out = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), size], { encoding: 'utf8', timeout: 600_000 });
    if (out.status !== 0) throw new Error(`bench/pack.ts ${size} failed: ${out.stderr.slice(-500)}`);
    const f = JSON.parse(out.stdout) as PackFigures;
    results[size] = f;
    const kb = (n: number | undefined) => `${Math.round((n ?? 0) / 1024)} KB`;
    rows.push({
      measure: `committee pack (docx, xlsx, csv, png, ics), ${size === 'default' ? 'default programme' : '10,000 items'} (${f.items.toLocaleString('en-GB')} milestones and actions): time / peak RSS`,
      value: `${f.ms.toFixed(0)} ms / ${f.peakRssMiB.toFixed(0)} MiB (docx ${kb(f.bytes.docx)}, xlsx ${kb(f.bytes.xlsx)}, png ${kb(f.bytes.png)})`,
    });
  }
  return { rows, results };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  const size = process.argv[2] === 'default' ? 'default' : Number(process.argv[2]);
  process.stdout.write(JSON.stringify(await measure(size)));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows } = benchPack();
  for (const r of rows) process.stdout.write(`${r.measure}: ${r.value}\n`);
}
