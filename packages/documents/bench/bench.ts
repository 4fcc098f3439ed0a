/**
 * Document engine benchmark: exact-MRZ read rate, field accuracy, time per document and peak memory,
 * for the engine and for a baseline (tesseract.js default settings on the whole image + `mrz` parse),
 * each in its own child process pinned to one core.
 *
 *   npm run bench -w @tessera/documents [-- --docs 60 --clean 20 --breakdown]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFields } from '../src/mrz/spec.ts';
import { degrade, type Degradation } from '../src/specimen/degrade.ts';
import { generateSpecimen, type SpecimenKind } from '../src/specimen/render.ts';
import type { BenchCase, SystemReport } from './run-system.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const repoRoot = path.resolve(pkg, '../..');
const shared = process.env.TESSERA_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const DOCS = arg('docs', 60);
const CLEAN = arg('clean', 12);
const BREAKDOWN = process.argv.includes('--breakdown');

const KINDS: SpecimenKind[] = ['td3', 'td1', 'td2', 'td3', 'td1', 'mrva', 'mrvb'];

/** Every degradation the brief names, at once: the harshest single setting. */
function combined(i: number): Degradation {
  const deg = 2 + (i % 4) + ((i * 7) % 10) / 10;
  return { backgroundMargin: 0.08, glare: true, rotateDeg: i % 2 ? deg : -deg, downscale: 0.6, blurSigma: 1.5, jpegQuality: 35 };
}

const SINGLE: Record<string, (i: number) => Degradation> = {
  rotation: (i) => ({ backgroundMargin: 0.08, rotateDeg: (2 + (i % 4)) * (i % 2 ? 1 : -1) }),
  blur: () => ({ blurSigma: 1.5 }),
  jpeg35: () => ({ jpegQuality: 35 }),
  glare: () => ({ backgroundMargin: 0.05, glare: true }),
  downscale60: () => ({ downscale: 0.6 }),
  upsideDown: (i) => ({ backgroundMargin: 0.05, rotateDeg: 180 + (2 + (i % 4)) * (i % 2 ? 1 : -1) }),
};

async function makeSet(dir: string, name: string, count: number, seed0: number, d: ((i: number) => Degradation) | null): Promise<BenchCase[]> {
  mkdirSync(path.join(dir, name), { recursive: true });
  const cases: BenchCase[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const s = await generateSpecimen({ kind, seed: seed0 + i });
    const save = async (img: Buffer, side: string, k: number): Promise<string> => {
      const out = d ? await degrade(img, d(i), seed0 + i * 2 + k) : img;
      const file = path.join(dir, name, `${i}-${kind}-${side}.${d?.(i).jpegQuality ? 'jpg' : 'png'}`);
      writeFileSync(file, out);
      return file;
    };
    const front = await save(s.front, 'front', 0);
    const back = s.back && kind === 'td1' ? await save(s.back, 'back', 1) : undefined;
    const p = s.truth.person;
    // Names as the MRZ holds them (transliterated, possibly truncated): what a reader can recover.
    const m = s.truth.mrz && s.truth.format ? extractFields(s.truth.format, s.truth.mrz) : null;
    cases.push({
      id: `${name}/${i}-${kind}`,
      front,
      back,
      mrz: s.truth.mrz,
      fields: { surname: m?.surname ?? p.surname, givenNames: m?.givenNames ?? p.givenNames, documentNumber: p.documentNumber, nationality: p.nationality, birthDate: p.birthDate, sex: p.sex, expiryDate: p.expiryDate },
    });
  }
  return cases;
}

function realSpecimens(): BenchCase[] | null {
  const dir = path.join(shared, 'documents/passporteye');
  if (!existsSync(dir)) return null;
  const td3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
  const td2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
  const fields = (num: string) => ({ surname: 'ERIKSSON', givenNames: 'ANNA MARIA', documentNumber: num, nationality: 'UTO', birthDate: '1974-08-12', sex: 'F', expiryDate: '2012-04-15' });
  return ['passport-td3.jpg', 'passport-td3.png', 'passport-td2.jpg', 'passport-td2.png']
    .filter((f) => existsSync(path.join(dir, f)))
    .map((f) => ({ id: `icao/${f}`, front: path.join(dir, f), mrz: f.includes('td3') ? td3 : td2, fields: fields(f.includes('td3') ? 'L898902C3' : 'D23145890') }));
}

function runSystem(system: 'engine' | 'baseline', casesFile: string, outFile: string): Promise<SystemReport> {
  // One core: pinned with taskset where available, and libvips limited to one thread in the child.
  const node = [process.execPath, '--import', 'tsx', path.join(here, 'run-system.ts'), system, casesFile, outFile];
  const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const cmd = hasTaskset ? ['taskset', '-c', '0', ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: pkg, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, UV_THREADPOOL_SIZE: '1', VIPS_CONCURRENCY: '1' } });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(readFileSync(outFile, 'utf8')) as SystemReport) : reject(new Error(`${system} exited with ${code}`))));
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

async function main(): Promise<void> {
  const dir = path.join(tmpdir(), `tessera-doc-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${DOCS} degraded + ${CLEAN} clean specimens in ${dir} …`);
  const sets: Record<string, BenchCase[]> = {
    degraded: await makeSet(dir, 'degraded', DOCS, 10_000, combined),
    cleanGenerated: await makeSet(dir, 'clean', CLEAN, 20_000, null),
  };
  if (BREAKDOWN) for (const [name, d] of Object.entries(SINGLE)) sets[name] = await makeSet(dir, name, Math.max(12, Math.round(DOCS / 4)), 30_000, d);
  const real = realSpecimens();
  if (real) sets.realSpecimens = real;
  else console.log(`real ICAO specimens not found under ${shared} (set TESSERA_SHARED_DATA): skipping that set`);
  const casesFile = path.join(dir, 'cases.json');
  writeFileSync(casesFile, JSON.stringify(sets));

  const reports: Record<string, SystemReport> = {};
  for (const system of ['engine', 'baseline'] as const) {
    console.log(`running ${system} …`);
    reports[system] = await runSystem(system, casesFile, path.join(dir, `${system}.json`));
  }

  const rows: string[] = [];
  rows.push(`${'set'.padEnd(16)} ${'system'.padEnd(9)} ${'docs'.padStart(4)} ${'exact MRZ'.padStart(10)} ${'fields'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'cpu p50'.padStart(8)} ${'cpu p95'.padStart(8)}`);
  for (const set of Object.keys(sets)) {
    for (const system of ['engine', 'baseline'] as const) {
      const r = reports[system].sets[set];
      rows.push(`${set.padEnd(16)} ${system.padEnd(9)} ${String(r.docs).padStart(4)} ${pct(r.exactMrz).padStart(10)} ${pct(r.fieldAccuracy).padStart(7)} ${String(r.p50Ms).padStart(7)} ${String(r.p95Ms).padStart(7)} ${String(r.cpuP50Ms).padStart(8)} ${String(r.cpuP95Ms).padStart(8)}`);
    }
  }
  rows.push(`peak RSS: engine ${reports.engine.peakRssMb} MB, baseline ${reports.baseline.peakRssMb} MB`);
  const e = reports.engine.sets;
  const b = reports.baseline.sets;
  const targets = {
    exactMrzDegraded: { target: '>= 97%', value: pct(e.degraded.exactMrz), met: e.degraded.exactMrz >= 0.97 },
    exactMrzRealSpecimens: real ? { target: '100%', value: pct(e.realSpecimens.exactMrz), met: e.realSpecimens.exactMrz === 1 } : { target: '100%', value: 'skipped', met: null },
    p50: { target: '<= 800 ms', value: `${e.degraded.p50Ms} ms`, met: e.degraded.p50Ms <= 800 },
    cpuP50: { target: '<= 800 ms of CPU', value: `${e.degraded.cpuP50Ms} ms`, met: e.degraded.cpuP50Ms <= 800 },
    peakRss: { target: '<= 512 MB', value: `${reports.engine.peakRssMb} MB`, met: reports.engine.peakRssMb <= 512 },
    vsBaseline: { target: 'several times the baseline read rate', value: b.degraded.exactMrz > 0 ? `${(e.degraded.exactMrz / b.degraded.exactMrz).toFixed(1)}×` : `baseline 0%`, met: e.degraded.exactMrz >= 3 * b.degraded.exactMrz },
  };
  console.log('\n' + rows.join('\n'));
  console.log(`load average during the run: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (wall times include waiting for the core)`);
  console.log('\ntargets:');
  for (const [k, t] of Object.entries(targets)) console.log(`  ${k.padEnd(22)} ${String(t.value).padEnd(10)} (${t.target}) ${t.met === null ? '-' : t.met ? 'met' : 'NOT met'}`);
  const outDir = path.join(pkg, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const os = await import('node:os');
  const out = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() }, degradation: 'all at once: rotation 2–5.9°, blur σ 1.5, JPEG 35, glare, 60% downscale, on a table background', reports, targets };
  writeFileSync(path.join(outDir, 'documents.json'), JSON.stringify(out, null, 2));
  console.log(`\nwritten ${path.join(outDir, 'documents.json')}`);
}

await main();
