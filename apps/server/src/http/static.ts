import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { ZApp } from './app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The two web apps and the SDK are static builds served by the API process: the back office at /app/,
 * the applicant flow at /flow/, the SDK script at /sdk/. Single-page apps fall back to their index.html.
 */
export const WEB_APPS = [
  { prefix: '/app/', dir: path.join(ROOT, 'apps/backoffice/dist'), frameable: false },
  { prefix: '/flow/', dir: path.join(ROOT, 'apps/flow/dist'), frameable: true },
  { prefix: '/sdk/', dir: path.join(ROOT, 'packages/web-sdk/dist'), frameable: true, noFallback: true },
];

export async function registerStatic(app: ZApp) {
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/app/'));
  for (const w of WEB_APPS) {
    const index = path.join(w.dir, 'index.html');
    const headers = (reply: FastifyReply) => {
      // The back office never renders inside another site's frame; the flow is embedded by the web SDK.
      if (!w.frameable) {
        reply.header('x-frame-options', 'DENY');
        reply.header('content-security-policy', "frame-ancestors 'none'");
      }
      reply.header('permissions-policy', w.frameable ? 'camera=(self "*"), microphone=()' : 'camera=(), microphone=()');
    };
    if (!fs.existsSync(w.dir)) {
      app.get(`${w.prefix}*`, { schema: { hide: true } }, (_req, reply) =>
        reply.code(503).type('text/plain').send(`This part of Tessera is not built. Run \`npm run build\` in the repository root.`),
      );
      continue;
    }
    await app.register(fastifyStatic, {
      root: w.dir,
      prefix: w.prefix,
      decorateReply: false,
      wildcard: false,
      index: false,
      setHeaders: (res, file) => {
        // Hashed asset names can be cached for ever; index.html must always be fresh.
        res.header('cache-control', /[-.][A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg|wasm)$/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    if (w.noFallback) continue;
    const sendIndex = (_req: unknown, reply: FastifyReply) => {
      headers(reply);
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(fs.readFileSync(index));
    };
    app.get(w.prefix, { schema: { hide: true } }, sendIndex);
    app.get(`${w.prefix}*`, { schema: { hide: true } }, sendIndex);
  }
}
