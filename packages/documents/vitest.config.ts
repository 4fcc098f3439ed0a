import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'documents',
    include: ['test/**/*.test.ts'],
    // OCR workers take a few hundred ms to start; a suite shares one engine per file.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
