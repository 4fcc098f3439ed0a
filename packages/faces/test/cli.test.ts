import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine, faceCommand, type FaceEngine } from '../src/index.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fx = (name: string): string => path.join(fixtures, name);

let engine: FaceEngine;
beforeAll(async () => {
  engine = await createFaceEngine();
});
afterAll(async () => {
  await engine?.close();
});

/** Runs `face <args>` as the server would mount it, sharing one loaded engine across runs. */
async function run(...args: string[]): Promise<{ out: string[]; exitCode: number | undefined }> {
  const out: string[] = [];
  const previous = process.exitCode;
  process.exitCode = undefined;
  // The command closes what it is given; hand it a wrapper so the shared engine stays open.
  const cmd = faceCommand({ createEngine: async () => ({ ...engine, close: async () => undefined }), write: (t) => out.push(t) });
  cmd.exitOverride();
  await cmd.parseAsync(['node', 'face', ...args]);
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = previous;
  return { out, exitCode };
}

describe('tessera face', () => {
  it('compare --json prints the documented shape', async () => {
    const { out, exitCode } = await run('compare', fx('p1-neutral.jpg'), fx('p1-smile.jpg'), '--json');
    expect(exitCode).toBeUndefined();
    const r = JSON.parse(out[0]!);
    expect(Object.keys(r).sort()).toEqual(['faces', 'match', 'similarity', 'threshold', 'timings']);
    expect(r.match).toBe(true);
    expect(r.threshold).toBe(85);
    expect(r.faces.a.count).toBe(1);
    expect(r.faces.b.box.width).toBeGreaterThan(0);
    expect(r.timings.totalMs).toBeGreaterThan(0);
  });

  it('compare honours --threshold and prints a sentence without --json', async () => {
    const { out } = await run('compare', fx('p1-neutral.jpg'), fx('p9.jpg'), '--threshold', '50');
    expect(out[0]).toMatch(/^similarity [\d.]+% — no match \(threshold 50%\)$/);
  });

  it('detect --json lists faces, optionally with embeddings', async () => {
    const { out } = await run('detect', fx('two-people.jpg'), '--json', '--embeddings');
    const r = JSON.parse(out[0]!);
    expect(r.faces).toHaveLength(2);
    expect(r.faces[0].embedding).toHaveLength(128);
    expect(r.faces[0].pose).toHaveProperty('yaw');
    const plain = await run('detect', fx('p9.jpg'));
    expect(plain.out[0]).toMatch(/1 face\(s\)/);
  });

  it('reports errors as JSON with a code and a non-zero exit code', async () => {
    const missing = await run('detect', fx('nope.jpg'), '--json');
    expect(JSON.parse(missing.out[0]!).error.code).toBe('INVALID_INPUT');
    expect(missing.exitCode).toBe(1);
    const notImage = await run('compare', fileURLToPath(import.meta.url), fx('p9.jpg'), '--json');
    expect(JSON.parse(notImage.out[0]!).error.code).toBe('UNSUPPORTED_FORMAT');
    expect(notImage.exitCode).toBe(1);
  });
});
