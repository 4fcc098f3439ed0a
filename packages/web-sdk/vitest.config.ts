import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: 'web-sdk', include: ['test/**/*.test.ts'] } });
