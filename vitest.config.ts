import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // Tests that start real processes take seconds each on a loaded 2-core machine; bounded, never open-ended.
    testTimeout: 60_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
