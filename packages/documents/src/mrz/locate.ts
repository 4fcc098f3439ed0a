import { components, median, percentile, rotate90, sauvola, type Component, type Gray, type Point } from '../image.ts';

/** One MRZ text line found in the image: character blobs along a fitted straight line. */
export interface MrzLineGeometry {
  /** Blob centres, ordered along the reading direction `u` of the band. */
  centres: Point[];
  /** Median character-blob height in pixels. */
  charHeight: number;
  /** Offset of the line along the band normal `v` (t = p·v). */
  t: number;
  /** Extent of the blob centres along `u` (s = p·u). */
  sStart: number;
  sEnd: number;
}

/**
 * An MRZ band: 2 or 3 parallel, equally pitched, left-aligned text lines.
 * `u` is the text direction up to a half turn; whether the band is upside down is settled by reading it.
 */
export interface MrzBandGeometry {
  u: Point;
  v: Point;
  lines: MrzLineGeometry[];
  charHeight: number;
  pitch: number;
  /** Characters per line estimated from extent and pitch. */
  charsPerLine: number;
  /** Fraction of neighbour gaps that are one pitch: monospace regularity, 0..1. */
  regularity: number;
  score: number;
}

interface Blob extends Component {
  h: number;
  w: number;
}

interface Chain {
  blobs: Blob[];
  u: Point;
  v: Point;
  h: number;
  t: number;
  sStart: number;
  sEnd: number;
  pitch: number;
  regularity: number;
}

const MIN_LINE_CHARS = 22;

/**
 * Finds the MRZ band anywhere in a grayscale image, at any small rotation or upside down; tries a
 * quarter turn when nothing is found upright (phone photos of a card held sideways).
 */
export function locateMrz(g: Gray): MrzBandGeometry | null {
  const direct = locateUpright(g);
  if (direct) return direct;
  const turned = locateUpright(rotate90(g, 1));
  if (!turned) return null;
  // Map coordinates from the quarter-turned raster (x' = h-1-y, y' = x) back to the original.
  const h = g.height;
  const back = (p: Point): Point => ({ x: p.y, y: h - 1 - p.x });
  const backDir = (p: Point): Point => ({ x: p.y, y: -p.x });
  const u = backDir(turned.u);
  const v = backDir(turned.v);
  const lines = turned.lines.map((l) => {
    const centres = l.centres.map(back);
    const s = centres.map((c) => c.x * u.x + c.y * u.y);
    return { ...l, centres, t: centres[0].x * v.x + centres[0].y * v.y, sStart: Math.min(...s), sEnd: Math.max(...s) };
  });
  return { ...turned, u, v, lines };
}

function locateUpright(g: Gray): MrzBandGeometry | null {
  const longSide = Math.max(g.width, g.height);
  const window = Math.max(15, Math.min(61, Math.round(longSide / 40) | 1));
  const mask = sauvola(g, window, 0.2, 20);
  const maxH = Math.max(12, Math.round(longSide / 14));
  const blobs: Blob[] = [];
  for (const c of components(mask, g.width, g.height)) {
    const w = c.x1 - c.x0 + 1;
    const h = c.y1 - c.y0 + 1;
    if (h < 5 || h > maxH || w > 4 * h || h > 8 * w + 4 || c.area < 6) continue;
    if (c.area / (w * h) < 0.08) continue;
    blobs.push({ ...c, w, h });
  }
  if (blobs.length < MIN_LINE_CHARS * 2) return null;
  const chains = mergeCollinear(linkChains(blobs).map(fitChain).filter((c): c is Chain => c !== null));
  const lines = chains.filter((c) => (c.sEnd - c.sStart) / c.pitch + 1 >= MIN_LINE_CHARS && c.regularity >= 0.5);
  return bestGroup(lines);
}

/** Links every blob to its nearest right-hand neighbour of similar height, keeping links mutual. */
function linkChains(blobs: Blob[]): Blob[][] {
  blobs.sort((a, b) => a.cx - b.cx);
  const n = blobs.length;
  const next = new Int32Array(n).fill(-1);
  const cost = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const prevCost = new Float64Array(n).fill(Infinity);
  let hMax = 0;
  for (const b of blobs) hMax = Math.max(hMax, b.h);
  const reach = 2.4 * hMax + 2;
  for (let i = 0; i < n; i++) {
    const b = blobs[i];
    for (let j = i + 1; j < n; j++) {
      const c = blobs[j];
      const dx = c.cx - b.cx;
      const hm = Math.max(b.h, c.h);
      if (dx > reach) break;
      if (dx > 2.4 * hm + 2) continue;
      if (dx < 0.25 * Math.min(b.h, c.h)) continue;
      const dy = Math.abs(c.cy - b.cy);
      if (dy > 0.3 * hm + 0.3 * dx) continue;
      if (Math.min(b.h, c.h) / hm < 0.4) continue;
      const k = dx + 2.5 * dy;
      if (k < cost[i]) {
        cost[i] = k;
        next[i] = j;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const j = next[i];
    if (j >= 0 && cost[i] < prevCost[j]) {
      if (prev[j] >= 0) next[prev[j]] = -1;
      prev[j] = i;
      prevCost[j] = cost[i];
    } else if (j >= 0) {
      next[i] = -1;
    }
  }
  const chains: Blob[][] = [];
  for (let i = 0; i < n; i++) {
    if (prev[i] >= 0) continue;
    const chain: Blob[] = [];
    for (let k = i; k >= 0; k = next[k]) chain.push(blobs[k]);
    if (chain.length >= 6) chains.push(chain);
  }
  return chains;
}

function fitChain(blobs: Blob[]): Chain | null {
  const n = blobs.length;
  let mx = 0;
  let my = 0;
  for (const b of blobs) {
    mx += b.cx;
    my += b.cy;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (const b of blobs) {
    sxx += (b.cx - mx) ** 2;
    sxy += (b.cx - mx) * (b.cy - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const norm = Math.hypot(1, slope);
  const u = { x: 1 / norm, y: slope / norm };
  const v = { x: -u.y, y: u.x };
  const s = blobs.map((b) => b.cx * u.x + b.cy * u.y);
  const order = s.map((_, i) => i).sort((a, b) => s[a] - s[b]);
  const sorted = order.map((i) => blobs[i]);
  const ss = order.map((i) => s[i]);
  const h = median(sorted.map((b) => b.h));
  // Pitch from gaps between blobs of full height: merged or split glyphs would skew it.
  const gaps: number[] = [];
  for (let i = 1; i < ss.length; i++) gaps.push(ss[i] - ss[i - 1]);
  const pitch = median(gaps);
  if (!(pitch > 0)) return null;
  const regular = gaps.filter((d) => d > 0.8 * pitch && d < 1.25 * pitch).length;
  return {
    blobs: sorted,
    u,
    v,
    h,
    t: mx * v.x + my * v.y,
    sStart: ss[0],
    sEnd: ss[ss.length - 1],
    pitch,
    regularity: gaps.length ? regular / gaps.length : 0,
  };
}

/** Joins chain pieces of one text line that a gap (glare, a merged glyph run) split apart. */
function mergeCollinear(chains: Chain[]): Chain[] {
  let list = chains.slice();
  for (let changed = true; changed; ) {
    changed = false;
    outer: for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        if (i === j) continue;
        const a = list[i];
        const b = list[j];
        if (Math.abs(Math.atan2(a.u.y, a.u.x) - Math.atan2(b.u.y, b.u.x)) > 0.06) continue;
        if (Math.min(a.h, b.h) / Math.max(a.h, b.h) < 0.7) continue;
        // b must continue a to the right, on the same line.
        const bStart = b.blobs[0];
        const sB = bStart.cx * a.u.x + bStart.cy * a.u.y;
        const tB = bStart.cx * a.v.x + bStart.cy * a.v.y;
        const gap = sB - a.sEnd;
        if (gap <= 0 || gap > 6 * Math.max(a.pitch, b.pitch)) continue;
        if (Math.abs(tB - a.t) > 0.45 * a.h) continue;
        const merged = fitChain([...a.blobs, ...b.blobs]);
        if (!merged) continue;
        list = list.filter((_, k) => k !== i && k !== j);
        list.push(merged);
        changed = true;
        break outer;
      }
    }
  }
  return list;
}

function bestGroup(lines: Chain[]): MrzBandGeometry | null {
  let best: MrzBandGeometry | null = null;
  const compatible = (a: Chain, b: Chain): boolean => {
    if (Math.abs(Math.atan2(a.u.y, a.u.x) - Math.atan2(b.u.y, b.u.x)) > 0.05) return false;
    if (Math.min(a.h, b.h) / Math.max(a.h, b.h) < 0.7) return false;
    if (Math.min(a.pitch, b.pitch) / Math.max(a.pitch, b.pitch) < 0.8) return false;
    const tb = b.blobs[0].cx * a.v.x + b.blobs[0].cy * a.v.y;
    const dt = Math.abs(tb - a.t);
    if (dt < 1.2 * a.h || dt > 3.2 * a.h) return false;
    const bS = b.blobs.map((x) => x.cx * a.u.x + x.cy * a.u.y);
    const bStart = Math.min(...bS);
    const bEnd = Math.max(...bS);
    const overlap = Math.min(a.sEnd, bEnd) - Math.max(a.sStart, bStart);
    return overlap > 0.7 * Math.min(a.sEnd - a.sStart, bEnd - bStart);
  };
  for (let i = 0; i < lines.length; i++) {
    for (let j = 0; j < lines.length; j++) {
      if (i === j || lines[j].t <= lines[i].t || !compatible(lines[i], lines[j])) continue;
      const group = [lines[i], lines[j]];
      for (let k = 0; k < lines.length; k++) {
        if (k === i || k === j || lines[k].t <= lines[j].t || !compatible(lines[j], lines[k])) continue;
        if (group.length === 2) group.push(lines[k]);
        else if (lines[k].t < group[2].t) group[2] = lines[k];
      }
      // A third line is kept only when it continues the spacing of the first two.
      if (group.length === 3) {
        const d1 = group[1].t - group[0].t;
        const d2 = group[2].t - group[1].t;
        if (Math.abs(d1 - d2) > 0.35 * d1) group.pop();
      }
      const candidate = describeGroup(group);
      if (!best || candidate.score > best.score) best = candidate;
    }
  }
  return best;
}

function describeGroup(group: Chain[]): MrzBandGeometry {
  const u = group[0].u;
  const v = group[0].v;
  const pitch = median(group.map((c) => c.pitch));
  // Fillers are shorter than letters and digits; the upper quantile is the cap height.
  const charHeight = percentile(group.flatMap((c) => c.blobs.map((b) => b.h)), 0.8);
  const lines: MrzLineGeometry[] = group.map((c) => {
    const centres = c.blobs.map((b) => ({ x: b.cx, y: b.cy }));
    const s = centres.map((p) => p.x * u.x + p.y * u.y);
    return { centres, charHeight: c.h, t: c.t, sStart: Math.min(...s), sEnd: Math.max(...s) };
  });
  const charsPerLine = Math.round(median(lines.map((l) => (l.sEnd - l.sStart) / pitch + 1)));
  const regularity = median(group.map((c) => c.regularity));
  const blobCount = group.reduce((a, c) => a + c.blobs.length, 0);
  return { u, v, lines, charHeight, pitch, charsPerLine, regularity, score: blobCount * regularity * group.length };
}

/** The same band in an image `k` times larger. */
export function scaleBand(band: MrzBandGeometry, k: number): MrzBandGeometry {
  if (k === 1) return band;
  return {
    ...band,
    charHeight: band.charHeight * k,
    pitch: band.pitch * k,
    lines: band.lines.map((l) => ({
      ...l,
      centres: l.centres.map((c) => ({ x: c.x * k, y: c.y * k })),
      charHeight: l.charHeight * k,
      t: l.t * k,
      sStart: l.sStart * k,
      sEnd: l.sEnd * k,
    })),
  };
}
