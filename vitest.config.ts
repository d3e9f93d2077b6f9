import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests that start real processes take seconds each on a loaded 2-core machine, and the suite runs the replica
    // and crash tests (several `npm start` processes and a PostgreSQL server) beside them: bounded, never open-ended.
    testTimeout: 120_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // First dist/ is compiled (tests that start `reform` run what `npm start` runs), then one PostgreSQL server per
    // run for the store's tests (REFORM_TEST_PG, or one started from npm binaries). One key: a second would replace it.
    globalSetup: ['tests/global-setup.ts', 'tests/pg/global-setup.ts'],
  },
});
