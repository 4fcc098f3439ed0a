/** What global-setup started: the server URL and the demo organisation's login and API keys. */
export type E2EEnv = { url: string; email: string; password: string; apiKeys: { test: string; live: string }; dataDir: string };

export function e2eEnv(): E2EEnv {
  if (!process.env.E2E_ENV) throw new Error('E2E_ENV is not set: run through `npm run test:e2e`');
  return JSON.parse(process.env.E2E_ENV);
}

export const shot = (name: string) => `test-results/screenshots/${name}.png`;
