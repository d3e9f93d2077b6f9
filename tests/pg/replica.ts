// Three real `reform start` processes on one PostgreSQL database, for the replica and chaos tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { postgresStore } from '../../adapters/store/postgres/store.js';
import { stateSchema } from '../../src/tracking/state.js';
import { novemberProgramme, SEED_STATE } from '../fakes/november-programme.js';

export const PROGRAMME = novemberProgramme('replica');
export { SEED_STATE };
export const SECRET = 'replica-test-signing-secret';
export const READY_TIMEOUT_MS = 90_000; // a loaded 2-core machine takes many seconds to start three

export const children = new Set<ChildProcess>();

export interface Replica {
  child: ChildProcess;
  lines: string[];
  /** The port it listens on, once ready. */
  ready: Promise<number>;
  exited: Promise<void>;
}

export function startReplica(env: NodeJS.ProcessEnv): Replica {
  const child = spawn(process.execPath, ['bin/reform.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  let onReady!: (port: number) => void;
  const ready = new Promise<number>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`replica exited (code ${code}) before it was ready:\n${lines.slice(-15).join('\n')}`)));
  });
  ready.catch(() => undefined);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (line.includes('"message":"ready"')) onReady((JSON.parse(line) as { port: number }).port);
    }
  });
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => (children.delete(child), resolve())));
  return { child, lines, ready, exited };
}

export async function readyWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((_r, reject) => (timer = setTimeout(() => reject(new Error(`${what} not ready within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function baseEnv(db: string, milestones: string, apiUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    REFORM_ENV_FILE: '',
    REFORM_DB: db,
    REFORM_DB_POOL: '3',
    REFORM_MILESTONES: milestones,
    REFORM_LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: 'xoxb-replica-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
  };
}

export async function seed(db: string): Promise<void> {
  const store = postgresStore({ url: db });
  try {
    await store.replace(stateSchema.parse(SEED_STATE));
  } finally {
    await store.close();
  }
}
