import { defineConfig } from 'vitest/config';

// Each workspace package with a vitest.config.ts is a project; `npm test` runs them all.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
