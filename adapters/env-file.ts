// The settings file: `.env` in the working folder, else the project's own, or REFORM_ENV_FILE (set it empty to read
// none), read into the environment at start-up. A variable already set in the environment wins over the file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root.js';

/** The project's `.env`: a cron job started in another folder reads the same settings as `npm start`. */
const PROJECT_ENV = join(PROJECT_ROOT, '.env');

export class EnvFileError extends Error {}

/** Reads the settings file into `process.env`; returns the file read, if any. Throws EnvFileError naming the file. */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.REFORM_ENV_FILE;
  const file = named ?? (existsSync('.env') ? '.env' : PROJECT_ENV);
  if (!file) return undefined;
  if (!existsSync(file)) {
    if (named) throw new EnvFileError(`REFORM_ENV_FILE: there is no file ${file}`);
    return undefined;
  }
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new EnvFileError(`Cannot read the settings in ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return file;
}
