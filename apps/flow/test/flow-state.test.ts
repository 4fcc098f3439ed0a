import { describe, expect, it } from 'vitest';
import { normaliseSession, type FlowSession } from '../src/api.ts';
import { finishedElsewhere, needsWork, nextAfter, resumeStep, sdkStepType } from '../src/flow-state.ts';
import { countryOptions, icaoFromAlpha2 } from '../src/countries.ts';
import { pickLanguage } from '../src/i18n.ts';
import { styleVariables } from '../src/theme.ts';
import { handoffCodeFromLocation, takeTokenFromLocation } from '../src/token.ts';
import { customText } from '../src/content.ts';

function session(progress: { stepId: string; status: string; attemptsUsed?: number }[], nextStepId: string | null = null): FlowSession {
  return normaliseSession({
    session: { id: 'ses_1', expiresAt: '2030-01-01T00:00:00Z', lang: 'fr' },
    applicant: { id: 'apl_1', status: 'INIT', externalUserId: 'u1', review: { clientComment: null } },
    flow: {
      id: 'flw_1',
      steps: [
        { id: 'intro', type: 'intro', settings: {} },
        { id: 'doc', type: 'document', settings: { maxAttempts: 2 } },
        { id: 'fm', type: 'face_match', settings: {} },
        { id: 'selfie', type: 'selfie', settings: {} },
        { id: 'ty', type: 'thank_you', settings: {} },
      ],
      settings: { style: { primaryColor: '#112233' }, redirectUrl: 'https://example.com/done' },
    },
    progress: progress.map((p) => ({ type: 'x', attemptsUsed: 0, current: null, ...p })),
    nextStepId,
    appKey: 'pk_1',
    mode: 'test',
  });
}

describe('session', () => {
  it('reads the server shape', () => {
    const s = session([{ stepId: 'intro', status: 'approved', attemptsUsed: 1 }]);
    expect(s).toMatchObject({ sessionId: 'ses_1', mode: 'test', appKey: 'pk_1', lang: 'fr', flow: { id: 'flw_1', redirectUrl: 'https://example.com/done' }, style: { primaryColor: '#112233' } });
    expect(s.progress[0]).toMatchObject({ id: 'intro', status: 'approved', attemptsUsed: 1 });
  });

  it('resumes at the server’s next step, or the first with work left', () => {
    expect(resumeStep(session([], 'selfie'))?.id).toBe('selfie');
    expect(resumeStep(session([{ stepId: 'intro', status: 'approved' }]))?.id).toBe('doc');
    // Submitted and still being checked: the person does not wait for it.
    expect(resumeStep(session([{ stepId: 'intro', status: 'approved' }, { stepId: 'doc', status: 'pending' }]))?.id).toBe('selfie');
    expect(resumeStep(session([{ stepId: 'intro', status: 'approved' }, { stepId: 'doc', status: 'approved' }, { stepId: 'selfie', status: 'pending' }]))).toBeNull();
    expect(resumeStep(session([], 'ty'))).toBeNull();
  });

  it('asks a refused step again only while attempts remain', () => {
    const s = session([{ stepId: 'doc', status: 'rejected', attemptsUsed: 1 }]);
    expect(needsWork(s.flow.steps[1], s.progress)).toBe(true);
    const used = session([{ stepId: 'doc', status: 'rejected', attemptsUsed: 2 }]);
    expect(needsWork(used.flow.steps[1], used.progress)).toBe(false);
  });

  it('skips server-run steps and steps done elsewhere when moving on', () => {
    const s = session([{ stepId: 'selfie', status: 'pending' }]);
    expect(nextAfter(s, 'intro', s.progress)?.id).toBe('doc');
    expect(nextAfter(s, 'doc', s.progress)).toBeNull();
  });

  it('names steps as the SDK does', () => {
    expect(sdkStepType('thank_you')).toBe('complete');
    expect(sdkStepType('selfie_with_document')).toBe('selfie_with_document');
    expect(sdkStepType('face_match')).toBeUndefined();
  });
});

describe('countries', () => {
  it('offers ICAO codes named in the display language, minus exclusions', () => {
    const all = countryOptions(null, ['RUS'], 'en');
    expect(all.find((c) => c.code === 'D')?.name).toBe('Germany');
    expect(all.some((c) => c.code === 'RUS')).toBe(false);
    expect(all.length).toBeGreaterThan(240);
    const fr = countryOptions(['GBR', 'D', 'UTO'], [], 'fr');
    expect(fr.map((c) => c.name)).toEqual(['Allemagne', 'Royaume-Uni', 'Utopia (specimen)']);
    expect(icaoFromAlpha2('de')).toBe('D');
    expect(icaoFromAlpha2('ZZ')).toBeNull();
  });
});

describe('small pieces', () => {
  it('picks a shipped language', () => {
    expect(pickLanguage('fr-CA')).toBe('fr');
    expect(pickLanguage('xx', undefined, 'en-GB')).toBe('en');
    expect(pickLanguage(null)).toBe('en');
  });

  it('turns the flow style into CSS variables, refusing anything but plain values', () => {
    expect(styleVariables({ primaryColor: '#abcdef', buttonRadius: 8, fontFamily: 'Inter' })).toEqual({ '--primary': '#abcdef', '--radius': '8px', '--font': 'Inter, system-ui, sans-serif' });
    expect(styleVariables({ primaryColor: 'red;}body{display:none', fontFamily: 'x;}', buttonRadius: 400 })).toEqual({});
  });

  it('takes the token from the fragment and keeps it for a reload', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(takeTokenFromLocation({ hash: '#token=ast_abc' }, storage)).toBe('ast_abc');
    expect(takeTokenFromLocation({ hash: '' }, storage)).toBe('ast_abc');
    expect(takeTokenFromLocation({ hash: '' }, null)).toBeNull();
    expect(handoffCodeFromLocation({ hash: '#handoff=AB12CD34' })).toBe('AB12CD34');
  });

  it('replaces the server’s untouched English defaults with translations', () => {
    expect(customText('Thank you')).toBeNull();
    expect(customText('Welcome to Acme')).toBe('Welcome to Acme');
    expect(customText(3)).toBeNull();
  });
});

function devSession(steps: { id: string; type: string }[], progress: { stepId: string; status: string }[]) {
  return normaliseSession({
    session: { id: 'ses_1' },
    applicant: { id: 'apl_1' },
    flow: { id: 'flw_1', steps: steps.map((s) => ({ settings: {}, ...s })), settings: {} },
    progress: progress.map((p) => ({ type: 'x', attemptsUsed: 1, current: null, ...p })),
    contact: { email: 'm•••@example.com', phone: null },
  });
}

describe('continue on another device', () => {
  it('reads the masked contact details for the code steps', () => {
    expect(devSession([], []).contact).toEqual({ email: 'm•••@example.com', phone: null });
  });

  it('this device is done once the other one reached the thank-you screen', () => {
    const steps = [{ id: 'intro', type: 'intro' }, { id: 'selfie', type: 'selfie' }, { id: 'ty', type: 'thank_you' }];
    expect(finishedElsewhere(devSession(steps, [{ stepId: 'intro', status: 'approved' }, { stepId: 'selfie', status: 'pending' }]))).toBe(false);
    expect(finishedElsewhere(devSession(steps, [{ stepId: 'intro', status: 'approved' }, { stepId: 'selfie', status: 'pending' }, { stepId: 'ty', status: 'approved' }]))).toBe(true);
    const noThanks = steps.slice(0, 2);
    expect(finishedElsewhere(devSession(noThanks, [{ stepId: 'intro', status: 'approved' }]))).toBe(false);
    expect(finishedElsewhere(devSession(noThanks, [{ stepId: 'intro', status: 'approved' }, { stepId: 'selfie', status: 'pending' }]))).toBe(true);
  });
});
