// Bolt, its receivers and its Web API client log through this bridge into the bot's structured logger
// (which masks secrets). Debug output is dropped: it includes request bodies.
import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from './bolt.js';
import type { Logger } from '../../src/ports.js';

function text(parts: unknown[]): string {
  return parts
    .map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p)))
    .join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug() {},
    info: (...msg: unknown[]) => logger.info('slack', { detail: text(msg) }),
    warn: (...msg: unknown[]) => logger.warn('slack', { detail: text(msg) }),
    error: (...msg: unknown[]) => logger.error('slack', { detail: text(msg) }),
    setLevel(next) {
      level = next;
    },
    getLevel: () => level,
    setName() {},
  };
}
