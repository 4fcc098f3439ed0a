/** The one way the back office talks to Tessera: JSON over fetch with the session cookie. */

export type Mode = 'live' | 'test';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type ClientState = { csrfToken: string | null; mode: Mode; onUnauthorized: (() => void) | null };
const state: ClientState = { csrfToken: null, mode: readMode(), onUnauthorized: null };

function readMode(): Mode {
  try {
    return localStorage.getItem('tessera.mode') === 'live' ? 'live' : 'test';
  } catch {
    return 'test';
  }
}

export const apiClient = {
  setCsrfToken(token: string | null) {
    state.csrfToken = token;
  },
  setMode(mode: Mode) {
    state.mode = mode;
    try {
      localStorage.setItem('tessera.mode', mode);
    } catch {
      // Private windows may refuse storage; the mode then lasts for this tab only.
    }
  },
  get mode() {
    return state.mode;
  },
  onUnauthorized(fn: (() => void) | null) {
    state.onUnauthorized = fn;
  },
};

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { query?: Query; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-tessera-mode': state.mode };
  const form = body instanceof FormData;
  // A multipart body sets its own content type (with the boundary).
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Tessera could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const e = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? (res.status === 404 ? 'This endpoint is not available on this server.' : `Request failed (${res.status}).`), err?.details);
    if (res.status === 401 && e.code !== 'mfa_required' && e.code !== 'invalid_credentials' && !path.startsWith('/v1/auth/')) state.onUnauthorized?.();
    throw e;
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, undefined, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
  /** multipart/form-data (file uploads). */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, form),
};

/** Downloads a file (CSV export) through the same credentials and mode as every other call. */
export async function download(path: string, query: Query | undefined, filename: string) {
  const res = await fetch(withQuery(path, query), { headers: { 'x-tessera-mode': state.mode }, credentials: 'same-origin' });
  if (!res.ok) {
    let msg = `Export failed (${res.status}).`;
    let code = `http_${res.status}`;
    try {
      const j = await res.json();
      msg = j?.error?.message ?? msg;
      code = j?.error?.code ?? code;
    } catch {
      // not JSON: keep the generic message
    }
    throw new ApiError(res.status, code, msg);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export type Page<T> = { data: T[]; nextCursor: string | null };
