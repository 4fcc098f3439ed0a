/**
 * ICAO 9303 machine readable zone layouts: field positions, character classes and check digits.
 * Used to build MRZs (specimens), to repair OCR slips that check digits confirm, and to report
 * each check with its evidence.
 */

export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB';

export const FORMAT_SHAPE: Record<MrzFormat, { lines: number; length: number }> = {
  TD1: { lines: 3, length: 30 },
  TD2: { lines: 2, length: 36 },
  TD3: { lines: 2, length: 44 },
  MRVA: { lines: 2, length: 44 },
  MRVB: { lines: 2, length: 36 },
};

/** a = A–Z, n = 0–9, x = A–Z or 0–9, s = sex (M, F, X); `<` is allowed everywhere as the filler. */
export type CharClass = 'a' | 'n' | 'x' | 's';

export interface Span {
  line: number;
  start: number;
  end: number; // exclusive
}

export interface FieldSpec {
  name: string;
  span: Span;
  cls: CharClass;
}

export interface CheckSpec {
  name: CheckName;
  digit: Span;
  over: Span[];
  /** Personal-number style check: a blank field may carry `<` (or 0) instead of a digit. */
  blankAllowsFiller?: boolean;
}

export type CheckName = 'documentNumber' | 'birthDate' | 'expiryDate' | 'personalNumber' | 'composite';

const s = (line: number, start: number, end: number): Span => ({ line, start, end });

function layout(format: MrzFormat): { fields: FieldSpec[]; checks: CheckSpec[] } {
  const fields: FieldSpec[] = [];
  const checks: CheckSpec[] = [];
  const f = (name: string, span: Span, cls: CharClass): void => {
    fields.push({ name, span, cls });
  };
  switch (format) {
    case 'TD1':
      f('documentCode', s(0, 0, 2), 'a');
      f('issuingState', s(0, 2, 5), 'a');
      f('documentNumber', s(0, 5, 14), 'x');
      f('documentNumberCheck', s(0, 14, 15), 'n');
      f('optional1', s(0, 15, 30), 'x');
      f('birthDate', s(1, 0, 6), 'n');
      f('birthDateCheck', s(1, 6, 7), 'n');
      f('sex', s(1, 7, 8), 's');
      f('expiryDate', s(1, 8, 14), 'n');
      f('expiryDateCheck', s(1, 14, 15), 'n');
      f('nationality', s(1, 15, 18), 'a');
      f('optional2', s(1, 18, 29), 'x');
      f('compositeCheck', s(1, 29, 30), 'n');
      f('name', s(2, 0, 30), 'a');
      checks.push(
        { name: 'documentNumber', digit: s(0, 14, 15), over: [s(0, 5, 14)] },
        { name: 'birthDate', digit: s(1, 6, 7), over: [s(1, 0, 6)] },
        { name: 'expiryDate', digit: s(1, 14, 15), over: [s(1, 8, 14)] },
        { name: 'composite', digit: s(1, 29, 30), over: [s(0, 5, 30), s(1, 0, 7), s(1, 8, 15), s(1, 18, 29)] },
      );
      break;
    case 'TD2':
    case 'MRVB':
    case 'TD3':
    case 'MRVA': {
      const len = FORMAT_SHAPE[format].length;
      f('documentCode', s(0, 0, 2), 'a');
      f('issuingState', s(0, 2, 5), 'a');
      f('name', s(0, 5, len), 'a');
      f('documentNumber', s(1, 0, 9), 'x');
      f('documentNumberCheck', s(1, 9, 10), 'n');
      f('nationality', s(1, 10, 13), 'a');
      f('birthDate', s(1, 13, 19), 'n');
      f('birthDateCheck', s(1, 19, 20), 'n');
      f('sex', s(1, 20, 21), 's');
      f('expiryDate', s(1, 21, 27), 'n');
      f('expiryDateCheck', s(1, 27, 28), 'n');
      checks.push(
        { name: 'documentNumber', digit: s(1, 9, 10), over: [s(1, 0, 9)] },
        { name: 'birthDate', digit: s(1, 19, 20), over: [s(1, 13, 19)] },
        { name: 'expiryDate', digit: s(1, 27, 28), over: [s(1, 21, 27)] },
      );
      if (format === 'TD3') {
        f('personalNumber', s(1, 28, 42), 'x');
        f('personalNumberCheck', s(1, 42, 43), 'n');
        f('compositeCheck', s(1, 43, 44), 'n');
        checks.push(
          { name: 'personalNumber', digit: s(1, 42, 43), over: [s(1, 28, 42)], blankAllowsFiller: true },
          { name: 'composite', digit: s(1, 43, 44), over: [s(1, 0, 10), s(1, 13, 20), s(1, 21, 43)] },
        );
      } else if (format === 'TD2') {
        f('optional1', s(1, 28, 35), 'x');
        f('compositeCheck', s(1, 35, 36), 'n');
        checks.push({ name: 'composite', digit: s(1, 35, 36), over: [s(1, 0, 10), s(1, 13, 20), s(1, 21, 35)] });
      } else {
        f('optional1', s(1, 28, len), 'x');
      }
      break;
    }
  }
  return { fields, checks };
}

const LAYOUTS = new Map<MrzFormat, { fields: FieldSpec[]; checks: CheckSpec[] }>();
export function getLayout(format: MrzFormat): { fields: FieldSpec[]; checks: CheckSpec[] } {
  let l = LAYOUTS.get(format);
  if (!l) {
    l = layout(format);
    LAYOUTS.set(format, l);
  }
  return l;
}

export function charValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return 0; // '<' and anything unexpected weigh nothing
}

/** ICAO 9303 part 3 check digit: weights 7-3-1 repeating, sum mod 10. */
export function checkDigit(text: string): string {
  const w = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += charValue(text[i]) * w[i % 3];
  return String(sum % 10);
}

export const read = (lines: string[], sp: Span): string => (lines[sp.line] ?? '').slice(sp.start, sp.end);

/**
 * The data a check covers. TD1 and TD2 put the overflow of a document number longer than 9
 * characters into the optional data, with `<` in the check digit position.
 */
export function checkedText(format: MrzFormat, check: CheckSpec, lines: string[]): { text: string; digit: string } {
  if (check.name === 'documentNumber' && (format === 'TD1' || format === 'TD2')) {
    const overflow = longDocumentNumber(format, lines);
    if (overflow) return overflow;
  }
  return { text: check.over.map((sp) => read(lines, sp)).join(''), digit: read(lines, check.digit) };
}

function longDocumentNumber(format: MrzFormat, lines: string[]): { text: string; digit: string } | null {
  const main = format === 'TD1' ? read(lines, s(0, 5, 14)) : read(lines, s(1, 0, 9));
  const cd = format === 'TD1' ? read(lines, s(0, 14, 15)) : read(lines, s(1, 9, 10));
  if (cd !== '<' || main.includes('<')) return null;
  const optional = format === 'TD1' ? read(lines, s(0, 15, 30)) : read(lines, s(1, 28, 35));
  const m = /^([A-Z0-9]*)([0-9])</.exec(optional + '<');
  if (!m || m[1].length === 0) return null;
  return { text: main + m[1], digit: m[2] };
}

export interface CheckResult {
  valid: boolean;
  expected: string;
  actual: string;
}

export function runChecks(format: MrzFormat, lines: string[]): Partial<Record<CheckName, CheckResult>> {
  const out: Partial<Record<CheckName, CheckResult>> = {};
  for (const c of getLayout(format).checks) {
    const { text, digit } = checkedText(format, c, lines);
    const expected = checkDigit(text);
    let valid = digit === expected;
    if (!valid && c.blankAllowsFiller && /^<*$/.test(text) && digit === '<') valid = true;
    out[c.name] = { valid, expected, actual: digit };
  }
  return out;
}

export function formatFromShape(lineCount: number, length: number, documentCode: string): MrzFormat | null {
  const visa = documentCode.startsWith('V');
  if (lineCount === 3 && length === 30) return 'TD1';
  if (lineCount === 2 && length === 36) return visa ? 'MRVB' : 'TD2';
  if (lineCount === 2 && length === 44) return visa ? 'MRVA' : 'TD3';
  return null;
}

export interface MrzFields {
  documentCode: string;
  issuingState: string;
  surname: string;
  givenNames: string;
  /** True when the name field is full to the last position: the name was probably truncated. */
  nameTruncated: boolean;
  documentNumber: string;
  nationality: string;
  birthDate: string; // YYMMDD as printed
  sex: string; // M, F, X or '<'
  expiryDate: string; // YYMMDD
  personalNumber: string;
  optionalData: string[];
}

const clean = (t: string): string => t.replace(/<+/g, ' ').trim();

export function extractFields(format: MrzFormat, lines: string[]): MrzFields {
  const fields = new Map(getLayout(format).fields.map((f) => [f.name, read(lines, f.span)]));
  const nameRaw = fields.get('name') ?? '';
  const sep = nameRaw.indexOf('<<');
  const primary = sep >= 0 ? nameRaw.slice(0, sep) : nameRaw;
  const secondary = sep >= 0 ? nameRaw.slice(sep + 2) : '';
  let documentNumber = (fields.get('documentNumber') ?? '').replace(/<+$/, '');
  const optional = [fields.get('optional1'), fields.get('optional2')].filter((x): x is string => x !== undefined);
  const docCheck = getLayout(format).checks.find((c) => c.name === 'documentNumber');
  if (docCheck) {
    const { text } = checkedText(format, docCheck, lines);
    if (text.length > 9) {
      documentNumber = text;
      // The overflow and its check digit are part of the number, not optional data.
      optional[0] = (optional[0] ?? '').slice(text.length - 9 + 1);
    }
  }
  return {
    documentCode: clean(fields.get('documentCode') ?? ''),
    issuingState: clean(fields.get('issuingState') ?? ''),
    surname: clean(primary),
    givenNames: clean(secondary),
    nameTruncated: !nameRaw.endsWith('<'),
    documentNumber: documentNumber.replace(/</g, ''),
    nationality: clean(fields.get('nationality') ?? ''),
    birthDate: fields.get('birthDate') ?? '',
    sex: fields.get('sex') ?? '<',
    expiryDate: fields.get('expiryDate') ?? '',
    personalNumber: clean(fields.get('personalNumber') ?? ''),
    optionalData: optional.map(clean).filter((x) => x.length > 0),
  };
}

/** Class of each position of each line, for class-aware OCR correction. */
export function positionClasses(format: MrzFormat): CharClass[][] {
  const { lines, length } = FORMAT_SHAPE[format];
  const out: CharClass[][] = Array.from({ length: lines }, () => Array<CharClass>(length).fill('x'));
  for (const f of getLayout(format).fields) {
    for (let i = f.span.start; i < f.span.end; i++) out[f.span.line][i] = f.cls;
  }
  return out;
}

export interface MrzInput {
  format: MrzFormat;
  documentCode: string; // e.g. 'P', 'PD', 'I', 'ID', 'V', 'AC'
  issuingState: string;
  surname: string; // already transliterated to A–Z and spaces/hyphens
  givenNames: string;
  documentNumber: string;
  nationality: string;
  birthDate: string; // YYMMDD
  sex: 'M' | 'F' | 'X' | '<';
  expiryDate: string; // YYMMDD
  personalNumber?: string;
  optional1?: string;
  optional2?: string;
}

const pad = (t: string, n: number): string => (t + '<'.repeat(n)).slice(0, n);
const mrzText = (t: string): string =>
  t
    .toUpperCase()
    .replace(/[-\s]+/g, '<')
    .replace(/[^A-Z0-9<]/g, '');

/** Formats a name field: PRIMARY<<SECONDARY, truncated to the field width as ICAO allows. */
export function nameField(surname: string, givenNames: string, width: number): string {
  const primary = mrzText(surname);
  const secondary = mrzText(givenNames);
  return pad(secondary ? `${primary}<<${secondary}` : primary, width);
}

/** Builds MRZ lines with correct check digits (the specimen generator's source of truth). */
export function buildMrz(input: MrzInput): string[] {
  const { format } = input;
  const { length } = FORMAT_SHAPE[format];
  const code = pad(mrzText(input.documentCode), 2);
  const state = pad(mrzText(input.issuingState), 3);
  const nat = pad(mrzText(input.nationality), 3);
  const num = mrzText(input.documentNumber);
  if (format === 'TD1') {
    let docField: string;
    let opt1: string;
    if (num.length > 9) {
      docField = num.slice(0, 9) + '<';
      opt1 = pad(num.slice(9) + checkDigit(num) + '<' + mrzText(input.optional1 ?? ''), 15);
    } else {
      docField = pad(num, 9) + checkDigit(pad(num, 9));
      opt1 = pad(mrzText(input.optional1 ?? ''), 15);
    }
    const l1 = code + state + docField + opt1;
    const l2a = input.birthDate + checkDigit(input.birthDate) + input.sex + input.expiryDate + checkDigit(input.expiryDate) + nat + pad(mrzText(input.optional2 ?? ''), 11);
    const composite = checkDigit(l1.slice(5, 30) + l2a.slice(0, 7) + l2a.slice(8, 15) + l2a.slice(18, 29));
    return [l1, l2a + composite, nameField(input.surname, input.givenNames, 30)];
  }
  const l1 = code + state + nameField(input.surname, input.givenNames, length - 5);
  let docField: string;
  let optField: string;
  const optWidth = format === 'TD2' ? 7 : format === 'MRVB' ? 8 : format === 'MRVA' ? 16 : 14;
  if (num.length > 9 && format === 'TD2') {
    docField = num.slice(0, 9) + '<';
    optField = pad(num.slice(9) + checkDigit(num) + '<' + mrzText(input.optional1 ?? ''), optWidth);
  } else {
    docField = pad(num, 9) + checkDigit(pad(num, 9));
    optField = pad(mrzText(format === 'TD3' ? (input.personalNumber ?? '') : (input.optional1 ?? '')), optWidth);
  }
  let l2 = docField + nat + input.birthDate + checkDigit(input.birthDate) + input.sex + input.expiryDate + checkDigit(input.expiryDate) + optField;
  if (format === 'TD3') {
    l2 += /^<*$/.test(optField) ? '<' : checkDigit(optField);
    l2 += checkDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43));
  } else if (format === 'TD2') {
    l2 += checkDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 35));
  }
  return [l1, l2];
}
