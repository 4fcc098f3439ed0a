/**
 * `tessera face …` commands. The server mounts faceCommand(); it also runs on its own:
 *   npx tsx packages/faces/src/cli.ts compare a.jpg b.jpg --json
 *   npx tsx packages/faces/src/cli.ts detect photo.jpg --json
 */
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { DetectResult, Face, FaceEngine } from './engine.ts';
import { FaceError, NO_FACE_MESSAGE } from './errors.ts';

export interface FaceCommandOptions {
  createEngine?: () => Promise<FaceEngine>;
  /** Where results go (default stdout). */
  write?: (text: string) => void;
}

function parseThreshold(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('threshold must be a number between 0 and 100');
  return n;
}

/** Embeddings as plain arrays so the JSON is usable outside JavaScript. */
function jsonFace(f: Face, withEmbedding: boolean): Record<string, unknown> {
  const { embedding, ...rest } = f;
  return withEmbedding && embedding ? { ...rest, embedding: Array.from(embedding, (x) => Math.round(x * 1e6) / 1e6) } : rest;
}

function describeFace(f: Face, i: number): string {
  const b = f.box;
  return (
    `  face ${i + 1}: box ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}  ` +
    `yaw ${f.pose.yaw}° pitch ${f.pose.pitch}° roll ${f.pose.roll}°  quality ${f.quality.score}` +
    (f.quality.issues.length ? ` (${f.quality.issues.join(', ')})` : '') +
    `  eyes ${f.eyesOpen ? 'open' : 'closed'}  age ~${f.age} ${f.gender}  anti-spoof ${f.antiSpoof.score}${f.antiSpoof.live ? '' : ' (suspect)'}`
  );
}

export function faceCommand(options: FaceCommandOptions = {}): Command {
  const write = options.write ?? ((t: string) => process.stdout.write(t + '\n'));
  const makeEngine = options.createEngine ?? (async () => (await import('./engine.ts')).createFaceEngine());

  async function withEngine(json: boolean, fn: (engine: FaceEngine) => Promise<void>): Promise<void> {
    let engine: FaceEngine | null = null;
    try {
      engine = await makeEngine();
      await fn(engine);
    } catch (err) {
      const e = err instanceof FaceError ? err : new FaceError('INVALID_INPUT', err instanceof Error ? err.message : String(err));
      if (json) write(JSON.stringify({ error: e.toJSON() }));
      else write(`error (${e.code}): ${e.message}`);
      process.exitCode = 1;
    } finally {
      await engine?.close();
    }
  }

  async function load(file: string): Promise<Uint8Array> {
    try {
      return await readFile(file);
    } catch {
      throw new FaceError('INVALID_INPUT', `Cannot read file: ${file}`);
    }
  }

  const face = new Command('face').description('Face detection and matching');

  face
    .command('compare')
    .description('Compare the largest face of two images')
    .argument('<a>', 'first image')
    .argument('<b>', 'second image')
    .option('--json', 'print JSON')
    .option('--threshold <n>', 'similarity needed for a match (0–100)', parseThreshold)
    .action(async (a: string, b: string, opts: { json?: boolean; threshold?: number }) => {
      await withEngine(!!opts.json, async (engine) => {
        const r = await engine.compare(await load(a), await load(b), opts.threshold === undefined ? {} : { threshold: opts.threshold });
        if (opts.json) write(JSON.stringify(r));
        else write(`similarity ${r.similarity}% — ${r.match ? 'match' : 'no match'} (threshold ${r.threshold}%)`);
      });
    });

  face
    .command('detect')
    .description('Detect faces and report pose, quality, eyes, age/gender and anti-spoofing')
    .argument('<image>', 'image file')
    .option('--json', 'print JSON')
    .option('--embeddings', 'include 128-d embeddings')
    .action(async (image: string, opts: { json?: boolean; embeddings?: boolean }) => {
      await withEngine(!!opts.json, async (engine) => {
        const r: DetectResult = await engine.detect(await load(image), { embeddings: !!opts.embeddings });
        if (opts.json) {
          write(JSON.stringify({ ...r, faces: r.faces.map((f) => jsonFace(f, !!opts.embeddings)), ...(r.faces.length === 0 ? { message: NO_FACE_MESSAGE } : {}) }));
          return;
        }
        write(`${r.image.width}×${r.image.height} ${r.image.format}: ${r.faces.length} face(s)${r.faces.length === 0 ? ' — ' + NO_FACE_MESSAGE : ''}`);
        r.faces.forEach((f, i) => write(describeFace(f, i)));
      });
    });

  return face;
}

const invokedDirectly = ((): boolean => {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  const program = faceCommand();
  program.name('face');
  await program.parseAsync(process.argv);
}
