// The project folder (where package.json, milestones/ and data/ are), whether this module runs from the
// TypeScript sources (adapters/) or from the JavaScript that `npm ci` compiles into dist/adapters/.
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const parent = dirname(here);
export const PROJECT_ROOT = basename(parent) === 'dist' ? dirname(parent) : parent;
