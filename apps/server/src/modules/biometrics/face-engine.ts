import { createFaceEngine, type FaceEngine } from '@tessera/faces';

let engine: Promise<FaceEngine> | null = null;

/** One face engine per process, loaded on first use (models are read from the installed packages). */
export function getFaceEngine(): Promise<FaceEngine> {
  engine ??= createFaceEngine().catch((e) => {
    engine = null;
    throw e;
  });
  return engine;
}
