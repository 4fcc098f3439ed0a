import { defineConfig } from '@playwright/test';

/**
 * Browser tests run Debian's chromium (never a downloaded browser) against a real Tessera started by
 * e2e/global-setup.ts on a fresh embedded database with demo data.
 */
export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'backoffice', testDir: './e2e/backoffice', outputDir: 'test-results/e2e-backoffice', use: { viewport: { width: 1440, height: 900 } } },
    { name: 'flow', testDir: './e2e/flow', outputDir: 'test-results/e2e-flow' },
  ],
});
