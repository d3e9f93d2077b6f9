// Before any test: compile the sources into dist/ as `npm ci` does (the prepare script), so tests that start the
// `reform` command run the JavaScript `npm start` runs, never an older build. Incremental: quick when nothing changed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function compile(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`the build failed (tsc -p tsconfig.build.json):\n${r.stdout}${r.stderr}`);
}
