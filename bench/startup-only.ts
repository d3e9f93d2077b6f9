// Start-up alone: benchStartup() N times (default 5), median ratios and range. `npx tsx bench/startup-only.ts [N]`.
import { benchStartup } from './platforms.js';

const n = Number(process.argv[2] ?? 5);
const runs = [];
for (let i = 0; i < n; i++) runs.push(await benchStartup());
for (const key of ['readyMs', 'rssMiB'] as const) {
  const ratios = runs.map((r) => r.reform[key] / r.bare[key]).sort((a, b) => a - b);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${key}: reform median ${med(runs.map((r) => r.reform[key])).toFixed(1)} bare median ${med(runs.map((r) => r.bare[key])).toFixed(1)}; ratio median ${med(ratios).toFixed(3)} (${ratios[0]!.toFixed(3)}–${ratios.at(-1)!.toFixed(3)}) all: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
}
