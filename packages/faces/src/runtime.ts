/**
 * Loads TensorFlow.js (WebAssembly backend), @vladmandic/human and @vladmandic/face-api from
 * files shipped in their npm packages. Nothing is fetched over the network: model URLs are
 * `file://` and served by the load router registered below.
 *
 * TensorFlow.js keeps one engine per process and face-api keeps its networks in module state, so
 * the runtime is a process-wide singleton shared by every FaceEngine.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { Config, FaceResult, Human } from '@vladmandic/human';
import { FaceError } from './errors.ts';

const require = createRequire(import.meta.url);

export interface ModelPaths {
  /** Folder with @vladmandic/human graph models (blazeface, facemesh, iris, emotion, antispoof, liveness). */
  human: string;
  /** Folder with @vladmandic/face-api weights (face_recognition_model, age_gender_model). */
  faceApi: string;
  /** Folder with tfjs-backend-wasm's .wasm binaries. */
  wasm: string;
}

export function defaultModelPaths(): ModelPaths {
  // human's package.json "exports" has no "./package.json" entry: resolve its main file instead.
  const humanMain = require.resolve('@vladmandic/human');
  return {
    human: path.join(path.dirname(humanMain), '..', 'models'),
    faceApi: path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'),
    wasm: path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
  };
}

export interface Runtime {
  tf: typeof tf;
  faceapi: typeof faceapi;
  human: Human;
  paths: ModelPaths;
  loadMs: number;
  /** Runs model work one call at a time: the backend is single-threaded and Human is not re-entrant. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

let routerRegistered = false;

function registerFileRouter(): void {
  if (routerRegistered) return;
  routerRegistered = true;
  const router = (url: string | string[]): tf.io.IOHandler | null => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith('file://')) return null;
    const file = u.slice('file://'.length);
    return {
      load: async () => {
        const json = JSON.parse(await readFile(file, 'utf8')) as tf.io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: tf.io.WeightsManifestEntry[] = [];
          const parts: Buffer[] = [];
          for (const group of manifest) {
            specs.push(...group.weights);
            for (const p of group.paths) parts.push(await readFile(path.join(path.dirname(file), p)));
          }
          const all = Buffer.concat(parts);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  };
  tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

function humanConfig(paths: ModelPaths): Partial<Config> {
  const everyCall = { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath: paths.wasm.endsWith(path.sep) ? paths.wasm : paths.wasm + path.sep,
    modelBasePath: 'file://' + paths.human + '/',
    debug: false,
    // Human's caches reuse results between video frames; here every call is an unrelated image.
    cacheSensitivity: 0,
    skipAllowed: false,
    warmup: 'none',
    async: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { modelPath: 'blazeface.json', rotation: true, maxDetected: 20, minConfidence: 0.3, iouThreshold: 0.1, return: false, ...everyCall },
      mesh: { enabled: true, modelPath: 'facemesh.json' },
      iris: { enabled: true, modelPath: 'iris.json' },
      attention: { enabled: false },
      emotion: { enabled: true, minConfidence: 0, modelPath: 'emotion.json', ...everyCall },
      // Human's own descriptor is far weaker than face-api's ResNet here; age/gender come from face-api.
      description: { enabled: false },
      antispoof: { enabled: true, modelPath: 'antispoof.json', ...everyCall },
      liveness: { enabled: true, modelPath: 'liveness.json', ...everyCall },
    } as Config['face'],
  };
}

let loading: Promise<Runtime> | null = null;

export function loadRuntime(paths: ModelPaths = defaultModelPaths()): Promise<Runtime> {
  loading ??= load(paths).catch((err: unknown) => {
    loading = null;
    if (err instanceof FaceError) throw err;
    throw new FaceError('MODEL_LOAD_FAILED', `Face models could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  });
  return loading;
}

async function load(paths: ModelPaths): Promise<Runtime> {
  const started = performance.now();
  registerFileRouter();
  // Without a platform fetch the emscripten loader reads the .wasm file from disk.
  tfWasm.setWasmPaths(paths.wasm.endsWith(path.sep) ? paths.wasm : paths.wasm + path.sep, false);
  // The emscripten glue adds process-wide uncaughtException/unhandledRejection handlers that
  // rethrow (printing its whole minified source). Error handling belongs to the host: drop them.
  const before = { uncaughtException: process.listeners('uncaughtException'), unhandledRejection: process.listeners('unhandledRejection') };
  try {
    if (tf.getBackend() !== 'wasm') {
      const ok = await tf.setBackend('wasm');
      if (!ok) throw new FaceError('MODEL_LOAD_FAILED', 'The TensorFlow.js WebAssembly backend could not start');
    }
    await tf.ready();
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!before.uncaughtException.includes(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.unhandledRejection.includes(l)) process.removeListener('unhandledRejection', l);
  }

  // The wasm build of human is not reachable through its package "exports"; load it by path.
  const humanFile = path.join(path.dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js');
  const { Human: HumanClass } = require(humanFile) as { Human: new (config: Partial<Config>) => Human };
  const human = new HumanClass(humanConfig(paths));
  await human.load();
  const missing = ['blazeface', 'facemesh', 'iris', 'emotion', 'antispoof', 'liveness'].filter(
    (m) => !human.models.loaded().some((name: string) => name.toLowerCase().includes(m)),
  );
  if (missing.length > 0) throw new FaceError('MODEL_LOAD_FAILED', `Models missing from ${paths.human}: ${missing.join(', ')}`);

  await faceapi.nets.faceRecognitionNet.loadFromDisk(paths.faceApi);
  await faceapi.nets.ageGenderNet.loadFromDisk(paths.faceApi);

  // First inference compiles kernels and allocates buffers (~1 s); pay it at load, not on the first applicant.
  const blank = tf.zeros([256, 256, 3], 'int32') as tf.Tensor3D;
  const chip = tf.zeros([150, 150, 3]) as tf.Tensor3D;
  try {
    await human.detect(blank);
    await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(chip);
    await faceapi.nets.ageGenderNet.predictAgeAndGender(chip);
  } finally {
    tf.dispose([blank, chip]);
  }

  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };

  return { tf, faceapi, human, paths, loadMs: performance.now() - started, exclusive };
}

export type { FaceResult };
