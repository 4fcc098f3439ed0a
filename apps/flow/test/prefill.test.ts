import { describe, expect, it } from 'vitest';
import { ApiError, normaliseSession, type Extracted, type Submission } from '../src/api.ts';
import { confirmedFields, createResultWatcher, pendingConfirmation, pollDelay, readingWithin, shownFields } from '../src/prefill.ts';

const sub = (status: string, outcome: string | null = null): Submission => ({ id: 'att_1', stepId: 'doc', attempt: 1, status, outcome, reasons: [], feedback: {} });
const READ: Extracted = { fields: { surname: 'ERIKSSON', givenNames: 'ANNA MARIA', birthDate: '1974-08-12', documentNumber: 'L898902C3', nationality: 'UTO', sex: 'F', expiryDate: '2030-04-15', address: null }, confirmed: false };

/** A server whose result for the step is "queued" for `pending` polls, then completed with `outcome`. */
function fakeApi(pending: number, outcome = 'review', extracted: Extracted | ApiError = READ) {
  const calls = { result: 0, extracted: 0 };
  return {
    calls,
    result: async () => (++calls.result > pending ? sub('completed', outcome) : sub('queued')),
    extracted: async () => {
      calls.extracted++;
      if (extracted instanceof ApiError) throw extracted;
      return extracted;
    },
  };
}

/** Sleeps that resolve at once but record what was asked; the clock is the sum of the sleeps. */
function fakeSleep() {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

function session(steps: { id: string; type: string; settings?: Record<string, unknown> }[], progress: { stepId: string; status: string }[]) {
  return normaliseSession({
    session: { id: 'ses_1' },
    applicant: { id: 'apl_1' },
    flow: { id: 'flw_1', steps: steps.map((s) => ({ settings: {}, ...s })), settings: {} },
    progress: progress.map((p) => ({ type: 'x', attemptsUsed: 1, current: null, ...p })),
    contact: { email: 'm•••@example.com', phone: null },
  });
}

const PREFILL_DOC = { id: 'doc', type: 'document', settings: { prefill: { enabled: true, mapping: {} } } };

describe('OCR prefill', () => {
  it('follows a result until the engine has finished, polling more gently over time', async () => {
    const api = fakeApi(3);
    const { slept, sleep } = fakeSleep();
    const r = await createResultWatcher(api, sleep).watch('doc');
    expect(r).toMatchObject({ status: 'completed', outcome: 'review' });
    expect(api.calls.result).toBe(4);
    expect(slept).toEqual([pollDelay(0), pollDelay(1), pollDelay(2)]);
    expect(pollDelay(0)).toBeLessThan(pollDelay(5));
    expect(pollDelay(100)).toBe(3000);
  });

  it('keeps polling through a dropped connection, and stops on a refused token', async () => {
    let n = 0;
    const flaky = { result: async () => (++n === 1 ? Promise.reject(new ApiError(0, 'network_error', 'down')) : sub('completed', 'passed')) };
    await expect(createResultWatcher(flaky, fakeSleep().sleep).watch('doc')).resolves.toMatchObject({ outcome: 'passed' });
    const refused = { result: async () => Promise.reject(new ApiError(401, 'session_expired', 'gone')) };
    await expect(createResultWatcher(refused, fakeSleep().sleep).watch('doc')).rejects.toMatchObject({ code: 'session_expired' });
  });

  it('shows the reading right after the upload only when it is ready within the upload time', async () => {
    // Ready at once: the reading comes back before the (never resolving) deadline.
    const ready = fakeApi(0);
    const never = () => new Promise<void>(() => undefined);
    await expect(readingWithin(createResultWatcher(ready, fakeSleep().sleep), ready, 'doc', 500, never)).resolves.toEqual(READ);
    // Still being read when the deadline passes: null, and the person moves on.
    const slow = fakeApi(3);
    let fire: () => void = () => undefined;
    const deadline = () => new Promise<void>((r) => (fire = r));
    const poll = () => new Promise<void>((r) => setTimeout(r, 5));
    const p = readingWithin(createResultWatcher(slow, poll), slow, 'doc', 500, deadline);
    fire();
    await expect(p).resolves.toBeNull();
    expect(slow.calls.extracted).toBe(0);
  });

  it('offers nothing to confirm for a refused page or one with nothing read', async () => {
    const refused = fakeApi(0, 'failed');
    await expect(readingWithin(createResultWatcher(refused, fakeSleep().sleep), refused, 'doc', 500)).resolves.toBeNull();
    expect(refused.calls.extracted).toBe(0);
    const unread = fakeApi(0, 'review', new ApiError(409, 'not_read_yet', 'not yet'));
    await expect(readingWithin(createResultWatcher(unread, fakeSleep().sleep), unread, 'doc', 500)).resolves.toBeNull();
  });

  it('before the end, asks to confirm each submitted page that was read and not yet confirmed', async () => {
    const steps = [{ id: 'intro', type: 'intro' }, PREFILL_DOC, { id: 'plain', type: 'document' }, { id: 'ty', type: 'thank_you' }];
    const api = fakeApi(2);
    const watcher = createResultWatcher(api, fakeSleep().sleep);
    const s = session(steps, [{ stepId: 'doc', status: 'pending' }, { stepId: 'plain', status: 'pending' }]);
    const pending = await pendingConfirmation(watcher, api, s);
    expect(pending?.step.id).toBe('doc');
    expect(pending?.extracted).toEqual(READ);
    // Confirmed already (on the phone), not submitted, or to be taken again: nothing to ask.
    const confirmed = fakeApi(0, 'passed', { ...READ, confirmed: true });
    await expect(pendingConfirmation(createResultWatcher(confirmed, fakeSleep().sleep), confirmed, s)).resolves.toBeNull();
    await expect(pendingConfirmation(watcher, api, session(steps, []))).resolves.toBeNull();
    await expect(pendingConfirmation(watcher, api, session(steps, [{ stepId: 'doc', status: 'rejected' }]))).resolves.toBeNull();
  });

  it('asks for the core fields and whatever else was read; sends trimmed values, emptied ones as null', () => {
    expect(shownFields(READ.fields)).toEqual(['surname', 'givenNames', 'documentNumber', 'birthDate', 'sex', 'nationality', 'expiryDate']);
    expect(shownFields({ address: '1 HIGH ST' })).toEqual(['surname', 'givenNames', 'documentNumber', 'birthDate', 'address']);
    expect(confirmedFields({ surname: ' ERIKSSON ', givenNames: 'ANNA MARIE', birthDate: '' }, ['surname', 'givenNames', 'birthDate'])).toEqual({ surname: 'ERIKSSON', givenNames: 'ANNA MARIE', birthDate: null });
  });
});
