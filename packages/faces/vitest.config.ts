import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'faces',
    include: ['test/**/*.test.ts'],
    // Model inference on the WebAssembly backend: one image takes ~0.1–0.3 s on a CI core.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
