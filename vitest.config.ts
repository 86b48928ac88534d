import { defineConfig } from 'vitest/config';

/*
 * Two projects: every suite on the embedded SQLite store, and the service
 * specifications again on EventStoreDB (the in-process stand-in, or the real
 * server at EVENTSTORE_URL when it is set).
 */
export default defineConfig({
  test: {
    pool: 'threads',
    // Both cores: the default keeps one free, which halves a 2-core CI machine.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'eventstoredb',
          include: ['test/service/**/*.test.ts'],
          env: { LEDGER_TEST_BACKEND: 'esdb' },
          testTimeout: 60_000,
        },
      },
    ],
  },
});
