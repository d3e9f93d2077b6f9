// `reform <args>` as a real process, for tests that need the command as an operator runs it (a timer's tick, a
// server until it is ready), without blocking the test's own process, where the fakes it talks to answer.
import { spawn } from 'node:child_process';

export interface ReformRun {
  code: number | null;
  out: string;
  err: string;
}

export interface ReformOptions {
  /** Standard input, ended at once (none: stdin ignored). */
  input?: string;
  /** Node options before the script (a preloaded probe). */
  nodeArgs?: string[];
  /** Stops the process (SIGTERM) once its log so far says so: a server, once it is ready. */
  until?: (err: string) => boolean;
  timeoutMs?: number;
}

/** Resolves with the exit code and output; rejects if the process runs past the timeout (and is then killed). */
export function runReform(args: string[], env: Record<string, string | undefined>, opts: ReformOptions = {}): Promise<ReformRun> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'bin/reform.mjs', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, REFORM_ENV_FILE: '', ...env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reform ${args.join(' ')} did not finish within ${timeoutMs / 1000} s: ${err.slice(-400)}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (opts.until?.(err)) child.kill('SIGTERM');
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** A running bot is stopped once it says it is ready (its start-up tick has run). */
export const untilReady = (err: string): boolean => err.includes('"message":"ready"');
