import { DocumentEngine } from '@tessera/documents';

let engine: Promise<DocumentEngine> | null = null;

/** One document engine (and its OCR workers) per process, started on first use. */
export function getDocumentEngine(): Promise<DocumentEngine> {
  engine ??= (async () => {
    const e = new DocumentEngine();
    await e.warmUp();
    return e;
  })().catch((err) => {
    engine = null;
    throw err;
  });
  return engine;
}

export async function closeDocumentEngine() {
  if (!engine) return;
  const e = await engine.catch(() => null);
  engine = null;
  await e?.close();
}
