import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Starts `tessera start` on a fresh data dir and a free port; tests read the demo login from E2E_ENV. */
export default async function globalSetup() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: 'warn', ALLOW_PRIVATE_WEBHOOK_URLS: 'true' };
  const bin = path.resolve('apps/server/bin/tessera.mjs');
  const proc = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Test API key')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`tessera start failed:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const demo = JSON.parse(execFileSync(process.execPath, [bin, 'demo', '--json'], { env }).toString());
  process.env.E2E_ENV = JSON.stringify({ ...demo, url, dataDir });
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  return async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}
