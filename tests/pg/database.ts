// One database per test file on the run's PostgreSQL server (tests/pg/global-setup.ts), dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

/** Whether this run has a server. Off CI a run without one skips the PostgreSQL tests, saying why; CI fails. */
export const pgAvailable = inject('pgUrl') !== '';
if (!pgAvailable) process.stderr.write(`PostgreSQL tests skipped: ${inject('pgProblem')}\n`);

function urlFor(database: string): string {
  const url = new URL(inject('pgUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgUrl') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const made: string[] = [];
afterAll(async () => {
  if (!made.length) return;
  await admin(async (client) => {
    for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  // Dropping a database waits for a checkpoint, which a busy server can take a while to finish.
}, 90_000);

/** A new, empty database on the test server; its URL. Dropped when the file's tests end. */
export async function freshDatabase(): Promise<string> {
  // A name made here from hex digits only, so it can be written into the statement (names cannot be parameters).
  const name = `reform_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  made.push(name);
  return urlFor(name);
}
