/**
 * On-device image measures for instant capture feedback and autocapture. They run on a small grayscale
 * copy of the frame region (a few hundred pixels wide) so a cheap phone keeps up at several frames a
 * second. They only guide the person; the server's engines judge the image that is finally uploaded.
 */

export type Gray = { data: Uint8Array; width: number; height: number };

export function toGray(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Gray {
  const data = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    // Integer Rec. 601 luma: fast and close enough for focus and exposure.
    data[i] = (rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8;
  }
  return { data, width, height };
}

/** Variance of the 4-neighbour Laplacian: high for crisp edges (text, photo edges), low when blurred. */
export function laplacianVariance(g: Gray): number {
  const { data, width: w, height: h } = g;
  if (w < 3 || h < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    const row = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      const l = data[i - 1] + data[i + 1] + data[i - w] + data[i + w] - 4 * data[i];
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export function brightness(g: Gray): { mean: number; clipped: number } {
  let sum = 0;
  let clipped = 0;
  for (let i = 0; i < g.data.length; i++) {
    const v = g.data[i];
    sum += v;
    if (v >= 250) clipped++;
  }
  return { mean: sum / g.data.length, clipped: clipped / g.data.length };
}

/** Mean absolute difference between two frames of the same size (0–255): camera or subject movement. */
export function frameDifference(a: Gray, b: Gray): number {
  if (a.data.length !== b.data.length) return 255;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

export type FrameHint = 'dark' | 'glare' | 'blur' | 'moving' | 'hold' | 'capture';

export type AutocaptureOptions = {
  minSharpness: number;
  maxMotion: number;
  /** Consecutive good frames needed before capture: steadiness over time, counted in frames. */
  steadyFrames: number;
  minBrightness: number;
  maxClipped: number;
};

export const DOCUMENT_AUTOCAPTURE: AutocaptureOptions = { minSharpness: 60, maxMotion: 6, steadyFrames: 6, minBrightness: 45, maxClipped: 0.1 };

/**
 * Feeds frames one by one and says what to tell the person. It captures when the region has been steady
 * and sharp for `steadyFrames` frames in a row and the current frame is close to the sharpest seen in
 * that run, so the photo taken is the best-focused one rather than the first acceptable one.
 */
export class Autocapture {
  private prev: Gray | null = null;
  private run = 0;
  private bestInRun = 0;
  constructor(private readonly o: AutocaptureOptions = DOCUMENT_AUTOCAPTURE) {}

  reset() {
    this.prev = null;
    this.run = 0;
    this.bestInRun = 0;
  }

  push(g: Gray): { hint: FrameHint; sharpness: number; motion: number } {
    const sharpness = laplacianVariance(g);
    const { mean, clipped } = brightness(g);
    const motion = this.prev ? frameDifference(this.prev, g) : 255;
    this.prev = g;
    let hint: FrameHint;
    if (mean < this.o.minBrightness) hint = 'dark';
    else if (clipped > this.o.maxClipped) hint = 'glare';
    else if (motion > this.o.maxMotion) hint = 'moving';
    else if (sharpness < this.o.minSharpness) hint = 'blur';
    else hint = 'hold';
    if (hint !== 'hold') {
      this.run = 0;
      this.bestInRun = 0;
      return { hint, sharpness, motion };
    }
    this.run++;
    this.bestInRun = Math.max(this.bestInRun, sharpness);
    if (this.run >= this.o.steadyFrames && sharpness >= 0.85 * this.bestInRun) hint = 'capture';
    return { hint, sharpness, motion };
  }
}

export type Rect = { x: number; y: number; width: number; height: number };

/**
 * Maps a rectangle given as fractions of the on-screen viewfinder (video shown with object-fit: cover)
 * to pixels of the video frame, so the analysed and uploaded region is what the overlay frames.
 */
export function coverRegion(view: { width: number; height: number }, video: { width: number; height: number }, frac: Rect): Rect {
  const scale = Math.max(view.width / video.width, view.height / video.height);
  const shownW = view.width / scale;
  const shownH = view.height / scale;
  const offX = (video.width - shownW) / 2;
  const offY = (video.height - shownH) / 2;
  const x = Math.max(0, offX + frac.x * shownW);
  const y = Math.max(0, offY + frac.y * shownH);
  return {
    x,
    y,
    width: Math.min(video.width - x, frac.width * shownW),
    height: Math.min(video.height - y, frac.height * shownH),
  };
}
