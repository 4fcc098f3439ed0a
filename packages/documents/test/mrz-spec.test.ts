import fc from 'fast-check';
import { parse } from 'mrz';
import { describe, expect, it } from 'vitest';
import { buildMrz, checkDigit, extractFields, getLayout, runChecks, type CheckName, type MrzFormat, type MrzInput } from '../src/mrz/spec.ts';
import { decodeMrz, slotsFromText } from '../src/mrz/decode.ts';

const ICAO_TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const ICAO_TD1 = ['I<UTOD23145890<1233<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<2', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];

describe('check digits', () => {
  it('follow ICAO 9303 part 3 (7-3-1 weights, < counts 0, letters 10–35)', () => {
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('740812')).toBe('2');
    expect(checkDigit('120415')).toBe('9');
    expect(checkDigit('ZE184226B<<<<<')).toBe('1');
    expect(checkDigit('<<<<')).toBe('0');
  });

  it('reproduce the ICAO specimens, including the TD1 long document number', () => {
    const base = { issuingState: 'UTO', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', nationality: 'UTO', birthDate: '740812', sex: 'F', expiryDate: '120415' } as const;
    expect(buildMrz({ ...base, format: 'TD3', documentCode: 'P', documentNumber: 'L898902C3', personalNumber: 'ZE184226B' })).toEqual(ICAO_TD3);
    expect(buildMrz({ ...base, format: 'TD1', documentCode: 'I', documentNumber: 'D23145890123' })).toEqual(ICAO_TD1);
    expect(extractFields('TD1', ICAO_TD1).documentNumber).toBe('D23145890123');
    expect(Object.values(runChecks('TD1', ICAO_TD1)).every((c) => c?.valid)).toBe(true);
  });
});

const FORMATS: MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];
const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Z0-9]{${min},${max}}$`));
const letters = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Z]{${min},${max}}$`));
const yymmdd = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => [y, m, d].map((v) => String(v).padStart(2, '0')).join(''));

const mrzInput = fc.record({
  format: fc.constantFrom(...FORMATS),
  issuingState: fc.constantFrom('UTO', 'D', 'FRA', 'GBR', 'USA', 'NLD'),
  surname: letters(1, 12),
  givenNames: fc.array(letters(1, 8), { minLength: 0, maxLength: 2 }).map((a) => a.join(' ')),
  documentNumber: alnum(1, 9),
  nationality: fc.constantFrom('UTO', 'D', 'FRA', 'GBR', 'USA', 'NLD'),
  birthDate: yymmdd,
  sex: fc.constantFrom('M', 'F', 'X', '<'),
  expiryDate: yymmdd,
  personalNumber: fc.oneof(fc.constant(''), alnum(1, 14)),
}).map((r): MrzInput => ({ ...r, documentCode: r.format.startsWith('MRV') ? 'V' : r.format === 'TD3' ? 'P' : 'I', sex: r.sex as MrzInput['sex'] }));

describe('MRZ properties', () => {
  it('generated MRZs validate, and the mrz package reads the same fields', () => {
    fc.assert(
      fc.property(mrzInput, (input) => {
        const lines = buildMrz(input);
        expect(Object.values(runChecks(input.format, lines)).every((c) => c?.valid)).toBe(true);
        const f = extractFields(input.format, lines);
        expect(f.documentNumber).toBe(input.documentNumber);
        expect(f.birthDate).toBe(input.birthDate);
        if (input.format === 'TD1' || input.format === 'TD2' || input.format === 'TD3') {
          const p = parse(lines);
          expect(p.documentNumber ?? p.fields.documentNumber).toBe(input.documentNumber);
          expect(p.fields.birthDate).toBe(input.birthDate);
          expect(p.fields.expirationDate).toBe(input.expiryDate);
          const own = p.details.filter((d) => d.field?.endsWith('CheckDigit') && !d.valid);
          expect(own).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('changing any digit covered by a check fails that check (and the composite when it covers it)', () => {
    fc.assert(
      fc.property(mrzInput, fc.nat(), fc.integer({ min: 1, max: 9 }), (input, pick, delta) => {
        const lines = buildMrz(input);
        const { checks } = getLayout(input.format);
        // Every digit position with the checks that cover it (as data or as the check digit itself).
        const positions: { line: number; pos: number; checks: CheckName[] }[] = [];
        lines.forEach((l, li) =>
          [...l].forEach((ch, pos) => {
            if (!/[0-9]/.test(ch)) return;
            const covering = checks.filter((c) => [...c.over, c.digit].some((sp) => sp.line === li && pos >= sp.start && pos < sp.end)).map((c) => c.name);
            if (covering.length) positions.push({ line: li, pos, checks: covering });
          }),
        );
        fc.pre(positions.length > 0);
        const target = positions[pick % positions.length];
        const changed = lines.slice();
        const old = Number(changed[target.line][target.pos]);
        changed[target.line] = changed[target.line].slice(0, target.pos) + String((old + delta) % 10) + changed[target.line].slice(target.pos + 1);
        const result = runChecks(input.format, changed);
        for (const name of target.checks) expect(result[name]?.valid, `${name} at ${target.line}:${target.pos}`).toBe(false);
        for (const c of checks) if (!target.checks.includes(c.name)) expect(result[c.name]?.valid).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('check-digit decoder', () => {
  it('repairs an O/0 slip in a document number only where the check digits confirm it', () => {
    const read = ICAO_TD3.slice();
    read[1] = 'L8989O2C36UTO7408122F1204159ZE184226B<<<<<10';
    const { lines, corrections } = decodeMrz('TD3', slotsFromText(read));
    expect(lines).toEqual(ICAO_TD3);
    expect(corrections).toEqual([{ line: 1, position: 5, from: 'O', to: '0', reason: 'check' }]);
  });

  it('fixes letters in digit-only positions by class, and leaves names alone', () => {
    const read = ICAO_TD3.slice();
    read[1] = 'L898902C36UTO74O8122F1204159ZE184226B<<<<<10';
    read[0] = 'P<UTOERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
    const { lines, corrections } = decodeMrz('TD3', slotsFromText(read));
    expect(lines).toEqual(ICAO_TD3);
    expect(corrections.every((c) => c.reason === 'class')).toBe(true);
  });

  it('does not invent a repair the check digits do not support', () => {
    const read = ICAO_TD3.slice();
    read[1] = 'L898902C36UTO7408122F1204159ZE184226B<<<<<19';
    const { lines } = decodeMrz('TD3', slotsFromText(read));
    expect(Object.values(runChecks('TD3', lines)).every((c) => c?.valid)).toBe(false);
  });
});

describe('formats beyond ICAO 9303 known to the mrz package', () => {
  it('reads the French national ID card (2×36) with its own check digits', async () => {
    const { interpret } = await import('../src/mrz/read.ts');
    const l1 = ('IDFRA' + 'MARTIN' + '<'.repeat(25)).slice(0, 30) + '123456';
    let l2 = '880692310285';
    l2 += checkDigit(l2) + ('CHRISTIANE<<NICOLE' + '<'.repeat(14)).slice(0, 14) + '640314' + checkDigit('640314') + 'F';
    l2 += checkDigit(l1 + l2);
    const r = interpret([l1, l2], 1, [], 0, 10);
    expect(r).toMatchObject({ format: 'FRENCH_NATIONAL_ID', valid: true });
    expect(r.fields).toMatchObject({ surname: 'MARTIN', documentNumber: '880692310285', birthDate: '640314', sex: 'F' });
    const forged = interpret([l1, l2.slice(0, 12) + String((Number(l2[12]) + 1) % 10) + l2.slice(13)], 1, [], 0, 10);
    expect(forged.valid).toBe(false);
    expect(forged.checks.documentNumber?.valid).toBe(false);
  });
});
