import { Client, type TestApp } from './helpers.ts';

export const QUESTIONNAIRE = {
  pages: [
    {
      elements: [
        { type: 'radiogroup', name: 'source', isRequired: true, choices: ['salary', 'other'] },
        { type: 'text', name: 'sourceOther', visibleIf: "{source} = 'other'", isRequired: true },
      ],
    },
  ],
};

export async function makeFlow(api: Client, steps: unknown[], settings: Record<string, unknown> = {}, name = 'Test flow', kind: 'regular' | 'on_demand' = 'regular') {
  const r = await api.post('/v1/flows', { name, kind, definition: { steps, settings }, publish: true });
  if (r.status !== 201) throw new Error(`flow create failed: ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** An applicant plus an applicant-side client holding the session's access token. */
export async function startApplicant(t: TestApp, api: Client, flowId: string, extra: Record<string, unknown> = {}) {
  const a = await api.post('/v1/applicants', { externalUserId: `user-${Math.random().toString(36).slice(2)}`, flowId, ...extra });
  if (a.status !== 201) throw new Error(`applicant create failed: ${JSON.stringify(a.body)}`);
  const s = await api.post(`/v1/applicants/${a.body.id}/sessions`, {});
  if (s.status !== 201) throw new Error(`session create failed: ${JSON.stringify(s.body)}`);
  return { id: a.body.id as string, session: s.body, flow: new Client(t, s.body.accessToken) };
}

/** Passes the email step through the real SMTP server: send, read the code from the mail, verify. */
export async function passEmail(t: TestApp, flow: Client, stepId: string, email: string) {
  const sent = await flow.post(`/v1/flow/steps/${stepId}/otp/send`, { target: email });
  if (sent.status !== 200) throw new Error(`otp send failed: ${JSON.stringify(sent.body)}`);
  const mail = await t.smtp.waitFor((m) => m.to === email.toLowerCase());
  const code = /code is (\d+)/.exec(mail.text)![1];
  return flow.post(`/v1/flow/steps/${stepId}/otp/verify`, { code });
}

export async function waitFor<T>(fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A multipart upload as the hosted flow sends it: files (one or several per field) plus text fields. */
export async function upload(c: Client, url: string, files: { field: string; data: Buffer }[], fields: Record<string, string> = {}) {
  const boundary = '----tessera' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const r = await c.t.app.inject({ method: 'POST', url, payload: Buffer.concat(parts), headers: { ...c.authHeaders('POST'), 'content-type': `multipart/form-data; boundary=${boundary}` } });
  let body: any = r.body;
  try {
    body = JSON.parse(r.body);
  } catch {
    /* not JSON */
  }
  return { status: r.statusCode, body };
}

export const uploadFile = (c: Client, url: string, field: string, data: Buffer, extra: Record<string, string> = {}) => upload(c, url, [{ field, data }], extra);
