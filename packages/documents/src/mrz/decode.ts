import { FORMAT_SHAPE, getLayout, positionClasses, runChecks, type CharClass, type CheckName, type MrzFormat, type Span } from './spec.ts';

/** Scores of the characters a slot may hold; higher is likelier. */
export type SlotScores = Map<string, number>;

export interface Correction {
  line: number;
  position: number;
  from: string;
  to: string;
  /** `class`: the best reading was a letter where only digits may stand (or vice versa); `check`: check digits chose the second-best reading. */
  reason: 'class' | 'check';
}

const allowed = (cls: CharClass, ch: string): boolean =>
  ch === '<' || (cls === 'n' ? ch >= '0' && ch <= '9' : cls === 'a' ? ch >= 'A' && ch <= 'Z' : cls === 's' ? ch === 'M' || ch === 'F' || ch === 'X' : true);

interface Alt {
  line: number;
  position: number;
  ch: string;
  cost: number;
}

const MAX_ALTS_PER_SLOT = 4;

/** Shapes OCR-B glyphs are confused with, likeliest first: alternatives for a slot known only as text. */
const CONFUSABLE: Record<string, string> = {
  '0': 'ODQU8', O: '0DQ', D: '0O', Q: '0O', U: '0V', V: 'UY', '1': 'IL7T', I: '1LT', L: '1I', T: '71I', '2': 'Z', Z: '2',
  '5': 'S6', S: '58', '6': 'G58B', G: '6C', '8': 'B630S', B: '86', '3': '8', '4': 'A', A: '4', '7': '1T', '9': '8',
  C: 'G0', E: 'F8', F: 'EP', P: 'F', M: 'NH', N: 'MH', H: 'NM', K: 'X', X: 'K', Y: 'V',
};

/** Slot scores for MRZ lines known only as text (one OCR reading): the read character, then its look-alikes. */
export function slotsFromText(lines: string[]): SlotScores[][] {
  return lines.map((l) =>
    l.split('').map((ch) => {
      const m: SlotScores = new Map([[ch, 1]]);
      (CONFUSABLE[ch] ?? '').split('').forEach((alt, i) => m.set(alt, 0.9 - i * 0.02));
      return m;
    }),
  );
}
const MAX_CHANGES = 2;
/** Score gap under which two readings of a slot count as tied. */
const NEAR_TIE = 0.06;
const DIGIT_PRIOR = 0.03;
/**
 * Largest score a substitution may give up. Check digits choose between readings the glyphs leave
 * open; they must never overrule a clearly printed character, or a genuinely wrong check digit
 * (a forged or mistyped MRZ) would be "repaired" into a valid one.
 */
const MAX_SUBSTITUTION_COST = 0.105;
/** Score a state code may give up to become a listed one (three glyphs together). */
const MAX_STATE_COST = 0.25;

/**
 * Chooses the MRZ text that best fits the per-slot scores under the format's rules: character
 * classes per position, then check digits. A field whose check fails takes the cheapest one or two
 * substitutions (in score lost) that make it hold, and only if the composite check, where the
 * format has one, holds as well. Name fields carry no check digit and keep their best reading.
 */
export function decodeMrz(format: MrzFormat, slots: SlotScores[][], stateCodes?: ReadonlySet<string>): { lines: string[]; raw: string[]; corrections: Correction[] } {
  const { length } = FORMAT_SHAPE[format];
  const classes = positionClasses(format);
  const best: string[][] = [];
  const raw: string[] = [];
  const corrections: Correction[] = [];
  const alts = new Map<string, Alt[]>();
  slots.forEach((row, li) => {
    const line: string[] = [];
    let rawLine = '';
    for (let p = 0; p < length; p++) {
      const scores = row[p] ?? new Map([['<', 0]]);
      const cls = classes[li][p];
      // Document and personal numbers are mostly digits, and issuers avoid the letters that look
      // like them; a near-tie between O and 0 in such a field is a 0.
      const prior = (c: string): number => (cls === 'x' && c >= '0' && c <= '9' ? DIGIT_PRIOR : 0);
      const ranked = [...scores.entries()].map(([c, v]): [string, number] => [c, v + prior(c)]).sort((a, b) => b[1] - a[1]);
      rawLine += ranked[0]?.[0] ?? '<';
      const ok = ranked.filter(([c]) => allowed(cls, c));
      const top = ok[0] ?? ['<', 0];
      if (ranked[0] && top[0] !== ranked[0][0]) corrections.push({ line: li, position: p, from: ranked[0][0], to: top[0], reason: 'class' });
      line.push(top[0]);
      alts.set(
        `${li}:${p}`,
        ok
          .slice(1, 1 + MAX_ALTS_PER_SLOT)
          .map(([ch, s]) => ({ line: li, position: p, ch, cost: top[1] - s }))
          .filter((a) => a.cost <= MAX_SUBSTITUTION_COST),
      );
    }
    best.push(line);
    raw.push(rawLine);
  });

  const text = (): string[] => best.map((l) => l.join(''));

  // State codes are not protected by check digits but come from a closed list: take the listed code
  // the glyphs support best, unless the reading is already a listed code or no code comes close.
  if (stateCodes) {
    for (const f of getLayout(format).fields) {
      if (f.name !== 'issuingState' && f.name !== 'nationality') continue;
      const { line, start, end } = f.span;
      const scoreOf = (code: string): number => {
        let t = 0;
        for (let i = 0; i < end - start; i++) t += slots[line]?.[start + i]?.get(code[i] ?? '<') ?? -1;
        return t;
      };
      const current = best[line].slice(start, end).join('');
      if (stateCodes.has(current.replace(/<+$/, ''))) continue;
      let bestCode: string | null = null;
      let bestScore = -Infinity;
      for (const code of stateCodes) {
        const padded = (code + '<<<').slice(0, end - start);
        const sc = scoreOf(padded);
        if (sc > bestScore) {
          bestScore = sc;
          bestCode = padded;
        }
      }
      if (bestCode && scoreOf(current) - bestScore <= MAX_STATE_COST) {
        for (let i = 0; i < bestCode.length; i++) {
          if (best[line][start + i] !== bestCode[i]) corrections.push({ line, position: start + i, from: best[line][start + i], to: bestCode[i], reason: 'class' });
          best[line][start + i] = bestCode[i];
        }
      }
    }
  }
  const checks = getLayout(format).checks;
  const hasComposite = checks.some((c) => c.name === 'composite');
  const holds = (lines: string[], name: CheckName): boolean => runChecks(format, lines)[name]?.valid ?? true;
  const positionsOf = (spans: Span[]): Alt[] =>
    spans.flatMap((sp) => Array.from({ length: sp.end - sp.start }, (_, i) => alts.get(`${sp.line}:${sp.start + i}`) ?? []).flat());

  const apply = (lines: string[], changes: Alt[]): string[] => {
    const out = lines.slice();
    for (const c of changes) out[c.line] = out[c.line].slice(0, c.position) + c.ch + out[c.line].slice(c.position + 1);
    return out;
  };

  /** The cheapest sets of ≤ MAX_CHANGES substitutions among `candidates` that satisfy `accept`, cheapest first. */
  const search = (candidates: Alt[], accept: (lines: string[]) => boolean, keep = 4): Alt[][] => {
    const base = text();
    const sorted = candidates.slice().sort((a, b) => a.cost - b.cost).slice(0, 24);
    const found: { set: Alt[]; cost: number }[] = [];
    for (const a of sorted) if (accept(apply(base, [a]))) found.push({ set: [a], cost: a.cost });
    if (MAX_CHANGES >= 2) {
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) {
          const a = sorted[i];
          const b = sorted[j];
          if (a.line === b.line && a.position === b.position) continue;
          if (accept(apply(base, [a, b]))) found.push({ set: [a, b], cost: a.cost + b.cost });
        }
      }
    }
    // Look-alike glyphs (O/0 in OCR-B are nearly the same shape) give near-ties; several of them in one
    // field are settled together by trying every combination of the near-tied alternatives.
    const ties = sorted.filter((a) => a.cost < NEAR_TIE);
    const byPos = new Map<string, Alt[]>();
    for (const a of ties) byPos.set(`${a.line}:${a.position}`, [...(byPos.get(`${a.line}:${a.position}`) ?? []), a]);
    // Bounded: at most 6 tied positions with 2 alternatives each (3^6 trials), whatever the input.
    const positions = [...byPos.values()].slice(0, 6).map((alts) => alts.slice(0, 2));
    if (positions.length > MAX_CHANGES) {
      const walk = (i: number, acc: Alt[]): void => {
        if (i === positions.length) {
          if (acc.length > MAX_CHANGES && accept(apply(base, acc))) found.push({ set: acc.slice(), cost: acc.reduce((x, a) => x + a.cost, 0) });
          return;
        }
        walk(i + 1, acc);
        for (const a of positions[i]) walk(i + 1, [...acc, a]);
      };
      walk(0, []);
    }
    return found.sort((x, y) => x.cost - y.cost).slice(0, keep).map((f) => f.set);
  };

  const commit = (changes: Alt[]): void => {
    for (const c of changes) {
      corrections.push({ line: c.line, position: c.position, from: best[c.line][c.position], to: c.ch, reason: 'check' });
      best[c.line][c.position] = c.ch;
    }
  };
  const costOf = (sets: Alt[][]): number => sets.reduce((a, set) => a + set.reduce((b, x) => b + x.cost, 0), 0);

  // Each failing field proposes its cheapest repairs; the composite check picks the combination.
  const failing = checks.filter((c) => c.name !== 'composite' && !holds(text(), c.name));
  const options = failing.map((check) => search(positionsOf([...check.over, check.digit]), (ls) => holds(ls, check.name)));
  let chosen: Alt[][] | null = null;
  if (options.every((o) => o.length > 0)) {
    if (!hasComposite) chosen = options.map((o) => o[0]);
    else {
      let bestCost = Infinity;
      const combine = (i: number, acc: Alt[][]): void => {
        if (i === options.length) {
          const c = costOf(acc);
          if (c < bestCost && holds(apply(text(), acc.flat()), 'composite')) {
            bestCost = c;
            chosen = acc.slice();
          }
          return;
        }
        for (const o of options[i]) combine(i + 1, [...acc, o]);
      };
      combine(0, []);
    }
  }
  if (chosen) for (const set of chosen as Alt[][]) commit(set);
  if (hasComposite && failing.every((c) => holds(text(), c.name)) && !holds(text(), 'composite')) {
    // Remaining slips sit where only the composite looks: optional data or the composite digit itself.
    const comp = checks.find((c) => c.name === 'composite')!;
    const fieldPositions = new Set(
      checks
        .filter((c) => c.name !== 'composite')
        .flatMap((c) => [...c.over, c.digit])
        .flatMap((sp) => Array.from({ length: sp.end - sp.start }, (_, i) => `${sp.line}:${sp.start + i}`)),
    );
    const candidates = positionsOf([...comp.over, comp.digit]).filter((a) => !fieldPositions.has(`${a.line}:${a.position}`));
    const fix = search(candidates, (ls) => checks.every((c) => holds(ls, c.name)), 1);
    if (fix[0]) commit(fix[0]);
  }
  return { lines: text(), raw, corrections };
}
