/** Dates as the documents print them, normalised to ISO `YYYY-MM-DD`. */

export function isValidYmd(y: number, m: number, d: number): boolean {
  if (!(m >= 1 && m <= 12 && d >= 1 && y >= 1800 && y <= 2200)) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

const iso = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * MRZ YYMMDD → ISO. Birth dates take the latest century that is not in the future; expiry dates the
 * century that puts them within 50 years of today. Unknown parts (`<<`) give null.
 */
export function mrzDateToIso(yymmdd: string, kind: 'birth' | 'expiry', now = new Date()): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const m = Number(yymmdd.slice(2, 4));
  const d = Number(yymmdd.slice(4, 6));
  const cy = now.getUTCFullYear();
  let y: number;
  if (kind === 'birth') {
    y = 2000 + yy;
    const asDate = Date.UTC(y, m - 1, d);
    if (asDate > now.getTime()) y -= 100;
  } else {
    y = 2000 + yy;
    if (y > cy + 50) y -= 100;
  }
  return isValidYmd(y, m, d) ? iso(y, m, d) : null;
}

export function isoToMrzDate(isoDate: string): string {
  return isoDate.slice(2, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10);
}

const MONTHS: Record<string, number> = {};
const monthNames: string[][] = [
  ['JAN', 'JANV', 'JANVIER', 'JANUARY', 'ENE', 'ENERO', 'GEN', 'JÄN', 'JANUAR', 'STY'],
  ['FEB', 'FEV', 'FÉV', 'FEVR', 'FÉVR', 'FEVRIER', 'FÉVRIER', 'FEBRUARY', 'FEBRERO', 'FEBRUAR', 'LUT'],
  ['MAR', 'MARS', 'MARCH', 'MARZO', 'MÄR', 'MÄRZ', 'MRZ', 'MAERZ', 'MARZ'],
  ['APR', 'AVR', 'AVRIL', 'APRIL', 'ABR', 'ABRIL', 'APRILE', 'KWI'],
  ['MAY', 'MAI', 'MAYO', 'MAG', 'MAGGIO', 'MAJ'],
  ['JUN', 'JUIN', 'JUNE', 'JUNIO', 'GIU', 'JUNI', 'CZE'],
  ['JUL', 'JUIL', 'JUILLET', 'JULY', 'JULIO', 'LUG', 'JULI', 'LIP'],
  ['AUG', 'AOU', 'AOÛ', 'AOUT', 'AOÛT', 'AUGUST', 'AGO', 'AGOSTO', 'SIE'],
  ['SEP', 'SEPT', 'SEPTEMBRE', 'SEPTEMBER', 'SET', 'SEPTIEMBRE', 'WRZ'],
  ['OCT', 'OCTOBRE', 'OCTOBER', 'OCTUBRE', 'OTT', 'OKT', 'OKTOBER', 'PAŹ', 'PAZ'],
  ['NOV', 'NOVEMBRE', 'NOVEMBER', 'NOVIEMBRE', 'LIS'],
  ['DEC', 'DÉC', 'DECEMBRE', 'DÉCEMBRE', 'DECEMBER', 'DIC', 'DICIEMBRE', 'DEZ', 'DEZEMBER', 'GRU'],
];
monthNames.forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));

function expandYear(y: number, kind: 'birth' | 'expiry' | 'any', now: Date): number {
  if (y >= 100) return y;
  const cy = now.getUTCFullYear();
  const full = 2000 + y;
  if (kind === 'birth') return full > cy ? full - 100 : full;
  return full > cy + 50 ? full - 100 : full;
}

/**
 * Parses a printed date: `12 AUG/AOUT 74`, `12.08.1974`, `1974-08-12`, `12/08/74`, `08/12/1974` (when
 * `monthFirst`), `12 08 1974`. Returns ISO or null.
 */
export function parsePrintedDate(text: string, kind: 'birth' | 'expiry' | 'any' = 'any', opts: { monthFirst?: boolean; now?: Date } = {}): string | null {
  const now = opts.now ?? new Date();
  const t = text.toUpperCase().replace(/[|]/g, '/').trim();
  let m = /(\d{4})[-./ ](\d{1,2})[-./ ](\d{1,2})/.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isValidYmd(y, mo, d) ? iso(y, mo, d) : null;
  }
  m = /(\d{1,2})\s*[-./ ]?\s*([A-ZÀ-Ý]{3,9})(?:\s*\/\s*[A-ZÀ-Ý]{3,9})*\.?\s*[-./ ]?\s*(\d{4}|\d{2})\b/.exec(t);
  if (m) {
    const mo = MONTHS[m[2]];
    const d = Number(m[1]);
    if (mo) {
      const y = expandYear(Number(m[3]), kind, now);
      return isValidYmd(y, mo, d) ? iso(y, mo, d) : null;
    }
  }
  m = /(\d{1,2})\s*[-./ ]\s*(\d{1,2})\s*[-./ ]\s*(\d{4}|\d{2})\b/.exec(t);
  if (m) {
    let d = Number(m[1]);
    let mo = Number(m[2]);
    if (opts.monthFirst || mo > 12) [d, mo] = [mo, d];
    const y = expandYear(Number(m[3]), kind, now);
    return isValidYmd(y, mo, d) ? iso(y, mo, d) : null;
  }
  m = /\b(\d{2})(\d{2})(\d{4})\b/.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    const [d, mo] = opts.monthFirst ? [b, a] : [a, b];
    return isValidYmd(y, mo, d) ? iso(y, mo, d) : null;
  }
  return null;
}

/** Whole years between a birth date and `on`. */
export function ageOn(birthIso: string, on: Date): number {
  const [y, m, d] = birthIso.split('-').map(Number);
  let age = on.getUTCFullYear() - y;
  const beforeBirthday = on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1 + months, 1));
  const dim = new Date(Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + 1, 0)).getUTCDate();
  return iso(dt.getUTCFullYear(), dt.getUTCMonth() + 1, Math.min(d, dim));
}

export const todayIso = (now: Date): string => iso(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
