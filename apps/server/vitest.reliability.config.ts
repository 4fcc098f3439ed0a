import { defineConfig } from 'vitest/config';

// The webhook reliability runs (flaky receiver, kill -9 of worker processes) on PostgreSQL: minutes long, so
// outside `npm test`. Run with `npm run test:reliability -w @tessera/server` (DATABASE_URL optional).
export default defineConfig({
  test: {
    name: 'server-reliability',
    include: ['test/reliability/**/*.reliability.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
