/** Child process of the benchmark: runs one system over every set and writes its report. */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseMrz } from 'mrz';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { createDocumentEngine } from '../src/analyze.ts';
import { mrzDateToIso } from '../src/dates.ts';
import { toMrzName } from '../src/names.ts';

export interface BenchCase {
  id: string;
  front: string;
  back?: string;
  mrz: string[] | null;
  fields: Record<string, string>;
}

export interface SetReport {
  docs: number;
  exactMrz: number;
  fieldAccuracy: number;
  p50Ms: number;
  p95Ms: number;
  /** CPU time of the process (all threads) per document: what one core spends, whatever else runs on the machine. */
  cpuP50Ms: number;
  cpuP95Ms: number;
  failures: { id: string; read: string[] | null }[];
}

export interface SystemReport {
  system: string;
  sets: Record<string, SetReport>;
  peakRssMb: number;
  /** Median time per stage (engine only). */
  stageP50Ms?: Record<string, number>;
}

interface Reading {
  mrz: string[] | null;
  fields: Record<string, string | null>;
  stages?: Record<string, number>;
}

const FIELDS = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate'] as const;

/** Names are compared in MRZ spelling: both systems read them from the MRZ. */
function fieldCorrect(name: string, truth: string, read: string | null): boolean {
  if (read === null) return false;
  if (name === 'surname' || name === 'givenNames') return toMrzName(truth) === toMrzName(read);
  return truth === read;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]) : 0;
};

async function engineSystem(): Promise<{ read: (c: BenchCase) => Promise<Reading>; close: () => Promise<void> }> {
  const engine = createDocumentEngine({ mrzWorkers: 1, textWorkers: 1 });
  await engine.warmUp();
  return {
    read: async (c) => {
      const r = await engine.analyzeDocument({ front: readFileSync(c.front), back: c.back ? readFileSync(c.back) : undefined }, { testMode: true });
      return { mrz: r.mrz?.lines ?? null, fields: { ...r.fields }, stages: r.timings };
    },
    close: () => engine.close(),
  };
}

/** Baseline: tesseract.js with default settings on the whole image, MRZ-looking lines parsed by `mrz`. */
async function baselineSystem(): Promise<{ read: (c: BenchCase) => Promise<Reading>; close: () => Promise<void> }> {
  const require = createRequire(import.meta.url);
  const langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  const worker = await Tesseract.createWorker('eng', undefined, { langPath, gzip: true, cacheMethod: 'none' });
  const readSide = async (file: string): Promise<string[] | null> => {
    const { data } = await worker.recognize(readFileSync(file));
    const candidates = data.text
      .split('\n')
      .map((l) => l.replace(/\s+/g, '').toUpperCase())
      .filter((l) => l.length >= 28 && /^[A-Z0-9<«]+$/.test(l.replace(/«/g, '<')) && l.includes('<'));
    if (candidates.length < 2) return null;
    const lines = candidates.slice(-3);
    const n = lines.length === 3 && Math.abs(lines[0].length - 30) <= 2 ? 3 : 2;
    return lines.slice(-n);
  };
  return {
    read: async (c) => {
      const mrz = (c.back ? await readSide(c.back) : null) ?? (await readSide(c.front));
      const fields: Record<string, string | null> = Object.fromEntries(FIELDS.map((f) => [f, null]));
      if (mrz) {
        try {
          const p = parseMrz(mrz, { autocorrect: true });
          const f = p.fields as Record<string, string | null>;
          fields.surname = f.lastName ?? null;
          fields.givenNames = f.firstName ?? null;
          fields.documentNumber = p.documentNumber ?? f.documentNumber ?? null;
          fields.nationality = f.nationality ?? null;
          fields.birthDate = f.birthDate ? mrzDateToIso(f.birthDate, 'birth') : null;
          fields.sex = f.sex === 'male' ? 'M' : f.sex === 'female' ? 'F' : f.sex === 'nonspecified' ? 'X' : null;
          fields.expiryDate = f.expirationDate ? mrzDateToIso(f.expirationDate, 'expiry') : null;
        } catch {
          // Unparseable: the fields stay unread.
        }
      }
      return { mrz, fields };
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

async function main(): Promise<void> {
  const [system, casesFile, outFile] = process.argv.slice(2);
  sharp.concurrency(1);
  const sets = JSON.parse(readFileSync(casesFile, 'utf8')) as Record<string, BenchCase[]>;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const sys = system === 'engine' ? await engineSystem() : await baselineSystem();
  const report: SystemReport = { system, sets: {}, peakRssMb: 0 };
  const stages: Record<string, number[]> = {};
  for (const [name, cases] of Object.entries(sets)) {
    const times: number[] = [];
    const cpu: number[] = [];
    let exact = 0;
    let fieldsOk = 0;
    let fieldsTotal = 0;
    const failures: SetReport['failures'] = [];
    for (const c of cases) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await sys.read(c);
      const dc = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpu.push((dc.user + dc.system) / 1000);
      if (r.stages) for (const [k, v] of Object.entries(r.stages)) (stages[k] ??= []).push(v);
      const ok = !!c.mrz && !!r.mrz && r.mrz.join('\n') === c.mrz.join('\n');
      if (ok) exact++;
      else failures.push({ id: c.id, read: r.mrz });
      for (const f of FIELDS) {
        fieldsTotal++;
        if (fieldCorrect(f, c.fields[f], r.fields[f])) fieldsOk++;
      }
    }
    report.sets[name] = { docs: cases.length, exactMrz: exact / cases.length, fieldAccuracy: fieldsOk / fieldsTotal, p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95), cpuP50Ms: quantile(cpu, 0.5), cpuP95Ms: quantile(cpu, 0.95), failures };
    console.log(`  ${system} ${name}: exact ${exact}/${cases.length}`);
  }
  await sys.close();
  clearInterval(sampler);
  // maxRSS covers the whole life of the process, worker threads included.
  report.peakRssMb = Math.round(Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1048576);
  if (Object.keys(stages).length) report.stageP50Ms = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, quantile(v, 0.5)]));
  writeFileSync(outFile, JSON.stringify(report));
}

if (process.argv[1]?.endsWith('run-system.ts')) await main();
