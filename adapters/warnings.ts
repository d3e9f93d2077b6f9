// Warnings that anyone on the network can cause (forged Slack requests, refused Teams tokens, bodies too large)
// are written once per kind and source a minute: a thousand forged requests are one line, and one more at the end
// of the minute saying how many were not written. Without this, a script could fill the disk with our log.
import type { Logger } from '../src/ports.js';

/** One line per kind and source in this window. */
export const WARNING_WINDOW_MS = 60_000;
/** Sources told apart at once; past this (a spread-out attack), further sources share one line per kind. */
const MAX_KEYS = 1_000;

interface Window {
  repeats: number;
  timer: NodeJS.Timeout;
}

const windows = new WeakMap<Logger, Map<string, Window>>();

/**
 * Writes `message` as a warning unless the same message from the same source was written within the last minute;
 * then counts it, and when the minute is over writes one line with the count (`repeated`).
 */
export function warnOnce(logger: Logger, message: string, source: string, context: Record<string, unknown> = {}, windowMs = WARNING_WINDOW_MS): void {
  let open = windows.get(logger);
  if (!open) windows.set(logger, (open = new Map()));
  const key = open.size >= MAX_KEYS ? `${message}\n(many sources)` : `${message}\n${source}`;
  const current = open.get(key);
  if (current) {
    current.repeats++;
    return;
  }
  logger.warn(message, { source, ...context });
  const window: Window = {
    repeats: 0,
    timer: setTimeout(() => {
      open.delete(key);
      if (window.repeats > 0) logger.warn(`${message} (repeated)`, { source, repeated: window.repeats, withinMs: windowMs });
    }, windowMs),
  };
  // A pending count never keeps the process alive.
  window.timer.unref();
  open.set(key, window);
}
