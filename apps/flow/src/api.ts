/**
 * The applicant-facing API (`/v1/flow/...`, `Authorization: Bearer <session access token>`). The token
 * lives only in memory and sessionStorage of this tab; it never goes into a URL the server sees.
 */

export type StepType =
  | 'intro' | 'document' | 'selfie' | 'liveness' | 'selfie_with_document' | 'questionnaire'
  | 'email' | 'phone' | 'thank_you' | 'face_match' | 'aml';

/** The server's view of a step: nothing yet, being checked (or waiting for a reviewer), passed, or refused. */
export type StepStatus = 'not_submitted' | 'pending' | 'approved' | 'rejected';

export type FlowStyle = {
  primaryColor?: string; backgroundColor?: string; textColor?: string; fontFamily?: string;
  buttonRadius?: number | string; buttonTextColor?: string;
};

export type FlowStep = { id: string; type: StepType; title?: string; settings: Record<string, unknown> };

export type Submission = { id: string; stepId: string; attempt: number; status: string; outcome: string | null; reasons: string[]; feedback: Record<string, unknown> };

export type StepProgress = { id: string; type: StepType; status: StepStatus; attemptsUsed: number; current: Submission | null };

export type FlowSession = {
  sessionId: string;
  expiresAt: string | null;
  mode: 'test' | 'live';
  appKey: string | null;
  /** Origins allowed to embed this flow in a frame; empty = any (see embedding.ts). */
  allowedOrigins: string[];
  applicant: { id: string; status: string; externalUserId: string | null; clientComment: string | null };
  flow: { id: string; steps: FlowStep[]; redirectUrl: string | null };
  style: FlowStyle;
  lang: string | null;
  progress: StepProgress[];
  nextStepId: string | null;
  /** The applicant's email and phone as the server knows them, masked (m•••@example.com), for the OTP steps. */
  contact: { email: string | null; phone: string | null };
};

/** What the document engine read, for the applicant to confirm or correct (OCR prefill). */
export const PREFILL_FIELDS = ['surname', 'givenNames', 'birthDate', 'documentNumber', 'nationality', 'sex', 'expiryDate', 'address'] as const;
export type PrefillField = (typeof PREFILL_FIELDS)[number];
export type Extracted = { fields: Partial<Record<PrefillField, string | null>>; confirmed: boolean };

/** The liveness route takes at most this many frames in one submission. */
export const MAX_LIVENESS_FRAMES = 12;

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
const FATAL_CODES = ['session_expired', 'session_frozen', 'unauthorized', 'verification_finished', 'attempts_exhausted'];

export function isFatal(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false;
  // A document's issuing country is refused with 400 (pick another); the person's own country with 403.
  if (e.code === 'country_not_allowed') return e.status === 403;
  return FATAL_CODES.includes(e.code) || e.status === 401;
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
  const settings = obj(flow.settings);
  const contact = obj(r.contact);
  const steps: FlowStep[] = arr(flow.steps).map((s) => {
    const o = obj(s);
    return { id: String(o.id), type: o.type as StepType, title: str(o.title) ?? undefined, settings: obj(o.settings) };
  });
  const progress: StepProgress[] = arr(r.progress).map((s) => {
    const o = obj(s);
    return {
      id: String(o.stepId ?? o.id),
      type: o.type as StepType,
      status: (str(o.status) ?? 'not_submitted') as StepStatus,
      attemptsUsed: typeof o.attemptsUsed === 'number' ? o.attemptsUsed : 0,
      current: o.current ? (o.current as Submission) : null,
    };
  });
  return {
    sessionId: String(session.id ?? ''),
    expiresAt: str(session.expiresAt),
    mode: r.mode === 'live' ? 'live' : 'test',
    appKey: str(r.appKey),
    allowedOrigins: arr(r.allowedOrigins).filter((o): o is string => typeof o === 'string'),
    applicant: {
      id: String(applicant.id ?? ''),
      status: String(applicant.status ?? ''),
      externalUserId: str(applicant.externalUserId),
      clientComment: str(obj(applicant.review).clientComment),
    },
    flow: { id: String(flow.id ?? ''), steps, redirectUrl: str(settings.redirectUrl) },
    style: obj(settings.style) as FlowStyle,
    lang: str(session.lang ?? settings.language),
    progress,
    nextStepId: str(r.nextStepId),
    contact: { email: str(contact.email), phone: str(contact.phone) },
  };
}

async function readError(res: Response): Promise<ApiError> {
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  const err = obj(obj(data).error);
  const code = str(err.code) ?? (res.status === 401 ? 'session_expired' : res.status === 413 ? 'too_large' : `http_${res.status}`);
  return new ApiError(res.status, code, str(err.message) ?? res.statusText, err.details);
}

/** A second device opened `/flow/#handoff=CODE`: trade the code for its own access token. */
export async function redeemHandoff(code: string, base = ''): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${base}/v1/flow/handoff/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }), credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'network_error', 'The connection failed');
  }
  if (!res.ok) throw await readError(res);
  return String(obj(await res.json()).accessToken);
}

export type Api = ReturnType<typeof createApi>;

export function createApi(token: string, base = '') {
  async function request(method: string, path: string, body?: Json | FormData): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'network_error', 'The connection failed');
    }
    if (!res.ok) throw await readError(res);
    return res;
  }
  const call = async <T>(method: string, path: string, body?: Json | FormData): Promise<T> => (await request(method, path, body)).json() as Promise<T>;
  const step = (id: string) => `/v1/flow/steps/${encodeURIComponent(id)}`;

  return {
    session: async () => normaliseSession(await call('GET', '/v1/flow/session')),
    result: (stepId: string) => call<Submission | null>('GET', `${step(stepId)}/result`),
    complete: (stepId: string) => call<Submission>('POST', `${step(stepId)}/complete`),
    /** Both sides in one request, as the server checks them together. */
    uploadDocument: (stepId: string, f: { country: string; documentType: string; front: Blob; back?: Blob | null }) => {
      const form = new FormData();
      form.set('documentType', f.documentType);
      form.set('country', f.country);
      form.set('front', f.front, 'front.jpg');
      if (f.back) form.set('back', f.back, 'back.jpg');
      return call<Submission>('POST', `${step(stepId)}/document`, form);
    },
    uploadFace: (stepId: string, image: Blob, kind: 'selfie' | 'selfie_with_document') => {
      const form = new FormData();
      form.set('image', image, `${kind}.jpg`);
      return call<Submission>('POST', `${step(stepId)}/${kind === 'selfie' ? 'selfie' : 'selfie-with-document'}`, form);
    },
    /** Also returns how far the server's clock is ahead of ours: frame timestamps must be in its time. */
    livenessChallenge: async (stepId: string) => {
      const before = Date.now();
      const res = await request('POST', `${step(stepId)}/liveness/challenge`);
      const after = Date.now();
      const date = Date.parse(res.headers.get('date') ?? '');
      // The Date header has one-second resolution; it was generated somewhere between before and after.
      const clockOffset = Number.isFinite(date) ? date + 500 - (before + after) / 2 : 0;
      return { ...((await res.json()) as LivenessChallenge), clockOffset };
    },
    livenessFrames: (stepId: string, nonce: string, frames: { image: Blob; at: number }[]) => {
      if (frames.length > MAX_LIVENESS_FRAMES) throw new ApiError(0, 'too_many_frames', `At most ${MAX_LIVENESS_FRAMES} frames per submission.`);
      const form = new FormData();
      form.set('meta', JSON.stringify({ nonce, timestamps: frames.map((f) => f.at) }));
      frames.forEach((f, i) => form.append('frames', f.image, `frame-${i}.jpg`));
      return call<Submission>('POST', `${step(stepId)}/liveness`, form);
    },
    questionnaire: (stepId: string, answers: Json) => call<Submission>('POST', `${step(stepId)}/questionnaire`, { answers }),
    sendOtp: (stepId: string, target?: string) => call<{ expiresAt: string; channel: string; target: string }>('POST', `${step(stepId)}/otp/send`, target ? { target } : {}),
    verifyOtp: (stepId: string, code: string) => call<Submission>('POST', `${step(stepId)}/otp/verify`, { code }),
    extracted: (stepId: string) => call<Extracted>('GET', `${step(stepId)}/extracted`),
    confirmDocument: (stepId: string, fields: Partial<Record<PrefillField, string | null>>) => call<{ changed: string[] }>('POST', `${step(stepId)}/confirm`, { fields }),
    handoff: () => call<{ code: string; url: string; qrSvg: string; expiresAt: string }>('POST', '/v1/flow/handoff'),
  };
}

export type LivenessChallenge = { nonce: string; mode: 'active' | 'one_shot'; actions: string[]; expiresAt: string };
