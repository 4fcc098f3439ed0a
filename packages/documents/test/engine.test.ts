import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentEngine, type DocumentEngine, type DocumentResult } from '../src/analyze.ts';
import { readDocumentBarcodes } from '../src/barcode.ts';
import { EngineError } from '../src/errors.ts';
import { degrade } from '../src/specimen/degrade.ts';
import { generateSpecimen } from '../src/specimen/render.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const NOW = new Date('2026-06-01T00:00:00Z');

let engine: DocumentEngine;
beforeAll(async () => {
  engine = createDocumentEngine();
  await engine.warmUp();
});
afterAll(async () => {
  await engine.close();
});

const signalCodes = (r: DocumentResult): string[] => r.signals.map((s) => s.code);
const rule = (r: DocumentResult, name: string): string | undefined => r.rules.find((x) => x.rule === name)?.status;

describe('ICAO specimens (real scans)', () => {
  it('reads the TD3 passport exactly and classifies it', async () => {
    const r = await engine.analyzeDocument({ front: fixture('passport-td3.jpg') }, { testMode: true, now: NOW });
    expect(r.mrz?.lines).toEqual(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']);
    expect(r.mrz?.valid).toBe(true);
    expect(r.documentType).toBe('passport');
    expect(r.issuingState).toBe('UTO');
    expect(r.fields).toMatchObject({ surname: 'ERIKSSON', givenNames: 'ANNA MARIA', documentNumber: 'L898902C3', birthDate: '1974-08-12', sex: 'F', expiryDate: '2012-04-15', personalNumber: 'ZE184226B' });
    expect(r.crossChecks.surname?.status).toBe('match');
    expect(r.crossChecks.birthDate?.status).toBe('match');
    expect(rule(r, 'specimen')).toBe('pass');
    expect(rule(r, 'expiry')).toBe('fail');
    expect(r.documentKey?.key).toBe('P:UTO:L898902C3');
    expect(r.portrait?.length).toBeGreaterThan(1000);
    // The specimen file really was saved by an image editor: the EXIF says so.
    expect(signalCodes(r)).toContain('editing_software');
  });

  it('reads the TD2 card exactly; specimen states fail outside test mode', async () => {
    const r = await engine.analyzeDocument({ front: fixture('passport-td2.jpg') }, { now: NOW });
    expect(r.mrz?.lines).toEqual(['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6']);
    expect(r.documentType).toBe('id_card');
    expect(rule(r, 'specimen')).toBe('fail');
    expect(r.review.needed).toBe(true);
  });
});

describe('generated specimens round-trip (render → degrade → read)', () => {
  const cases = [
    { kind: 'td3', seed: 101, d: { backgroundMargin: 0.08, rotateDeg: 4, jpegQuality: 60 } },
    { kind: 'td2', seed: 102, d: { backgroundMargin: 0.06, rotateDeg: 183, blurSigma: 1 } },
    { kind: 'mrva', seed: 103, d: { downscale: 0.6, jpegQuality: 50 } },
    { kind: 'td3', seed: 105, d: { backgroundMargin: 0.06, rotateDeg: 92 } },
  ] as const;
  for (const c of cases) {
    it(`${c.kind} ${JSON.stringify(c.d)}`, async () => {
      const s = await generateSpecimen({ kind: c.kind, seed: c.seed, now: NOW });
      const r = await engine.analyzeDocument({ front: await degrade(s.front, c.d, c.seed) }, { testMode: true, now: NOW });
      expect(r.mrz?.lines).toEqual(s.truth.mrz);
      expect(r.mrz?.valid).toBe(true);
      expect(r.fields.documentNumber).toBe(s.truth.person.documentNumber);
      expect(r.fields.birthDate).toBe(s.truth.person.birthDate);
    });
  }

  it('td1 front + back: MRZ from the back, visual zone from the front', async () => {
    const s = await generateSpecimen({ kind: 'td1', seed: 104, now: NOW });
    const r = await engine.analyzeDocument({ front: s.front, back: s.back! }, { testMode: true, now: NOW });
    expect(r.mrz?.side).toBe('back');
    expect(r.mrz?.lines).toEqual(s.truth.mrz);
    expect(r.crossChecks.surname?.status).toBe('match');
    expect(r.crossChecks.documentNumber?.status).toBe('match');
    expect(signalCodes(r)).not.toContain('front_back_mismatch');
    // A tight card scan: the portrait comes from the ID-1 layout of the whole frame.
    const portrait = await sharp(r.portrait!).metadata();
    expect(portrait.height! / portrait.width!).toBeGreaterThan(1.2);
  });
});

describe('tampered specimens', () => {
  it('wrong check digit → invalid MRZ with a check-digit signal', async () => {
    const s = await generateSpecimen({ kind: 'td3', seed: 201, tamper: 'check_digit', now: NOW });
    const r = await engine.analyzeDocument({ front: s.front }, { testMode: true, now: NOW, visualZone: false });
    expect(r.mrz?.valid).toBe(false);
    expect(r.mrz?.checks.documentNumber?.valid).toBe(false);
    expect(r.signals.find((x) => x.code === 'mrz_check_digit')?.evidence).toMatchObject({ check: 'documentNumber' });
  });

  it('name mismatch → red cross-check and a visual/MRZ mismatch signal', async () => {
    const s = await generateSpecimen({ kind: 'td3', seed: 202, tamper: 'name_mismatch', now: NOW });
    const r = await engine.analyzeDocument({ front: s.front }, { testMode: true, now: NOW });
    expect(r.crossChecks.surname).toMatchObject({ status: 'mismatch', colour: 'red' });
    expect(signalCodes(r)).toContain('visual_mrz_mismatch');
  });

  it('expired and underage documents fail their rules', async () => {
    const expired = await generateSpecimen({ kind: 'td3', seed: 203, tamper: 'expired', now: NOW });
    const underage = await generateSpecimen({ kind: 'td3', seed: 204, tamper: 'underage', now: NOW });
    const [a, b] = await Promise.all([
      engine.analyzeDocument({ front: expired.front }, { testMode: true, now: NOW, visualZone: false }),
      engine.analyzeDocument({ front: underage.front }, { testMode: true, now: NOW, visualZone: false, minAge: 18 }),
    ]);
    expect(rule(a, 'expiry')).toBe('fail');
    expect(rule(b, 'expiry')).toBe('pass');
    expect(rule(b, 'age')).toBe('fail');
  });

  it('front and back of different cards → front/back mismatch', async () => {
    const one = await generateSpecimen({ kind: 'td1', seed: 205, now: NOW });
    const other = await generateSpecimen({ kind: 'td1', seed: 206, now: NOW });
    const r = await engine.analyzeDocument({ front: one.front, back: other.back! }, { testMode: true, now: NOW });
    expect(signalCodes(r)).toContain('front_back_mismatch');
  });
});

describe('driving licences', () => {
  it('decodes the AAMVA PDF417 on the back and extracts name, dates, number and address', async () => {
    const s = await generateSpecimen({ kind: 'dl', seed: 301, now: NOW });
    const reads = await readDocumentBarcodes(s.back!);
    expect(reads[0]?.format).toBe('PDF417');
    const r = await engine.analyzeDocument({ front: s.front, back: s.back! }, { now: NOW });
    expect(r.documentType).toBe('driving_licence');
    expect(r.barcode).toMatchObject({ format: 'PDF417', side: 'back', aamva: true });
    expect(r.fields).toMatchObject({ documentNumber: s.truth.person.documentNumber, birthDate: s.truth.person.birthDate, expiryDate: s.truth.person.expiryDate });
    expect(r.extracted.address?.postalCode).toBe(s.truth.person.postalCode);
    expect(r.extracted.source).toBe('barcode');
  });
});

describe('quality', () => {
  it('flags blur, glare, grayscale and photos of screens, with evidence', async () => {
    const s = await generateSpecimen({ kind: 'td3', seed: 401, now: NOW });
    const opts = { testMode: true, now: NOW, visualZone: false, forensics: false } as const;
    const clean = await engine.analyzeDocument({ front: await degrade(s.front, { backgroundMargin: 0.06 }) }, opts);
    expect(clean.quality.front).toMatchObject({ blur: { status: 'pass' }, glare: { status: 'pass' }, colour: { status: 'pass' }, screen: { status: 'pass' }, position: { status: 'pass' } });
    const blurry = await engine.analyzeDocument({ front: await degrade(s.front, { backgroundMargin: 0.06, blurSigma: 4 }) }, opts);
    expect(blurry.quality.front.blur.status).toBe('fail');
    expect(blurry.quality.front.blur.evidence.laplacianVariance).toBeLessThan(clean.quality.front.blur.evidence.laplacianVariance as number);
    const gray = await engine.analyzeDocument({ front: await degrade(s.front, { backgroundMargin: 0.06, grayscale: true }) }, opts);
    expect(gray.quality.front.colour).toMatchObject({ status: 'fail', evidence: { grayscale: true } });
    const screen = await engine.analyzeDocument({ front: await degrade(s.front, { backgroundMargin: 0.06, screen: true }) }, opts);
    expect(screen.quality.front.screen.status).toBe('fail');
    expect(signalCodes(screen)).toContain('screen_photo');
    const glare = await engine.analyzeDocument({ front: await degrade(s.front, { backgroundMargin: 0.06, glare: true }, 3) }, opts);
    expect(glare.quality.front.glare.evidence.blobs).toBeGreaterThan(0);
    expect(glare.quality.front.glare.evidence.glareAreaPct).toBeGreaterThan(clean.quality.front.glare.evidence.glareAreaPct as number);
  });
});

describe('robustness', () => {
  it('rejects unreadable input with a typed error and keeps working', async () => {
    const err = await engine.analyzeDocument({ front: Buffer.from('not an image') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('unsupported_type');
    const blank = await sharp({ create: { width: 800, height: 500, channels: 3, background: '#eeeeee' } }).png().toBuffer();
    const r = await engine.analyzeDocument({ front: blank });
    expect(r.mrz).toBeNull();
    expect(r.documentType).toBe('unknown');
    expect(r.review.needed).toBe(true);
  });
});
