import { afterAll, beforeAll, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestApp, Client, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ work: false });
});
afterAll(async () => t?.close());

it('/openapi.json is a valid OpenAPI 3.1 document describing every /v1 route', async () => {
  const r = await new Client(t).get('/openapi.json');
  expect(r.status).toBe(200);
  const validator = new Validator();
  const result = await validator.validate(r.body);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  const documented = new Set<string>();
  for (const [p, ops] of Object.entries(r.body.paths as Record<string, Record<string, unknown>>)) {
    for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  const undocumented = t.app.routeTable.filter((x) => x.url.startsWith('/v1/') && !documented.has(`${x.method} ${x.url}`)).map((x) => `${x.method} ${x.url}`);
  expect(undocumented).toEqual([]);
  expect(r.body.servers[0].url).toBe('http://tessera.test');
});

it('/docs serves the docs UI', async () => {
  const r = await t.app.inject({ method: 'GET', url: '/docs/' });
  expect(r.statusCode).toBe(200);
  expect(r.body).toContain('swagger');
});
