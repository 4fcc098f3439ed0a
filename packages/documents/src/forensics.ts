import sharp from 'sharp';
import type { ExifSummary } from './exif.ts';

export interface ForensicFinding {
  code: 'editing_software' | 'modified_after_capture' | 'ela_anomaly' | 'heavy_recompression';
  severity: 'high' | 'medium' | 'low';
  message: string;
  evidence: Record<string, string | number | null>;
}

const EDITORS = [
  /photoshop/i, /gimp/i, /lightroom/i, /snapseed/i, /picsart/i, /pixelmator/i, /affinity photo/i, /canva/i, /paint\.net/i,
  /facetune/i, /photoscape/i, /fotor/i, /pixlr/i, /photopea/i, /acorn/i, /krita/i, /corel/i, /luminar/i, /inpaint/i,
];

/** Editing traces in what the file says about itself. */
export function exifFindings(exif: ExifSummary | null): ForensicFinding[] {
  if (!exif) return [];
  const out: ForensicFinding[] = [];
  if (exif.software && EDITORS.some((re) => re.test(exif.software!))) {
    out.push({ code: 'editing_software', severity: 'medium', message: 'the image was saved by image-editing software', evidence: { software: exif.software } });
  }
  if (exif.taken && exif.modified && exif.modified > exif.taken) {
    const taken = Date.parse(exif.taken.replace(/^(\d{4}):(\d{2}):(\d{2})/, '$1-$2-$3'));
    const modified = Date.parse(exif.modified.replace(/^(\d{4}):(\d{2}):(\d{2})/, '$1-$2-$3'));
    // Phones write both stamps within a second; minutes apart means a later save.
    if (Number.isFinite(taken) && Number.isFinite(modified) && modified - taken > 120_000) {
      out.push({ code: 'modified_after_capture', severity: 'low', message: 'the file was written again after the photo was taken', evidence: { taken: exif.taken, modified: exif.modified, minutesLater: Math.round((modified - taken) / 60_000) } });
    }
  }
  return out;
}

export interface ElaResult {
  /** Block error-level z-score of the most anomalous compact region. */
  maxRegionZ: number;
  /** Share of 8×8 blocks in anomalous regions (%). */
  anomalousBlocksPct: number;
  resaveQuality: number;
}

/**
 * Error level analysis: re-save the JPEG at a known quality and measure, per 8×8 block, how much it
 * changes relative to how busy the block is. Content pasted from another JPEG (or re-rendered) has
 * a different compression history and stands out as a compact region of outlying blocks. Busy blocks
 * change more in any photo, so the error is compared with blocks of similar texture.
 */
export async function errorLevelAnalysis(jpeg: Buffer, quality = 90): Promise<ElaResult | null> {
  const meta = await sharp(jpeg).metadata();
  // Large photos cost too much memory and time for what the heuristic can tell.
  if ((meta.width ?? 0) * (meta.height ?? 0) > 16_000_000) return null;
  // No resampling: it would move content off the 8×8 grid the compression history is written on.
  const { data: a, info } = await sharp(jpeg, { failOn: 'none' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const resaved = await sharp(a, { raw: { width: info.width, height: info.height, channels: 1 } }).jpeg({ quality }).toBuffer();
  const { data: b } = await sharp(resaved).raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const bw = Math.floor(w / 8);
  const bh = Math.floor(h / 8);
  const err = new Float64Array(bw * bh);
  const tex = new Float64Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let e = 0;
      let s = 0;
      let q = 0;
      for (let y = by * 8; y < by * 8 + 8; y++) {
        for (let x = bx * 8; x < bx * 8 + 8; x++) {
          const i = y * w + x;
          e += Math.abs(a[i] - b[i]);
          s += a[i];
          q += a[i] * a[i];
        }
      }
      err[by * bw + bx] = e / 64;
      tex[by * bw + bx] = Math.sqrt(Math.max(0, q / 64 - (s / 64) ** 2));
    }
  }
  // Expected error for a block's texture: median error among blocks in the same texture decile.
  const order = Array.from(tex.keys()).sort((i, j) => tex[i] - tex[j]);
  const bins = 10;
  const expected = new Float64Array(err.length);
  const spread = new Float64Array(err.length);
  for (let k = 0; k < bins; k++) {
    const idx = order.slice(Math.floor((k * order.length) / bins), Math.floor(((k + 1) * order.length) / bins));
    if (!idx.length) continue;
    const es = idx.map((i) => err[i]).sort((x, y) => x - y);
    const med = es[es.length >> 1];
    // The floor keeps near-flat blocks (error ~0) from turning rounding noise into huge scores.
    const mad = es.map((x) => Math.abs(x - med)).sort((x, y) => x - y)[es.length >> 1] * 1.4826 + 0.5;
    for (const i of idx) {
      expected[i] = med;
      spread[i] = mad;
    }
  }
  const z = new Float64Array(err.length);
  for (let i = 0; i < z.length; i++) z[i] = (err[i] - expected[i]) / spread[i];
  // Region score: mean z over 3×3 block neighbourhoods, so single noisy blocks do not count.
  let maxRegionZ = 0;
  let anomalous = 0;
  for (let by = 1; by < bh - 1; by++) {
    for (let bx = 1; bx < bw - 1; bx++) {
      let m = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) m += z[(by + dy) * bw + bx + dx];
      m /= 9;
      if (m > maxRegionZ) maxRegionZ = m;
      if (m > 4) anomalous++;
    }
  }
  return { maxRegionZ: Math.round(maxRegionZ * 10) / 10, anomalousBlocksPct: Math.round((10000 * anomalous) / Math.max(1, bw * bh)) / 100, resaveQuality: quality };
}

export function elaFindings(ela: ElaResult | null): ForensicFinding[] {
  if (!ela || ela.maxRegionZ < 6 || ela.anomalousBlocksPct < 0.3) return [];
  return [
    {
      code: 'ela_anomaly',
      severity: ela.maxRegionZ > 10 ? 'medium' : 'low',
      message: 'a region of the image has a different compression history from the rest (possible pasted content)',
      evidence: { maxRegionZ: ela.maxRegionZ, anomalousBlocksPct: ela.anomalousBlocksPct, resaveQuality: ela.resaveQuality },
    },
  ];
}

export function recompressionFindings(jpegQuality: number | null): ForensicFinding[] {
  if (jpegQuality === null || jpegQuality >= 50) return [];
  return [{ code: 'heavy_recompression', severity: 'low', message: 'the image was saved at low JPEG quality, which hides editing traces', evidence: { estimatedQuality: jpegQuality } }];
}
