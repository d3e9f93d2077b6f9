// Writes milestones/programme.schema.json from the zod schema (npm run schema). A test keeps it in sync.
import { writeFileSync } from 'node:fs';
import { programmeJsonSchema } from '../src/programme/schema.js';

export const SCHEMA_PATH = 'milestones/programme.schema.json';

export function schemaText(): string {
  return JSON.stringify(programmeJsonSchema(), null, 2) + '\n';
}

if (process.argv[1]?.endsWith('write-schema.ts')) {
  writeFileSync(SCHEMA_PATH, schemaText());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
