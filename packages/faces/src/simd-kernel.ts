/**
 * A WebAssembly SIMD kernel for int8 dot products, assembled from opcodes at load time (no build
 * step, no binary blob in the repo). Equivalent WAT:
 *
 *   (func (export "scores") (param $q i32) (param $base i32) (param $n i32) (param $dim i32) (param $out i32)
 *     ;; for i in 0..n: out[i] = Σ_j q[j] · base[i·dim + j]   (i8 × i8 → i32, dim a multiple of 32)
 *     per 32 bytes: v128.load q and row, widen i8x16 → i16x8 (low/high), i32x4.dot_i16x8_s, i32x4.add)
 *
 * Scanning int8 codes moves a quarter of the bytes float32 would: a flat scan over a million
 * 128-d faces is bound by memory bandwidth, so this is what makes exhaustive 1:N search fast.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32const = (v: number) => [0x41, ...sleb(v)];
const I32_ADD = [0x6a];
const I32_SHL = [0x74];
const I32_GE_U = [0x4f];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (d: number) => [0x0d, ...uleb(d)];
const br = (d: number) => [0x0c, ...uleb(d)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const V128_LOAD = (offset: number) => simd(0x00, 0x00, ...uleb(offset));
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const EXTEND_LOW_S = simd(0x87);
const EXTEND_HIGH_S = simd(0x88);
const DOT_I16 = simd(0xba);
const I32X4_ADD = simd(0xae);
const lane = (l: number) => simd(0x1b, l);
const I32_STORE = [0x36, 0x02, 0x00];

// Locals: params 0..4, then i, j, p (i32) and acc, qv, bv (v128).
const [Q, BASE, N, DIM, OUT, I, J, P, ACC, QV, BV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/** acc += dot(q[j+off .. +16], row[j+off .. +16]) */
function step16(offset: number): number[] {
  return [
    ...get(Q), ...get(J), ...I32_ADD, ...V128_LOAD(offset), ...set(QV),
    ...get(P), ...get(J), ...I32_ADD, ...V128_LOAD(offset), ...set(BV),
    ...get(ACC),
    ...get(QV), ...EXTEND_LOW_S, ...get(BV), ...EXTEND_LOW_S, ...DOT_I16, ...I32X4_ADD,
    ...get(QV), ...EXTEND_HIGH_S, ...get(BV), ...EXTEND_HIGH_S, ...DOT_I16, ...I32X4_ADD,
    ...set(ACC),
  ];
}

function body(): number[] {
  const code = [
    ...get(BASE), ...set(P),
    ...BLOCK, ...LOOP,
    ...get(I), ...get(N), ...I32_GE_U, ...brIf(1),
    ...V128_ZERO, ...set(ACC),
    ...i32const(0), ...set(J),
    ...BLOCK, ...LOOP,
    ...get(J), ...get(DIM), ...I32_GE_U, ...brIf(1),
    ...step16(0), ...step16(16),
    ...get(J), ...i32const(32), ...I32_ADD, ...set(J),
    ...br(0),
    ...END, ...END,
    ...get(OUT), ...get(I), ...i32const(2), ...I32_SHL, ...I32_ADD,
    ...get(ACC), ...lane(0), ...get(ACC), ...lane(1), ...I32_ADD, ...get(ACC), ...lane(2), ...I32_ADD, ...get(ACC), ...lane(3), ...I32_ADD,
    ...I32_STORE,
    ...get(P), ...get(DIM), ...I32_ADD, ...set(P),
    ...get(I), ...i32const(1), ...I32_ADD, ...set(I),
    ...br(0),
    ...END, ...END,
    ...END,
  ];
  const locals = vec([[3, I32], [3, V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

export function kernelBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0x00]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('scores'), 0x00, 0x00]])),
    ...section(10, vec([body()])),
  ]);
}

/** The slice of the WebAssembly JS API used here (the repo's lib settings carry no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface Kernel {
  memory: WasmMemory;
  scores(q: number, base: number, n: number, dim: number, out: number): void;
}

let compiled: object | null = null;

/** Instantiates the kernel over a fresh memory (one per index, so indexes never share state). */
export function createKernel(initialPages: number): Kernel {
  compiled ??= new wasm.Module(kernelBytes());
  const memory = new wasm.Memory({ initial: initialPages, maximum: 65536 });
  const instance = new wasm.Instance(compiled, { env: { memory } });
  return { memory, scores: instance.exports.scores as Kernel['scores'] };
}
