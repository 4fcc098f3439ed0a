import sharp from 'sharp';
import { readDocumentBarcodes, type BarcodeRead } from './barcode.ts';
import { mrzDateToIso } from './dates.ts';
import { EngineError } from './errors.ts';
import { elaFindings, errorLevelAnalysis, exifFindings, recompressionFindings, type ForensicFinding } from './forensics.ts';
import { quadFromEdges, quadFromMrz, boxIou, type DocumentQuad } from './geometry.ts';
import { rgbToGray, toGray, toRgb, warp, warpRgb, type Gray, type Rgb } from './image.ts';
import { intake, type IntakeLimits, type IntakeResult } from './intake.ts';
import { ensureTemplates } from './mrz/glyphs.ts';
import { locateMrz, scaleBand } from './mrz/locate.ts';
import { readMrzBand, type MrzRead } from './mrz/read.ts';
import type { CheckName, CheckResult } from './mrz/spec.ts';
import { OcrPool } from './ocr.ts';
import { assessQuality, chromaCrop, type QualityReport, type QualityThresholds } from './quality.ts';
import { documentKey, documentTypeFromCode, evaluateRules, type DocumentType, type RuleOptions, type RuleResult } from './rules.ts';
import { crossCheck, readVisualZone, type CrossCheck, type VisualZone, type VizField } from './viz.ts';

/** Long side of the working raster for finding things (MRZ band, outline, quality). */
const WORK_SIDE = 1280;
/** Long side cap of the raster the MRZ is read from: more does not help OCR-B, it only costs memory. */
const FULL_SIDE = 3200;
/** Resolution the visual zone is OCRed at: 8 px/mm puts 2.5 mm text at about 20 px. */
const VIZ_PX_PER_MM = 8;

export interface DocumentInput {
  front: Buffer;
  back?: Buffer;
}

export interface AnalyzeOptions extends RuleOptions {
  limits?: IntakeLimits;
  quality?: Partial<QualityThresholds>;
  /** OCR the visual zone and cross-check it with the MRZ (default true). */
  visualZone?: boolean;
  /** Look for editing traces: EXIF software, error level analysis (default true). */
  forensics?: boolean;
  /** Extracted-data field → questionnaire field id, for OCR prefill (default: the extracted names). */
  fieldMapping?: Record<string, ExtractedPath>;
}

export type ExtractedPath =
  | 'surname'
  | 'givenNames'
  | 'fullName'
  | 'birthDate'
  | 'sex'
  | 'nationality'
  | 'issuingState'
  | 'documentType'
  | 'documentNumber'
  | 'expiryDate'
  | 'personalNumber'
  | 'address.street'
  | 'address.city'
  | 'address.region'
  | 'address.postalCode'
  | 'address.country';

export interface DocumentFields {
  surname: string | null;
  givenNames: string | null;
  documentNumber: string | null;
  nationality: string | null;
  birthDate: string | null;
  sex: 'M' | 'F' | 'X' | null;
  expiryDate: string | null;
  personalNumber: string | null;
}

export interface ExtractedData extends DocumentFields {
  documentType: DocumentType;
  issuingState: string | null;
  fullName: string | null;
  address: { street: string | null; city: string | null; region: string | null; postalCode: string | null; country: string | null } | null;
  /** Where the values come from: the MRZ (check-digit protected), the barcode, or visual-zone OCR. */
  source: 'mrz' | 'barcode' | 'visual' | 'none';
  /** Values keyed by the flow's questionnaire fields, per `fieldMapping`. */
  prefill: Record<string, string>;
}

export interface Signal {
  code:
    | 'mrz_check_digit'
    | 'visual_mrz_mismatch'
    | 'front_back_mismatch'
    | 'screen_photo'
    | ForensicFinding['code'];
  severity: 'high' | 'medium' | 'low';
  side: 'front' | 'back' | 'both';
  message: string;
  evidence: Record<string, unknown>;
}

export interface MrzResult {
  side: 'front' | 'back';
  format: string;
  lines: string[];
  valid: boolean;
  checks: Partial<Record<CheckName, CheckResult>>;
  corrections: { line: number; position: number; from: string; to: string; reason: string }[];
  /** Mean similarity of the glyphs with OCR-B (0..1). */
  glyphScore: number;
}

export interface DocumentResult {
  documentType: DocumentType;
  issuingState: string | null;
  mrz: MrzResult | null;
  fields: DocumentFields;
  crossChecks: Partial<Record<VizField, CrossCheck>>;
  quality: { front: QualityReport; back?: QualityReport };
  signals: Signal[];
  rules: RuleResult[];
  extracted: ExtractedData;
  barcode: { format: string; side: 'front' | 'back'; aamva: boolean } | null;
  /** The document photo, JPEG, for face matching (null when no document outline was found). */
  portrait: Buffer | null;
  /** Normalised key and its SHA-256 for duplicate-document checks across applicants. */
  documentKey: { key: string; hash: string } | null;
  review: { needed: boolean; reasons: string[] };
  timings: Record<string, number>;
}

interface Side {
  name: 'front' | 'back';
  /** The upload as received: forensics need its own compression history. */
  original: Buffer;
  intake: IntakeResult;
  rgb: Rgb;
  gray: Gray;
  full: Gray;
  /** rgb.width / full.width */
  scale: number;
  mrz: MrzRead | null;
  quad: DocumentQuad;
  barcode: BarcodeRead | null;
}

export interface EngineOptions {
  /** Tesseract workers for MRZ bands (legacy engine). Default 1. */
  mrzWorkers?: number;
  /** Tesseract workers for visual-zone text (LSTM engine). Default 1. */
  textWorkers?: number;
  /** Shrink sharp's process-wide operation cache to 16 MB (default true). */
  limitImageCache?: boolean;
}

/**
 * Long-lived document engine: owns the OCR workers and reference glyphs. Safe to call concurrently;
 * calls queue for workers. Close it to terminate the workers.
 */
export class DocumentEngine {
  private readonly mrzPool: OcrPool;
  private readonly textPool: OcrPool;

  constructor(opts: EngineOptions = {}) {
    this.mrzPool = new OcrPool('mrz', opts.mrzWorkers ?? 1);
    this.textPool = new OcrPool('text', opts.textWorkers ?? 1);
    // libvips caches decoded operations (50 MB by default); every document here is new, so the cache
    // only holds memory. This is process-wide: a host that wants another setting can set it after.
    if (opts.limitImageCache !== false) sharp.cache({ memory: 16, files: 0, items: 32 });
  }

  /** Starts one worker of each kind and renders the glyph references, so the first document is not slow. */
  async warmUp(): Promise<void> {
    ensureTemplates();
    await Promise.all([this.mrzPool.use(async () => undefined), this.textPool.use(async () => undefined)]);
  }

  async close(): Promise<void> {
    await Promise.all([this.mrzPool.close(), this.textPool.close()]);
  }

  async analyzeDocument(input: DocumentInput, options: AnalyzeOptions = {}): Promise<DocumentResult> {
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    const time = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      const s = performance.now();
      try {
        return await fn();
      } finally {
        timings[key] = (timings[key] ?? 0) + Math.round(performance.now() - s);
      }
    };
    if (!input?.front) throw new EngineError('invalid_options', 'a front image is required');
    const sides: Side[] = [];
    for (const [name, buf] of [['front', input.front], ['back', input.back]] as const) {
      if (!buf) continue;
      const accepted = await time('intake', () => intake(buf, options.limits));
      const side = await time('decode', () => decodeSide(name, buf, accepted));
      side.mrz = await time('mrz', () => this.readMrz(side));
      sides.push(side);
    }
    const mrzSide = sides.find((s) => s.mrz?.valid) ?? sides.find((s) => s.mrz);
    const mrz = mrzSide?.mrz ?? null;
    // Barcodes are read when no side has a valid MRZ: driving licences, and cards whose MRZ failed.
    if (!sides.some((s) => s.mrz?.valid)) {
      for (const s of sides) if (!s.mrz) s.barcode = (await time('barcode', () => readDocumentBarcodes(s.intake.image)))[0] ?? null;
    }
    for (const s of sides) s.quad = locateOutline(s);
    const reports = await time('quality', async () => {
      const out = new Map<'front' | 'back', QualityReport>();
      for (const s of sides) {
        const c = s.quad.corners.reduce((a, p) => ({ x: a.x + p.x / 4 / s.scale, y: a.y + p.y / 4 / s.scale }), { x: 0, y: 0 });
        const chroma = await centreCrop(s.intake.image, s.full, c);
        out.set(s.name, assessQuality({ rgb: s.rgb, gray: s.gray, fullGray: s.full, chroma, scale: s.scale, quad: s.quad, mrzCharHeight: s.mrz ? s.mrz.charHeight : null }, options.quality));
      }
      return out;
    });
    const quality: DocumentResult['quality'] = { front: reports.get('front')!, ...(reports.has('back') ? { back: reports.get('back')! } : {}) };

    const now = options.now ?? new Date();
    const barcodeSide = sides.find((s) => s.barcode?.aamva);
    const aamva = barcodeSide?.barcode?.aamva ?? null;
    const mf = mrz?.fields ?? null;
    const fields: DocumentFields = mf
      ? {
          surname: mf.surname || null,
          givenNames: mf.givenNames || null,
          documentNumber: mf.documentNumber || null,
          nationality: mf.nationality || null,
          birthDate: mrzDateToIso(mf.birthDate, 'birth', now),
          sex: mf.sex === 'M' || mf.sex === 'F' || mf.sex === 'X' ? mf.sex : null,
          expiryDate: mrzDateToIso(mf.expiryDate, 'expiry', now),
          personalNumber: mf.personalNumber || null,
        }
      : aamva
        ? { surname: aamva.surname, givenNames: aamva.givenNames, documentNumber: aamva.licenceNumber, nationality: null, birthDate: aamva.birthDate, sex: aamva.sex, expiryDate: aamva.expiryDate, personalNumber: null }
        : { surname: null, givenNames: null, documentNumber: null, nationality: null, birthDate: null, sex: null, expiryDate: null, personalNumber: null };

    // The visual zone of a passport is on the MRZ page; an ID card's and a licence's on the front.
    let viz: VisualZone | null = null;
    let vizSide: Side | undefined;
    if (options.visualZone !== false) {
      vizSide = mrz && (mrz.format === 'TD3' || mrz.format === 'TD2' || mrz.format === 'MRVA' || mrz.format === 'MRVB') ? mrzSide : (sides.find((s) => s !== mrzSide && s !== barcodeSide) ?? sides[0]);
      if (vizSide) viz = await time('visualZone', () => readVisualZone(this.textPool, vizDocument(vizSide!)));
    }
    let crossChecks: Partial<Record<VizField, CrossCheck>> = {};
    const reference = fields.surname || fields.documentNumber ? fields : null;
    if (viz && reference) {
      crossChecks = crossCheck(
        viz,
        {
          surname: reference.surname ?? '',
          givenNames: reference.givenNames ?? '',
          nameTruncated: mf?.nameTruncated ?? false,
          documentNumber: reference.documentNumber ?? '',
          nationality: reference.nationality ?? '',
          birthDate: reference.birthDate,
          sex: reference.sex ?? '<',
          expiryDate: reference.expiryDate,
          personalNumber: reference.personalNumber ?? '',
        },
        now,
      );
      if (!mrz) delete crossChecks.nationality;
    }
    if (!mrz && !aamva && viz) {
      // Without MRZ or barcode, what the visual zone says is all there is (unverified).
      fields.surname = viz.fields.surname?.text ?? null;
      fields.givenNames = viz.fields.givenNames?.text ?? null;
      fields.documentNumber = viz.fields.documentNumber?.text.replace(/\s+/g, '') ?? null;
    }

    const signals: Signal[] = [];
    if (mrz && mrzSide) {
      for (const [check, r] of Object.entries(mrz.checks)) {
        if (r && !r.valid) signals.push({ code: 'mrz_check_digit', severity: 'high', side: mrzSide.name, message: `MRZ ${check} check digit fails`, evidence: { check, expected: r.expected, actual: r.actual } });
      }
    }
    const referenceSide = mrzSide ?? barcodeSide;
    for (const [field, c] of Object.entries(crossChecks)) {
      if (c?.status !== 'mismatch') continue;
      const crossSide = referenceSide && vizSide && referenceSide !== vizSide;
      signals.push({
        code: crossSide ? 'front_back_mismatch' : 'visual_mrz_mismatch',
        severity: 'high',
        side: crossSide ? 'both' : (vizSide?.name ?? 'front'),
        message: crossSide ? `the ${field} on the ${vizSide!.name} differs from the ${mrz ? 'MRZ' : 'barcode'} on the ${referenceSide!.name}` : `the ${field} in the visual zone differs from the MRZ`,
        evidence: { field, visual: c.visual, reference: c.mrz, similarity: c.similarity ?? null, confidence: c.confidence },
      });
    }
    const mrzSides = sides.filter((s) => s.mrz?.valid);
    if (mrzSides.length === 2 && mrzSides[0].mrz!.fields?.documentNumber !== mrzSides[1].mrz!.fields?.documentNumber) {
      signals.push({ code: 'front_back_mismatch', severity: 'high', side: 'both', message: 'front and back carry MRZs of different documents', evidence: { front: mrzSides[0].mrz!.fields?.documentNumber ?? null, back: mrzSides[1].mrz!.fields?.documentNumber ?? null } });
    }
    if (mrz && aamva && fields.documentNumber && aamva.licenceNumber && aamva.licenceNumber !== fields.documentNumber) {
      signals.push({ code: 'front_back_mismatch', severity: 'high', side: 'both', message: 'the barcode and the MRZ name different documents', evidence: { mrz: fields.documentNumber, barcode: aamva.licenceNumber } });
    }
    for (const s of sides) {
      const q = quality[s.name]!;
      if (q.screen.status === 'fail') signals.push({ code: 'screen_photo', severity: 'medium', side: s.name, message: 'the image looks like a photo of a screen', evidence: q.screen.evidence });
    }
    if (options.forensics !== false) {
      await time('forensics', async () => {
        for (const s of sides) {
          const found = [...exifFindings(s.intake.original.exif), ...recompressionFindings(s.intake.original.jpegQuality)];
          if (s.intake.original.mime === 'image/jpeg') found.push(...elaFindings(await errorLevelAnalysis(s.original)));
          for (const f of found) signals.push({ code: f.code, severity: f.severity, side: s.name, message: f.message, evidence: f.evidence });
        }
      });
    }

    const documentType: DocumentType = mf ? documentTypeFromCode(mf.documentCode) : aamva ? 'driving_licence' : 'unknown';
    const issuingState = mf?.issuingState || (aamva ? (aamva.address.country ?? null) : null);
    const rules = evaluateRules(
      { documentType, issuingState, surname: fields.surname, givenNames: fields.givenNames, birthDate: fields.birthDate, expiryDate: fields.expiryDate, documentNumber: fields.documentNumber, nationality: fields.nationality, sex: fields.sex, mrzValid: mrz ? mrz.valid : null },
      { ...options, now },
    );

    const extracted = buildExtracted(fields, documentType, issuingState, aamva, mrz ? 'mrz' : aamva ? 'barcode' : viz && fields.surname ? 'visual' : 'none', options.fieldMapping);
    const portraitSide = vizSide ?? sides[0];
    const portrait = await time('portrait', () => cropPortrait(portraitSide, mrz?.format ?? (aamva ? 'DL' : 'TD1')));

    const reasons: string[] = [];
    if (documentType === 'unknown') reasons.push('document type not recognised');
    if (mrz && !mrz.valid) reasons.push('MRZ check digits fail');
    for (const r of rules) if (r.status === 'fail') reasons.push(`rule ${r.rule}: ${r.message}`);
    for (const s of signals) if (s.severity !== 'low') reasons.push(`signal ${s.code}`);
    for (const s of sides) {
      for (const [k, c] of Object.entries(quality[s.name]!)) if (typeof c === 'object' && c.status === 'fail') reasons.push(`quality ${s.name} ${k}`);
    }
    timings.total = Math.round(performance.now() - t0);
    return {
      documentType,
      issuingState,
      mrz: mrz && mrzSide ? { side: mrzSide.name, format: mrz.format, lines: mrz.lines, valid: mrz.valid, checks: mrz.checks, corrections: mrz.corrections, glyphScore: Math.round(mrz.glyphScore * 1000) / 1000 } : null,
      fields,
      crossChecks,
      quality,
      signals,
      rules,
      extracted,
      barcode: barcodeSide?.barcode ? { format: barcodeSide.barcode.format, side: barcodeSide.name, aamva: !!aamva } : null,
      portrait,
      documentKey: documentKey(documentType, issuingState, fields.documentNumber),
      review: { needed: reasons.length > 0, reasons: [...new Set(reasons)] },
      timings,
    };
  }

  private async readMrz(side: Side): Promise<MrzRead | null> {
    const band = locateMrz(side.gray);
    if (!band) return null;
    const read = await readMrzBand(this.mrzPool, side.full, scaleBand(band, 1 / side.scale));
    // Coordinates are reported in the working raster like everything else on the side.
    if (read.grid) read.grid = { lineStarts: read.grid.lineStarts.map((p) => ({ x: p.x * side.scale, y: p.y * side.scale })), pitch: read.grid.pitch * side.scale };
    read.corners = read.corners.map((p) => ({ x: p.x * side.scale, y: p.y * side.scale }));
    read.charHeight *= side.scale;
    return read.glyphScore > 0.4 ? read : null;
  }
}

async function decodeSide(name: 'front' | 'back', original: Buffer, accepted: IntakeResult): Promise<Side> {
  const [rgb, full] = await Promise.all([toRgb(accepted.image, WORK_SIDE), toGray(accepted.image, FULL_SIDE)]);
  return {
    name,
    original,
    intake: accepted,
    rgb,
    gray: rgbToGray(rgb),
    full,
    scale: rgb.width / full.width,
    mrz: null,
    quad: { corners: [], source: 'frame', angle: 0 },
    barcode: null,
  };
}

/** Full-resolution chroma around a point (in `full` coordinates), for the screen-photo check. */
async function centreCrop(image: Buffer, full: Gray, c: { x: number; y: number }): Promise<Gray | null> {
  const N = 256;
  const meta = await sharp(image).metadata();
  const k = (meta.width ?? full.width) / full.width;
  if ((meta.width ?? 0) < N || (meta.height ?? 0) < N) return null;
  const left = Math.max(0, Math.min((meta.width ?? 0) - N, Math.round(c.x * k - N / 2)));
  const top = Math.max(0, Math.min((meta.height ?? 0) - N, Math.round(c.y * k - N / 2)));
  const { data, info } = await sharp(image).extract({ left, top, width: N, height: N }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) return null;
  return chromaCrop({ data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: N, height: N }, { x: N / 2, y: N / 2 }, N);
}

/** The document outline: from the MRZ geometry, confirmed or refined by the edges when they agree. */
function locateOutline(s: Side): DocumentQuad {
  const fromMrz = s.mrz ? quadFromMrz(s.mrz) : null;
  const fromEdges = quadFromEdges(s.rgb);
  if (fromMrz && fromEdges) {
    // The edge outline has no reading direction: take it only when it matches the MRZ prediction.
    if (boxIou(fromMrz.corners, fromEdges.corners) > 0.75) {
      const c = fromEdges.corners;
      const rotated = Array.from({ length: 4 }, (_, k) => c[(k + nearestCorner(c, fromMrz.corners[0])) % 4]);
      return { corners: rotated, source: 'edges', angle: fromMrz.angle };
    }
    return fromMrz;
  }
  if (fromMrz) return fromMrz;
  if (fromEdges) return fromEdges;
  const { width: w, height: h } = s.rgb;
  return { corners: [{ x: 0, y: 0 }, { x: w - 1, y: 0 }, { x: w - 1, y: h - 1 }, { x: 0, y: h - 1 }], source: 'frame', angle: 0 };
}

function nearestCorner(corners: { x: number; y: number }[], p: { x: number; y: number }): number {
  let best = 0;
  for (let i = 1; i < corners.length; i++) if (Math.hypot(corners[i].x - p.x, corners[i].y - p.y) < Math.hypot(corners[best].x - p.x, corners[best].y - p.y)) best = i;
  return best;
}

const DOC_WIDTH_MM: Record<string, number> = { TD1: 85.6, TD2: 105, TD3: 125, MRVA: 120, MRVB: 105, DL: 85.6 };

/** The visual zone upright at a fixed resolution: above the MRZ when there is one, right of the portrait. */
function vizDocument(s: Side): Gray {
  const quad = s.quad;
  const widthMm = DOC_WIDTH_MM[s.mrz?.format ?? 'TD1'] ?? 100;
  const [tl, tr, , bl] = quad.corners;
  const docW = Math.hypot(tr.x - tl.x, tr.y - tl.y) / s.scale;
  const docH = Math.hypot(bl.x - tl.x, bl.y - tl.y) / s.scale;
  const outW = Math.round(Math.min(widthMm * VIZ_PX_PER_MM, docW));
  const k = outW / docW;
  const outH = Math.round(docH * k);
  const u = { x: (tr.x - tl.x) / s.scale / outW, y: (tr.y - tl.y) / s.scale / outW };
  const v = { x: (bl.x - tl.x) / s.scale / outH, y: (bl.y - tl.y) / s.scale / outH };
  let top = 0;
  let bottom = outH;
  if (s.mrz?.grid) {
    // Stop above the first MRZ line.
    const p = s.mrz.grid.lineStarts[0];
    const rel = ((p.x - tl.x) * (bl.x - tl.x) + (p.y - tl.y) * (bl.y - tl.y)) / (Math.hypot(bl.x - tl.x, bl.y - tl.y) ** 2);
    bottom = Math.max(8, Math.min(outH, Math.round(rel * outH - (1.2 * s.mrz.charHeight) / s.scale * k)));
  }
  const left = Math.round(outW * 0.28);
  const origin = { x: tl.x / s.scale + u.x * left + v.x * top, y: tl.y / s.scale + u.y * left + v.y * top };
  return warp(s.full, origin, u, v, outW - left, bottom - top, 255);
}

/** Portrait zones of ICAO layouts, as fractions of the upright document. */
const PORTRAIT_ZONE: Record<string, [number, number, number, number]> = {
  TD3: [0.02, 0.12, 0.37, 0.82],
  MRVA: [0.02, 0.12, 0.37, 0.82],
  TD2: [0.02, 0.15, 0.37, 0.8],
  MRVB: [0.02, 0.15, 0.37, 0.8],
  TD1: [0.02, 0.14, 0.38, 0.92],
  DL: [0.02, 0.14, 0.38, 0.92],
};

async function cropPortrait(s: Side, format: string): Promise<Buffer | null> {
  // A frame outline means the document fills the image (a tight scan): its layout zone still holds.
  const [x0, y0, x1, y1] = PORTRAIT_ZONE[format] ?? PORTRAIT_ZONE.TD1;
  const [tl, tr, , bl] = s.quad.corners;
  const at = (fx: number, fy: number): { x: number; y: number } => ({ x: tl.x + (tr.x - tl.x) * fx + (bl.x - tl.x) * fy, y: tl.y + (tr.y - tl.y) * fx + (bl.y - tl.y) * fy });
  const origin = at(x0, y0);
  const wPx = Math.hypot(tr.x - tl.x, tr.y - tl.y) * (x1 - x0);
  const hPx = Math.hypot(bl.x - tl.x, bl.y - tl.y) * (y1 - y0);
  // Crop from the working raster scaled to at most 480 px tall: plenty for face matching.
  const outH = Math.round(Math.min(480, hPx / s.scale));
  const outW = Math.round((outH * wPx) / hPx);
  if (outW < 16 || outH < 16) return null;
  // Twice the working resolution is plenty for a 480 px portrait and bounds memory on large photos.
  const full = await toRgb(s.intake.image, 2 * WORK_SIDE);
  const k = full.width / s.rgb.width;
  const u = { x: ((tr.x - tl.x) * (x1 - x0) * k) / outW, y: ((tr.y - tl.y) * (x1 - x0) * k) / outW };
  const v = { x: ((bl.x - tl.x) * (y1 - y0) * k) / outH, y: ((bl.y - tl.y) * (y1 - y0) * k) / outH };
  const crop = warpRgb(full, { x: origin.x * k, y: origin.y * k }, u, v, outW, outH);
  return sharp(Buffer.from(crop.data.buffer, crop.data.byteOffset, crop.data.length), { raw: { width: outW, height: outH, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

const DEFAULT_MAPPING: Record<string, ExtractedPath> = {
  firstName: 'givenNames',
  lastName: 'surname',
  dob: 'birthDate',
  gender: 'sex',
  nationality: 'nationality',
  country: 'issuingState',
  idDocNumber: 'documentNumber',
  street: 'address.street',
  town: 'address.city',
  state: 'address.region',
  postCode: 'address.postalCode',
};

function buildExtracted(
  f: DocumentFields,
  documentType: DocumentType,
  issuingState: string | null,
  aamva: import('./aamva.ts').AamvaRecord | null,
  source: ExtractedData['source'],
  mapping: Record<string, ExtractedPath> = DEFAULT_MAPPING,
): ExtractedData {
  const address = aamva ? { street: aamva.address.street, city: aamva.address.city, region: aamva.address.jurisdiction, postalCode: aamva.address.postalCode, country: aamva.address.country } : null;
  const fullName = [f.givenNames, f.surname].filter(Boolean).join(' ') || null;
  const data: ExtractedData = { ...f, documentType, issuingState, fullName, address, source, prefill: {} };
  for (const [target, path] of Object.entries(mapping)) {
    const value = path.startsWith('address.') ? (address?.[path.slice(8) as keyof NonNullable<typeof address>] ?? null) : (data[path as keyof ExtractedData] as string | null);
    if (typeof value === 'string' && value) data.prefill[target] = value;
  }
  return data;
}

let shared: DocumentEngine | null = null;

/** Creates a long-lived engine (preferred in servers: one per process). */
export function createDocumentEngine(opts: EngineOptions = {}): DocumentEngine {
  return new DocumentEngine(opts);
}

/** One-off analysis on a process-wide engine created on first use (scripts and the CLI). */
export async function analyzeDocument(input: DocumentInput, options: AnalyzeOptions = {}): Promise<DocumentResult> {
  shared ??= new DocumentEngine();
  return shared.analyzeDocument(input, options);
}

/** Closes the engine `analyzeDocument` created, if any. */
export async function closeSharedEngine(): Promise<void> {
  const e = shared;
  shared = null;
  await e?.close();
}
