// Example integration of the Tessera web SDK: your back end creates the applicant and a session with
// its secret API key; the page only ever sees the short-lived session access token.
//
//   TESSERA_URL=http://127.0.0.1:3000 TESSERA_API_KEY=sk_test_… TESSERA_FLOW_ID=flw_… node examples/sdk/server.mjs
//
// then open http://127.0.0.1:5173. No dependencies: Node 20's http and fetch.
import http from 'node:http';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';

const TESSERA_URL = (process.env.TESSERA_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const API_KEY = process.env.TESSERA_API_KEY;
const FLOW_ID = process.env.TESSERA_FLOW_ID;
const PORT = Number(process.env.PORT ?? 5173);
if (!API_KEY || !FLOW_ID) {
  console.error('Set TESSERA_API_KEY (sk_test_…) and TESSERA_FLOW_ID (flw_…).');
  process.exit(1);
}

async function tessera(path, body) {
  const res = await fetch(`${TESSERA_URL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${path}: ${data.error?.code ?? res.status}`);
  return data;
}

const page = fs.readFileSync(new URL('./index.html', import.meta.url), 'utf8').replaceAll('%TESSERA_URL%', TESSERA_URL);

http
  .createServer(async (req, res) => {
    if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page);
    }
    if (req.method === 'POST' && req.url === '/api/verification') {
      try {
        // In a real app the external user id is your own user's id, from your login session.
        const applicant = await tessera('/v1/applicants', { externalUserId: `demo-${randomUUID()}`, flowId: FLOW_ID });
        const session = await tessera(`/v1/applicants/${applicant.id}/sessions`, {});
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ accessToken: session.accessToken, applicantId: applicant.id }));
      } catch (e) {
        res.writeHead(502, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: String(e.message) }));
      }
    }
    res.writeHead(404).end();
  })
  .listen(PORT, '127.0.0.1', () => console.log(`SDK example on http://127.0.0.1:${PORT} (Tessera at ${TESSERA_URL})`));
