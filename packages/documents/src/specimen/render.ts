import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import bwipjs from 'bwip-js/node';
import { buildAamva } from '../aamva.ts';
import { addMonths, isoToMrzDate, todayIso } from '../dates.ts';
import { EngineError } from '../errors.ts';
import { buildMrz, type MrzFormat } from '../mrz/spec.ts';
import { toMrzName } from '../names.ts';
import { int, pick, randomPerson, rng, stateName, type SpecimenPerson } from './data.ts';

const FONT_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));
let fontsReady = false;
function ensureFonts(): void {
  if (fontsReady) return;
  GlobalFonts.registerFromPath(FONT_DIR + 'OCRB.otf', 'Tessera OCRB');
  GlobalFonts.registerFromPath(FONT_DIR + 'DejaVuSans.ttf', 'Tessera Sans');
  GlobalFonts.registerFromPath(FONT_DIR + 'DejaVuSans-Bold.ttf', 'Tessera Sans Bold');
  fontsReady = true;
}

export type SpecimenKind = 'td3' | 'td2' | 'td1' | 'mrva' | 'mrvb' | 'dl';
export const SPECIMEN_KINDS: readonly SpecimenKind[] = ['td3', 'td2', 'td1', 'mrva', 'mrvb', 'dl'];
export type Tamper = 'none' | 'check_digit' | 'name_mismatch' | 'expired' | 'underage';
export const TAMPERS: readonly Tamper[] = ['none', 'check_digit', 'name_mismatch', 'expired', 'underage'];

export interface SpecimenOptions {
  kind: SpecimenKind;
  tamper?: Tamper;
  /** Same seed, same document. */
  seed?: number;
  side?: 'front' | 'back';
  /** Overrides for the generated person (ISO dates). */
  person?: Partial<SpecimenPerson>;
  /** A face photo (any image sharp/canvas can read) for the portrait; a drawn silhouette otherwise. */
  portrait?: Buffer;
  /** Reference date for validity, expiry and age (default: now). */
  now?: Date;
  /** Pixels per millimetre (default 12: a TD3 page is 1500 × 1056). */
  scale?: number;
}

export interface SpecimenTruth {
  kind: SpecimenKind;
  tamper: Tamper;
  format: MrzFormat | null;
  /** The MRZ as printed (tampered variants included). */
  mrz: string[] | null;
  person: SpecimenPerson;
  /** Names as printed in the visual zone (differ from the MRZ for `name_mismatch`). */
  printed: { surname: string; givenNames: string };
  /** AAMVA barcode payload (driving licences). */
  barcode: string | null;
}

export interface SpecimenSet {
  front: Buffer;
  back: Buffer | null;
  truth: SpecimenTruth;
}

const SIZES_MM: Record<SpecimenKind, [number, number]> = {
  td3: [125, 88],
  td2: [105, 74],
  td1: [85.6, 54],
  mrva: [120, 80],
  mrvb: [105, 74],
  dl: [85.6, 54],
};

const FORMAT_OF: Partial<Record<SpecimenKind, MrzFormat>> = { td3: 'TD3', td2: 'TD2', td1: 'TD1', mrva: 'MRVA', mrvb: 'MRVB' };
const DOC_CODE: Partial<Record<SpecimenKind, string>> = { td3: 'P', td2: 'I', td1: 'I', mrva: 'V', mrvb: 'V' };

const TITLES: Record<SpecimenKind, [string, string]> = {
  td3: ['PASSPORT', 'PASSEPORT'],
  td2: ['IDENTITY CARD', "CARTE D'IDENTITÉ"],
  td1: ['IDENTITY CARD', "CARTE D'IDENTITÉ"],
  mrva: ['VISA', 'VISA'],
  mrvb: ['VISA', 'VISA'],
  dl: ['DRIVER LICENSE', 'PERMIS DE CONDUIRE'],
};

const MONTHS_EN = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTHS_FR = ['JAN', 'FÉV', 'MARS', 'AVR', 'MAI', 'JUIN', 'JUIL', 'AOÛT', 'SEPT', 'OCT', 'NOV', 'DÉC'];

function printedDate(iso: string, style: number): string {
  const [y, m, d] = iso.split('-');
  const mi = Number(m) - 1;
  if (style === 0) return `${d} ${MONTHS_EN[mi]}/${MONTHS_FR[mi]} ${y.slice(2)}`;
  if (style === 1) return `${d}.${m}.${y}`;
  return `${d} ${MONTHS_EN[mi]} ${y}`;
}

/** Renders one side of a specimen document as PNG. */
export async function renderSpecimen(opts: SpecimenOptions): Promise<Buffer> {
  const set = await generateSpecimen(opts);
  if (opts.side === 'back') {
    if (!set.back) throw new EngineError('invalid_options', `a ${opts.kind} specimen has no back side`);
    return set.back;
  }
  return set.front;
}

/** Renders a specimen (front, and back for cards) with its ground truth. */
export async function generateSpecimen(opts: SpecimenOptions): Promise<SpecimenSet> {
  if (!SIZES_MM[opts.kind]) throw new EngineError('invalid_options', `unknown specimen kind: ${String(opts.kind)}`);
  ensureFonts();
  const tamper = opts.tamper ?? 'none';
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const r = rng(seed);
  const now = opts.now ?? new Date();
  const person: SpecimenPerson = { ...randomPerson(r, now), ...opts.person };
  const today = todayIso(now);
  if (tamper === 'expired') {
    person.expiryDate = addMonths(today, -int(r, 2, 30));
    person.issueDate = addMonths(person.expiryDate, -120);
  }
  if (tamper === 'underage') person.birthDate = addMonths(today, -(15 * 12 + int(r, 0, 11)));
  const printed = { surname: person.surname, givenNames: person.givenNames };
  if (tamper === 'name_mismatch') {
    let other = randomPerson(r, now).surname;
    while (toMrzName(other) === toMrzName(person.surname)) other = randomPerson(r, now).surname;
    printed.surname = other;
  }

  const format = FORMAT_OF[opts.kind] ?? null;
  let mrz: string[] | null = null;
  if (format) {
    mrz = buildMrz({
      format,
      documentCode: DOC_CODE[opts.kind]!,
      issuingState: person.issuingState,
      surname: toMrzName(person.surname),
      givenNames: toMrzName(person.givenNames),
      documentNumber: person.documentNumber,
      nationality: person.nationality,
      birthDate: isoToMrzDate(person.birthDate),
      sex: person.sex,
      expiryDate: isoToMrzDate(person.expiryDate),
      personalNumber: person.personalNumber,
    });
    if (tamper === 'check_digit') {
      const line = format === 'TD1' ? 0 : 1;
      const pos = format === 'TD1' ? 14 : 9;
      const l = mrz[line];
      const digit = l[pos] === '<' ? 0 : Number(l[pos]);
      mrz[line] = l.slice(0, pos) + String((digit + int(r, 1, 9)) % 10) + l.slice(pos + 1);
    }
  }
  const barcode =
    opts.kind === 'dl'
      ? buildAamva({
          iin: '636999',
          surname: toMrzName(printed.surname),
          firstName: toMrzName(person.givenNames.split(' ')[0]),
          middleName: person.givenNames.split(' ').slice(1).map(toMrzName).join(' ') || undefined,
          birthDate: person.birthDate,
          expiryDate: person.expiryDate,
          issueDate: person.issueDate,
          licenceNumber: person.documentNumber,
          sex: person.sex,
          street: person.street,
          city: person.city,
          jurisdiction: 'UT',
          postalCode: person.postalCode,
          country: 'USA',
        })
      : null;
  const scale = opts.scale ?? 12;
  const ctxInfo = { kind: opts.kind, person, printed, r, scale, dateStyle: int(r, 0, 2), hue: int(r, 0, 359) };
  const front = await drawFront(ctxInfo, opts.kind === 'td1' ? null : mrz, opts.portrait);
  let back: Buffer | null = null;
  if (opts.kind === 'td1') back = await drawCardBack(ctxInfo, mrz!);
  if (opts.kind === 'dl') back = await drawLicenceBack(ctxInfo, barcode!);
  return { front, back, truth: { kind: opts.kind, tamper, format, mrz, person, printed, barcode } };
}

interface DrawInfo {
  kind: SpecimenKind;
  person: SpecimenPerson;
  printed: { surname: string; givenNames: string };
  r: () => number;
  scale: number;
  dateStyle: number;
  hue: number;
}

function page(info: DrawInfo): { ctx: SKRSContext2D; W: number; H: number; mm: (v: number) => number; encode: () => Promise<Buffer> } {
  const [wmm, hmm] = SIZES_MM[info.kind];
  const mm = (v: number): number => v * info.scale;
  const W = Math.round(mm(wmm));
  const H = Math.round(mm(hmm));
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  drawSecurityBackground(ctx, W, H, info);
  return { ctx, W, H, mm, encode: () => canvas.encode('png') };
}

/** Pastel gradient, guilloche rosettes and fine wave lines: the look of security printing. */
function drawSecurityBackground(ctx: SKRSContext2D, W: number, H: number, info: DrawInfo): void {
  const { hue, r } = info;
  const g = ctx.createLinearGradient(0, 0, W, H);
  g.addColorStop(0, `hsl(${hue}, 45%, 93%)`);
  g.addColorStop(0.5, `hsl(${(hue + 40) % 360}, 40%, 90%)`);
  g.addColorStop(1, `hsl(${(hue + 80) % 360}, 45%, 93%)`);
  ctx.fillStyle = g;
  ctx.beginPath();
  ctx.roundRect(0, 0, W, H, info.scale * 3);
  ctx.fill();
  ctx.save();
  ctx.clip();
  ctx.lineWidth = Math.max(0.6, info.scale / 14);
  for (let k = 0; k < 26; k++) {
    ctx.strokeStyle = `hsla(${(hue + k * 7) % 360}, 50%, 70%, 0.35)`;
    ctx.beginPath();
    const amp = H * (0.03 + 0.02 * Math.sin(k));
    const freq = (2 * Math.PI * (2 + (k % 3))) / W;
    for (let x = 0; x <= W; x += 4) {
      const y = (H * k) / 26 + amp * Math.sin(freq * x + k * 0.7);
      if (x === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  const cx = W * (0.55 + 0.2 * r());
  const cy = H * (0.35 + 0.2 * r());
  const R = Math.min(W, H) * 0.32;
  ctx.strokeStyle = `hsla(${(hue + 180) % 360}, 35%, 65%, 0.28)`;
  for (let k = 0; k < 36; k++) {
    ctx.beginPath();
    for (let a = 0; a <= Math.PI * 2 + 0.01; a += 0.02) {
      const rr = R * (0.7 + 0.3 * Math.cos(7 * a + (k * Math.PI) / 18));
      const x = cx + rr * Math.cos(a);
      const y = cy + rr * Math.sin(a);
      if (a === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  ctx.restore();
}

async function drawPortrait(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: () => number, photo?: Buffer): Promise<void> {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  if (photo) {
    const img = await loadImage(photo);
    const s = Math.max(w / img.width, h / img.height);
    ctx.drawImage(img, x + (w - img.width * s) / 2, y + (h - img.height * s) / 2, img.width * s, img.height * s);
  } else {
    const bg = ctx.createLinearGradient(x, y, x, y + h);
    bg.addColorStop(0, '#dfe7ee');
    bg.addColorStop(1, '#b9c6d2');
    ctx.fillStyle = bg;
    ctx.fillRect(x, y, w, h);
    const skin = pick(r, ['#f1c9a5', '#e0ac69', '#c68642', '#8d5524', '#ffdbac', '#a66a3f']);
    const hair = pick(r, ['#2b1a0f', '#5a3825', '#b88b4a', '#1c1c1c', '#8a8a8a', '#d6b370']);
    const cx = x + w / 2;
    ctx.fillStyle = pick(r, ['#23324a', '#3d3d3d', '#5b2333', '#1f4d3a']);
    ctx.beginPath();
    ctx.ellipse(cx, y + h * 1.02, w * 0.48, h * 0.3, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = skin;
    ctx.fillRect(cx - w * 0.09, y + h * 0.55, w * 0.18, h * 0.2);
    ctx.fillStyle = hair;
    ctx.beginPath();
    ctx.ellipse(cx, y + h * 0.38, w * 0.27, h * 0.25, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = skin;
    ctx.beginPath();
    ctx.ellipse(cx, y + h * 0.43, w * 0.22, h * 0.24, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#2a2a2a';
    for (const dx of [-0.08, 0.08]) {
      ctx.beginPath();
      ctx.ellipse(cx + w * dx, y + h * 0.4, w * 0.025, h * 0.014, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.strokeStyle = '#8a4b3c';
    ctx.lineWidth = Math.max(1, w / 90);
    ctx.beginPath();
    ctx.arc(cx, y + h * 0.47, w * 0.07, 0.2 * Math.PI, 0.8 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
}

function field(ctx: SKRSContext2D, x: number, y: number, label: string, value: string, mm: (v: number) => number, valueSize = 2.6): void {
  ctx.fillStyle = '#33415c';
  ctx.font = `${mm(1.5)}px "Tessera Sans"`;
  ctx.fillText(label, x, y);
  ctx.fillStyle = '#111111';
  ctx.font = `${mm(valueSize)}px "Tessera Sans Bold"`;
  ctx.fillText(value, x, y + mm(valueSize + 0.6));
}

/** MRZ in OCR-B, every character centred in its 2.54 mm cell as ICAO 9303 prescribes. */
function drawMrz(ctx: SKRSContext2D, lines: string[], W: number, H: number, mm: (v: number) => number): void {
  const pitch = mm(2.54);
  const n = lines[0].length;
  const x0 = (W - n * pitch) / 2;
  const lineGap = mm(4.23);
  const lastBaseline = H - mm(lines.length === 3 ? 3.4 : 4.6);
  ctx.fillStyle = '#f4f4f0';
  ctx.globalAlpha = 0.55;
  ctx.fillRect(0, lastBaseline - lineGap * (lines.length - 1) - mm(4.2), W, lineGap * (lines.length - 1) + mm(6.2));
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#0a0a0a';
  ctx.font = `${mm(3.3)}px "Tessera OCRB"`;
  ctx.textAlign = 'center';
  lines.forEach((line, li) => {
    const baseline = lastBaseline - lineGap * (lines.length - 1 - li);
    for (let k = 0; k < line.length; k++) ctx.fillText(line[k], x0 + (k + 0.5) * pitch, baseline);
  });
  ctx.textAlign = 'left';
}

function header(ctx: SKRSContext2D, info: DrawInfo, W: number, mm: (v: number) => number): void {
  const [en, fr] = TITLES[info.kind];
  ctx.fillStyle = '#1d2b4f';
  ctx.font = `${mm(4)}px "Tessera Sans Bold"`;
  ctx.fillText(stateName(info.person.issuingState).slice(0, 28), mm(5), mm(7.5));
  ctx.font = `${mm(3)}px "Tessera Sans Bold"`;
  const title = `${en} / ${fr}`;
  const tw = ctx.measureText(title).width;
  ctx.fillText(title, Math.max(mm(5), W - mm(5) - tw), mm(7.5));
}

async function drawFront(info: DrawInfo, mrz: string[] | null, photo?: Buffer): Promise<Buffer> {
  const { ctx, W, H, mm, encode } = page(info);
  const { person, printed, kind, r } = info;
  header(ctx, info, W, mm);
  const date = (iso: string): string => printedDate(iso, info.dateStyle);
  const card = kind === 'td1' || kind === 'dl';
  const pw = card ? mm(24) : mm(32);
  const ph = pw * 1.28;
  const px = mm(card ? 4 : 6);
  const py = mm(card ? 11 : 14);
  await drawPortrait(ctx, px, py, pw, ph, r, photo);
  const x = px + pw + mm(card ? 4 : 6);
  const col2 = x + (W - x) * 0.5;
  let y = py + mm(1.5);
  const rows = kind === 'dl' ? 6 : card ? 6 : 7;
  // Fields stay clear of the MRZ zone (the bottom 16 mm of the page) as ICAO 9303 requires.
  const bottom = mrz ? H - mm(16) : H - mm(4);
  const step = Math.min(card ? mm(6.2) : mm(7.4), (bottom - y - mm(4)) / (rows - 1 + 0.6));
  const vs = Math.min(card ? 2.3 : 2.8, step / mm(1) - 2.6);
  const docLabel = kind === 'td3' ? 'Passport No. / N° du passeport' : kind === 'dl' ? 'DL No. / N° de permis' : 'Document No. / N° du document';
  if (kind === 'dl') {
    field(ctx, x, y, docLabel, person.documentNumber, mm, vs);
    field(ctx, col2, y, 'Expires / Expire', date(person.expiryDate), mm, vs);
    y += step;
    field(ctx, x, y, 'Surname / Nom', printed.surname, mm, vs);
    y += step;
    field(ctx, x, y, 'Given names / Prénoms', printed.givenNames, mm, vs);
    y += step;
    field(ctx, x, y, 'Date of birth / Date de naissance', date(person.birthDate), mm, vs);
    field(ctx, col2, y, 'Sex / Sexe', person.sex, mm, vs);
    y += step;
    field(ctx, x, y, 'Address / Adresse', `${person.street}, ${person.city} ${person.postalCode}`, mm, vs * 0.8);
    y += step;
    field(ctx, x, y, 'Class / Catégorie', 'C', mm, vs);
    field(ctx, col2, y, 'Issued / Délivré', date(person.issueDate), mm, vs);
  } else {
    field(ctx, x, y, 'Type', DOC_CODE[kind]!, mm, vs);
    field(ctx, x + mm(14), y, 'Code', person.issuingState, mm, vs);
    field(ctx, col2, y, docLabel, person.documentNumber, mm, vs);
    y += step;
    field(ctx, x, y, 'Surname / Nom', printed.surname, mm, vs);
    y += step;
    field(ctx, x, y, 'Given names / Prénoms', printed.givenNames, mm, vs);
    y += step;
    field(ctx, x, y, 'Nationality / Nationalité', stateName(person.nationality).slice(0, 24), mm, vs);
    if (!card) field(ctx, col2, y, 'Personal No. / N° personnel', person.personalNumber || '—', mm, vs);
    y += step;
    field(ctx, x, y, 'Date of birth / Date de naissance', date(person.birthDate), mm, vs);
    field(ctx, col2, y, 'Sex / Sexe', person.sex, mm, vs);
    y += step;
    if (!card) {
      field(ctx, x, y, 'Place of birth / Lieu de naissance', person.placeOfBirth, mm, vs);
      field(ctx, col2, y, 'Date of issue / Date de délivrance', date(person.issueDate), mm, vs);
      y += step;
    }
    field(ctx, x, y, 'Date of expiry / Date d’expiration', date(person.expiryDate), mm, vs);
    if (!card) field(ctx, col2, y, 'Authority / Autorité', `${person.placeOfBirth} OFFICE`, mm, vs * 0.85);
  }
  // Signature: a pen-like scribble under the portrait.
  ctx.strokeStyle = '#16265e';
  ctx.lineWidth = Math.max(1.2, mm(0.25));
  ctx.beginPath();
  const sy = py + ph + mm(card ? 4 : 5);
  ctx.moveTo(px, sy);
  for (let i = 1; i <= 12; i++) ctx.lineTo(px + (pw * i) / 12, sy + Math.sin(i * 1.7 + r() * 2) * mm(1.4));
  ctx.stroke();
  if (mrz) drawMrz(ctx, mrz, W, H, mm);
  return encode();
}

async function drawCardBack(info: DrawInfo, mrz: string[]): Promise<Buffer> {
  const { ctx, W, H, mm, encode } = page(info);
  const { person } = info;
  const date = (iso: string): string => printedDate(iso, info.dateStyle);
  field(ctx, mm(5), mm(7), 'Date of issue / Date de délivrance', date(person.issueDate), mm, 2.2);
  field(ctx, mm(45), mm(7), 'Authority / Autorité', `${person.placeOfBirth} OFFICE`, mm, 2.0);
  field(ctx, mm(5), mm(16), 'Place of birth / Lieu de naissance', person.placeOfBirth, mm, 2.2);
  field(ctx, mm(45), mm(16), 'Address / Adresse', person.city, mm, 2.2);
  drawMrz(ctx, mrz, W, H, mm);
  return encode();
}

async function drawLicenceBack(info: DrawInfo, payload: string): Promise<Buffer> {
  const { ctx, W, H, mm, encode } = page(info);
  // AAMVA cards use wide symbols; BWIPP options beyond the typed ones pass through as-is.
  const options: bwipjs.RenderOptions & Record<string, unknown> = { bcid: 'pdf417', text: payload, scale: 2, columns: 10, eclevel: 3, binarytext: true };
  const png: Buffer = await bwipjs.toBuffer(options);
  const img = await loadImage(png);
  const bw = W - mm(10);
  const bh = Math.min(H * 0.55, (img.height * bw) / img.width);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(mm(4), mm(12), bw + mm(2), bh + mm(2));
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(img, mm(5), mm(13), bw, bh);
  ctx.fillStyle = '#1d2b4f';
  ctx.font = `${mm(2)}px "Tessera Sans"`;
  ctx.fillText('Restrictions: NONE    Endorsements: NONE', mm(5), mm(8));
  return encode();
}
