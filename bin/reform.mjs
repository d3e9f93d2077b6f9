#!/usr/bin/env node
// The `reform` command. Runs the TypeScript sources through tsx so that `npm ci` is the only install step.
import { register } from 'tsx/esm/api';

register();
await import('../adapters/cli.ts');
