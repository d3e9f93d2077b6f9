// The benchmarks' synthetic programme: `milestones` milestones due a day apart around NOW, in twelve themes.
import { DateTime } from 'luxon';
import { loadProgramme } from '../src/programme/load.js';
import type { Programme } from '../src/programme/model.js';

export const NOW = DateTime.fromISO('2026-11-24T09:00:00Z');

export function programmeOf(milestones: number): Programme {
  const lines = ['programme: Bench', 'milestones:'];
  for (let i = 0; i < milestones; i++) {
    const day = NOW.plus({ days: (i % 400) - 30 }).toISODate();
    lines.push(`  - id: m-${i}`, `    title: Milestone ${i}`, `    due: ${day}`, `    themes: [t${i % 12}]`);
  }
  const r = loadProgramme(lines.join('\n'), 'bench.yaml');
  if (!r.ok) throw new Error(r.errors[0]?.message);
  return r.programme;
}
