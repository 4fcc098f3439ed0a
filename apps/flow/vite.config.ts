import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.resolve(here, '../../node_modules');

/**
 * The browser face model (Human's detector + mesh) and the tfjs wasm backend are served from our own
 * /flow/models/, never a CDN. They are fetched only when a face step starts.
 */
const MODEL_FILES: [from: string, to: string][] = [
  ...['blazeface.json', 'blazeface.bin', 'facemesh.json', 'facemesh.bin'].map((f): [string, string] => [`@vladmandic/human/models/${f}`, f]),
  ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].map((f): [string, string] => [`@tensorflow/tfjs-backend-wasm/dist/${f}`, `wasm/${f}`]),
];

function faceModels(): Plugin {
  const resolve = (from: string) => {
    const local = path.join(here, 'node_modules', from);
    return fs.existsSync(local) ? local : path.join(modules, from);
  };
  return {
    name: 'tessera-face-models',
    configureServer(server) {
      server.middlewares.use('/flow/models/', (req, res, next) => {
        const hit = MODEL_FILES.find(([, to]) => req.url === `/${to}`);
        if (!hit) return next();
        res.setHeader('content-type', hit[1].endsWith('.json') ? 'application/json' : hit[1].endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
        fs.createReadStream(resolve(hit[0])).pipe(res);
      });
    },
    generateBundle() {
      for (const [from, to] of MODEL_FILES) {
        this.emitFile({ type: 'asset', fileName: `models/${to}`, source: fs.readFileSync(resolve(from)) });
      }
    },
  };
}

export default defineConfig({
  base: '/flow/',
  plugins: [react(), faceModels()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 2500,
  },
  server: { proxy: { '/v1': process.env.TESSERA_URL ?? 'http://127.0.0.1:3200' } },
});
