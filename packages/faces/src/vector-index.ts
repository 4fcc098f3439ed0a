/**
 * In-process 1:N face search for deployments without pgvector: an exhaustive scan over int8 codes
 * with a WebAssembly SIMD kernel. Exhaustive means no recall loss from graph or cluster pruning,
 * which matters for duplicate and blacklist checks where a missed neighbour is a missed fraud.
 *
 * Each vector is quantised with its own scale (x · 127 / max|x|). Face embeddings share a large
 * common component, so int8 cosines are only good to ~3e-3 — about two points of calibrated
 * similarity near the threshold. The scan therefore only shortlists: the best candidates are
 * rescored from int16 codes (error ~1e-5), which is what the hits report.
 */
import { FaceError } from './errors.ts';
import { createKernel, type Kernel } from './simd-kernel.ts';
import { distanceToSimilarity, EMBEDDING_DIM, similarityToDistance } from './similarity.ts';

export interface VectorHit {
  id: string;
  /** Cosine distance (1 − cos θ). */
  distance: number;
  /** Calibrated 0–100 similarity. */
  similarity: number;
}

export interface SearchOptions {
  /** Number of neighbours (default 10). */
  k?: number;
  /** Only return hits at or above this calibrated similarity. */
  minSimilarity?: number;
}

export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  /** Adds or replaces the vector stored under id. */
  add(id: string, vector: ArrayLike<number>): void;
  remove(id: string): boolean;
  has(id: string): boolean;
  search(query: ArrayLike<number>, options?: SearchOptions): VectorHit[];
  clear(): void;
}

const PAGE = 65536;
/** Vectors scored per kernel call; bounds the score buffer. */
const CHUNK = 16384;
/** Shortlist kept from the int8 scan before exact rescoring; int8 error cannot reorder beyond it. */
const SHORTLIST_MIN = 64;
/** Cosine margin covering the int8 error when filtering by minSimilarity before rescoring. */
const INT8_MARGIN = 0.01;

export function createVectorIndex(options: { dim?: number; initialCapacity?: number } = {}): VectorIndex {
  const dim = options.dim ?? EMBEDDING_DIM;
  if (!Number.isInteger(dim) || dim <= 0 || dim > 4096) throw new FaceError('INVALID_INPUT', 'dim must be an integer in 1..4096');
  // The kernel consumes 32 bytes per step; pad rows with zeros, which add nothing to a dot product.
  const stride = Math.ceil(dim / 32) * 32;
  const queryAt = 0;
  const scoresAt = stride;
  const vectorsAt = scoresAt + CHUNK * 4;

  let capacity = Math.max(1024, options.initialCapacity ?? 1024);
  const kernel: Kernel = createKernel(Math.ceil((vectorsAt + capacity * stride) / PAGE));
  let scales = new Float32Array(capacity);
  let fine = new Int16Array(capacity * dim);
  let fineScales = new Float32Array(capacity);
  let ids: string[] = [];
  const slotOf = new Map<string, number>();

  const bytes = (): Int8Array => new Int8Array(kernel.memory.buffer);

  function grow(min: number): void {
    let next = capacity;
    while (next < min) next *= 2;
    const needBytes = vectorsAt + next * stride;
    const havePages = kernel.memory.buffer.byteLength / PAGE;
    const needPages = Math.ceil(needBytes / PAGE);
    if (needPages > havePages) {
      try {
        kernel.memory.grow(needPages - havePages);
      } catch {
        throw new FaceError('INVALID_INPUT', `Vector index cannot grow to ${next} vectors (WebAssembly memory limit)`);
      }
    }
    const s = new Float32Array(next);
    s.set(scales);
    scales = s;
    const f = new Int16Array(next * dim);
    f.set(fine);
    fine = f;
    const fs = new Float32Array(next);
    fs.set(fineScales);
    fineScales = fs;
    capacity = next;
  }

  /** Writes the int8 code of v at byte offset `at`; returns the scale that maps codes back to cosines. */
  function encode(v: ArrayLike<number>, at: number): number {
    if (v.length !== dim) throw new FaceError('INVALID_INPUT', `Expected a vector of length ${dim}, got ${v.length}`);
    let norm = 0;
    let maxAbs = 0;
    for (let i = 0; i < dim; i++) {
      const x = v[i]!;
      if (!Number.isFinite(x)) throw new FaceError('INVALID_INPUT', 'Vector contains a non-finite value');
      norm += x * x;
      const a = Math.abs(x);
      if (a > maxAbs) maxAbs = a;
    }
    norm = Math.sqrt(norm);
    const mem = bytes();
    if (norm === 0) {
      mem.fill(0, at, at + stride);
      return 0;
    }
    const q = 127 / maxAbs;
    for (let i = 0; i < dim; i++) mem[at + i] = Math.round(v[i]! * q);
    mem.fill(0, at + dim, at + stride);
    return maxAbs / 127 / norm;
  }

  /** int16 code of v into `fine` at row `slot` (v already validated by encode). */
  function encodeFine(v: ArrayLike<number>, slot: number): number {
    let norm = 0;
    let maxAbs = 0;
    for (let i = 0; i < dim; i++) {
      norm += v[i]! * v[i]!;
      maxAbs = Math.max(maxAbs, Math.abs(v[i]!));
    }
    if (norm === 0) return 0;
    const q = 32767 / maxAbs;
    const row = slot * dim;
    for (let i = 0; i < dim; i++) fine[row + i] = Math.round(v[i]! * q);
    return maxAbs / 32767 / Math.sqrt(norm);
  }

  function fineCosine(query: Int16Array, queryScale: number, slot: number): number {
    const row = slot * dim;
    let dot = 0;
    for (let i = 0; i < dim; i++) dot += query[i]! * fine[row + i]!;
    return dot * queryScale * fineScales[slot]!;
  }

  const index: VectorIndex = {
    dim,
    get size() {
      return ids.length;
    },

    add(id, vector) {
      let slot = slotOf.get(id);
      if (slot === undefined) {
        slot = ids.length;
        if (slot >= capacity) grow(slot + 1);
        ids.push(id);
        slotOf.set(id, slot);
      }
      scales[slot] = encode(vector, vectorsAt + slot * stride);
      fineScales[slot] = encodeFine(vector, slot);
    },

    remove(id) {
      const slot = slotOf.get(id);
      if (slot === undefined) return false;
      const last = ids.length - 1;
      if (slot !== last) {
        // Keep rows contiguous: the last row moves into the hole.
        const mem = bytes();
        mem.copyWithin(vectorsAt + slot * stride, vectorsAt + last * stride, vectorsAt + (last + 1) * stride);
        scales[slot] = scales[last]!;
        fine.copyWithin(slot * dim, last * dim, (last + 1) * dim);
        fineScales[slot] = fineScales[last]!;
        const movedId = ids[last]!;
        ids[slot] = movedId;
        slotOf.set(movedId, slot);
      }
      ids.pop();
      slotOf.delete(id);
      return true;
    },

    has(id) {
      return slotOf.has(id);
    },

    search(query, opts = {}) {
      const k = Math.max(1, Math.min(opts.k ?? 10, 1000));
      const qScale = encode(query, queryAt);
      const n = ids.length;
      if (n === 0 || qScale === 0) return [];
      const minCos = opts.minSimilarity === undefined ? -Infinity : 1 - similarityToDistance(opts.minSimilarity);
      const shortlist = Math.max(SHORTLIST_MIN, 4 * k);
      // Shortlist kept sorted by descending int8 cosine; it is small, so insertion beats a heap.
      const topCos: number[] = [];
      const topSlot: number[] = [];
      let floor = minCos - INT8_MARGIN;
      for (let start = 0; start < n; start += CHUNK) {
        const count = Math.min(CHUNK, n - start);
        kernel.scores(queryAt, vectorsAt + start * stride, count, stride, scoresAt);
        const scores = new Int32Array(kernel.memory.buffer, scoresAt, count);
        for (let i = 0; i < count; i++) {
          const cos = scores[i]! * scales[start + i]! * qScale;
          if (cos <= floor) continue;
          let pos = topCos.length;
          while (pos > 0 && topCos[pos - 1]! < cos) pos--;
          topCos.splice(pos, 0, cos);
          topSlot.splice(pos, 0, start + i);
          if (topCos.length > shortlist) {
            topCos.pop();
            topSlot.pop();
          }
          if (topCos.length === shortlist) floor = Math.max(floor, topCos[shortlist - 1]!);
        }
      }
      const fineQuery = new Int16Array(dim);
      let qNorm = 0;
      let qMax = 0;
      for (let i = 0; i < dim; i++) {
        qNorm += query[i]! * query[i]!;
        qMax = Math.max(qMax, Math.abs(query[i]!));
      }
      for (let i = 0; i < dim; i++) fineQuery[i] = Math.round((query[i]! * 32767) / qMax);
      const fineQScale = qMax / 32767 / Math.sqrt(qNorm);
      return topSlot
        .map((slot) => ({ slot, cos: fineCosine(fineQuery, fineQScale, slot) }))
        .filter((h) => h.cos >= minCos)
        .sort((x, y) => y.cos - x.cos)
        .slice(0, k)
        .map(({ slot, cos }) => {
          const distance = Math.max(0, 1 - cos);
          return { id: ids[slot]!, distance, similarity: distanceToSimilarity(distance) };
        });
    },

    clear() {
      ids = [];
      slotOf.clear();
    },
  };
  return index;
}
