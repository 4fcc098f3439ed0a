import { components, type Point, type Rgb } from './image.ts';
import type { MrzFormat } from './mrz/spec.ts';
import type { MrzRead } from './mrz/read.ts';

/** Physical sizes (mm) of ICAO formats and where the MRZ sits on them. */
const PHYSICAL: Record<MrzFormat, { w: number; h: number; chars: number; lastLineFromBottom: number }> = {
  TD1: { w: 85.6, h: 54, chars: 30, lastLineFromBottom: 4.4 },
  TD2: { w: 105, h: 74, chars: 36, lastLineFromBottom: 6.0 },
  TD3: { w: 125, h: 88, chars: 44, lastLineFromBottom: 6.0 },
  MRVA: { w: 120, h: 80, chars: 44, lastLineFromBottom: 6.0 },
  MRVB: { w: 105, h: 74, chars: 36, lastLineFromBottom: 6.0 },
};

export interface DocumentQuad {
  /** Corners clockwise from the document's own top-left (upright reading), in image pixels. */
  corners: Point[];
  source: 'mrz' | 'edges' | 'frame';
  /** Reading direction of the document in the image (radians). */
  angle: number;
}

/**
 * Predicts the document outline from the MRZ: its pitch gives the scale (2.54 mm per character),
 * its position and direction the placement, and the format the page size.
 */
export function quadFromMrz(read: MrzRead): DocumentQuad | null {
  const fmt = read.format as MrzFormat;
  const phys = PHYSICAL[fmt];
  if (!phys || !read.grid) return null;
  const { lineStarts, pitch: pitchPx } = read.grid;
  const firstCentre = lineStarts[0];
  const last = lineStarts[lineStarts.length - 1];
  const u = { x: Math.cos(read.angle), y: Math.sin(read.angle) };
  const v = { x: -u.y, y: u.x };
  const mm = pitchPx / 2.54;
  const lineLen = phys.chars * 2.54;
  const sFirst = firstCentre.x * u.x + firstCentre.y * u.y;
  const lastLineCentreT = last.x * v.x + last.y * v.y;
  const left = sFirst - (1.27 + (phys.w - lineLen) / 2) * mm;
  const right = left + phys.w * mm;
  const bottom = lastLineCentreT + phys.lastLineFromBottom * mm;
  const top = bottom - phys.h * mm;
  const at = (s: number, t: number): Point => ({ x: s * u.x + t * v.x, y: s * u.y + t * v.y });
  return { corners: [at(left, top), at(right, top), at(right, bottom), at(left, bottom)], source: 'mrz', angle: read.angle };
}

/**
 * Finds the document against its background: pixels that differ from the colour of the image border
 * and form one large region. Returns null when the border itself is the document (a tight scan).
 */
export function quadFromEdges(full: Rgb): DocumentQuad | null {
  // Half resolution locates an outline to a pixel or two of the working raster at a quarter of the cost.
  const img = halve(full);
  const { width: w, height: h, data } = img;
  const band = Math.max(2, Math.round(Math.min(w, h) * 0.02));
  let n = 0;
  const mean = [0, 0, 0];
  const samples: number[][] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x >= band && x < w - band && y >= band && y < h - band) continue;
      const i = (y * w + x) * 3;
      mean[0] += data[i];
      mean[1] += data[i + 1];
      mean[2] += data[i + 2];
      if ((x + y) % 7 === 0) samples.push([data[i], data[i + 1], data[i + 2]]);
      n++;
    }
  }
  mean[0] /= n;
  mean[1] /= n;
  mean[2] /= n;
  const dists = samples.map((s) => Math.sqrt((s[0] - mean[0]) ** 2 + (s[1] - mean[1]) ** 2 + (s[2] - mean[2]) ** 2)).sort((a, b) => a - b);
  const spread = dists[Math.floor(dists.length * 0.9)] ?? 0;
  // A busy border (the document itself, or clutter) gives no usable background model.
  if (spread > 45) return null;
  const thr = Math.max(30, spread * 2.2);
  const mask = new Uint8Array(w * h);
  const thr2 = thr * thr;
  for (let i = 0, p = 0; i < mask.length; i++, p += 3) {
    const dr = data[p] - mean[0];
    const dg = data[p + 1] - mean[1];
    const db = data[p + 2] - mean[2];
    if (dr * dr + dg * dg + db * db > thr2) mask[i] = 1;
  }
  const comps = components(mask, w, h);
  let best = comps[0];
  for (const c of comps) if (!best || c.area > best.area) best = c;
  if (!best || best.area < w * h * 0.15) return null;
  // Extreme points along the diagonals give the corners of a mildly rotated rectangle.
  let tl = { x: 0, y: 0, k: Infinity };
  let tr = { x: 0, y: 0, k: -Infinity };
  let br = { x: 0, y: 0, k: -Infinity };
  let bl = { x: 0, y: 0, k: Infinity };
  for (let y = best.y0; y <= best.y1; y++) {
    for (let x = best.x0; x <= best.x1; x++) {
      if (!mask[y * w + x]) continue;
      if (x + y < tl.k) tl = { x, y, k: x + y };
      if (x + y > br.k) br = { x, y, k: x + y };
      if (x - y > tr.k) tr = { x, y, k: x - y };
      if (x - y < bl.k) bl = { x, y, k: x - y };
    }
  }
  const fill = best.area / ((best.x1 - best.x0 + 1) * (best.y1 - best.y0 + 1));
  if (fill < 0.6) return null;
  // Identity documents are 1.42 (TD2/TD3) to 1.59 (ID-1 cards) times as long as they are high; a
  // region of another shape is something on the document (its photo on a tight scan), not the document.
  const side = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(a.x - b.x, a.y - b.y);
  const long = Math.max(side(tl, tr), side(tl, bl));
  const short = Math.min(side(tl, tr), side(tl, bl));
  if (short <= 0 || long / short < 1.3 || long / short > 1.75) return null;
  return { corners: [tl, tr, br, bl].map(({ x, y }) => ({ x: 2 * x + 0.5, y: 2 * y + 0.5 })), source: 'edges', angle: Math.atan2(tr.y - tl.y, tr.x - tl.x) };
}

function halve(img: Rgb): Rgb {
  const w = img.width >> 1;
  const h = img.height >> 1;
  const out = new Uint8Array(w * h * 3);
  const W = img.width;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = (2 * y * W + 2 * x) * 3;
      const b = a + W * 3;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = (img.data[a + c] + img.data[a + 3 + c] + img.data[b + c] + img.data[b + 3 + c] + 2) >> 2;
    }
  }
  return { data: out, width: w, height: h };
}

/** Overlap of two quads' bounding boxes (intersection over union): enough to tell agreement. */
export function boxIou(a: Point[], b: Point[]): number {
  const box = (p: Point[]): number[] => [Math.min(...p.map((q) => q.x)), Math.min(...p.map((q) => q.y)), Math.max(...p.map((q) => q.x)), Math.max(...p.map((q) => q.y))];
  const [ax0, ay0, ax1, ay1] = box(a);
  const [bx0, by0, bx1, by1] = box(b);
  const iw = Math.max(0, Math.min(ax1, bx1) - Math.max(ax0, bx0));
  const ih = Math.max(0, Math.min(ay1, by1) - Math.max(ay0, by0));
  const inter = iw * ih;
  const union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
  return union > 0 ? inter / union : 0;
}
