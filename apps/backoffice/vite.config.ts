import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by the Tessera server at /app/ (apps/server/src/http/static.ts); `npm run dev` proxies the API.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Vendor groups that every page needs stay in one cacheable chunk; heavy page-only libraries
        // (charts, maps, SurveyJS, drag and drop) are left to the lazy route chunks that import them.
        manualChunks(id: string) {
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (/node_modules\/@mantine\/(core|hooks|notifications)\//.test(id)) return 'mantine';
          return undefined;
        },
      },
    },
  },
  server: {
    port: Number(process.env.PORT ?? 5173),
    proxy: { '/v1': process.env.TESSERA_URL ?? 'http://127.0.0.1:3000' },
  },
});
