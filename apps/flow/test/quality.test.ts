import { describe, expect, it } from 'vitest';
import { Autocapture, brightness, coverRegion, frameDifference, laplacianVariance, type Gray } from '../src/capture/quality.ts';

/** A synthetic page: dark text-like bars on white, optionally box-blurred, brightened or shifted. */
function page(w: number, h: number, o: { blur?: number; level?: number; shift?: number } = {}): Gray {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const xx = x + (o.shift ?? 0);
      const ink = y % 12 < 4 && xx % 9 < 6;
      data[y * w + x] = Math.min(255, (ink ? 30 : 220) + (o.level ?? 0));
    }
  if (!o.blur) return { data, width: w, height: h };
  const out = new Uint8Array(data.length);
  const r = o.blur;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          s += data[yy * w + xx];
          n++;
        }
      out[y * w + x] = Math.round(s / n);
    }
  return { data: out, width: w, height: h };
}

describe('frame measures', () => {
  it('sharp text scores far above the same text blurred', () => {
    const sharp = laplacianVariance(page(120, 80));
    const soft = laplacianVariance(page(120, 80, { blur: 3 }));
    expect(sharp).toBeGreaterThan(10 * soft);
    expect(laplacianVariance({ data: new Uint8Array(4), width: 2, height: 2 })).toBe(0);
  });

  it('measures exposure and blown-out pixels', () => {
    expect(brightness(page(60, 40)).mean).toBeGreaterThan(150);
    expect(brightness(page(60, 40, { level: 200 })).clipped).toBeGreaterThan(0.5);
  });

  it('sees movement between frames', () => {
    expect(frameDifference(page(60, 40), page(60, 40))).toBe(0);
    expect(frameDifference(page(60, 40), page(60, 40, { shift: 3 }))).toBeGreaterThan(20);
    expect(frameDifference(page(60, 40), page(30, 40))).toBe(255);
  });
});

describe('autocapture', () => {
  it('captures only after several steady, sharp frames', () => {
    const a = new Autocapture();
    const hints = Array.from({ length: 8 }, () => a.push(page(120, 80)).hint);
    expect(hints[0]).toBe('moving');
    expect(hints.slice(1, 6)).toEqual(['hold', 'hold', 'hold', 'hold', 'hold']);
    expect(hints[6]).toBe('capture');
  });

  it('says why it waits: blur, darkness, glare, movement', () => {
    const blur = new Autocapture();
    blur.push(page(120, 80, { blur: 6 }));
    expect(blur.push(page(120, 80, { blur: 6 })).hint).toBe('blur');
    const dark = new Autocapture();
    expect(dark.push({ data: new Uint8Array(100).fill(10), width: 10, height: 10 }).hint).toBe('dark');
    const glare = new Autocapture();
    expect(glare.push(page(60, 40, { level: 200 })).hint).toBe('glare');
    const moving = new Autocapture();
    for (let i = 0; i < 10; i++) expect(moving.push(page(120, 80, { shift: i * 3 })).hint).not.toBe('capture');
  });

  it('starts counting again after a shake', () => {
    const a = new Autocapture();
    for (let i = 0; i < 5; i++) a.push(page(120, 80));
    a.push(page(120, 80, { shift: 4 }));
    expect(a.push(page(120, 80, { shift: 4 })).hint).toBe('hold');
  });
});

describe('viewfinder geometry', () => {
  it('maps the overlay on a cover-fitted video to video pixels', () => {
    // A 390×520 portrait view showing the middle of a 1280×720 landscape video.
    const r = coverRegion({ width: 390, height: 520 }, { width: 1280, height: 720 }, { x: 0, y: 0, width: 1, height: 1 });
    expect(r.height).toBeCloseTo(720);
    expect(r.width).toBeCloseTo(540, 0);
    expect(r.x).toBeCloseTo((1280 - 540) / 2, 0);
  });
});
