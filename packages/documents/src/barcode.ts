import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { parseAamva, type AamvaRecord } from './aamva.ts';

const require = createRequire(import.meta.url);
let prepared: Promise<unknown> | null = null;

/** Loads the reader's wasm from the installed package (zxing-wasm would otherwise fetch it from a CDN). */
function ensureZxing(): Promise<unknown> {
  if (!prepared) {
    const wasmPath = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bin = readFileSync(wasmPath);
    const wasmBinary = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
    prepared = Promise.resolve(prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true }));
  }
  return prepared;
}

export interface BarcodeRead {
  format: string;
  text: string;
  /** Corner points in the image read. */
  position: { x: number; y: number }[];
  aamva: AamvaRecord | null;
}

/**
 * Finds PDF417 (and other 2D/linear) barcodes in an image. Driving-licence backs carry AAMVA data in
 * PDF417; it is parsed when present.
 */
export async function readDocumentBarcodes(image: Buffer): Promise<BarcodeRead[]> {
  await ensureZxing();
  // Large photos slow the reader without helping it: 2000 px across still resolves PDF417 modules.
  const png = await sharp(image, { failOn: 'none' })
    .grayscale()
    .resize({ width: 2000, height: 2000, fit: 'inside', withoutEnlargement: true })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const results = await readBarcodes(new Uint8Array(png), {
    formats: ['PDF417', 'QRCode', 'DataMatrix', 'Aztec', 'Code128'],
    tryHarder: true,
    tryRotate: true,
    maxNumberOfSymbols: 4,
    textMode: 'Plain',
  });
  return results
    .filter((r) => r.isValid)
    .map((r) => ({
      format: r.format,
      text: r.text,
      position: [r.position.topLeft, r.position.topRight, r.position.bottomRight, r.position.bottomLeft],
      aamva: r.format === 'PDF417' ? parseAamva(r.text) : null,
    }));
}
