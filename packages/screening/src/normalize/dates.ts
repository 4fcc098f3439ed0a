import type { DateSpec } from '../types.ts';

/**
 * Dates of birth as lists publish them: full, partial ("1971", "Jan 1971"), approximate and ranges.
 * Internally a date is an interval of days [lo, hi] plus the precision it was given with.
 */

export interface DateInterval {
  lo: number;
  hi: number;
  /** 'day' | 'month' | 'year' of the least precise end. */
  precision: 'day' | 'month' | 'year';
  circa: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function iso(y: number, m?: number, d?: number): string | undefined {
  if (!(y >= 1800 && y <= 2100)) return undefined;
  if (m === undefined || !(m >= 1 && m <= 12)) return String(y);
  if (d === undefined || !(d >= 1 && d <= 31)) return `${y}-${pad(m)}`;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * Parse one published date: "1971", "1971-01-22", "1969-7-16", "22 Jan 1971", "Jan 1971",
 * "01/08/1979" (day first, as UK and EU publish; 00 = unknown), "circa 1970", "1958 to 1962".
 */
export function parseDate(text: string | undefined | null, opts: { monthFirst?: boolean } = {}): DateSpec | undefined {
  if (!text) return undefined;
  let s = text.trim().toLowerCase();
  if (!s) return undefined;
  let circa = false;
  if (/\b(circa|approx(imately)?|about|ca\.?|c\.)\s*/.test(s)) {
    circa = true;
    s = s.replace(/\b(circa|approx(imately)?|about|ca\.?|c\.)\s*/g, '').trim();
  }
  const range = /^(?:between\s+)?(.+?)\s*(?:to|and|-|–|until)\s*(.+)$/.exec(s);
  if (range && /^\d{4}$/.test(range[1].trim()) && /^\d{4}$/.test(range[2].trim())) {
    const from = parseDate(range[1], opts);
    const to = parseDate(range[2], opts);
    if (from?.date && to?.date) return { from: from.date, to: to.date, ...(circa ? { circa } : {}) };
  }
  let m: RegExpExecArray | null;
  let date: string | undefined;
  if ((m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:t.*)?$/.exec(s))) {
    date = iso(Number(m[1]), m[2] ? Number(m[2]) : undefined, m[3] ? Number(m[3]) : undefined);
  } else if ((m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s))) {
    // Day first unless the publisher is American (BIS, CSL) or the first part cannot be a month.
    let d = Number(m[1]);
    let mo = Number(m[2]);
    if ((opts.monthFirst && d <= 12) || mo > 12) [d, mo] = [mo, d];
    date = iso(Number(m[3]), mo || undefined, mo && d ? d : undefined);
  } else if ((m = /^(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})$/.exec(s)) && MONTHS[m[2]]) {
    date = iso(Number(m[3]), MONTHS[m[2]], Number(m[1]));
  } else if ((m = /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(s)) && MONTHS[m[1]]) {
    date = iso(Number(m[3]), MONTHS[m[1]], Number(m[2]));
  } else if ((m = /^([a-z]+)\.?,?\s+(\d{4})$/.exec(s)) && MONTHS[m[1]]) {
    date = iso(Number(m[2]), MONTHS[m[1]]);
  } else if ((m = /\b(1[89]\d\d|20\d\d)\b/.exec(s))) {
    date = iso(Number(m[1]));
  }
  if (!date) return undefined;
  return circa ? { date, circa } : { date };
}

function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

function bounds(s: string): { lo: number; hi: number; precision: DateInterval['precision'] } | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  if (m[3]) {
    const d = dayNumber(y, Number(m[2]), Number(m[3]));
    return { lo: d, hi: d, precision: 'day' };
  }
  if (m[2]) {
    const mo = Number(m[2]);
    return { lo: dayNumber(y, mo, 1), hi: dayNumber(y, mo + 1, 1) - 1, precision: 'month' };
  }
  return { lo: dayNumber(y, 1, 1), hi: dayNumber(y + 1, 1, 1) - 1, precision: 'year' };
}

const RANK = { day: 0, month: 1, year: 2 } as const;

export function toInterval(spec: DateSpec): DateInterval | undefined {
  if (spec.date) {
    const b = bounds(spec.date);
    return b && { ...b, circa: !!spec.circa };
  }
  const from = spec.from ? bounds(spec.from) : undefined;
  const to = spec.to ? bounds(spec.to) : undefined;
  if (!from && !to) return undefined;
  const lo = from ? from.lo : to!.lo - 366 * 5;
  const hi = to ? to.hi : from!.hi + 366 * 5;
  const p = [from?.precision, to?.precision].filter(Boolean) as DateInterval['precision'][];
  return { lo, hi, precision: p.sort((a, b) => RANK[b] - RANK[a])[0] ?? 'year', circa: !!spec.circa };
}

export type DobRelation = 'exact' | 'month' | 'year' | 'range' | 'near' | 'off' | 'far';

export interface DobComparison {
  relation: DobRelation;
  /** Whole years between the closest points of the two dates (0 when they overlap). */
  years: number;
}

/**
 * Compare a query date with one published date. Same day -> exact; overlapping at month or year
 * precision -> month/year; day and month swapped -> month (a common transcription slip).
 */
export function compareDates(q: DateInterval, e: DateInterval): DobComparison {
  const overlap = q.lo <= e.hi && e.lo <= q.hi;
  if (overlap) {
    const coarse = RANK[q.precision] > RANK[e.precision] ? q.precision : e.precision;
    const span = e.hi - e.lo;
    if (span > 366 * 1.5) return { relation: 'range', years: 0 };
    if (coarse === 'day') return { relation: 'exact', years: 0 };
    if (coarse === 'month') return { relation: 'month', years: 0 };
    return { relation: 'year', years: 0 };
  }
  if (q.precision === 'day' && e.precision === 'day') {
    const a = new Date(q.lo * 86_400_000);
    const b = new Date(e.lo * 86_400_000);
    if (a.getUTCFullYear() === b.getUTCFullYear() && a.getUTCDate() === b.getUTCMonth() + 1 && a.getUTCMonth() + 1 === b.getUTCDate()) {
      return { relation: 'month', years: 0 };
    }
  }
  const year = (day: number) => new Date(day * 86_400_000).getUTCFullYear();
  const gap = q.hi < e.lo ? year(e.lo) - year(q.hi) : year(q.lo) - year(e.hi);
  // Approximate dates ("circa 1970") are given a year either side.
  const years = gap - (e.circa || q.circa ? 1 : 0);
  if (years <= 0) return { relation: 'year', years: 0 };
  if (years <= 1) return { relation: 'near', years };
  if (years <= 3) return { relation: 'off', years };
  return { relation: 'far', years };
}
