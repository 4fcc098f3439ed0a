import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow, startApplicant, waitFor } from './flow-helpers.ts';

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/aml');
const actor = { type: 'system' as const, id: null, label: 'test' };

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
beforeAll(async () => {
  t = await createTestApp();
  o = await newOrg(t);
  await t.ctx.amlLists.importList('ofac-sdn', path.join(FIX, 'sdn-v1.csv'), { origin: 'sdn-v1.csv', actor });
});
afterAll(async () => t?.close());

describe('AML screening', () => {
  it('lists the imported version and screens names, spellings and identifiers', async () => {
    const lists = await o.api.get('/v1/aml/lists');
    const sdn = lists.body.data.find((l: { source: string }) => l.source === 'ofac-sdn');
    expect(sdn.currentVersion).toBe(1);
    expect(sdn.entities).toBe(3);
    expect(lists.body.index.entities).toBe(3);

    const hit = await o.api.post('/v1/aml/search', { name: 'Dmitri Kovalenko', schema: 'person' });
    expect(hit.status).toBe(200);
    expect(hit.body.hits).toBe(1);
    expect(hit.body.matches[0].entityId).toBe('ofac-sdn:9001');
    expect(hit.body.matches[0].features.length).toBeGreaterThan(0);
    const variant = await o.api.post('/v1/aml/search', { name: 'KOVALENKO Dmitry', birthDate: '1971-03-14' });
    expect(variant.body.matches[0]?.entityId).toBe('ofac-sdn:9001');
    expect(variant.body.matches[0].hit).toBe(true);
    const none = await o.api.post('/v1/aml/search', { name: 'Margaret Thompson' });
    expect(none.body.hits).toBe(0);
    const bad = await o.api.post('/v1/aml/search', { schema: 'person' });
    expect(bad.body.error.code).toBe('name_required');
    const threshold = await o.api.post('/v1/aml/search', { name: 'Dmitri Kovalenko', threshold: 101 });
    expect(threshold.status).toBe(400);
  });

  it('keeps the live version when an import fails', async () => {
    const junk = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aml-')), 'sdn.csv');
    fs.writeFileSync(junk, 'this is not a list\n');
    await expect(t.ctx.amlLists.importList('ofac-sdn', junk, { origin: 'junk', actor })).rejects.toThrow();
    const v = await o.api.get('/v1/aml/lists/ofac-sdn/versions');
    expect(v.body.data[0].status).toBe('failed');
    expect((await o.api.get('/v1/aml/lists')).body.data.find((l: { source: string }) => l.source === 'ofac-sdn').currentVersion).toBe(1);
    expect((await o.api.post('/v1/aml/search', { name: 'Dmitri Kovalenko' })).body.hits).toBe(1);
  });

  it('the AML step screens the applicant; a hit goes to review with a warning, cleared as a false positive', async () => {
    const flowId = await makeFlow(
      o.api,
      [
        { id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } },
        { id: 'aml', type: 'aml', settings: { fieldMapping: { fullName: 'fixedInfo', birthDate: 'fixedInfo', country: 'none' } } },
      ],
      { approvalPolicy: 'auto_if_passed' },
    );
    const { id, flow } = await startApplicant(t, o.api, flowId, { fixedInfo: { firstName: 'Dmitri', lastName: 'Kovalenko', dob: '1971-03-14' } });
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    const a = await waitFor(() => o.api.get(`/v1/applicants/${id}`), (r) => r.body.status === 'ON_HOLD');
    const step = a.body.steps.find((s: { id: string }) => s.id === 'aml');
    expect(step.current.outcome).toBe('review');
    expect(step.current.summary.hits).toBe(1);
    const warning = a.body.warnings.find((w: { kind: string }) => w.kind === 'aml_hit');
    expect(warning.severity).toBe('critical');
    const scans = await o.api.get(`/v1/aml/scans?applicantId=${id}`);
    const scan = await o.api.get(`/v1/aml/scans/${scans.body.data[0].id}`);
    expect(scan.body.query.name).toBe('Dmitri Kovalenko');
    const matchId = scan.body.matches[0].id;
    const upd = await o.owner.patch(`/v1/aml/matches/${matchId}`, { status: 'false_positive', comment: 'Different person: other birthplace' });
    expect(upd.body.status).toBe('false_positive');
    const hist = await o.owner.get(`/v1/aml/matches/${matchId}/history`);
    expect(hist.body.data[0]).toMatchObject({ fromStatus: 'unknown', toStatus: 'false_positive', comment: 'Different person: other birthplace' });
    const after = await o.api.get(`/v1/applicants/${id}`);
    expect(after.body.warnings.find((w: { kind: string }) => w.kind === 'aml_hit').resolvedAt).not.toBeNull();
    // The screened name is stored encrypted.
    const raw = await t.ctx.db.selectFrom('amlScans').select('queryEnc').where('applicantId', '=', id).executeTakeFirstOrThrow();
    expect(raw.queryEnc).not.toContain('Kovalenko');
  });

  it('monitoring: a new list version is re-screened against monitored subjects only for what changed, raising aml.alert', async () => {
    const scan = await o.api.post('/v1/aml/scans', { name: 'Ingrid Halvorsen', schema: 'person', monitoring: { enabled: true, periodicity: 'weekly' } });
    expect(scan.status).toBe(201);
    expect(scan.body.scan.hits).toBe(0);
    expect(scan.body.scan.monitoring).toBe(true);
    const v2 = await t.ctx.amlLists.importList('ofac-sdn', path.join(FIX, 'sdn-v2.csv'), { origin: 'sdn-v2.csv', actor });
    expect(v2).toMatchObject({ version: 3, added: 1, changed: 0, removed: 0 });
    const s = await waitFor(() => o.api.get(`/v1/aml/scans/${scan.body.scan.id}`), (r) => r.body.scan.hits === 1);
    expect(s.body.matches[0]).toMatchObject({ foundBy: 'monitoring', match: { entityId: 'ofac-sdn:9004', hit: true } });
    const alerts = await o.api.get('/v1/events?type=aml.alert');
    expect(alerts.body.data.some((e: { payload: { scanId: string } }) => e.payload.scanId === scan.body.scan.id)).toBe(true);
    const runs = await t.ctx.aml.runs();
    expect(runs.find((r) => r.kind === 'delta' && r.version === 3)).toMatchObject({ status: 'done', newHits: 1 });
    // Re-running the same version's job does nothing twice.
    expect((await t.ctx.aml.monitorDelta('ofac-sdn', 3)).skipped).toBe(true);
  });
});
