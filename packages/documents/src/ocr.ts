import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Tesseract from 'tesseract.js';
import { EngineError } from './errors.ts';

const require = createRequire(import.meta.url);
// The MRZ reader needs only tesseract's legacy classifier: assets/tessdata-legacy holds just those
// components of @tesseract.js-data/eng 4.0.0 (1 MB instead of 23 MB, ~100 MB less memory per
// worker; see its NOTICE). The visual zone uses the package's LSTM-only model as shipped.
const ENG_DIR = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
const LEGACY_LANG_PATH = fileURLToPath(new URL('../assets/tessdata-legacy/', import.meta.url));
const LSTM_LANG_PATH = path.join(ENG_DIR, '4.0.0_best_int');

export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export type OcrKind = 'mrz' | 'text';

export interface OcrSymbol {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

export interface OcrWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
  symbols: OcrSymbol[];
}

export interface OcrLine {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
  words: OcrWord[];
}

export interface OcrPage {
  text: string;
  confidence: number;
  lines: OcrLine[];
}

interface Lease {
  worker: Tesseract.Worker;
}

/**
 * A small pool of long-lived tesseract workers of one kind. Creating a worker costs hundreds of
 * milliseconds and tens of MB, so they are created on first demand (up to `size`) and reused.
 */
export class OcrPool {
  readonly kind: OcrKind;
  readonly size: number;
  private idle: Lease[] = [];
  private all: Promise<Lease>[] = [];
  private waiters: ((l: Lease) => void)[] = [];
  private closed = false;

  constructor(kind: OcrKind, size: number) {
    this.kind = kind;
    this.size = Math.max(1, size);
  }

  private async spawn(): Promise<Lease> {
    const common = { gzip: true, cacheMethod: 'none' } as const;
    const worker =
      this.kind === 'mrz'
        ? await Tesseract.createWorker(
            'eng',
            Tesseract.OEM.TESSERACT_ONLY,
            { ...common, langPath: LEGACY_LANG_PATH, legacyCore: true, legacyLang: true },
            // Dictionaries only hurt on MRZ text: it has no words.
            { load_system_dawg: '0', load_freq_dawg: '0' },
          )
        : await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { ...common, langPath: LSTM_LANG_PATH });
    if (this.kind === 'mrz') {
      await worker.setParameters({
        tessedit_char_whitelist: MRZ_ALPHABET,
        tessedit_pageseg_mode: Tesseract.PSM.SINGLE_BLOCK,
      });
    }
    // Tesseract has parsed the model into its own structures; the file copy in the worker's
    // in-memory file system is dead weight (tens of MB per worker).
    await worker.FS('unlink', ['./eng.traineddata']).catch(() => undefined);
    await worker.setParameters({
      // Inputs are rescaled to a known character size; the DPI only silences tesseract's guess.
      user_defined_dpi: '300',
      // Documents print dark on light: retrying every uncertain line inverted doubles the time for nothing.
      tessedit_do_invert: '0',
      // Keep tesseract's diagnostics ("Detected N diacritics") off the host's console.
      debug_file: '/dev/null',
    });
    return { worker };
  }

  private async acquire(): Promise<Lease> {
    if (this.closed) throw new EngineError('engine_closed', 'the document engine has been closed');
    const free = this.idle.pop();
    if (free) return free;
    if (this.all.length < this.size) {
      const p = this.spawn();
      this.all.push(p);
      try {
        return await p;
      } catch (err) {
        this.all = this.all.filter((x) => x !== p);
        throw err;
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(l: Lease): void {
    const next = this.waiters.shift();
    if (next) next(l);
    else this.idle.push(l);
  }

  async use<T>(fn: (worker: Tesseract.Worker) => Promise<T>): Promise<T> {
    const lease = await this.acquire();
    try {
      return await fn(lease.worker);
    } finally {
      this.release(lease);
    }
  }

  /** Recognises an image (PNG/JPEG buffer) and returns lines, words and symbols with boxes. */
  recognize(image: Buffer, params: Partial<Tesseract.WorkerParams> = {}): Promise<OcrPage> {
    return this.use(async (worker) => {
      if (Object.keys(params).length) await worker.setParameters(params);
      const { data } = await worker.recognize(image, {}, { blocks: true, text: true });
      return toPage(data);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const leases = await Promise.allSettled(this.all);
    this.all = [];
    this.idle = [];
    await Promise.allSettled(
      leases.map((l) => (l.status === 'fulfilled' ? l.value.worker.terminate() : Promise.resolve())),
    );
  }
}

function toPage(data: Tesseract.Page): OcrPage {
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        lines.push({
          text: line.text.replace(/\n$/, ''),
          confidence: line.confidence,
          bbox: line.bbox,
          words: line.words.map((w) => ({
            text: w.text,
            confidence: w.confidence,
            bbox: w.bbox,
            symbols: w.symbols.map((s) => ({ text: s.text, confidence: s.confidence, bbox: s.bbox })),
          })),
        });
      }
    }
  }
  return { text: data.text, confidence: data.confidence, lines };
}
