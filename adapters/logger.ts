// Structured log lines on standard error (standard output is for replies). Secrets are masked before
// anything is written, whatever the caller passed in.
import type { Logger } from '../src/ports.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

/** The core's Logger, and `debug` for what only someone looking into the bot's own workings wants (REFORM_LOG_LEVEL=debug). */
export type AdapterLogger = Logger & { debug(message: string, context?: Record<string, unknown>): void };

export function createLogger(level: Level, secrets: readonly string[], write: (line: string) => void = (l) => process.stderr.write(l + '\n')): AdapterLogger {
  const min = LEVELS.indexOf(level);
  const masks = secrets.filter((s) => s.length >= 6);
  const mask = (text: string): string => masks.reduce((t, s) => t.split(s).join('[secret]'), text);
  const log = (at: Level) => (message: string, context?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(at) < min) return;
    const line = JSON.stringify({ level: at, message, ...context });
    write(mask(line));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
