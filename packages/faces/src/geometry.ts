export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

export function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function boxArea(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over the smaller box: 1 when one box lies inside the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const smaller = Math.min(boxArea(a), boxArea(b));
  return smaller > 0 ? intersectionArea(a, b) / smaller : 0;
}

/**
 * Maps output pixel (u, v) to source pixel (a·u + b·v + tx, c·u + d·v + ty): a similarity transform
 * when a = d and b = −c.
 */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

/**
 * Bilinear resampling of an RGB image through an affine map, clamping at the borders. Written out
 * here because the chip is tiny (150²) and this keeps alignment exact and backend-independent.
 */
export function warpAffine(src: Uint8Array, width: number, height: number, m: Affine, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH * 3);
  const maxX = width - 1;
  const maxY = height - 1;
  let o = 0;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const x = m.a * u + m.b * v + m.tx;
      const y = m.c * u + m.d * v + m.ty;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const xa = x0 < 0 ? 0 : x0 > maxX ? maxX : x0;
      const xb = x0 + 1 < 0 ? 0 : x0 + 1 > maxX ? maxX : x0 + 1;
      const ya = y0 < 0 ? 0 : y0 > maxY ? maxY : y0;
      const yb = y0 + 1 < 0 ? 0 : y0 + 1 > maxY ? maxY : y0 + 1;
      const i00 = (ya * width + xa) * 3;
      const i01 = (ya * width + xb) * 3;
      const i10 = (yb * width + xa) * 3;
      const i11 = (yb * width + xb) * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      for (let ch = 0; ch < 3; ch++) {
        out[o++] = w00 * src[i00 + ch]! + w01 * src[i01 + ch]! + w10 * src[i10 + ch]! + w11 * src[i11 + ch]!;
      }
    }
  }
  return out;
}

/** Horizontal mirror of an interleaved RGB float image. */
export function mirror(img: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(img.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = (y * width + (width - 1 - x)) * 3;
      out[d] = img[s]!;
      out[d + 1] = img[s + 1]!;
      out[d + 2] = img[s + 2]!;
    }
  }
  return out;
}

export interface ChipStats {
  /** Mean luma 0..255. */
  brightness: number;
  /** Standard deviation of luma. */
  contrast: number;
  /** Variance of the 4-neighbour Laplacian of luma, on the fixed-size chip. */
  laplacianVariance: number;
}

/**
 * Luma statistics of an aligned face chip. Measured on the chip (fixed size and scale) rather than
 * the photo, so sharpness is comparable between a large selfie and a small document portrait.
 */
export function chipStats(chip: Float32Array, width: number, height: number, margin = 0.15): ChipStats {
  const luma = new Float32Array(width * height);
  for (let i = 0, j = 0; i < luma.length; i++, j += 3) luma[i] = 0.299 * chip[j]! + 0.587 * chip[j + 1]! + 0.114 * chip[j + 2]!;
  // The centre of the chip is the face; the border holds hair and background.
  const x0 = Math.max(1, Math.floor(width * margin));
  const x1 = Math.min(width - 1, Math.ceil(width * (1 - margin)));
  const y0 = Math.max(1, Math.floor(height * margin));
  const y1 = Math.min(height - 1, Math.ceil(height * (1 - margin)));
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let lapSum = 0;
  let lapSq = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      const c = luma[i]!;
      const lap = luma[i - 1]! + luma[i + 1]! + luma[i - width]! + luma[i + width]! - 4 * c;
      sum += c;
      sumSq += c * c;
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const brightness = sum / n;
  const lapMean = lapSum / n;
  return {
    brightness,
    contrast: Math.sqrt(Math.max(0, sumSq / n - brightness * brightness)),
    laplacianVariance: Math.max(0, lapSq / n - lapMean * lapMean),
  };
}
