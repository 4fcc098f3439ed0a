import { FORMAT_SHAPE, getLayout, positionClasses, runChecks, checkedText, type MrzFormat, type CheckName } from './spec.ts';

export interface Correction {
  line: number;
  position: number;
  from: string;
  to: string;
  /** `class`: a letter in a digits-only position or vice versa; `check`: confirmed by check digits. */
  reason: 'class' | 'check';
}

const TO_DIGIT: Record<string, string> = {
  O: '0', Q: '0', D: '0', U: '0', C: '0', I: '1', L: '1', J: '1', T: '7', Z: '2', S: '5', G: '6', B: '8', A: '4', E: '8',
};
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B' };

/** Shapes OCR-B glyphs are confused with; the first entries are the likeliest. */
const CONFUSABLE: Record<string, string[]> = {
  '0': ['O', 'D', 'Q', 'U', '8'],
  O: ['0', 'D', 'Q'],
  D: ['0', 'O'],
  Q: ['0', 'O'],
  U: ['0', 'V'],
  V: ['U', 'Y'],
  '1': ['I', 'L', '7', 'T'],
  I: ['1', 'L', 'T'],
  L: ['1', 'I'],
  T: ['7', '1', 'I'],
  '2': ['Z'],
  Z: ['2'],
  '5': ['S', '6'],
  S: ['5', '8'],
  '6': ['G', '5', '8', 'B'],
  G: ['6', 'C'],
  '8': ['B', '6', '3', '0', 'S'],
  B: ['8', '6'],
  '3': ['8'],
  '4': ['A'],
  A: ['4'],
  '7': ['1', 'T'],
  '9': ['8'],
  C: ['G', '0'],
  E: ['F', '8'],
  F: ['E', 'P'],
  P: ['F'],
  M: ['N', 'H'],
  N: ['M', 'H'],
  H: ['N', 'M'],
  K: ['X'],
  X: ['K'],
  Y: ['V'],
};

/**
 * Repairs OCR slips in MRZ lines. Class fixes (a letter where only digits may stand) are always
 * safe; any other substitution is kept only when check digits confirm it: the field's own check
 * and the composite check (when the format has one) must both hold afterwards, and no other
 * single substitution may do the same.
 */
export function correctMrz(format: MrzFormat, input: string[]): { lines: string[]; corrections: Correction[] } {
  const classes = positionClasses(format);
  const lines = input.map((l) => l.split(''));
  const corrections: Correction[] = [];
  for (let li = 0; li < lines.length; li++) {
    for (let p = 0; p < lines[li].length; p++) {
      const c = lines[li][p];
      const cls = classes[li][p];
      let to: string | undefined;
      if (cls === 'n' && /[A-Z]/.test(c)) to = TO_DIGIT[c];
      else if (cls === 'a' && /[0-9]/.test(c)) to = TO_LETTER[c];
      if (to) {
        corrections.push({ line: li, position: p, from: c, to, reason: 'class' });
        lines[li][p] = to;
      }
    }
  }
  let current = lines.map((l) => l.join(''));
  const { checks } = getLayout(format);
  const hasComposite = checks.some((c) => c.name === 'composite');
  const valid = (ls: string[], name: CheckName): boolean => runChecks(format, ls)[name]?.valid ?? true;

  for (const check of checks) {
    if (check.name === 'composite' || valid(current, check.name)) continue;
    const positions = [...check.over, check.digit].flatMap((sp) =>
      Array.from({ length: sp.end - sp.start }, (_, i) => ({ line: sp.line, position: sp.start + i })),
    );
    const fixes: { line: number; position: number; to: string }[] = [];
    for (const { line, position } of positions) {
      const from = current[line][position];
      const cls = classes[line][position];
      for (const to of CONFUSABLE[from] ?? (from === '<' ? [] : [])) {
        if (cls === 'n' && !/[0-9<]/.test(to)) continue;
        if (cls === 'a' && !/[A-Z<]/.test(to)) continue;
        const trial = current.slice();
        trial[line] = trial[line].slice(0, position) + to + trial[line].slice(position + 1);
        if (!valid(trial, check.name)) continue;
        if (hasComposite && !valid(trial, 'composite')) continue;
        // Without a composite check a digit-for-digit swap is a 1-in-10 guess: only shape slips count.
        if (!hasComposite && /[0-9]/.test(from) === /[0-9]/.test(to)) continue;
        fixes.push({ line, position, to });
      }
    }
    if (fixes.length === 1) {
      const f = fixes[0];
      corrections.push({ line: f.line, position: f.position, from: current[f.line][f.position], to: f.to, reason: 'check' });
      current = current.slice();
      current[f.line] = current[f.line].slice(0, f.position) + f.to + current[f.line].slice(f.position + 1);
    }
  }
  // A misread composite digit alone: every field check holds, so the digit itself is the slip.
  if (hasComposite && !valid(current, 'composite')) {
    const comp = checks.find((c) => c.name === 'composite')!;
    const others = checks.filter((c) => c.name !== 'composite').every((c) => valid(current, c.name));
    const { text, digit } = checkedText(format, comp, current);
    if (others && (CONFUSABLE[digit] ?? []).length) {
      const expected = runChecks(format, current).composite!.expected;
      if ((CONFUSABLE[digit] ?? []).includes(expected) && text.length > 0) {
        const { line, start } = comp.digit;
        corrections.push({ line, position: start, from: digit, to: expected, reason: 'check' });
        current = current.slice();
        current[line] = current[line].slice(0, start) + expected + current[line].slice(start + 1);
      }
    }
  }
  return { lines: current, corrections };
}

/** Pads or trims each line to the format's length (OCR may drop trailing fillers). */
export function normaliseLength(format: MrzFormat, lines: string[]): string[] {
  const { length } = FORMAT_SHAPE[format];
  return lines.map((l) => (l + '<'.repeat(length)).slice(0, length));
}
