import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { analyzeDocument, closeSharedEngine, type AnalyzeOptions, type DocumentResult } from './analyze.ts';
import { EngineError } from './errors.ts';
import type { DocumentType, FixedInfo } from './rules.ts';
import { degrade, type Degradation } from './specimen/degrade.ts';
import { generateSpecimen, SPECIMEN_KINDS, TAMPERS, type SpecimenKind, type Tamper } from './specimen/render.ts';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
};
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** `rotate=3,blur=1.5,jpeg=35,downscale=0.6,margin=0.08,glare,screen,grayscale` */
export function parseDegradation(spec: string): Degradation {
  const d: Degradation = {};
  for (const part of list(spec)) {
    const [k, v] = part.split('=');
    const num = (): number => {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new InvalidArgumentError(`${k} needs a number`);
      return n;
    };
    if (k === 'rotate') d.rotateDeg = num();
    else if (k === 'blur') d.blurSigma = num();
    else if (k === 'jpeg') d.jpegQuality = num();
    else if (k === 'downscale') d.downscale = num();
    else if (k === 'margin') d.backgroundMargin = num();
    else if (k === 'glare') d.glare = true;
    else if (k === 'screen') d.screen = true;
    else if (k === 'grayscale') d.grayscale = true;
    else throw new InvalidArgumentError(`unknown degradation: ${k}`);
  }
  return d;
}

async function readInput(path: string, label: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new EngineError('unreadable_file', `cannot read the ${label} image ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** The `doc inspect --json` shape: the result without the portrait bytes. */
export function inspectJson(r: DocumentResult): Record<string, unknown> {
  const { portrait, ...rest } = r;
  return {
    documentType: rest.documentType,
    issuingState: rest.issuingState,
    mrz: rest.mrz,
    fields: rest.fields,
    crossChecks: rest.crossChecks,
    quality: rest.quality,
    signals: rest.signals,
    timings: rest.timings,
    rules: rest.rules,
    extracted: rest.extracted,
    barcode: rest.barcode,
    documentKey: rest.documentKey,
    review: rest.review,
    portrait: portrait ? { format: 'jpeg', bytes: portrait.length } : null,
  };
}

function summary(r: DocumentResult): string {
  const lines = [`document: ${r.documentType} ${r.issuingState ?? '?'}`];
  if (r.mrz) lines.push(`mrz: ${r.mrz.format} ${r.mrz.valid ? 'valid' : 'INVALID'}`, ...r.mrz.lines.map((l) => `  ${l}`));
  else lines.push('mrz: not found');
  for (const [k, v] of Object.entries(r.fields)) lines.push(`  ${k}: ${v ?? '-'}`);
  for (const [k, c] of Object.entries(r.crossChecks)) lines.push(`cross-check ${k}: ${c?.status}`);
  for (const side of ['front', 'back'] as const) {
    const q = r.quality[side];
    if (!q) continue;
    lines.push(`quality ${side}: ${Object.entries(q).filter(([, c]) => typeof c === 'object').map(([k, c]) => `${k}=${(c as { status: string }).status}`).join(' ')}`);
  }
  for (const s of r.signals) lines.push(`signal ${s.severity} ${s.code}: ${s.message}`);
  for (const rule of r.rules) lines.push(`rule ${rule.rule}: ${rule.status}`);
  lines.push(`review needed: ${r.review.needed ? 'yes' : 'no'}`, `time: ${r.timings.total} ms`);
  return lines.join('\n') + '\n';
}

/** `doc` command group (mounted by the server's `tessera` CLI as `tessera doc …`). */
export function docCommand(io: CliIo = defaultIo): Command {
  const doc = new Command('doc').description('document verification: inspect document images, render specimens');
  doc.configureOutput({ writeOut: io.out, writeErr: io.err });

  doc
    .command('inspect')
    .description('analyse a document image (MRZ, visual zone, barcode, quality, fraud signals, rules)')
    .argument('<front>', 'front image (JPEG, PNG or WebP)')
    .option('--back <image>', 'back image')
    .option('--json', 'print the full result as JSON')
    .option('--test-mode', 'accept ICAO specimen states (UTO)')
    .option('--min-age <years>', 'minimum age', int)
    .option('--max-age <years>', 'maximum age', int)
    .option('--expiry-adjustment <months>', 'months added to the expiry date before the expiry check', int)
    .option('--allowed-states <codes>', 'comma-separated ICAO issuing-state codes', list)
    .option('--excluded-states <codes>', 'comma-separated ICAO issuing-state codes', list)
    .option('--allowed-types <types>', 'comma-separated document types (passport, id_card, …)', list)
    .option('--mrz-required', 'fail when no valid MRZ is read')
    .option('--fixed-info <json>', 'applicant-provided data to compare, e.g. {"lastName":"…","birthDate":"1990-01-31"}')
    .option('--no-visual-zone', 'skip visual-zone OCR and cross-checks')
    .option('--portrait <file>', 'write the cropped document photo (JPEG) here')
    .action(async (front: string, o: Record<string, unknown>) => {
      try {
        let fixedInfo: FixedInfo | undefined;
        if (typeof o.fixedInfo === 'string') {
          try {
            fixedInfo = JSON.parse(o.fixedInfo) as FixedInfo;
          } catch {
            throw new EngineError('invalid_options', '--fixed-info is not valid JSON');
          }
        }
        const input = { front: await readInput(front, 'front'), back: typeof o.back === 'string' ? await readInput(o.back, 'back') : undefined };
        const options: AnalyzeOptions = {
          testMode: !!o.testMode,
          minAge: o.minAge as number | undefined,
          maxAge: o.maxAge as number | undefined,
          expiryAdjustmentMonths: o.expiryAdjustment as number | undefined,
          allowedStates: o.allowedStates as string[] | undefined,
          excludedStates: o.excludedStates as string[] | undefined,
          allowedTypes: o.allowedTypes as DocumentType[] | undefined,
          mrzRequired: !!o.mrzRequired,
          fixedInfo,
          visualZone: o.visualZone !== false,
        };
        const result = await analyzeDocument(input, options);
        if (typeof o.portrait === 'string' && result.portrait) await writeFile(o.portrait, result.portrait);
        io.out(o.json ? JSON.stringify(inspectJson(result), null, 2) + '\n' : summary(result));
      } catch (err) {
        const e = err instanceof EngineError ? err : new EngineError('corrupt_image', (err as Error).message);
        io.err(`error: ${e.message} (${e.code})\n`);
        process.exitCode = 2;
      } finally {
        await closeSharedEngine();
      }
    });

  doc
    .command('specimen')
    .description('render a test document with a valid MRZ (or a tampered variant)')
    .addOption(new Option('--kind <kind>', 'document kind').choices([...SPECIMEN_KINDS]).default('td3'))
    .addOption(new Option('--tamper <variant>', 'tampered variant').choices([...TAMPERS]).default('none'))
    .option('--seed <n>', 'random seed (same seed, same document)', int)
    .option('--out <file>', 'front image (PNG, or JPEG when degraded with jpeg=…)')
    .option('--back-out <file>', 'back image (TD1 cards and driving licences)')
    .option('--photo <file>', 'face photo for the portrait (a drawn silhouette otherwise)')
    .option('--surname <name>', 'surname as printed (diacritics allowed)')
    .option('--given-names <names>', 'given names as printed')
    .option('--issuing-state <code>', 'ICAO code of the issuing state')
    .option('--degrade <spec>', 'capture defects, e.g. rotate=3,blur=1.5,jpeg=35,downscale=0.6,margin=0.08,glare,screen,grayscale', parseDegradation)
    .option('--truth <file>', 'write the ground truth (MRZ, data) as JSON here')
    .action(async (o: Record<string, unknown>) => {
      try {
        const kind = o.kind as SpecimenKind;
        const person: Record<string, string> = {};
        if (typeof o.surname === 'string') person.surname = o.surname;
        if (typeof o.givenNames === 'string') person.givenNames = o.givenNames;
        if (typeof o.issuingState === 'string') person.issuingState = person.nationality = o.issuingState.toUpperCase();
        const set = await generateSpecimen({
          kind,
          tamper: o.tamper as Tamper,
          seed: o.seed as number | undefined,
          person,
          portrait: typeof o.photo === 'string' ? await readInput(o.photo, 'photo') : undefined,
        });
        const d = o.degrade as Degradation | undefined;
        const finish = async (img: Buffer, seed: number): Promise<Buffer> => (d ? degrade(img, d, seed) : img);
        const ext = d?.jpegQuality ? 'jpg' : 'png';
        const out = typeof o.out === 'string' ? o.out : `specimen-${kind}-front.${ext}`;
        await writeFile(out, await finish(set.front, 1));
        const written = [out];
        if (set.back) {
          const backOut = typeof o.backOut === 'string' ? o.backOut : `specimen-${kind}-back.${ext}`;
          await writeFile(backOut, await finish(set.back, 2));
          written.push(backOut);
        }
        if (typeof o.truth === 'string') {
          await writeFile(o.truth, JSON.stringify(set.truth, null, 2) + '\n');
          written.push(o.truth);
        }
        io.out(`${written.join('\n')}\n`);
        if (set.truth.mrz) io.out(`${set.truth.mrz.join('\n')}\n`);
      } catch (err) {
        io.err(`error: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
  return doc;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await docCommand().parseAsync(process.argv);
}
