import crypto from 'node:crypto';

/**
 * Keyed template protection for the searchable copy of face embeddings. A secret orthogonal matrix R,
 * derived from the master key, maps an embedding e to R·e. Orthogonal maps preserve dot products, so
 * cosine distances between protected vectors equal those between the originals and 1:N search (pgvector
 * or in-process) works unchanged; a protected vector is not a template the face model's space accepts
 * without R. The canonical template is stored AES-GCM encrypted beside it.
 */
export function createTemplateProtection(key: Buffer, dim: number) {
  const R = orthogonalFromKey(key, dim);
  return {
    dim,
    protect(e: ArrayLike<number>): number[] {
      if (e.length !== dim) throw new Error(`embedding must have ${dim} dimensions`);
      const out = new Array<number>(dim);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        const row = R[i];
        for (let j = 0; j < dim; j++) s += row[j] * e[j];
        out[i] = s;
      }
      return out;
    },
  };
}

/** A deterministic random orthogonal matrix: Gaussian entries from a keyed stream, then Gram–Schmidt. */
function orthogonalFromKey(key: Buffer, n: number): Float64Array[] {
  let counter = 0;
  let pool: Buffer = Buffer.alloc(0);
  const uniform = () => {
    if (pool.length < 6) {
      pool = crypto.createHmac('sha256', key).update(`tessera-face-template:${counter++}`).digest();
    }
    const v = pool.readUIntBE(0, 6);
    pool = pool.subarray(6);
    return (v + 0.5) / 2 ** 48;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float64Array(n);
    for (let j = 0; j < n; j++) v[j] = gauss();
    // Modified Gram–Schmidt against the rows so far, twice for numerical orthogonality.
    for (let pass = 0; pass < 2; pass++) {
      for (const r of rows) {
        let d = 0;
        for (let j = 0; j < n; j++) d += v[j] * r[j];
        for (let j = 0; j < n; j++) v[j] -= d * r[j];
      }
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm);
    for (let j = 0; j < n; j++) v[j] /= norm;
    rows.push(v);
  }
  return rows;
}
