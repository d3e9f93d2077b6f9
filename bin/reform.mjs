#!/usr/bin/env node
// The `reform` command. Runs the JavaScript that `npm ci` compiles into dist/ (the prepare script), so nothing is
// compiled at start-up. REFORM_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (development).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/adapters/cli.js', import.meta.url);
if (process.env.REFORM_FROM_SOURCE !== '1' && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../adapters/cli.ts');
}
