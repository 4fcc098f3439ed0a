import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { Gray } from '../image.ts';

/**
 * OCR-B glyph classifier for MRZ character cells. The MRZ is set in one typeface (OCR-B, ISO 1073-2)
 * on a fixed pitch, so each cell can be compared with rendered reference glyphs; this gives a score
 * for every character in every slot, which the check-digit decoder needs and a single OCR guess
 * cannot provide.
 */

export const GLYPH_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
const GW = 12;
const GH = 16;
/** Feature window in cap heights, centred on the glyph. */
const WIN_W = 1.0;
const WIN_H = 1.3;

interface Template {
  ch: string;
  v: Float32Array;
}

/** Templates of one scale packed row-wise for a tight dot-product loop. */
interface TemplateBank {
  rows: Float32Array;
  charIndex: Uint8Array;
  count: number;
}

/**
 * Glyph sizes relative to the measured character height. Fonts differ in how much taller digits are
 * than capitals, so the measured height is ambiguous; each line picks the scale that fits it best.
 */
const SCALES = [0.86, 0.93, 1.0, 1.07];
let templates: Map<number, TemplateBank> | null = null;

const FONT_PATH = fileURLToPath(new URL('../../assets/fonts/OCRB.otf', import.meta.url));

function normalise(v: Float32Array): Float32Array {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] -= mean;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

/**
 * Area-averaged ink darkness on a GW×GH grid over the window centred at (cx, cy); `capH` is the
 * cap height in pixels. `img` holds paper≈255, ink≈0.
 */
function sample(img: Gray, cx: number, cy: number, capH: number, dx = 0, dy = 0): Float32Array {
  const v = new Float32Array(GW * GH);
  const w = WIN_W * capH;
  const h = WIN_H * capH;
  const x0 = cx - w / 2 + dx * (w / GW);
  const y0 = cy - h / 2 + dy * (h / GH);
  const sx = w / GW;
  const sy = h / GH;
  const sub = Math.max(1, Math.round(Math.min(sx, sy) / 1.5));
  for (let gy = 0; gy < GH; gy++) {
    for (let gx = 0; gx < GW; gx++) {
      let acc = 0;
      let n = 0;
      for (let a = 0; a < sub; a++) {
        const py = Math.floor(y0 + (gy + (a + 0.5) / sub) * sy);
        if (py < 0 || py >= img.height) {
          n += sub;
          continue;
        }
        for (let b = 0; b < sub; b++) {
          const px = Math.floor(x0 + (gx + (b + 0.5) / sub) * sx);
          n++;
          if (px < 0 || px >= img.width) continue;
          acc += 255 - img.data[py * img.width + px];
        }
      }
      v[gy * GW + gx] = acc / n / 255;
    }
  }
  return v;
}

/** Horizontal ink centre of a glyph near `cx` (within ±half a pitch): tolerant of grid drift. */
export function inkCentre(img: Gray, cx: number, cy: number, capH: number, pitch: number): number {
  const x0 = Math.max(0, Math.round(cx - 0.5 * pitch));
  const x1 = Math.min(img.width - 1, Math.round(cx + 0.5 * pitch));
  const y0 = Math.max(0, Math.round(cy - 0.6 * capH));
  const y1 = Math.min(img.height - 1, Math.round(cy + 0.6 * capH));
  let lo = -1;
  let hi = -1;
  for (let x = x0; x <= x1; x++) {
    let ink = 0;
    for (let y = y0; y <= y1; y++) if (img.data[y * img.width + x] < 128) ink++;
    if (ink >= 2) {
      if (lo < 0) lo = x;
      hi = x;
    }
  }
  return lo < 0 ? cx : (lo + hi + 1) / 2;
}

function blurGray(g: Gray, sigma: number): Gray {
  if (sigma <= 0) return g;
  const r = Math.ceil(sigma * 2.5);
  const k = new Float32Array(2 * r + 1);
  let ks = 0;
  for (let i = -r; i <= r; i++) ks += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= ks;
  const { width: w, height: h } = g;
  // Pad by the radius with paper white so the inner loops need no bounds checks.
  const pw = w + 2 * r;
  const padded = new Float32Array(pw * h).fill(255);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) padded[y * pw + x + r] = g.data[y * w + x];
  const tmp = new Float32Array(w * (h + 2 * r)).fill(255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      const o = y * pw + x;
      for (let i = 0; i < k.length; i++) a += padded[o + i] * k[i];
      tmp[(y + r) * w + x] = a;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      for (let i = 0; i < k.length; i++) a += tmp[(y + i) * w + x] * k[i];
      out[y * w + x] = a;
    }
  }
  return { data: out, width: w, height: h };
}

/** Renders the reference glyphs once: each character at each scale, three blur levels and five sub-cell shifts. */
function buildTemplates(): Map<number, TemplateBank> {
  GlobalFonts.registerFromPath(FONT_PATH, 'Tessera OCRB');
  const capH = 48;
  const probe = createCanvas(10, 10).getContext('2d');
  probe.font = '100px "Tessera OCRB"';
  const capRatio = probe.measureText('H').actualBoundingBoxAscent / 100;
  const fontPx = capH / capRatio;
  const W = Math.round(capH * 2);
  const H = Math.round(capH * 2);
  const rendered = new Map<string, Gray>();
  for (const ch of GLYPH_ALPHABET) {
    const canvas = createCanvas(W, H);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = '#000';
    ctx.font = `${fontPx}px "Tessera OCRB"`;
    ctx.textAlign = 'center';
    ctx.fillText(ch, W / 2, H / 2 + capH / 2);
    const rgba = ctx.getImageData(0, 0, W, H).data;
    const data = new Uint8Array(W * H);
    for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4];
    rendered.set(ch, { data, width: W, height: H });
  }
  const out = new Map<number, TemplateBank>();
  for (const scale of SCALES) {
    const list: Template[] = [];
    // A glyph printed at `scale` × the measured height fills a window of capH / scale template pixels.
    const win = capH / scale;
    for (const [ch, base] of rendered) {
      const cx = inkCentre(base, W / 2, H / 2, capH, capH);
      for (const sigma of [0, 0.06 * capH, 0.12 * capH]) {
        const img = blurGray(base, sigma);
        for (const [dx, dy] of [[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]]) {
          list.push({ ch, v: normalise(sample(img, cx, H / 2, win, dx * 0.7, dy * 0.7)) });
        }
      }
    }
    const rows = new Float32Array(list.length * GW * GH);
    const charIndex = new Uint8Array(list.length);
    list.forEach((t, i) => {
      rows.set(t.v, i * GW * GH);
      charIndex[i] = GLYPH_ALPHABET.indexOf(t.ch);
    });
    out.set(scale, { rows, charIndex, count: list.length });
  }
  return out;
}

export function ensureTemplates(): void {
  if (!templates) templates = buildTemplates();
}

export type GlyphScores = Map<string, number>;

function scoreCell(v: Float32Array, bank: TemplateBank): Float32Array {
  const best = new Float32Array(GLYPH_ALPHABET.length).fill(-2);
  let ink = 0;
  for (let i = 0; i < v.length; i++) ink += Math.abs(v[i]);
  // An empty cell is a blank, which only a filler can be; correlations with nothing are noise.
  if (ink < 1e-3) {
    best.fill(-1);
    best[GLYPH_ALPHABET.length - 1] = 0.5;
    return best;
  }
  const d = GW * GH;
  const { rows, charIndex, count } = bank;
  for (let t = 0; t < count; t++) {
    let dot = 0;
    const o = t * d;
    for (let i = 0; i < d; i++) dot += rows[o + i] * v[i];
    const c = charIndex[t];
    if (dot > best[c]) best[c] = dot;
  }
  return best;
}

const maxOf = (a: Float32Array): number => {
  let m = -Infinity;
  for (const x of a) if (x > m) m = x;
  return m;
};

export interface LineFeatures {
  /** Feature vectors of every cell (computed on first use: the losing orientation never needs them). */
  vectors: () => Float32Array[];
  /** Scale that fits the line best and the mean best correlation at it, over a sample of cells. */
  scale: number;
  affinity: number;
}

/** Finds the glyph scale of one MRZ line on a sample of its cells; `affinity` says how OCR-B-like the line is. */
export function lineFeatures(img: Gray, cells: { x: number; y: number }[], capH: number, pitch: number): LineFeatures {
  ensureTemplates();
  const cut = (c: { x: number; y: number }): Float32Array => normalise(sample(img, inkCentre(img, c.x, c.y, capH, pitch), c.y, capH));
  // The scale is a property of the print run: choose it once per line on a sample of cells.
  const probe = cells.filter((_, i) => i % 3 === 0).map(cut);
  let scale = 1;
  let affinity = -Infinity;
  for (const sc of SCALES) {
    const bank = templates!.get(sc)!;
    let total = 0;
    for (const v of probe) total += maxOf(scoreCell(v, bank));
    if (total / probe.length > affinity) {
      affinity = total / probe.length;
      scale = sc;
    }
  }
  let all: Float32Array[] | null = null;
  return { vectors: () => (all ??= cells.map(cut)), scale, affinity };
}

/** Scores every character for each cell of a line: correlation with its best reference glyph (1 = identical). */
export function classifyCells(f: LineFeatures): GlyphScores[] {
  const bank = templates!.get(f.scale)!;
  return f.vectors().map((v) => {
    const best = scoreCell(v, bank);
    const m: GlyphScores = new Map();
    for (let c = 0; c < GLYPH_ALPHABET.length; c++) m.set(GLYPH_ALPHABET[c], best[c]);
    return m;
  });
}

