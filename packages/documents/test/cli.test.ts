import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { docCommand, parseDegradation } from '../src/cli.ts';

function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const cmd = docCommand({ out: (t) => (out += t), err: (t) => (err += t) });
  cmd.exitOverride();
  return cmd.parseAsync(['node', 'doc', ...args]).then(() => ({ out, err, code: Number(process.exitCode ?? 0) }));
}

afterEach(() => {
  process.exitCode = 0;
});

describe('tessera doc', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-doc-cli-'));

  it('specimen renders a document and its ground truth', async () => {
    const out = path.join(dir, 'td3.png');
    const truth = path.join(dir, 'td3.json');
    const r = await run(['specimen', '--kind', 'td3', '--seed', '7', '--surname', 'Müller', '--out', out, '--truth', truth]);
    expect(r.code).toBe(0);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([1500, 1056]);
    const t = JSON.parse(readFileSync(truth, 'utf8'));
    expect(t.mrz[0]).toMatch(/^P<...MUELLER<</);
  });

  it('inspect --json prints the documented shape', async () => {
    const out = path.join(dir, 'td1');
    await run(['specimen', '--kind', 'td1', '--seed', '9', '--out', `${out}-f.jpg`, '--back-out', `${out}-b.jpg`, '--degrade', 'rotate=3,jpeg=85,margin=0.06']);
    const r = await run(['inspect', `${out}-f.jpg`, '--back', `${out}-b.jpg`, '--json', '--test-mode', '--portrait', path.join(dir, 'p.jpg')]);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['documentType', 'issuingState', 'mrz', 'fields', 'crossChecks', 'quality', 'signals', 'timings']));
    expect(j.mrz).toMatchObject({ format: 'TD1', valid: true });
    expect(Object.keys(j.fields)).toEqual(['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'personalNumber']);
    expect(j.fields.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await sharp(path.join(dir, 'p.jpg')).metadata()).format).toBe('jpeg');
  });

  it('inspect exits non-zero with a clear message on an unreadable file', async () => {
    const bad = path.join(dir, 'bad.jpg');
    writeFileSync(bad, 'definitely not a jpeg');
    const r = await run(['inspect', bad, '--json']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/not a JPEG, PNG or WebP image \(unsupported_type\)/);
    const missing = await run(['inspect', path.join(dir, 'missing.png')]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/cannot read the front image/);
  });

  it('parses degradation specs', () => {
    expect(parseDegradation('rotate=3,blur=1.5,jpeg=35,downscale=0.6,glare')).toEqual({ rotateDeg: 3, blurSigma: 1.5, jpegQuality: 35, downscale: 0.6, glare: true });
    expect(() => parseDegradation('wobble=2')).toThrow(/unknown degradation/);
  });
});
