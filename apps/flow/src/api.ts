/**
 * The applicant-facing API (`/v1/flow/...`, `Authorization: Bearer <session access token>`). The token
 * lives only in memory and sessionStorage of this tab; it never goes into a URL the server sees.
 */

export type StepType =
  | 'intro' | 'document' | 'selfie' | 'liveness' | 'selfie_with_document' | 'questionnaire'
  | 'email' | 'phone' | 'thank_you' | 'face_match' | 'aml';

export type StepStatus = 'pending' | 'in_progress' | 'submitted' | 'processing' | 'passed' | 'failed' | 'completed' | 'skipped';

export type FlowStyle = {
  primaryColor?: string; backgroundColor?: string; textColor?: string; fontFamily?: string;
  buttonRadius?: number | string; buttonTextColor?: string;
};

export type FlowStep = { id: string; type: StepType; title?: string; settings: Record<string, unknown> };

export type StepProgress = { id: string; type: StepType; status: StepStatus; attemptsLeft: number | null };

export type FlowSession = {
  sessionId: string;
  expiresAt: string | null;
  mode: 'test' | 'live';
  appKey: string | null;
  applicant: { id: string; externalUserId: string | null; email: string | null; phone: string | null; country: string | null };
  flow: { id: string; name: string; steps: FlowStep[]; countries: { allowed: string[]; excluded: string[] }; redirectUrl: string | null };
  style: FlowStyle;
  lang: string | null;
  progress: StepProgress[];
  nextStepId: string | null;
};

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Codes that end the flow for this person rather than the current attempt. */
export const FATAL_CODES = ['session_expired', 'session_not_found', 'unauthorized', 'attempts_exhausted', 'country_not_allowed', 'applicant_locked', 'flow_completed'] as const;

export function isFatal(e: unknown): boolean {
  return e instanceof ApiError && (FATAL_CODES as readonly string[]).includes(e.code);
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Maps GET /v1/flow/session onto what the screens use, tolerating fields the server leaves out. */
export function normaliseSession(raw: unknown): FlowSession {
  const r = obj(raw);
  const session = obj(r.session);
  const applicant = obj(r.applicant);
  const flow = obj(r.flow);
  const definition = obj(flow.definition ?? flow.published ?? r.definition);
  const settings = obj(definition.settings);
  const countries = obj(settings.countries);
  const steps: FlowStep[] = arr(definition.steps ?? flow.steps).map((s) => {
    const o = obj(s);
    return { id: String(o.id), type: o.type as StepType, title: str(o.title) ?? undefined, settings: obj(o.settings) };
  });
  const progress: StepProgress[] = arr(r.steps ?? r.progress).map((s) => {
    const o = obj(s);
    const left = o.attemptsLeft ?? (typeof o.maxAttempts === 'number' && typeof o.attempts === 'number' ? o.maxAttempts - o.attempts : null);
    return { id: String(o.id ?? o.stepId), type: o.type as StepType, status: (str(o.status) ?? 'pending') as StepStatus, attemptsLeft: typeof left === 'number' ? left : null };
  });
  return {
    sessionId: String(session.id ?? r.sessionId ?? ''),
    expiresAt: str(session.expiresAt),
    mode: (session.mode ?? r.mode ?? flow.mode) === 'live' ? 'live' : 'test',
    appKey: str(r.appKey ?? session.appKey ?? obj(r.application).clientKey),
    applicant: {
      id: String(applicant.id ?? ''),
      externalUserId: str(applicant.externalUserId),
      email: str(applicant.email),
      phone: str(applicant.phone),
      country: str(applicant.country),
    },
    flow: {
      id: String(flow.id ?? ''),
      name: str(flow.name) ?? '',
      steps,
      countries: { allowed: arr(countries.allowed).map(String), excluded: arr(countries.excluded).map(String) },
      redirectUrl: str(settings.redirectUrl),
    },
    style: obj(r.style ?? settings.style) as FlowStyle,
    lang: str(r.lang ?? session.lang ?? settings.language),
    progress,
    nextStepId: str(r.nextStepId),
  };
}

export type Api = ReturnType<typeof createApi>;

export function createApi(token: string, base = '') {
  async function call<T>(method: string, path: string, body?: Json | FormData, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: payload, signal, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'network_error', 'The connection failed');
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const err = obj(obj(data).error);
      const code = str(err.code) ?? (res.status === 401 ? 'session_expired' : res.status === 413 ? 'file_too_large' : `http_${res.status}`);
      throw new ApiError(res.status, code, str(err.message) ?? res.statusText, err.details);
    }
    return data as T;
  }

  const step = (id: string) => `/v1/flow/steps/${encodeURIComponent(id)}`;

  return {
    session: async () => normaliseSession(await call('GET', '/v1/flow/session')),
    complete: (stepId: string, body: Json = {}) => call<Json>('POST', `${step(stepId)}/complete`, body),
    uploadDocument: (stepId: string, f: { country: string; documentType: string; side: 'front' | 'back'; image: Blob }) => {
      const form = new FormData();
      form.set('country', f.country);
      form.set('documentType', f.documentType);
      form.set('side', f.side);
      form.set('file', f.image, `${f.side}.jpg`);
      return call<DocumentUploadResult>('POST', `${step(stepId)}/documents`, form);
    },
    confirmDocument: (stepId: string, fields: Record<string, string>) => call<Json>('POST', `${step(stepId)}/documents/confirm`, { fields }),
    uploadSelfie: (stepId: string, image: Blob, kind: 'selfie' | 'selfie_with_document') => {
      const form = new FormData();
      form.set('file', image, `${kind}.jpg`);
      return call<FaceUploadResult>('POST', `${step(stepId)}/${kind === 'selfie' ? 'selfie' : 'selfie-with-document'}`, form);
    },
    livenessChallenge: (stepId: string) => call<LivenessChallenge>('POST', `${step(stepId)}/liveness/challenge`, {}),
    livenessFrames: (stepId: string, challengeId: string, frames: { action: string; image: Blob; at: number }[]) => {
      const form = new FormData();
      form.set('challengeId', challengeId);
      form.set('meta', JSON.stringify(frames.map((f, i) => ({ index: i, action: f.action, at: f.at }))));
      frames.forEach((f, i) => form.append('frames', f.image, `frame-${i}.jpg`));
      return call<Json>('POST', `${step(stepId)}/liveness/frames`, form);
    },
    questionnaire: (stepId: string, answers: Json) => call<Json>('POST', `${step(stepId)}/questionnaire`, { answers }),
    sendOtp: (stepId: string, channel: 'email' | 'phone', value: string) => call<{ resendAfterSeconds?: number }>('POST', `${step(stepId)}/${channel}/send`, { [channel]: value }),
    verifyOtp: (stepId: string, channel: 'email' | 'phone', code: string) => call<Json>('POST', `${step(stepId)}/${channel}/verify`, { code }),
    handoff: () => call<{ code: string; url: string; qrSvg: string; expiresAt?: string }>('POST', '/v1/flow/handoff', {}),
  };
}

export type DocumentUploadResult = {
  quality?: { ok: boolean; issues?: { code: string; message?: string }[] };
  extracted?: { fields?: Record<string, string | null> } | null;
  needsBack?: boolean;
  confirmFields?: boolean;
};

export type FaceUploadResult = { faceDetected?: boolean; ok?: boolean; issues?: { code: string; message?: string }[] };

export type LivenessChallenge = { challengeId: string; actions: string[]; expiresAt?: string; maxFrames?: number };
