import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { ZApp } from './app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The two web apps and the SDK are static builds served by the API process: the back office at /app/,
 * the applicant flow at /flow/, the SDK script at /sdk/. Files are looked up at request time (a rebuild
 * is served without a restart); any other path under an app is one of its routes and gets index.html.
 */
export const WEB_APPS = [
  { prefix: '/app/', dir: path.join(ROOT, 'apps/backoffice/dist'), frameable: false, spa: true },
  { prefix: '/flow/', dir: path.join(ROOT, 'apps/flow/dist'), frameable: true, spa: true },
  { prefix: '/sdk/', dir: path.join(ROOT, 'packages/web-sdk/dist'), frameable: true, spa: false },
];

function securityHeaders(reply: FastifyReply, frameable: boolean) {
  // The back office never renders inside another site's frame; the flow is embedded by the web SDK.
  if (!frameable) {
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', "frame-ancestors 'none'");
  }
  reply.header('permissions-policy', frameable ? 'camera=(self "*"), microphone=()' : 'camera=(), microphone=()');
}

/** The index.html sender for a path inside a single-page app, or null. */
export function spaIndexFor(url: string): ((reply: FastifyReply) => FastifyReply) | null {
  const pathname = url.split('?')[0];
  const w = WEB_APPS.find((x) => x.spa && (pathname === x.prefix.slice(0, -1) || pathname.startsWith(x.prefix)));
  if (!w) return null;
  const index = path.join(w.dir, 'index.html');
  if (!fs.existsSync(index)) return (reply) => reply.code(503).type('text/plain').send('This part of Tessera is not built. Run `npm run build` in the repository root.');
  // A missing asset (a stale hashed name) is a 404, not the app's page.
  if (/\.[a-z0-9]{2,5}$/i.test(pathname)) return null;
  return (reply) => {
    securityHeaders(reply, w.frameable);
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(fs.readFileSync(index));
  };
}

export async function registerStatic(app: ZApp) {
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/app/'));
  for (const w of WEB_APPS) {
    fs.mkdirSync(w.dir, { recursive: true });
    await app.register(fastifyStatic, {
      root: w.dir,
      prefix: w.prefix,
      decorateReply: false,
      wildcard: true,
      index: false,
      redirect: false,
      setHeaders: (res, file) => {
        // Hashed asset names can be cached for ever; everything else must be revalidated.
        res.header('cache-control', /[-.][A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg|wasm)$/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (!w.frameable) {
          res.header('x-frame-options', 'DENY');
          res.header('content-security-policy', "frame-ancestors 'none'");
        }
      },
    });
  }
}
