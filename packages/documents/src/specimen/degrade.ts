import sharp from 'sharp';
import { rng } from './data.ts';

/** Capture defects applied to a rendered specimen, in the order a phone camera would add them. */
export interface Degradation {
  /** Lay the document on a table with this margin (fraction of its size on each side). */
  backgroundMargin?: number;
  /** A bright specular highlight somewhere on the document. */
  glare?: boolean;
  /** Moiré and sub-pixel stripes of a photographed screen. */
  screen?: boolean;
  /** Photocopy: colour removed. */
  grayscale?: boolean;
  /** Rotation in degrees (clockwise); 180 turns the document upside down. */
  rotateDeg?: number;
  /** Resize factor, e.g. 0.6. */
  downscale?: number;
  /** Gaussian blur sigma in pixels. */
  blurSigma?: number;
  /** Final JPEG quality; PNG when absent. */
  jpegQuality?: number;
}

const TABLE = { r: 92, g: 74, b: 60 };

export async function degrade(image: Buffer, d: Degradation, seed = 1): Promise<Buffer> {
  const r = rng(seed);
  let buf = image;
  let meta = await sharp(buf).metadata();
  let W = meta.width!;
  let H = meta.height!;
  if (d.glare) {
    const cx = W * (0.25 + 0.5 * r());
    const cy = H * (0.2 + 0.6 * r());
    const rx = W * (0.07 + 0.06 * r());
    const ry = rx * (0.6 + 0.5 * r());
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
      <defs><radialGradient id="g"><stop offset="0" stop-color="#fff" stop-opacity="0.8"/><stop offset="0.4" stop-color="#fff" stop-opacity="0.6"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>
      <ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="url(#g)"/></svg>`;
    buf = await sharp(buf).composite([{ input: Buffer.from(svg), blend: 'over' }]).png().toBuffer();
  }
  if (d.screen) {
    // Beat between the camera grid and the display's pixel grid: fine slanted fringes plus RGB stripes.
    const px = Buffer.alloc(W * H * 3);
    const angle = 0.2 + 0.3 * r();
    const period = 3.2 + r();
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const phase = ((x * Math.cos(angle) + y * Math.sin(angle)) * 2 * Math.PI) / period;
        const fringe = 0.78 + 0.22 * Math.sin(phase);
        const i = (y * W + x) * 3;
        const sub = x % 3;
        px[i] = 255 * fringe * (sub === 0 ? 1 : 0.82);
        px[i + 1] = 255 * fringe * (sub === 1 ? 1 : 0.82);
        px[i + 2] = 255 * fringe * (sub === 2 ? 1 : 0.86);
      }
    }
    const overlay = await sharp(px, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
    buf = await sharp(buf).composite([{ input: overlay, blend: 'multiply' }]).modulate({ brightness: 1.15 }).png().toBuffer();
  }
  if (d.backgroundMargin !== undefined && d.backgroundMargin > 0) {
    const mx = Math.round(W * d.backgroundMargin);
    const my = Math.round(H * d.backgroundMargin);
    const table = await sharp({ create: { width: W + 2 * mx, height: H + 2 * my, channels: 3, background: TABLE, noise: { type: 'gaussian', mean: 80, sigma: 12 } } })
      .png()
      .toBuffer();
    const tinted = await sharp(table).tint(TABLE).png().toBuffer();
    buf = await sharp(tinted).composite([{ input: buf, left: mx, top: my }]).png().toBuffer();
    W += 2 * mx;
    H += 2 * my;
  }
  if (d.grayscale) buf = await sharp(buf).grayscale().png().toBuffer();
  if (d.rotateDeg) buf = await sharp(buf).rotate(d.rotateDeg, { background: TABLE }).png().toBuffer();
  if (d.downscale && d.downscale !== 1) {
    meta = await sharp(buf).metadata();
    buf = await sharp(buf).resize(Math.round(meta.width! * d.downscale)).png().toBuffer();
  }
  if (d.blurSigma) buf = await sharp(buf).blur(d.blurSigma).png().toBuffer();
  if (d.jpegQuality) buf = await sharp(buf).jpeg({ quality: d.jpegQuality }).toBuffer();
  return buf;
}
