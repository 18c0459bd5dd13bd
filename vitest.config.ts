import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'simulators/**/*.test.ts', 'tests/**/*.test.ts'],
    setupFiles: ['tests/support/fuzz-seed.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite takes ~300 MB per instance; two forks keep the 2-core machine responsive.
    pool: 'forks',
    maxWorkers: 2,
  },
});
