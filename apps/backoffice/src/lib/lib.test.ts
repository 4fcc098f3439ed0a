import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { applyRule, buildExpression, listRules, newQuestion, normalise, removeRule, uniqueName, type SurveyJson } from './survey.ts';
import { fieldKind, humanize, initialValue, nonNull, reasonLabel } from './schema.ts';
import { parseSseChunk, reconnectDelay } from './sse.ts';
import { toCsv } from './format.ts';
import { newStepId } from '../api/flows.ts';
import { fillDays, rangeDates } from '../pages/dashboard/Dashboard.tsx';

import { groupSessions, type EventItem } from '../pages/logs/KycLogs.tsx';
import { applicantFaceFile, faceListHit } from '../pages/applicants/faceListMatch.ts';
import type { FileRef, StepView, Submission } from '../api/applicants.ts';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('translations', () => {
  it('Spanish has exactly the English keys, none empty', () => {
    expect(keys(es).sort()).toEqual(keys(en).sort());
    for (const k of keys(es)) expect(k.split('.').reduce((o: any, p) => o[p], es), k).not.toBe('');
  });
  it('keeps interpolation placeholders', () => {
    const ph = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort().join();
    for (const k of keys(en)) {
      const e = k.split('.').reduce((o: any, p) => o[p], en);
      const s = k.split('.').reduce((o: any, p) => o[p], es);
      expect(ph(s), k).toBe(ph(e));
    }
  });
});

describe('questionnaire logic', () => {
  const survey = (): SurveyJson => ({ pages: [{ name: 'p1', elements: [{ type: 'text', name: 'age', inputType: 'number' }, { type: 'text', name: 'job' }, { type: 'text', name: 'employer' }] }] });

  it('joins conditions with AND/OR and quotes text but not numbers', () => {
    expect(buildExpression([{ question: 'age', operator: 'greater', value: '17' }, { question: 'job', operator: 'equal', value: "chef's mate" }], 'and')).toBe("{age} > 17 and {job} = 'chef\\'s mate'");
    expect(buildExpression([{ question: 'job', operator: 'notempty', value: '' }, { question: 'age', operator: 'less', value: '18' }], 'or')).toBe('{job} notempty or {age} < 18');
    expect(buildExpression([{ question: '', operator: 'equal', value: 'x' }], 'and')).toBe('');
  });

  it('writes show/hide/enable/require onto the target and other actions as triggers', () => {
    let j = applyRule(survey(), { id: '', expression: '{job} notempty', action: 'show', target: 'employer' });
    j = applyRule(j, { id: '', expression: '{age} < 18', action: 'disable', target: 'job' });
    j = applyRule(j, { id: '', expression: '{age} > 60', action: 'require', target: 'employer' });
    j = applyRule(j, { id: '', expression: '{age} < 16', action: 'complete' });
    j = applyRule(j, { id: '', expression: '{age} > 0', action: 'copyvalue', target: 'employer', from: 'job' });
    j = applyRule(j, { id: '', expression: '{age} > 0', action: 'hide', target: 'p1' });
    const [age, job, employer] = j.pages[0].elements;
    expect(employer.visibleIf).toBe('{job} notempty');
    expect(employer.requiredIf).toBe('{age} > 60');
    expect(job.enableIf).toBe('!({age} < 18)');
    expect(age.visibleIf).toBeUndefined();
    expect(j.pages[0].visibleIf).toBe('!({age} > 0)');
    expect(j.triggers).toEqual([
      { type: 'complete', expression: '{age} < 16' },
      { type: 'copyvalue', expression: '{age} > 0', setToName: 'employer', fromName: 'job' },
    ]);
    const rules = listRules(j);
    expect(rules).toHaveLength(6);
    let cleared = j;
    for (let i = 0; i < rules.length; i++) cleared = removeRule(cleared, listRules(cleared)[0]);
    expect(listRules(cleared)).toHaveLength(0);
  });

  it('refuses a visibility rule without a target', () => {
    expect(() => applyRule(survey(), { id: '', expression: '{age} > 1', action: 'show' })).toThrow();
  });

  it('creates questions with unique names in SurveyJS shapes', () => {
    const taken = new Set(['question', 'question2']);
    expect(newQuestion('number', taken)).toMatchObject({ type: 'text', inputType: 'number', name: 'question3' });
    expect(newQuestion('boolean', new Set())).toMatchObject({ type: 'boolean', name: 'question' });
    expect(newQuestion('matrix', new Set()).rows).toHaveLength(2);
    expect(uniqueName('page', new Set(['page']))).toBe('page2');
    expect(normalise({ pages: [{ name: 'x' }] }).pages[0].elements).toEqual([]);
    expect(normalise(null).pages).toEqual([]);
  });
});

describe('settings schema reading', () => {
  it('recognises the shapes zod emits', () => {
    expect(fieldKind({ type: 'integer', minimum: 1 })).toBe('integer');
    expect(fieldKind({ type: 'string', enum: ['a'] })).toBe('enum');
    expect(fieldKind({ type: 'array', items: { type: 'string', enum: ['a'] } })).toBe('multiEnum');
    expect(fieldKind({ type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } })).toBe('objectList');
    expect(fieldKind({ type: 'object', additionalProperties: {} })).toBe('json');
    const n = nonNull({ default: null, anyOf: [{ type: 'array', items: { type: 'string', pattern: '^[A-Z]{2}$' } }, { type: 'null' }] });
    expect(n.nullable).toBe(true);
    expect(fieldKind(n.inner)).toBe('stringList');
    expect(initialValue({ anyOf: [{ type: 'object', properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } } }, { type: 'null' }] })).toEqual({ min: 0, max: 0 });
  });
  it('labels keys for people', () => {
    expect(humanize('expiryAdjustmentMonths')).toBe('Expiry adjustment months');
    expect(humanize('mrzRequired')).toBe('MRZ required');
    expect(humanize('selfie_with_document')).toBe('Selfie with document');
  });
  it('makes step ids the server accepts and never reuses one', () => {
    expect(newStepId('face_match', new Set())).toBe('face_match');
    expect(newStepId('document', new Set(['document', 'document_2']))).toBe('document_3');
  });
});

describe('small helpers', () => {
  it('parses server-sent events across chunk boundaries', () => {
    const a = parseSseChunk('event: applicant\ndata: {"id":1}\n\n: keep-alive\n\ndata: {"id"');
    expect(a.messages).toEqual([{ event: 'applicant', data: '{"id":1}', id: null }]);
    const b = parseSseChunk(a.rest + ':2}\nid: 7\n\n');
    expect(b.messages).toEqual([{ event: 'message', data: '{"id":2}', id: '7' }]);
    expect(b.rest).toBe('');
  });
  it('backs off when the live stream keeps dropping, up to 15 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });
  it('escapes CSV cells and defuses spreadsheet formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', '=SUM(A1)', null, 3]])).toBe('"a,b","say ""hi""",\'=SUM(A1),,3');
  });
  it('turns a dashboard range into dates', () => {
    const now = new Date('2026-03-10T15:00:00');
    const r = rangeDates('7d', [null, null], now)!;
    expect(new Date(r.from).getDate()).toBe(4);
    expect(rangeDates('custom', [null, null], now)).toBeNull();
    expect(rangeDates('custom', ['2026-01-01', '2026-01-31'], now)).not.toBeNull();
  });
  it('charts every day of the range, with zeros where the server listed none', () => {
    const days = fillDays([{ date: '2026-02-27', applicants: 3, approved: 1, rejected: 0 }], '2026-02-26T00:00:00.000Z', '2026-03-02T10:00:00.000Z');
    expect(days.map((d) => d.date)).toEqual(['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(days[1].applicants).toBe(3);
    expect(days[0]).toEqual({ date: '2026-02-26', applicants: 0, approved: 0, rejected: 0 });
  });
  it('explains review reasons', () => {
    expect(reasonLabel('document:failed(mrz_check_digit,expired)')).toBe('Document: failed (mrz check digit, expired)');
    expect(reasonLabel('warning:duplicate_document')).toBe('Warning: duplicate document');
  });
});

describe('KYC logs', () => {
  const ev = (id: string, type: string, payload: Record<string, unknown>, applicantId: string | null = 'apl_1'): EventItem => ({ id, type, applicantId, sequence: null, createdAt: '2026-03-10T10:00:00Z', payload });
  it('groups events by applicant with the latest step results, status and failure reason', () => {
    // Newest first, as the page keeps them.
    const events = [
      ev('evt_5', 'applicant.status_changed', { from: 'IN_PROGRESS', to: 'ON_HOLD', reasons: ['screening:review(aml_hit)'], externalUserId: 'u-1' }),
      ev('evt_4', 'applicant.step_failed', { stepId: 'screening', stepType: 'aml', outcome: 'review', reasons: ['aml_hit'] }),
      ev('evt_3', 'applicant.step_passed', { stepId: 'document', stepType: 'document', outcome: 'passed' }),
      ev('evt_2', 'applicant.step_failed', { stepId: 'document', stepType: 'document', outcome: 'failed', reasons: ['expired'] }),
      ev('evt_1', 'link.completed', {}, null),
    ];
    const [a, b] = groupSessions(events);
    expect(a.externalUserId).toBe('u-1');
    expect(a.status).toBe('ON_HOLD');
    expect(a.steps).toEqual([
      { stepId: 'document', stepType: 'document', passed: true },
      { stepId: 'screening', stepType: 'aml', passed: false },
    ]);
    expect(a.outcome).toEqual({ kind: 'review', text: 'Screening: AML hit' });
    expect(b.key).toBe('evt_1');
    expect(b.outcome).toBeNull();
  });
  it('names the decline labels of a declined applicant', () => {
    const [s] = groupSessions([ev('evt_9', 'review.completed', { reviewResult: { decision: 'decline', rejectLabels: ['FORGERY'], clientComment: 'Blurry' } })]);
    expect(s.outcome).toEqual({ kind: 'declined', text: 'FORGERY · Blurry' });
  });
});

describe('face-list warnings', () => {
  const listId = 'fls_0123456789abcdefghijklmnop';
  const faceId = 'fce_0123456789abcdefghijklmnop';
  it('names the matched list face and its photo only for face-list warnings with well-formed ids', () => {
    expect(faceListHit({ kind: 'face_blacklisted', details: { listId, faceId, similarity: 91.4 } })).toEqual({ listId, faceId, similarity: 91.4, imageUrl: `/v1/face-lists/${listId}/faces/${faceId}/image` });
    expect(faceListHit({ kind: 'face_list_match', details: { listId, faceId } })?.similarity).toBeNull();
    expect(faceListHit({ kind: 'duplicate_face', details: { listId, faceId } })).toBeNull();
    expect(faceListHit({ kind: 'face_blacklisted', details: { listId } })).toBeNull();
    expect(faceListHit({ kind: 'face_blacklisted', details: { listId: '../../v1/team/users', faceId } })).toBeNull();
    expect(faceListHit({ kind: 'face_blacklisted', details: null as unknown as Record<string, unknown> })).toBeNull();
  });

  it("picks the applicant's face image of the warning's step: current result first, else the latest past one", () => {
    const file = (id: string, kind: string, mime = 'image/jpeg'): FileRef => ({ id, kind, mime, width: null, height: null, capturedAt: null, createdAt: '2026-01-01T00:00:00Z', url: `/v1/applicants/apl_x/files/${id}` });
    const sub = (files: FileRef[], createdAt: string) => ({ files, createdAt }) as Submission;
    const step = (current: Submission | null, history: Submission[]) => ({ id: 'selfie', current, history }) as StepView;
    const frames = [file('fil_v', 'liveness_frame', 'video/webm'), file('fil_f', 'liveness_frame'), file('fil_s', 'selfie')];
    expect(applicantFaceFile({ steps: [step(sub(frames, '2026-01-02'), [])] }, 'selfie')?.id).toBe('fil_s');
    expect(applicantFaceFile({ steps: [step(null, [sub([file('fil_old', 'selfie')], '2026-01-01'), sub([file('fil_new', 'selfie')], '2026-01-03')])] }, 'selfie')?.id).toBe('fil_new');
    expect(applicantFaceFile({ steps: [step(sub([file('fil_v', 'liveness_frame', 'video/webm')], '2026-01-02'), [])] }, 'selfie')).toBeNull();
    expect(applicantFaceFile({ steps: [step(sub(frames, '2026-01-02'), [])] }, 'other')).toBeNull();
    expect(applicantFaceFile({ steps: [step(sub(frames, '2026-01-02'), [])] }, null)).toBeNull();
  });
});
