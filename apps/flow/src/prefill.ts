import { ApiError, isFatal, type Api, type Extracted, type FlowSession, type FlowStep, type PrefillField, type Submission } from './api.ts';

/**
 * OCR prefill: the document engine reads the pages in the background, then the applicant confirms or
 * corrects what it read. The person never waits for the engine between steps: the result is followed
 * here while they go on, and the confirmation comes back before the thank-you screen.
 */

export function prefillEnabled(step: FlowStep): boolean {
  if (step.type !== 'document') return false;
  const p = step.settings.prefill as { enabled?: unknown } | undefined;
  return p?.enabled === true;
}

/** Quick at first (a page is often read within seconds), then gentler on the server. */
export function pollDelay(n: number): number {
  return Math.min(3000, 1000 + n * 250);
}

/** About ten minutes of polling: past that the engine is not coming back for this page view. */
const MAX_POLLS = 220;

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type ResultWatcher = ReturnType<typeof createResultWatcher>;

export function createResultWatcher(api: Pick<Api, 'result'>, sleep: (ms: number) => Promise<void> = wait) {
  const watches = new Map<string, Promise<Submission | null>>();

  /** The step's current result once processed; null when there is none or it never finished. */
  async function poll(stepId: string): Promise<Submission | null> {
    for (let n = 0; n < MAX_POLLS; n++) {
      try {
        const r = await api.result(stepId);
        if (!r) return null;
        if (r.status === 'completed') return r;
      } catch (e) {
        if (isFatal(e) || (e instanceof ApiError && e.status === 404)) throw e;
        // A dropped connection is retried on the next poll.
      }
      await sleep(pollDelay(n));
    }
    return null;
  }

  return {
    /** Starts following a step's result (again after a new upload). */
    watch(stepId: string): Promise<Submission | null> {
      const p = poll(stepId);
      p.catch(() => undefined);
      watches.set(stepId, p);
      return p;
    },
    /** The finished result, following it first if nobody did yet (a reload, another device). */
    settled(stepId: string): Promise<Submission | null> {
      return watches.get(stepId) ?? this.watch(stepId);
    },
  };
}

/** What was read from the page, or null when nothing is there to confirm (refused page, nothing read). */
export async function readingOf(api: Pick<Api, 'extracted'>, stepId: string, result: Submission | null): Promise<Extracted | null> {
  // A refused page is taken again; its reading is not worth the person's time.
  if (!result || result.outcome === 'failed') return null;
  try {
    return await api.extracted(stepId);
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'not_read_yet' || e.code === 'prefill_disabled')) return null;
    throw e;
  }
}

/**
 * Right after an upload: the reading, if the engine finishes within `ms` (the time the upload took),
 * else null and the person moves on while the watcher keeps following the result.
 */
export async function readingWithin(watcher: ResultWatcher, api: Pick<Api, 'extracted'>, stepId: string, ms: number, sleep: (ms: number) => Promise<void> = wait): Promise<Extracted | null> {
  const reading = watcher.watch(stepId).then((r) => readingOf(api, stepId, r));
  const late = sleep(ms).then(() => null);
  try {
    return await Promise.race([reading, late]);
  } catch {
    // Not being able to show the reading now only postpones the confirmation.
    return null;
  }
}

/** Prefill document steps the person has submitted (and not been asked to take again). */
export function submittedPrefillSteps(session: FlowSession): FlowStep[] {
  return session.flow.steps.filter((s) => {
    if (!prefillEnabled(s)) return false;
    const p = session.progress.find((x) => x.id === s.id);
    return !!p && p.status !== 'not_submitted' && p.status !== 'rejected';
  });
}

/** Waits until every submitted prefill page has been processed by the engine. */
export async function readingsSettled(watcher: ResultWatcher, session: FlowSession): Promise<void> {
  await Promise.all(submittedPrefillSteps(session).map((s) => watcher.settled(s.id)));
}

/** The first read page still waiting for the person's confirmation, with what was read. */
export async function pendingConfirmation(watcher: ResultWatcher, api: Pick<Api, 'extracted'>, session: FlowSession): Promise<{ step: FlowStep; extracted: Extracted } | null> {
  for (const step of submittedPrefillSteps(session)) {
    const extracted = await readingOf(api, step.id, await watcher.settled(step.id));
    if (extracted && !extracted.confirmed) return { step, extracted };
  }
  return null;
}

/** Reading order on the form: names, number, then the short fields in pairs. */
const ORDER: readonly PrefillField[] = ['surname', 'givenNames', 'documentNumber', 'birthDate', 'sex', 'nationality', 'expiryDate', 'address'];
/** Always asked: what identifies the person, even when the engine could not read it. */
const CORE: readonly PrefillField[] = ['surname', 'givenNames', 'birthDate', 'documentNumber'];

/** The fields shown: the core ones, and any other the engine read (an address only some documents carry). */
export function shownFields(read: Extracted['fields']): PrefillField[] {
  return ORDER.filter((f) => CORE.includes(f) || (read[f] ?? '') !== '');
}

/** What is sent: every shown field, trimmed, an emptied one as null. */
export function confirmedFields(values: Partial<Record<PrefillField, string>>, shown: PrefillField[]): Partial<Record<PrefillField, string | null>> {
  return Object.fromEntries(shown.map((f) => [f, (values[f] ?? '').trim() || null]));
}
