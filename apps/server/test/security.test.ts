import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, Client, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow } from './flow-helpers.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The security matrix, walked over the whole route table: every non-public route refuses a caller with no
 * credentials (401), the wrong kind of credentials (401), a role without the route's permission (403), and
 * every route that takes an object id answers 404 for another organisation's object and for the other
 * mode's object. A new route without fixtures here fails this test, so coverage cannot silently shrink.
 */

let t: TestApp;
let a: Awaited<ReturnType<typeof newOrg>>;
let b: Awaited<ReturnType<typeof newOrg>>;
let powerless: Client;
const ids: Record<string, { otherOrg: string; otherMode?: string }> = {};

// A body each id-taking write route accepts, so the 404 comes from authorisation, not validation.
const BODIES: Record<string, Record<string, unknown>> = {
  'PATCH /v1/team/users/:id': { status: 'active' },
  'PATCH /v1/team/roles/:id': { description: 'x' },
  'PATCH /v1/applications/:id': { description: 'x' },
  'POST /v1/applications/:id/keys': { name: 'x' },
  'PATCH /v1/flows/:id': { name: 'x' },
  'POST /v1/flows/:id/duplicate': {},
  'PATCH /v1/levels/:id': { rank: 3 },
  'PATCH /v1/applicants/:id': { tags: ['x'] },
  'POST /v1/applicants/:id/flow': { flowId: 'flw_00000000000000000000000000' },
  'POST /v1/applicants/:id/sessions': {},
  'POST /v1/applicants/:id/request-info': { flowId: 'flw_00000000000000000000000000' },
  'POST /v1/applicants/:id/assign': { reviewerId: null },
  'POST /v1/applicants/:id/review': { decision: 'approve' },
  'POST /v1/applicants/:id/steps/:stepId/reactivate': { submissionId: 'att_00000000000000000000000000' },
  'PATCH /v1/applicants/:id/documents/:documentId': { fields: { surname: 'X' } },
  'POST /v1/applicants/:id/warnings/:warningId/resolve': { note: 'x' },
  'POST /v1/applicants/:id/comments': { text: 'x' },
  'PATCH /v1/webhooks/endpoints/:id': { description: 'x' },
  'PATCH /v1/aml/scans/:id': { monitoring: { enabled: false } },
  'PATCH /v1/aml/matches/:id': { status: 'no_match' },
  'PATCH /v1/face-lists/:id': { description: 'x' },
};

// Routes whose parameter names installation-wide public data, not a tenant's object.
const GLOBAL = new Set(['GET /v1/aml/lists/:source/versions']);

// Values for the path parameters that are not the object under test.
const OTHER_PARAMS: Record<string, string> = {
  keyId: 'key_00000000000000000000000000',
  stepId: 'q',
  documentId: 'doc_00000000000000000000000000',
  warningId: 'wrn_00000000000000000000000000',
  fileId: 'fil_00000000000000000000000000',
  faceId: 'fce_00000000000000000000000000',
};

// Which fixture id stands in for each path parameter of a route.
function fixtureFor(url: string): { otherOrg: string; otherMode?: string } | null {
  const prefix = Object.keys(ids)
    .filter((p) => url.startsWith(p))
    .sort((x, y) => y.length - x.length)[0];
  return prefix ? ids[prefix] : null;
}

function fill(url: string, id: string) {
  return url.replace(':id', id).replace(/:(\w+)/g, (_m, p: string) => OTHER_PARAMS[p] ?? 'x');
}

beforeAll(async () => {
  t = await createTestApp({ work: false });
  a = await newOrg(t, 'Alpha');
  b = await newOrg(t, 'Beta');

  // A user of org A whose custom role holds no permission at all.
  const role = await a.owner.post('/v1/team/roles', { name: 'Nothing', permissions: [] });
  const inv = await a.owner.post('/v1/team/invites', { email: 'nobody@alpha.test', roleId: a.owner ? (await a.owner.get('/v1/team/roles')).body.data.find((r: { builtin: string }) => r.builtin === 'viewer').id : '' });
  expect(inv.status).toBe(201);
  const mail = await t.ctx.db.selectFrom('mailMessages').selectAll().where('toAddress', '=', 'nobody@alpha.test').executeTakeFirstOrThrow();
  const token = /token=([^\s&]+)/.exec(mail.textBody)![1];
  powerless = new Client(t);
  expect((await powerless.post('/v1/auth/invites/accept', { token: decodeURIComponent(token), name: 'No Body', password: 'long enough password' })).status).toBe(201);
  const me = await powerless.get('/v1/auth/me');
  await a.owner.patch(`/v1/team/users/${me.body.user.id}`, { roleId: role.body.id });

  // Objects of org B (and of org A's live mode) to aim at.
  const bRole = await b.owner.post('/v1/team/roles', { name: 'B custom', permissions: ['applicants.read'] });
  const bRoles = await b.owner.get('/v1/team/roles');
  const bInvite = await b.owner.post('/v1/team/invites', { email: 'someone@beta.test', roleId: bRoles.body.data[0].id });
  const bUsers = await b.owner.get('/v1/team/users');
  a.owner.mode = 'live';
  const aLiveApp = (await a.owner.get('/v1/applications')).body.data[0].id;
  a.owner.mode = 'test';
  ids['/v1/team/users/'] = { otherOrg: bUsers.body.data[0].id };
  ids['/v1/team/roles/'] = { otherOrg: bRole.body.id };
  ids['/v1/team/invites/'] = { otherOrg: bInvite.body.id };
  ids['/v1/applications/'] = { otherOrg: b.appId, otherMode: aLiveApp };

  // Verification objects: a flow, a level, an applicant and its event, in org B and in org A's live mode.
  const q = [{ id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } }];
  const make = async (api: Client) => {
    const flow = await makeFlow(api, q);
    const level = await api.post('/v1/levels', { name: `lvl-${Math.random()}`, flowId: flow });
    const applicant = await api.post('/v1/applicants', { externalUserId: `sec-${Math.random()}`, flowId: flow });
    const event = (await api.get(`/v1/events?applicantId=${applicant.body.id}`)).body.data[0].id;
    return { flow, level: level.body.id, applicant: applicant.body.id, event };
  };
  // Webhook endpoints on a public address (this app runs no workers, nothing is sent), registered before the
  // applicants so that their events leave deliveries to aim at.
  const hook = { url: 'https://93.184.216.34/hook' };
  const bHook = await b.api.post('/v1/webhooks/endpoints', hook);
  const aLiveHook = await a.liveApi.post('/v1/webhooks/endpoints', hook);
  const bObjs = await make(b.api);
  const aLive = await make(a.liveApi);
  ids['/v1/flows/'] = { otherOrg: bObjs.flow, otherMode: aLive.flow };
  ids['/v1/levels/'] = { otherOrg: bObjs.level, otherMode: aLive.level };
  ids['/v1/applicants/'] = { otherOrg: bObjs.applicant, otherMode: aLive.applicant };
  ids['/v1/events/'] = { otherOrg: bObjs.event, otherMode: aLive.event };
  const firstDelivery = async (endpointId: string) =>
    (await t.ctx.db.selectFrom('webhookDeliveries').select('id').where('endpointId', '=', endpointId).executeTakeFirstOrThrow()).id;
  ids['/v1/webhooks/endpoints/'] = { otherOrg: bHook.body.id, otherMode: aLiveHook.body.id };
  ids['/v1/webhooks/deliveries/'] = { otherOrg: await firstDelivery(bHook.body.id), otherMode: await firstDelivery(aLiveHook.body.id) };

  // AML scans and their matches, and face lists.
  await t.ctx.amlLists.importList('ofac-sdn', path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/aml/sdn-v1.csv'), { origin: 'test', actor: { type: 'system', id: null } });
  const amlObjs = async (api: Client) => {
    const scan = await api.post('/v1/aml/scans', { name: 'Dmitri Kovalenko' });
    const full = await api.get(`/v1/aml/scans/${scan.body.scan.id}`);
    return { scan: scan.body.scan.id, match: full.body.matches[0].id };
  };
  const bAml = await amlObjs(b.api);
  const aLiveAml = await amlObjs(a.liveApi);
  ids['/v1/aml/scans/'] = { otherOrg: bAml.scan, otherMode: aLiveAml.scan };
  ids['/v1/aml/matches/'] = { otherOrg: bAml.match, otherMode: aLiveAml.match };
  const bList = await b.api.post('/v1/face-lists', { name: 'B list', kind: 'custom' });
  const aLiveList = await a.liveApi.post('/v1/face-lists', { name: 'A live list', kind: 'custom' });
  ids['/v1/face-lists/'] = { otherOrg: bList.body.id, otherMode: aLiveList.body.id };
});
afterAll(async () => t?.close());

describe('security matrix', () => {
  it('covers every route', () => {
    const routes = t.app.routeTable.filter((r) => r.url.startsWith('/v1/'));
    expect(routes.length).toBeGreaterThan(20);
    // Applicant-token routes name no object: the token itself is the scope.
    const missing = routes.filter((r) => r.auth !== 'public' && r.auth !== 'applicant' && r.url.includes(':') && !GLOBAL.has(`${r.method} ${r.url}`) && !fixtureFor(r.url)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('no credentials → 401 on every non-public route', async () => {
    const anon = new Client(t);
    const failures: string[] = [];
    for (const r of t.app.routeTable.filter((r) => r.url.startsWith('/v1/') && r.auth !== 'public')) {
      const res = await anon.req(r.method, fill(r.url, 'xxx_00000000000000000000000000'), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      if (res.status !== 401 || typeof res.body?.error?.code !== 'string') failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('the wrong kind of credentials → 401', async () => {
    const failures: string[] = [];
    for (const r of t.app.routeTable.filter((r) => r.url.startsWith('/v1/') && (r.auth === 'user' || r.auth === 'api' || r.auth === 'applicant'))) {
      const caller = r.auth === 'user' ? a.api : r.auth === 'api' ? a.owner : a.api;
      const res = await caller.req(r.method, fill(r.url, 'xxx_00000000000000000000000000'), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      if (res.status !== 401) failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('a role without the permission → 403', async () => {
    const failures: string[] = [];
    for (const r of t.app.routeTable.filter((r) => r.url.startsWith('/v1/') && r.permission && (r.auth === 'user' || r.auth === 'staff'))) {
      const res = await powerless.req(r.method, fill(r.url, 'xxx_00000000000000000000000000'), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      if (res.status !== 403) failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("another organisation's object → 404, the other mode's object → 404", async () => {
    const failures: string[] = [];
    for (const r of t.app.routeTable.filter((r) => r.url.startsWith('/v1/') && r.url.includes(':id') && r.auth !== 'public' && r.auth !== 'applicant' && !GLOBAL.has(`${r.method} ${r.url}`))) {
      const f = fixtureFor(r.url)!;
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : (BODIES[`${r.method} ${r.url}`] ?? {});
      const caller = r.auth === 'api' ? a.api : a.owner;
      const cross = await caller.req(r.method, fill(r.url, f.otherOrg), body);
      if (cross.status !== 404) failures.push(`cross-org ${r.method} ${r.url} → ${cross.status} ${JSON.stringify(cross.body).slice(0, 120)}`);
      if (f.otherMode) {
        const viaKey = r.auth !== 'user';
        const res = await (viaKey ? a.api : a.owner).req(r.method, fill(r.url, f.otherMode), body);
        if (res.status !== 404) failures.push(`cross-mode ${r.method} ${r.url} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
