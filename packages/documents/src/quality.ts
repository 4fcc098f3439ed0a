import { components, percentile, warp, type Gray, type Point, type Rgb } from './image.ts';
import type { DocumentQuad } from './geometry.ts';

export type CheckStatus = 'pass' | 'fail' | 'not_checked';

export interface QualityCheck {
  status: CheckStatus;
  /** 0..1, higher is better. */
  score: number;
  /** The measurements the verdict rests on. */
  evidence: Record<string, number | string | boolean | null>;
}

export interface QualityThresholds {
  /** Minimum sharpness (tile variance of the Laplacian on the document scaled to 1000 px wide). */
  minSharpness: number;
  /** Largest share of the document (%) covered by glare blobs. */
  maxGlarePct: number;
  /** Require a colour image (reject photocopies / grayscale scans). */
  requireColour: boolean;
  /** Minimum colourfulness (Hasler–Süsstrunk) for a colour image. */
  minColourfulness: number;
  /** Minimum document width in pixels. */
  minDocumentWidthPx: number;
  /** Minimum gap between the document edges and the image border, % of the image size. */
  minIndentPct: number;
  /** Largest moiré peak ratio before the image counts as a photo of a screen. */
  maxMoireRatio: number;
}

export const DEFAULT_QUALITY: QualityThresholds = {
  minSharpness: 120,
  maxGlarePct: 2,
  requireColour: true,
  minColourfulness: 6,
  minDocumentWidthPx: 500,
  minIndentPct: 0,
  maxMoireRatio: 75,
};

export interface QualityReport {
  blur: QualityCheck;
  glare: QualityCheck;
  colour: QualityCheck;
  resolution: QualityCheck;
  position: QualityCheck;
  screen: QualityCheck;
  /** Every check that ran passed. */
  pass: boolean;
}

const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

function insideQuad(q: Point[]): (x: number, y: number) => boolean {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = q.length - 1; i < q.length; j = i++) {
      const a = q[i];
      const b = q[j];
      if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
    }
    return inside;
  };
}

/** The document warped upright to `width` pixels (gray). */
export function uprightDocument(gray: Gray, quad: DocumentQuad, width = 1000): Gray {
  const [tl, tr, , bl] = quad.corners;
  const docW = Math.hypot(tr.x - tl.x, tr.y - tl.y);
  const docH = Math.hypot(bl.x - tl.x, bl.y - tl.y);
  const height = Math.max(8, Math.round((width * docH) / Math.max(1, docW)));
  const u = { x: (tr.x - tl.x) / width, y: (tr.y - tl.y) / width };
  const v = { x: (bl.x - tl.x) / height, y: (bl.y - tl.y) / height };
  return warp(gray, tl, u, v, width, height, 128);
}

/** Sharpness: upper decile of per-tile Laplacian variance, so plain areas do not dilute it. */
export function sharpness(g: Gray): number {
  const { width: w, height: h, data } = g;
  const T = 32;
  const vars: number[] = [];
  for (let ty = 1; ty + T < h - 1; ty += T) {
    for (let tx = 1; tx + T < w - 1; tx += T) {
      let s = 0;
      let q = 0;
      for (let y = ty; y < ty + T; y++) {
        for (let x = tx; x < tx + T; x++) {
          const i = y * w + x;
          const l = data[i - 1] + data[i + 1] + data[i - w] + data[i + w] - 4 * data[i];
          s += l;
          q += l * l;
        }
      }
      const n = T * T;
      vars.push(q / n - (s / n) ** 2);
    }
  }
  return vars.length ? percentile(vars, 0.9) : 0;
}

function checkBlur(doc: Gray, t: QualityThresholds): QualityCheck {
  const value = sharpness(doc);
  return {
    status: value >= t.minSharpness ? 'pass' : 'fail',
    score: round(Math.min(1, value / (2 * t.minSharpness))),
    evidence: { laplacianVariance: round(value, 1), threshold: t.minSharpness },
  };
}

/**
 * Glare: near-saturated, colourless blobs brighter than the document's own paper, inside the
 * document outline (a white table or margin around the document is not glare).
 */
function checkGlare(img: Rgb, inside: (x: number, y: number) => boolean, t: QualityThresholds): QualityCheck {
  // Half resolution is plenty for blobs of 0.2% of the document and halves the cost.
  const w = img.width >> 1;
  const h = img.height >> 1;
  const { data } = img;
  const hist = new Uint32Array(256);
  const lumAt = (x: number, y: number): number => {
    const i = (2 * y * img.width + 2 * x) * 3;
    return (data[i] + data[i + 1] + data[i + 2]) / 3;
  };
  const inDoc = new Uint8Array(w * h);
  let docPixels = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside(2 * x, 2 * y)) continue;
      inDoc[y * w + x] = 1;
      docPixels++;
      hist[Math.round(lumAt(x, y))]++;
    }
  }
  if (docPixels < 100) return { status: 'not_checked', score: 0, evidence: { reason: 'document not found' } };
  let paper = 0;
  for (let acc = 0; paper < 255; paper++) {
    acc += hist[paper];
    if (acc >= docPixels * 0.6) break;
  }
  const level = Math.max(246, paper + 10);
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inDoc[y * w + x]) continue;
      const i = (2 * y * img.width + 2 * x) * 3;
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      const mx = Math.max(r, g, b);
      if (mx >= level && mx - Math.min(r, g, b) < 24) mask[y * w + x] = 1;
    }
  }
  const minBlob = docPixels * 0.002;
  const blobs = components(mask, w, h).filter((c) => c.area >= minBlob);
  const area = blobs.reduce((a, c) => a + c.area, 0);
  const pct = (100 * area) / docPixels;
  return {
    status: pct <= t.maxGlarePct ? 'pass' : 'fail',
    score: round(Math.max(0, 1 - pct / (4 * t.maxGlarePct))),
    evidence: { glareAreaPct: round(pct), blobs: blobs.length, largestBlobPct: round((100 * Math.max(0, ...blobs.map((b) => b.area))) / docPixels), paperLevel: paper, threshold: t.maxGlarePct },
  };
}

/** Colourfulness (Hasler & Süsstrunk 2003): about 0 for grayscale, 15+ for printed colour documents. */
function checkColour(img: Rgb, inside: (x: number, y: number) => boolean, t: QualityThresholds): QualityCheck {
  const { width: w, height: h, data } = img;
  let n = 0;
  let srg = 0;
  let syb = 0;
  let qrg = 0;
  let qyb = 0;
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      if (!inside(x, y)) continue;
      const i = (y * w + x) * 3;
      const rg = data[i] - data[i + 1];
      const yb = 0.5 * (data[i] + data[i + 1]) - data[i + 2];
      srg += rg;
      syb += yb;
      qrg += rg * rg;
      qyb += yb * yb;
      n++;
    }
  }
  if (!n) return { status: 'not_checked', score: 0, evidence: { reason: 'document not found' } };
  const mrg = srg / n;
  const myb = syb / n;
  const sd = Math.sqrt(Math.max(0, qrg / n - mrg * mrg) + Math.max(0, qyb / n - myb * myb));
  const colourfulness = sd + 0.3 * Math.hypot(mrg, myb);
  const colour = colourfulness >= t.minColourfulness;
  return {
    status: !t.requireColour || colour ? 'pass' : 'fail',
    score: round(Math.min(1, colourfulness / (3 * t.minColourfulness))),
    evidence: { colourfulness: round(colourfulness, 1), grayscale: !colour, threshold: t.minColourfulness },
  };
}

function checkResolution(quad: DocumentQuad, imgW: number, imgH: number, mrzCharHeight: number | null, t: QualityThresholds): QualityCheck {
  const [tl, tr, , bl] = quad.corners;
  // ID documents are landscape: their width is the long side, whichever way the card is turned in the
  // picture (a card held upright for a portrait frame has its width along the image's height).
  const docWidth = Math.max(Math.hypot(tr.x - tl.x, tr.y - tl.y), Math.hypot(bl.x - tl.x, bl.y - tl.y));
  return {
    status: docWidth >= t.minDocumentWidthPx ? 'pass' : 'fail',
    score: round(Math.min(1, docWidth / (2 * t.minDocumentWidthPx))),
    evidence: { documentWidthPx: Math.round(docWidth), imageWidth: imgW, imageHeight: imgH, mrzCharHeightPx: mrzCharHeight === null ? null : round(mrzCharHeight, 1), threshold: t.minDocumentWidthPx },
  };
}

/** Gap between each document edge and the image border, as % of the image size; negative = cut off. */
function checkPosition(quad: DocumentQuad, w: number, h: number, t: QualityThresholds): QualityCheck {
  if (quad.source === 'frame') {
    return { status: t.minIndentPct > 0 ? 'fail' : 'pass', score: 0, evidence: { reason: 'document edges not visible: it fills the frame', minIndentPct: 0, threshold: t.minIndentPct } };
  }
  const xs = quad.corners.map((p) => p.x);
  const ys = quad.corners.map((p) => p.y);
  const left = (100 * Math.min(...xs)) / w;
  const right = (100 * (w - Math.max(...xs))) / w;
  const top = (100 * Math.min(...ys)) / h;
  const bottom = (100 * (h - Math.max(...ys))) / h;
  const min = Math.min(left, right, top, bottom);
  // An edge beyond the frame means the document is cut off, whatever the threshold; an outline
  // predicted from the MRZ is only good to a few percent, so it gets that much benefit of the doubt.
  const tolerance = quad.source === 'mrz' ? 6 : 2;
  const ok = (min >= t.minIndentPct || (t.minIndentPct <= 0 && min > -tolerance)) && min > -tolerance;
  return {
    status: ok ? 'pass' : 'fail',
    score: round(Math.max(0, Math.min(1, (min + 2) / 12))),
    evidence: { minIndentPct: round(min), left: round(left), right: round(right), top: round(top), bottom: round(bottom), outline: quad.source, threshold: t.minIndentPct },
  };
}

function fft1(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * Photo of a screen: the display's red/green/blue sub-pixels beat with the camera's sensor grid into
 * colour moiré, a sharp isolated peak in the chroma spectrum away from zero frequency and the axes.
 * Printed documents carry little periodic chroma at these frequencies (halftone screens are finer
 * than the capture). Measured on a full-resolution chroma crop (R−G + B−G), N×N with N = 256.
 */
export function moireRatio(chroma: Gray): number {
  const N = 256;
  if (chroma.width !== N || chroma.height !== N) return 0;
  const re = new Float64Array(N * N);
  const im = new Float64Array(N * N);
  let mean = 0;
  for (let i = 0; i < N * N; i++) mean += chroma.data[i];
  mean /= N * N;
  for (let y = 0; y < N; y++) {
    const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * y) / (N - 1));
    for (let x = 0; x < N; x++) {
      const wx = 0.5 - 0.5 * Math.cos((2 * Math.PI * x) / (N - 1));
      re[y * N + x] = (chroma.data[y * N + x] - mean) * wx * wy;
    }
  }
  const rr = new Float64Array(N);
  const ri = new Float64Array(N);
  for (let y = 0; y < N; y++) {
    rr.set(re.subarray(y * N, y * N + N));
    ri.set(im.subarray(y * N, y * N + N));
    fft1(rr, ri);
    re.set(rr, y * N);
    im.set(ri, y * N);
  }
  for (let x = 0; x < N; x++) {
    for (let y = 0; y < N; y++) {
      rr[y] = re[y * N + x];
      ri[y] = im[y * N + x];
    }
    fft1(rr, ri);
    for (let y = 0; y < N; y++) {
      re[y * N + x] = rr[y];
      im[y * N + x] = ri[y];
    }
  }
  const mags: number[] = [];
  let peak = 0;
  for (let y = 0; y < N; y++) {
    const fy = y < N / 2 ? y : y - N;
    for (let fx = 0; fx < N / 2; fx++) {
      if (Math.hypot(fx, fy) < N * 0.12 || fx < 4 || Math.abs(fy) < 4) continue;
      const m = Math.hypot(re[y * N + fx], im[y * N + fx]);
      mags.push(m);
      if (m > peak) peak = m;
    }
  }
  const med = percentile(mags, 0.5);
  return med > 0 ? peak / med : 0;
}

/** Chroma (R−G + B−G, offset to mid-grey) of a full-resolution N×N crop around `centre`. */
export function chromaCrop(full: Rgb, centre: Point, N = 256): Gray | null {
  if (full.width < N || full.height < N) return null;
  const x0 = Math.max(0, Math.min(full.width - N, Math.round(centre.x - N / 2)));
  const y0 = Math.max(0, Math.min(full.height - N, Math.round(centre.y - N / 2)));
  const data = new Uint8Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const i = ((y0 + y) * full.width + x0 + x) * 3;
      const v = 128 + (full.data[i] - full.data[i + 1]) + (full.data[i + 2] - full.data[i + 1]);
      data[y * N + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { data, width: N, height: N };
}

function checkScreen(chroma: Gray | null, t: QualityThresholds): QualityCheck {
  const ratio = chroma ? moireRatio(chroma) : 0;
  if (!ratio) return { status: 'not_checked', score: 0, evidence: { reason: 'image too small' } };
  return {
    status: ratio <= t.maxMoireRatio ? 'pass' : 'fail',
    score: round(Math.max(0, Math.min(1, 1 - ratio / (2 * t.maxMoireRatio)))),
    evidence: { moirePeakRatio: round(ratio, 1), threshold: t.maxMoireRatio },
  };
}

export interface QualityInput {
  /** Working-resolution RGB and gray of the same image. */
  rgb: Rgb;
  gray: Gray;
  /** Full-resolution gray. */
  fullGray: Gray;
  /** Full-resolution chroma crop at the document centre (see `chromaCrop`). */
  chroma: Gray | null;
  /** `rgb.width / fullGray.width`. */
  scale: number;
  quad: DocumentQuad;
  mrzCharHeight: number | null;
}

export function assessQuality(input: QualityInput, thresholds: Partial<QualityThresholds> = {}): QualityReport {
  const t = { ...DEFAULT_QUALITY, ...thresholds };
  const { rgb, gray, quad } = input;
  const inside = quad.source === 'frame' ? () => true : insideQuad(quad.corners);
  // Sharpness is measured at one document scale so that thresholds mean the same for every photo.
  const doc = uprightDocument(gray, quad);
  const report = {
    blur: checkBlur(doc, t),
    glare: checkGlare(rgb, inside, t),
    colour: checkColour(rgb, inside, t),
    resolution: checkResolution({ ...quad, corners: quad.corners.map((p) => ({ x: p.x / input.scale, y: p.y / input.scale })) }, input.fullGray.width, input.fullGray.height, input.mrzCharHeight, t),
    position: checkPosition(quad, rgb.width, rgb.height, t),
    screen: checkScreen(input.chroma, t),
  };
  const pass = Object.values(report).every((c) => c.status !== 'fail');
  return { ...report, pass };
}
