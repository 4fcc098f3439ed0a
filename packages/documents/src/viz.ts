import { states as STATE_NAMES } from 'mrz';
import { parsePrintedDate } from './dates.ts';
import { grayToPng, type Gray } from './image.ts';
import { compareNames, similarity } from './names.ts';
import type { OcrLine, OcrPool } from './ocr.ts';

/** Fields the visual inspection zone labels and the MRZ repeats. */
export const VIZ_FIELDS = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'personalNumber'] as const;
export type VizField = (typeof VIZ_FIELDS)[number];

export interface VizValue {
  text: string;
  /** OCR confidence 0..1. */
  confidence: number;
  /** Where the value was read, in the OCR image's pixels. */
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

export interface VisualZone {
  fields: Partial<Record<VizField, VizValue>>;
  /** Labels recognised, by field (evidence that the layout was understood). */
  labels: Partial<Record<VizField, string>>;
  lineCount: number;
}

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’'`´.:,°º]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

// Label wording in the languages ICAO documents most often pair with English.
const LABELS: Record<VizField | 'other', string[]> = {
  surname: ['surname', 'surnames', 'nom', 'apellidos', 'apellido', 'nachname', 'name', 'cognome', 'primary identifier', 'last name', 'family name', 'nom de famille'],
  givenNames: ['given names', 'given name', 'prenoms', 'prenom', 'nombres', 'vornamen', 'forenames', 'first name', 'secondary identifier', 'nome'],
  documentNumber: ['passport no', 'document no', 'card no', 'dl no', 'licence no', 'license no', 'no du passeport', 'n du passeport', 'no du document', 'n du document', 'numero de document', 'n de permis', 'passport number', 'document number', 'pass nr', 'dokumentennummer', 'pasaporte n'],
  nationality: ['nationality', 'nationalite', 'nacionalidad', 'staatsangehorigkeit', 'cittadinanza', 'citizenship'],
  birthDate: ['date of birth', 'date de naissance', 'fecha de nacimiento', 'geburtsdatum', 'data di nascita', 'dob', 'birth date', 'born'],
  sex: ['sex', 'sexe', 'sexo', 'geschlecht', 'sesso', 'gender'],
  expiryDate: ['date of expiry', 'date d expiration', 'valid until', 'expires', 'expiry', 'exp', 'date of expiration', 'gultig bis', 'fecha de caducidad', 'valide jusqu au', 'expire', 'scadenza'],
  personalNumber: ['personal no', 'no personnel', 'n personnel', 'personal number', 'personal code'],
  other: ['date of issue', 'date de delivrance', 'place of birth', 'lieu de naissance', 'authority', 'autorite', 'type', 'code', 'issued', 'delivre', 'class', 'categorie', 'address', 'adresse', 'signature', 'restrictions', 'endorsements', 'height', 'eyes'],
};

/** How well a line reads as a label of `field` (0..1): every slash-separated part must be label wording. */
function labelScore(text: string, field: VizField | 'other'): number {
  const parts = fold(text)
    .split('/')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return 0;
  let total = 0;
  for (const part of parts) {
    let best = 0;
    for (const l of LABELS[field]) {
      // Short labels must match exactly: "nom" is one letter from many words.
      const s = l.length <= 4 ? (part === l ? 1 : 0) : similarity(part, l);
      if (s > best) best = s;
    }
    total += best;
  }
  return total / parts.length;
}

interface Classified {
  line: OcrLine;
  label: VizField | 'other' | null;
  labelScore: number;
}

function bestLabel(text: string): { label: VizField | 'other' | null; score: number } {
  let label: VizField | 'other' | null = null;
  let best = 0;
  for (const f of [...VIZ_FIELDS, 'other'] as const) {
    const s = labelScore(text, f);
    if (s > best) {
      best = s;
      label = f;
    }
  }
  return { label, score: best };
}

function subLine(words: OcrLine['words']): OcrLine {
  return {
    text: words.map((w) => w.text).join(' '),
    confidence: words.reduce((a, w) => a + w.confidence, 0) / words.length,
    bbox: { x0: Math.min(...words.map((w) => w.bbox.x0)), y0: Math.min(...words.map((w) => w.bbox.y0)), x1: Math.max(...words.map((w) => w.bbox.x1)), y1: Math.max(...words.map((w) => w.bbox.y1)) },
    words,
  };
}

/** Two labels printed close together in one row come back as one line: split where both halves read as labels. */
function splitLabels(line: OcrLine): OcrLine[] {
  if (line.words.length < 2 || bestLabel(line.text).score >= LABEL_MIN) return [line];
  let best: OcrLine[] | null = null;
  let bestScore = 0;
  for (let k = 1; k < line.words.length; k++) {
    const a = subLine(line.words.slice(0, k));
    const b = subLine(line.words.slice(k));
    const sa = bestLabel(a.text).score;
    const sb = bestLabel(b.text).score;
    if (sa >= LABEL_MIN && sb >= LABEL_MIN && sa + sb > bestScore) {
      bestScore = sa + sb;
      best = [a, b];
    }
  }
  return best ?? [line];
}

const LABEL_MIN = 0.72;

function classify(lines: OcrLine[]): Classified[] {
  return lines.flatMap(splitLabels).map((line) => {
    let label: VizField | 'other' | null = null;
    let best = 0;
    for (const f of [...VIZ_FIELDS, 'other'] as const) {
      const s = labelScore(line.text, f);
      if (s > best) {
        best = s;
        label = f;
      }
    }
    return best >= LABEL_MIN ? { line, label, labelScore: best } : { line, label: null, labelScore: best };
  });
}

/** Splits an OCR line where a wide gap separates two columns (labels side by side in one row). */
function splitColumns(line: OcrLine): OcrLine[] {
  const h = Math.max(4, line.bbox.y1 - line.bbox.y0);
  const groups: OcrLine['words'][] = [];
  for (const w of line.words) {
    const last = groups[groups.length - 1];
    if (last && w.bbox.x0 - last[last.length - 1].bbox.x1 < 1.5 * h) last.push(w);
    else groups.push([w]);
  }
  if (groups.length < 2) return [line];
  return groups.map(subLine);
}

/** A white margin: tesseract's page analysis misbehaves on crops whose ink touches the border. */
function padWhite(g: Gray, m: number): Gray {
  const w = g.width + 2 * m;
  const out = new Uint8Array(w * (g.height + 2 * m)).fill(255);
  for (let y = 0; y < g.height; y++) out.set(g.data.subarray(y * g.width, (y + 1) * g.width), (y + m) * w + m);
  return { data: out, width: w, height: g.height + 2 * m };
}

function cropGray(g: Gray, x: number, y: number, w: number, h: number): Gray | null {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(g.width, Math.round(x + w));
  const y1 = Math.min(g.height, Math.round(y + h));
  if (x1 - x0 < 8 || y1 - y0 < 8) return null;
  const out = new Uint8Array((x1 - x0) * (y1 - y0));
  for (let r = 0; r < y1 - y0; r++) out.set(g.data.subarray((y0 + r) * g.width + x0, (y0 + r) * g.width + x1), r * (x1 - x0));
  return { data: out, width: x1 - x0, height: y1 - y0 };
}

/** OCRs an upright image of the document's visual zone and pairs each known label with the value printed under it. */
export async function readVisualZone(pool: OcrPool, doc: Gray): Promise<VisualZone> {
  const page = await pool.recognize(await grayToPng(doc), { tessedit_pageseg_mode: '11' as never });
  const lines = page.lines.flatMap(splitColumns).filter((l) => l.text.trim().length > 0);
  const cls = classify(lines);
  const fields: Partial<Record<VizField, VizValue>> = {};
  const labels: Partial<Record<VizField, string>> = {};
  for (const c of cls) {
    if (!c.label || c.label === 'other' || fields[c.label]) continue;
    const L = c.line.bbox;
    const h = Math.max(4, L.y1 - L.y0);
    let bestV: Classified | null = null;
    let bestD = Infinity;
    for (const v of cls) {
      if (v.label || v === c) continue;
      const V = v.line.bbox;
      const dy = V.y0 - L.y0;
      if (dy <= 0.4 * h || dy > 3.2 * h) continue;
      if (Math.abs(V.x0 - L.x0) > 1.8 * h) continue;
      const d = dy + Math.abs(V.x0 - L.x0);
      if (d < bestD) {
        bestD = d;
        bestV = v;
      }
    }
    labels[c.label] = c.line.text.trim();
    if (!bestV) {
      // One-letter values (sex) are often dropped by page segmentation: read the cell under the label alone.
      if (c.label === 'sex') {
        const cell = cropGray(doc, L.x0 - 0.5 * h, L.y1 + 0.2 * h, 4 * h, 2.6 * h);
        if (cell) {
          const p = await pool.recognize(await grayToPng(padWhite(cell, Math.round(h))), { tessedit_pageseg_mode: '8' as never });
          // Capitals only: specks at the crop edge come back as lower-case noise.
          const caps = p.text.replace(/[^A-Z]/g, '');
          const m = caps.length <= 3 ? /[MFXW]/.exec(caps) : null;
          if (m) fields.sex = { text: m[0], confidence: p.confidence / 100, bbox: { x0: L.x0, y0: L.y1, x1: L.x0 + 4 * h, y1: L.y1 + 2.6 * h } };
        }
      }
      continue;
    }
    fields[c.label] = { text: bestV.line.text.trim(), confidence: bestV.line.confidence / 100, bbox: bestV.line.bbox };
  }
  return { fields, labels, lineCount: lines.length };
}

export type CrossStatus = 'match' | 'mismatch' | 'not_checked';

export interface CrossCheck {
  status: CrossStatus;
  /** Traffic-light colour for reviewers: green = match, red = mismatch, orange = not checked. */
  colour: 'green' | 'red' | 'orange';
  visual: string | null;
  mrz: string | null;
  /** 0..1: OCR confidence of the visual reading combined with how clearly it (mis)matches. */
  confidence: number;
  /** Similarity 0..1 between the two readings where it applies. */
  similarity?: number;
  reason?: string;
}

export interface MrzView {
  surname: string;
  givenNames: string;
  nameTruncated: boolean;
  documentNumber: string;
  nationality: string;
  birthDate: string | null; // ISO
  sex: string; // M F X <
  expiryDate: string | null; // ISO
  personalNumber: string;
}

const colour = (s: CrossStatus): CrossCheck['colour'] => (s === 'match' ? 'green' : s === 'mismatch' ? 'red' : 'orange');

/** Confidence below which an OCR reading cannot accuse: a disagreement is reported as not checked. */
const MIN_ACCUSE_CONFIDENCE = 0.7;

function verdict(visual: VizValue | undefined, mrz: string | null, sim: number, matchAt: number, mismatchBelow: number, extra: Partial<CrossCheck> = {}): CrossCheck {
  if (!visual) return { status: 'not_checked', colour: 'orange', visual: null, mrz, confidence: 0, reason: 'not found in the visual zone', ...extra };
  if (mrz === null || mrz === '') return { status: 'not_checked', colour: 'orange', visual: visual.text, mrz, confidence: 0, reason: 'no MRZ value', ...extra };
  let status: CrossStatus = 'not_checked';
  if (sim >= matchAt) status = 'match';
  else if (sim < mismatchBelow && visual.confidence >= MIN_ACCUSE_CONFIDENCE) status = 'mismatch';
  const conf = status === 'match' ? visual.confidence * sim : status === 'mismatch' ? visual.confidence * (1 - sim) : 0;
  return {
    status,
    colour: colour(status),
    visual: visual.text,
    mrz,
    confidence: Math.round(conf * 100) / 100,
    similarity: Math.round(sim * 100) / 100,
    ...(status === 'not_checked' ? { reason: 'reading too uncertain to compare' } : {}),
    ...extra,
  };
}

/** Letters and digits OCR confuses, folded together for document-number comparison. */
const foldAmbiguous = (s: string): string =>
  s
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .replace(/[OQD]/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/Z/g, '2')
    .replace(/S/g, '5')
    .replace(/B/g, '8');

function nationalitySimilarity(visual: string, code: string): number {
  const v = fold(visual).toUpperCase().replace(/[^A-Z ]/g, '').trim();
  if (!v) return 0;
  if (v.replace(/ /g, '') === code) return 1;
  const name = code === 'UTO' ? 'UTOPIA' : (((STATE_NAMES as Record<string, string>)[code] ?? '') as string).toUpperCase();
  if (!name) return 0;
  const nameParts = name.replace(/\(.*?\)/g, '').replace(/[^A-Z ]/g, ' ').trim();
  // Adjectives share the name's stem: GERMAN / GERMANY, FRENCH / FRANCE is beyond a stem, UTOPIAN / UTOPIA.
  const stem = nameParts.slice(0, Math.max(4, Math.min(6, nameParts.length - 1)));
  if (v.startsWith(stem) || nameParts.startsWith(v)) return 0.95;
  return Math.max(similarity(v, nameParts), similarity(v.split(' ')[0], nameParts.split(' ')[0]));
}

/** Compares each visual-zone field with the MRZ: ICAO transliteration and MRZ truncation count as a match. */
export function crossCheck(viz: VisualZone, mrz: MrzView, now = new Date()): Record<VizField, CrossCheck> {
  const f = viz.fields;
  const out = {} as Record<VizField, CrossCheck>;
  const name = (field: 'surname' | 'givenNames'): CrossCheck => {
    const v = f[field];
    const ref = mrz[field];
    if (!v) return verdict(undefined, ref, 0, 1, 0);
    const cmp = compareNames(v.text, ref, { referenceTruncated: mrz.nameTruncated });
    return verdict(v, ref, cmp.score, 0.85, 0.6, { reason: cmp.match ? cmp.method : undefined });
  };
  out.surname = name('surname');
  out.givenNames = name('givenNames');
  {
    const v = f.documentNumber;
    const sim = v ? similarity(foldAmbiguous(v.text), foldAmbiguous(mrz.documentNumber)) : 0;
    out.documentNumber = verdict(v, mrz.documentNumber, sim, 0.99, 0.75);
  }
  {
    const v = f.nationality;
    out.nationality = verdict(v, mrz.nationality, v ? nationalitySimilarity(v.text, mrz.nationality) : 0, 0.85, 0.5);
  }
  const date = (field: 'birthDate' | 'expiryDate'): CrossCheck => {
    const v = f[field];
    const ref = mrz[field];
    if (!v) return verdict(undefined, ref, 0, 1, 0);
    const iso = parsePrintedDate(v.text, field === 'birthDate' ? 'birth' : 'expiry', { now });
    if (!iso) return { status: 'not_checked', colour: 'orange', visual: v.text, mrz: ref, confidence: 0, reason: 'date not readable' };
    return verdict(v, ref, iso === ref ? 1 : 0, 1, 0.5, { visual: iso });
  };
  out.birthDate = date('birthDate');
  out.expiryDate = date('expiryDate');
  {
    const v = f.sex;
    const letter = v ? (/\b([MFXW])\b/.exec(v.text.toUpperCase())?.[1] ?? null) : null;
    const norm = letter === 'W' ? 'F' : letter;
    const ref = mrz.sex === '<' ? 'X' : mrz.sex;
    out.sex = norm ? verdict(v, ref, norm === ref ? 1 : 0, 1, 0.5, { visual: norm }) : verdict(undefined, ref, 0, 1, 0);
  }
  {
    const v = f.personalNumber;
    const digits = v ? v.text.replace(/[^A-Z0-9]/gi, '') : '';
    if (!mrz.personalNumber) out.personalNumber = { status: 'not_checked', colour: 'orange', visual: v?.text ?? null, mrz: null, confidence: 0, reason: 'no personal number in the MRZ' };
    else out.personalNumber = verdict(digits ? v : undefined, mrz.personalNumber, similarity(foldAmbiguous(digits), foldAmbiguous(mrz.personalNumber)), 0.99, 0.75);
  }
  return out;
}
