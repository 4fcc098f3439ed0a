import { parse as parseMrz, states as STATE_NAMES } from 'mrz';
import { grayToPng, median, runningMax, sauvola, stretch, warp, type Gray, type Point } from '../image.ts';
import type { OcrPage, OcrPool } from '../ocr.ts';
import { decodeMrz, slotsFromText, type Correction, type SlotScores } from './decode.ts';
import { classifyCells, lineFeatures, type LineFeatures } from './glyphs.ts';
import type { MrzBandGeometry } from './locate.ts';
import { extractFields, formatFromShape, runChecks, type CheckName, type CheckResult, type MrzFields, type MrzFormat } from './spec.ts';

/** Pixel height the band's characters are scaled to before OCR: the legacy classifier reads OCR-B best near this size. */
const TARGET_CHAR_HEIGHT = 34;

export interface MrzBandImage {
  image: Gray;
  /** Centre line y of each MRZ line, top to bottom, in band pixels. */
  lineY: number[];
  /** Slot grid: character k of every line is centred at x0 + k·pitch. */
  x0: number;
  pitch: number;
  /** Characters per line the geometry suggests. */
  charsPerLine: number;
  /** Source-space corners of the band (top-left, top-right, bottom-right, bottom-left). */
  corners: Point[];
  /** Maps a band pixel back to the source image. */
  toSource: (p: Point) => Point;
}

/** Cuts the band out of the source upright (or turned a half turn) at a canonical character size. */
export function cutBand(src: Gray, band: MrzBandGeometry, halfTurn: boolean): MrzBandImage {
  const sign = halfTurn ? -1 : 1;
  const u = { x: band.u.x * sign, y: band.u.y * sign };
  const v = { x: band.v.x * sign, y: band.v.y * sign };
  const lines = band.lines
    .map((l) => ({
      t: median(l.centres.map((c) => c.x * v.x + c.y * v.y)),
      s: l.centres.map((c) => c.x * u.x + c.y * u.y).sort((a, b) => a - b),
    }))
    .sort((a, b) => a.t - b.t);
  const h = band.charHeight;
  const allS = lines.flatMap((l) => l.s);
  const sLo = Math.min(...allS) - 1.6 * band.pitch;
  const sHi = Math.max(...allS) + 1.6 * band.pitch;
  const tLo = lines[0].t - 1.4 * h;
  const tHi = lines[lines.length - 1].t + 1.4 * h;
  const f = TARGET_CHAR_HEIGHT / h;
  const outW = Math.max(8, Math.ceil((sHi - sLo) * f));
  const outH = Math.max(8, Math.ceil((tHi - tLo) * f));
  const origin = { x: sLo * u.x + tLo * v.x, y: sLo * u.y + tLo * v.y };
  const image = warp(src, origin, { x: u.x / f, y: u.y / f }, { x: v.x / f, y: v.y / f }, outW, outH);
  const pitch = band.pitch * f;
  // Fit one slot grid for all lines: MRZ lines are left-aligned and monospaced.
  const firsts = lines.map((l) => (l.s[0] - sLo) * f);
  const x0 = Math.min(...firsts);
  const charsPerLine = Math.round(Math.max(...lines.map((l) => ((l.s[l.s.length - 1] - sLo) * f - x0) / pitch + 1)));
  const at = (s: number, t: number): Point => ({ x: s * u.x + t * v.x, y: s * u.y + t * v.y });
  return {
    image,
    lineY: lines.map((l) => (l.t - tLo) * f),
    x0,
    pitch,
    charsPerLine,
    corners: [at(sLo, tLo), at(sHi, tLo), at(sHi, tHi), at(sLo, tHi)],
    toSource: (p) => at(sLo + p.x / f, tLo + p.y / f),
  };
}

export interface MrzRead {
  format: MrzFormat | string;
  lines: string[];
  rawLines: string[];
  /** Every check digit holds (state codes are judged by the rules, not here). */
  valid: boolean;
  checks: Partial<Record<CheckName, CheckResult>>;
  corrections: Correction[];
  fields: MrzFields | null;
  confidence: number;
  /** Mean correlation of the chosen glyphs with OCR-B references (0..1): how much the band looks like an MRZ. */
  glyphScore: number;
  /** Source-space corners of the band, clockwise from the top-left of the upright band. */
  corners: Point[];
  /** Centre of the first character of each line, in source pixels, and the character pitch. */
  grid: { lineStarts: Point[]; pitch: number } | null;
  /** Reading direction in the source image, radians (0 = left to right, π = upside down). */
  angle: number;
  charHeight: number;
}

function expectedLength(lineCount: number, charsPerLine: number): number {
  if (lineCount >= 3) return 30;
  return Math.abs(charsPerLine - 36) <= Math.abs(charsPerLine - 44) ? 36 : 44;
}

export interface SlotReading {
  c: string;
  /** tesseract's symbol confidence, 0..1. */
  conf: number;
}

/** Assigns OCR symbols to MRZ lines and character slots. */
export function layoutSymbols(page: OcrPage, band: MrzBandImage, length: number): { slots: (SlotReading | null)[][]; lines: string[]; confidence: number } {
  const n = band.lineY.length;
  const seq: { c: string; conf: number; x: number }[][] = Array.from({ length: n }, () => []);
  for (const line of page.lines) {
    for (const word of line.words) {
      for (const sym of word.symbols) {
        const text = sym.text.trim();
        if (text.length !== 1) continue;
        const cy = (sym.bbox.y0 + sym.bbox.y1) / 2;
        const cx = (sym.bbox.x0 + sym.bbox.x1) / 2;
        let li = 0;
        for (let i = 1; i < n; i++) if (Math.abs(band.lineY[i] - cy) < Math.abs(band.lineY[li] - cy)) li = i;
        seq[li].push({ c: text, conf: sym.confidence / 100, x: cx });
      }
    }
  }
  const slots: (SlotReading | null)[][] = [];
  let confSum = 0;
  let confN = 0;
  for (let li = 0; li < n; li++) {
    const s = seq[li].sort((a, b) => a.x - b.x);
    const row: (SlotReading | null)[] = Array.from({ length }, () => null);
    if (s.length === length) {
      s.forEach((x, k) => (row[k] = { c: x.c, conf: x.conf }));
    } else {
      // Dropped or split glyphs: place each symbol in its grid slot.
      for (const sym of s) {
        const k = Math.round((sym.x - band.x0) / band.pitch);
        if (k < 0 || k >= length) continue;
        if (!row[k] || row[k]!.conf < sym.conf) row[k] = { c: sym.c, conf: sym.conf };
      }
    }
    for (const x of s) {
      confSum += x.conf;
      confN++;
    }
    slots.push(row);
  }
  // Empty slots read as fillers: tesseract drops runs of `<` more often than letters.
  const lines = slots.map((row) => row.map((x) => x?.c ?? '<').join(''));
  return { slots, lines, confidence: confN ? confSum / confN : 0 };
}

/**
 * Divides out the page background (estimated as a local maximum) so glare gradients and shadows do
 * not move tesseract's global threshold, then stretches the levels.
 */
export function flatten(g: Gray, radius: number): Gray {
  const { width: w, height: h, data } = g;
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) runningMax(data, rows, y * w, w, 1, radius);
  const bg = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) runningMax(rows, bg, x, h, w, radius);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = bg[i] > 0 ? Math.min(255, Math.round((data[i] * 255) / bg[i])) : 255;
  return stretch({ data: out, width: w, height: h }, 0.02, 0.98);
}

/**
 * Cuts each MRZ line into its own strip and stacks the strips with white gaps, so print above or
 * below the band (visual-zone text, guilloche) cannot join a line.
 */
export function stackLines(cut: MrzBandImage, length: number, binarise: boolean): { image: Gray; band: MrzBandImage } {
  const H = TARGET_CHAR_HEIGHT;
  const half = Math.round(0.85 * H);
  const gap = Math.round(0.6 * H);
  const xLo = Math.max(0, Math.floor(cut.x0 - 0.9 * cut.pitch));
  const xHi = Math.min(cut.image.width, Math.ceil(cut.x0 + (length - 1) * cut.pitch + 0.9 * cut.pitch));
  const stripW = Math.max(1, xHi - xLo);
  const pad = gap;
  const outW = stripW + 2 * pad;
  const outH = cut.lineY.length * (2 * half) + (cut.lineY.length + 1) * gap;
  const data = new Uint8Array(outW * outH).fill(255);
  const lineY: number[] = [];
  cut.lineY.forEach((cy, i) => {
    const top = Math.round(cy) - half;
    const strip = new Uint8Array(stripW * 2 * half).fill(255);
    for (let y = 0; y < 2 * half; y++) {
      const sy = top + y;
      if (sy < 0 || sy >= cut.image.height) continue;
      strip.set(cut.image.data.subarray(sy * cut.image.width + xLo, sy * cut.image.width + xHi), y * stripW);
    }
    let g = flatten({ data: strip, width: stripW, height: 2 * half }, Math.round(0.7 * H));
    if (binarise) {
      const mask = sauvola(g, (Math.round(H * 1.5) | 1), 0.2, 10);
      const b = new Uint8Array(mask.length);
      for (let k = 0; k < mask.length; k++) b[k] = mask[k] ? 0 : 255;
      g = { data: b, width: g.width, height: g.height };
    }
    const oy = gap + i * (2 * half + gap);
    for (let y = 0; y < g.height; y++) data.set(g.data.subarray(y * g.width, (y + 1) * g.width), (oy + y) * outW + pad);
    lineY.push(oy + half);
  });
  return {
    image: { data, width: outW, height: outH },
    band: { ...cut, image: cut.image, lineY, x0: cut.x0 - xLo + pad },
  };
}

/** Weight of tesseract's reading of a slot next to the glyph classifier's correlations. */
const TESSERACT_VOTE = 0.01;
/** Mean glyph correlation below which the print is taken as a different OCR-B design than the references. */
const FONT_FIT = 0.94;
/** Below this mean glyph correlation the band is not OCR-B text the right way up. */
const MIN_GLYPH_SCORE = 0.55;

interface Oriented {
  halfTurn: boolean;
  cut: MrzBandImage;
  length: number;
  plain: { image: Gray; band: MrzBandImage };
  lines: LineFeatures[];
  glyphScore: number;
  slots?: SlotScores[][];
}

function orient(src: Gray, band: MrzBandGeometry, halfTurn: boolean): Oriented {
  const cut = cutBand(src, band, halfTurn);
  const length = expectedLength(cut.lineY.length, cut.charsPerLine);
  const plain = stackLines(cut, length, false);
  const lines = plain.band.lineY.map((y) =>
    lineFeatures(plain.image, Array.from({ length }, (_, k) => ({ x: plain.band.x0 + k * plain.band.pitch, y })), TARGET_CHAR_HEIGHT, plain.band.pitch),
  );
  return { halfTurn, cut, length, plain, lines, glyphScore: lines.reduce((a, l) => a + l.affinity, 0) / lines.length };
}

async function readWithTesseract(pool: OcrPool, o: Oriented, band: MrzBandGeometry, binarise: boolean): Promise<MrzRead> {
  const stacked = binarise ? stackLines(o.cut, o.length, true) : o.plain;
  const page = await pool.recognize(await grayToPng(stacked.image));
  const tess = layoutSymbols(page, stacked.band, o.length);
  o.slots ??= o.lines.map(classifyCells);
  const glyphs = o.slots;
  // Fused reading: glyph correlations plus a vote for tesseract's symbol, weighted by its confidence.
  // The reference glyphs are one OCR-B design; issuers print variants of it. The worse the band
  // matches the references, the more tesseract's (font-general) reading counts.
  const vote = TESSERACT_VOTE + 2.5 * Math.max(0, FONT_FIT - o.glyphScore);
  const fused = glyphs.map((row, li) =>
    row.map((scores, k) => {
      const voted = new Map(scores);
      const t = tess.slots[li]?.[k];
      if (t && voted.has(t.c)) voted.set(t.c, voted.get(t.c)! + vote * (0.5 + t.conf));
      return voted;
    }),
  );
  const angle = Math.atan2(band.u.y, band.u.x) + (o.halfTurn ? Math.PI : 0);
  const candidates = [interpret(fused, tess.confidence, o.cut.corners, angle, band.charHeight), interpret(tess.lines, tess.confidence, o.cut.corners, angle, band.charHeight)];
  // Two readers, two decodes: keep the valid text that both readers together find likeliest.
  const cost = (r: MrzRead): number => {
    let c = 0;
    r.lines.forEach((line, li) => {
      for (let k = 0; k < line.length; k++) {
        const scores = glyphs[li]?.[k];
        if (scores) c += Math.max(...scores.values()) - (scores.get(line[k]) ?? -1);
        const t = tess.slots[li]?.[k];
        if (t && t.c !== line[k]) c += vote * (0.5 + t.conf);
      }
    });
    return c;
  };
  candidates.sort((a, b) => Number(b.valid) - Number(a.valid) || cost(a) - cost(b));
  const read = candidates[0];
  read.glyphScore = o.glyphScore;
  const f = TARGET_CHAR_HEIGHT / band.charHeight;
  read.grid = { lineStarts: o.cut.lineY.map((y) => o.cut.toSource({ x: o.cut.x0, y })), pitch: o.cut.pitch / f };
  if (o.glyphScore < MIN_GLYPH_SCORE) read.valid = false;
  return read;
}

/** ICAO state codes (the `mrz` package's list) plus the specimen state Utopia. */
const STATE_CODES: ReadonlySet<string> = new Set([...Object.keys(STATE_NAMES), 'UTO']);

/** Decodes per-slot scores (or plain OCR text) into checked MRZ lines. */
export function interpret(input: SlotScores[][] | string[], confidence: number, corners: Point[], angle: number, charHeight: number): MrzRead {
  const slots = typeof input[0] === 'string' ? slotsFromText(input as string[]) : (input as SlotScores[][]);
  const top = slots.map((row) => row.map((m) => [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '<').join(''));
  // France's national ID card (2×36, not ICAO 9303) is read by the `mrz` package, which knows it.
  if (top.length === 2 && top[0].length === 36 && top[0].startsWith('IDFRA')) return frenchId(top, confidence, corners, angle, charHeight);
  let format = formatFromShape(top.length, top[0]?.length ?? 0, top[0] ?? '');
  if (!format) {
    return { format: 'unknown', lines: top, rawLines: top, valid: false, checks: {}, corrections: [], fields: null, confidence, glyphScore: 0, corners, grid: null, angle, charHeight };
  }
  let decoded = decodeMrz(format, slots, STATE_CODES);
  // The document code decides between TD3 and MRV-A (TD2 and MRV-B), and the layouts differ in checks.
  const settled = formatFromShape(decoded.lines.length, decoded.lines[0].length, decoded.lines[0]) ?? format;
  if (settled !== format) {
    format = settled;
    decoded = decodeMrz(format, slots, STATE_CODES);
  }
  const { lines, corrections, raw } = decoded;
  const checks = runChecks(format, lines);
  const valid = Object.values(checks).every((c) => c?.valid) && plausible(format, lines);
  return { format, lines, rawLines: raw, valid, checks, corrections, fields: extractFields(format, lines), confidence, glyphScore: 0, corners, grid: null, angle, charHeight };
}

function frenchId(lines: string[], confidence: number, corners: Point[], angle: number, charHeight: number): MrzRead {
  const r = parseMrz(lines, { autocorrect: true });
  const f = r.fields as Record<string, string | null>;
  const checks: MrzRead['checks'] = {};
  const names: Record<string, CheckName> = { documentNumberCheckDigit: 'documentNumber', birthDateCheckDigit: 'birthDate', compositeCheckDigit: 'composite' };
  for (const d of r.details) {
    const name = d.field ? names[d.field] : undefined;
    const actual = lines[d.line]?.slice(d.start, d.end) ?? '';
    if (name) checks[name] = { valid: d.valid, expected: d.valid ? actual : (/Must be (\d)/.exec(d.error ?? '')?.[1] ?? ''), actual };
  }
  const fixed = r.details.flatMap((d) => d.autocorrect.map((a) => ({ line: a.line, position: a.column, from: a.original, to: a.corrected, reason: 'class' as const })));
  return {
    format: r.format,
    lines,
    rawLines: lines,
    valid: r.valid,
    checks,
    corrections: fixed,
    fields: {
      documentCode: 'ID',
      issuingState: 'FRA',
      surname: f.lastName ?? '',
      givenNames: (f.firstName ?? '').replace(/\s+/g, ' ').trim(),
      nameTruncated: false,
      documentNumber: r.documentNumber ?? f.documentNumber ?? '',
      nationality: 'FRA',
      birthDate: f.birthDate ?? '',
      sex: f.sex === 'male' ? 'M' : f.sex === 'female' ? 'F' : '<',
      expiryDate: '',
      personalNumber: '',
      optionalData: [],
    },
    confidence,
    glyphScore: 0,
    corners,
    grid: null,
    angle,
    charHeight,
  };
}

function plausible(format: MrzFormat, lines: string[]): boolean {
  const f = extractFields(format, lines);
  return /^[A-Z]/.test(f.documentCode) && /^[A-Z]{1,3}$/.test(f.issuingState) && /^[MFX<]$/.test(f.sex) && f.surname.length > 0;
}

/**
 * Reads an MRZ band. The band geometry cannot tell upright from upside down: the orientation whose
 * cells look more like OCR-B glyphs wins, then tesseract's reading joins the glyph scores and the
 * check-digit decoder settles the text. A binarised second pass helps under glare.
 */
export async function readMrzBand(pool: OcrPool, src: Gray, band: MrzBandGeometry): Promise<MrzRead> {
  const upright = orient(src, band, false);
  const turned = orient(src, band, true);
  const [first, second] = upright.glyphScore >= turned.glyphScore ? [upright, turned] : [turned, upright];
  let best = await readWithTesseract(pool, first, band, false);
  if (best.valid) return best;
  const retry = await readWithTesseract(pool, first, band, true);
  if (rank(retry) > rank(best)) best = retry;
  if (!best.valid && second.glyphScore > first.glyphScore - 0.05) {
    const other = await readWithTesseract(pool, second, band, false);
    if (rank(other) > rank(best)) best = other;
  }
  return best;
}

function rank(r: MrzRead): number {
  const passed = Object.values(r.checks).filter((c) => c?.valid).length;
  return (r.valid ? 100 : 0) + passed * 10 + r.glyphScore * 5 - r.corrections.filter((c) => c.reason === 'check').length;
}

