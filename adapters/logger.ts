// Structured log lines on standard error (standard output is for replies). Secrets are masked before
// anything is written, whatever the caller passed in.
import type { Logger } from '../src/ports.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

export function createLogger(level: Level, secrets: readonly string[], write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const min = LEVELS.indexOf(level);
  const masks = secrets.filter((s) => s.length >= 6);
  const mask = (text: string): string => masks.reduce((t, s) => t.split(s).join('[secret]'), text);
  const log = (at: Level) => (message: string, context?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(at) < min) return;
    const line = JSON.stringify({ level: at, message, ...context });
    write(mask(line));
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
