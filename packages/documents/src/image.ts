import sharp from 'sharp';

/** 8-bit single-channel raster, row-major. */
export interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

/** 8-bit RGB raster, row-major, 3 bytes per pixel. */
export interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Decodes to luminance, shrinking so the long side is at most `maxSide` (never enlarging). */
export async function toGray(input: Buffer, maxSide?: number): Promise<Gray> {
  let pipeline = sharp(input, { failOn: 'none' }).grayscale();
  if (maxSide) pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export async function toRgb(input: Buffer, maxSide?: number): Promise<Rgb> {
  let pipeline = sharp(input, { failOn: 'none' }).removeAlpha().toColourspace('srgb');
  if (maxSide) pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export function rgbToGray(img: Rgb): Gray {
  const out = new Uint8Array(img.width * img.height);
  const d = img.data;
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = (d[j] * 299 + d[j + 1] * 587 + d[j + 2] * 114 + 500) / 1000;
  }
  return { data: out, width: img.width, height: img.height };
}

export function grayToPng(g: Gray): Promise<Buffer> {
  return sharp(Buffer.from(g.data.buffer, g.data.byteOffset, g.data.length), {
    raw: { width: g.width, height: g.height, channels: 1 },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Summed-area tables of values and squared values, (w+1)×(h+1). */
export function integrals(g: Gray): { sum: Float64Array; sq: Float64Array } {
  const w = g.width;
  const h = g.height;
  const W = w + 1;
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = g.data[row + x];
      rs += v;
      rq += v * v;
      sum[(y + 1) * W + x + 1] = sum[y * W + x + 1] + rs;
      sq[(y + 1) * W + x + 1] = sq[y * W + x + 1] + rq;
    }
  }
  return { sum, sq };
}

/**
 * Sauvola local threshold: ink where the pixel is darker than mean·(1 + k·(σ/128 − 1)).
 * Local statistics make it indifferent to uneven lighting and glare gradients.
 */
export function sauvola(g: Gray, window: number, k = 0.25, minContrast = 12): Uint8Array {
  const { sum, sq } = integrals(g);
  const w = g.width;
  const h = g.height;
  const W = w + 1;
  const r = Math.max(2, Math.floor(window / 2));
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * W + x1] - sum[y0 * W + x1] - sum[y1 * W + x0] + sum[y0 * W + x0];
      const q = sq[y1 * W + x1] - sq[y0 * W + x1] - sq[y1 * W + x0] + sq[y0 * W + x0];
      const mean = s / n;
      const sd = Math.sqrt(Math.max(0, q / n - mean * mean));
      const v = g.data[y * w + x];
      if (sd >= minContrast / 2 && v < mean * (1 + k * (sd / 128 - 1)) && mean - v > minContrast / 2) mask[y * w + x] = 1;
    }
  }
  return mask;
}

export interface Component {
  x0: number;
  y0: number;
  x1: number; // inclusive
  y1: number; // inclusive
  area: number;
  cx: number;
  cy: number;
}

/** 8-connected components of a binary mask (two-pass with union-find). */
export function components(mask: Uint8Array, w: number, h: number, maxComponents = 200_000): Component[] {
  const labels = new Int32Array(w * h);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      let l = 0;
      // West, north-west, north and north-east neighbours are already labelled.
      const a = x > 0 ? labels[i - 1] : 0;
      const b = y > 0 && x > 0 ? labels[i - w - 1] : 0;
      const c = y > 0 ? labels[i - w] : 0;
      const d = y > 0 && x < w - 1 ? labels[i - w + 1] : 0;
      if (a) l = a;
      if (b) l = l ? union(l, b) : b;
      if (c) l = l ? union(l, c) : c;
      if (d) l = l ? union(l, d) : d;
      if (!l) {
        if (parent.length > maxComponents) continue;
        l = parent.length;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  const byRoot = new Map<number, Component & { sx: number; sy: number }>();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = labels[y * w + x];
      if (!l) continue;
      const r = find(l);
      let c = byRoot.get(r);
      if (!c) {
        c = { x0: x, y0: y, x1: x, y1: y, area: 0, cx: 0, cy: 0, sx: 0, sy: 0 };
        byRoot.set(r, c);
      }
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      c.area++;
      c.sx += x;
      c.sy += y;
    }
  }
  const out: Component[] = [];
  for (const c of byRoot.values()) {
    out.push({ x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1, area: c.area, cx: c.sx / c.area, cy: c.sy / c.area });
  }
  return out;
}

/**
 * Samples an oriented rectangle of `src` into an upright raster with bilinear interpolation.
 * `origin` is the source point that lands on output (0,0); `u` and `v` are the source-space steps
 * for one output pixel along x and y. Out-of-image samples read as `fill`.
 */
export function warp(src: Gray, origin: Point, u: Point, v: Point, outW: number, outH: number, fill = 255): Gray {
  const out = new Uint8Array(outW * outH);
  const sw = src.width;
  const sh = src.height;
  const d = src.data;
  for (let j = 0; j < outH; j++) {
    let sx = origin.x + v.x * j;
    let sy = origin.y + v.y * j;
    for (let i = 0; i < outW; i++, sx += u.x, sy += u.y) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 >= sw - 1 || y0 >= sh - 1) {
        out[j * outW + i] = fill;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const p = y0 * sw + x0;
      const top = d[p] + (d[p + 1] - d[p]) * fx;
      const bot = d[p + sw] + (d[p + sw + 1] - d[p + sw]) * fx;
      out[j * outW + i] = top + (bot - top) * fy + 0.5;
    }
  }
  return { data: out, width: outW, height: outH };
}

/** Rotates a raster by a multiple of 90° clockwise. */
export function rotate90(g: Gray, quarterTurns: number): Gray {
  const q = ((quarterTurns % 4) + 4) % 4;
  if (q === 0) return g;
  const { width: w, height: h, data } = g;
  if (q === 2) {
    const out = new Uint8Array(w * h);
    for (let i = 0; i < out.length; i++) out[i] = data[out.length - 1 - i];
    return { data: out, width: w, height: h };
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x];
      if (q === 1) out[x * h + (h - 1 - y)] = v;
      else out[(w - 1 - x) * h + y] = v;
    }
  }
  return { data: out, width: h, height: w };
}

/** Stretches levels so the given percentiles map to 0 and 255. */
export function stretch(g: Gray, lowPct = 0.01, highPct = 0.99): Gray {
  const hist = new Uint32Array(256);
  for (const v of g.data) hist[v]++;
  const n = g.data.length;
  let lo = 0;
  let hi = 255;
  for (let acc = 0, i = 0; i < 256; i++) {
    acc += hist[i];
    if (acc >= n * lowPct) {
      lo = i;
      break;
    }
  }
  for (let acc = 0, i = 255; i >= 0; i--) {
    acc += hist[i];
    if (acc >= n * (1 - highPct)) {
      hi = i;
      break;
    }
  }
  if (hi - lo < 8) return g;
  const lut = new Uint8Array(256);
  for (let i = 0; i < 256; i++) lut[i] = Math.max(0, Math.min(255, Math.round(((i - lo) * 255) / (hi - lo))));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = lut[g.data[i]];
  return { data: out, width: g.width, height: g.height };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(values: ArrayLike<number>, p: number): number {
  // Typed-array sort is numeric and several times faster than Array#sort with a comparator.
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const idx = Math.min(s.length - 1, Math.max(0, Math.round((s.length - 1) * p)));
  return s[idx];
}

/**
 * Running maximum over a window of 2r+1 samples (van Herk / Gil-Werman): O(n) whatever the radius.
 * Reads `n` samples at `src[off + i*stride]` and writes them likewise to `dst`.
 */
export function runningMax(src: ArrayLike<number>, dst: Uint8Array, off: number, n: number, stride: number, r: number): void {
  const k = 2 * r + 1;
  const g = new Uint8Array(n + k);
  const hArr = new Uint8Array(n + k);
  const at = (i: number): number => (i >= 0 && i < n ? src[off + i * stride] : 0);
  // Padded sequence p[j] = at(j - r), j in [0, n + 2r).
  const len = n + 2 * r;
  for (let j = 0; j < len; j++) g[j] = j % k === 0 ? at(j - r) : Math.max(g[j - 1], at(j - r));
  for (let j = len - 1; j >= 0; j--) hArr[j] = j === len - 1 || (j + 1) % k === 0 ? at(j - r) : Math.max(hArr[j + 1], at(j - r));
  for (let i = 0; i < n; i++) dst[off + i * stride] = Math.max(hArr[i], g[i + 2 * r]);
}

/** `warp` for RGB rasters (used for the portrait crop). */
export function warpRgb(src: Rgb, origin: Point, u: Point, v: Point, outW: number, outH: number): Rgb {
  const out = new Uint8Array(outW * outH * 3);
  const sw = src.width;
  const sh = src.height;
  const d = src.data;
  for (let j = 0; j < outH; j++) {
    for (let i = 0; i < outW; i++) {
      const sx = origin.x + u.x * i + v.x * j;
      const sy = origin.y + u.y * i + v.y * j;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const o = (j * outW + i) * 3;
      if (x0 < 0 || y0 < 0 || x0 >= sw - 1 || y0 >= sh - 1) {
        out[o] = out[o + 1] = out[o + 2] = 255;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const p = (y0 * sw + x0) * 3;
      for (let c = 0; c < 3; c++) {
        const top = d[p + c] + (d[p + 3 + c] - d[p + c]) * fx;
        const bot = d[p + sw * 3 + c] + (d[p + sw * 3 + 3 + c] - d[p + sw * 3 + c]) * fx;
        out[o + c] = top + (bot - top) * fy + 0.5;
      }
    }
  }
  return { data: out, width: outW, height: outH };
}
