import { defineConfig } from 'vitest/config';

// Each workspace package with a vitest.config.ts is a project; `npm test` runs them all, two files at a
// time (the machines this runs on have two cores).
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
