import { describe, expect, it } from 'vitest';
import { ScreeningError } from '../src/errors.ts';
import { buildIndex, scorePair } from '../src/search-index.ts';
import type { Entity } from '../src/types.ts';
import { org, person } from './helpers.ts';

const score = (q: Parameters<typeof scorePair>[0], e: Entity) => scorePair(q, e)?.score ?? 0;

describe('identifiers', () => {
  it('an exact identifier match scores 100 and alerts whatever the name says', () => {
    const e = person('p1', ['Ivan Petrov'], { identifiers: [{ type: 'passport', value: 'AB 123456' }] });
    const m = scorePair({ name: 'John Smith', documentNumber: 'ab-123456' }, e)!;
    expect(m.score).toBe(100);
    expect(m.hit).toBe(true);
    expect(m.features.find((f) => f.feature === 'identifier')).toBeTruthy();
    // Short values identify nothing.
    const short = person('p2', ['Ivan Petrov'], { identifiers: [{ type: 'other', value: '12' }] });
    expect(scorePair({ name: 'John Smith', documentNumber: '12' }, short)!.hit).toBe(false);
  });

  it('matches vessels by IMO number', () => {
    const ship: Entity = { id: 'ofac-sdn:1', source: 'ofac-sdn', sourceId: '1', schema: 'vessel', names: [{ full: 'SEA TESTER', kind: 'primary' }], identifiers: [{ type: 'imo', value: '9123456' }] };
    expect(scorePair({ name: 'Renamed Vessel', schema: 'any', documentNumber: '9123456' }, ship)!.score).toBe(100);
  });
});

describe('weak aliases', () => {
  const e = person('w1', ['Khalid Testawi'], { names: [{ full: 'Khalid Testawi', kind: 'primary' }, { full: 'Abu Testa', kind: 'weak' }] });
  it('are scored and explained but never alert alone', () => {
    const m = scorePair({ name: 'Abu Testa', threshold: 50 }, e)!;
    expect(m.score).toBeGreaterThanOrEqual(90);
    expect(m.matchedNameKind).toBe('weak');
    expect(m.hit).toBe(false);
    expect(m.features.some((f) => f.feature === 'weak-alias')).toBe(true);
  });
  it('low-quality aliases behave the same', () => {
    const low = person('w2', ['Khalid Testawi'], { names: [{ full: 'Khalid Testawi', kind: 'primary' }, { full: 'Abu Testa', kind: 'low-quality' }] });
    expect(scorePair({ name: 'Abu Testa' }, low)!.hit).toBe(false);
  });
  it('a strong name still alerts', () => {
    expect(scorePair({ name: 'Khalid Testawi' }, e)!.hit).toBe(true);
  });
});

describe('names', () => {
  const putin = person('vp', ['PUTIN, Vladimir Vladimirovich']);
  it('accepts omitted patronymics, reordering, typos and transliterations', () => {
    expect(score({ name: 'Vladimir Putin' }, putin)).toBeGreaterThanOrEqual(85);
    expect(score({ name: 'Putin Vladimir' }, putin)).toBeGreaterThanOrEqual(85);
    expect(score({ name: 'Wladimir Putin' }, putin)).toBeGreaterThanOrEqual(80);
    expect(score({ name: 'Владимир Путин' }, putin)).toBeGreaterThanOrEqual(85);
    expect(score({ name: 'V. Putin' }, putin)).toBeGreaterThanOrEqual(70);
  });
  it('rejects a different given name or a contradicting initial', () => {
    expect(score({ name: 'Sergey Putin' }, putin)).toBeLessThan(70);
    expect(score({ name: 'A. Putin' }, putin)).toBeLessThan(70);
    expect(score({ name: 'Vladimir Kononov' }, putin)).toBeLessThan(70);
    expect(score({ name: 'Vladimir Putin' }, person('k', ['KONONOV, Vladimir P.']))).toBeLessThan(60);
  });
  it('handles joined and split words and name variants', () => {
    expect(score({ name: 'VladimirPutin' }, putin)).toBeGreaterThanOrEqual(80);
    expect(score({ name: 'Muhammad Abdulrahman' }, person('m', ['Mohammed Abd al-Rahman']))).toBeGreaterThanOrEqual(80);
    expect(score({ name: 'Bill Gates' }, person('g', ['William Gates']))).toBeGreaterThanOrEqual(80);
  });
  it('matches Arabic script against Latin spellings', () => {
    expect(score({ name: 'محمد علي' }, person('a', ['Mohamed Ali']))).toBeGreaterThanOrEqual(70);
  });
  it('explains the score token by token', () => {
    const m = scorePair({ name: 'Vladimir Putn' }, putin)!;
    expect(m.tokens).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ query: 'vladimir', candidate: 'vladimir', kind: 'exact' }),
        expect.objectContaining({ query: 'putn', candidate: 'putin', kind: 'fuzzy' }),
      ]),
    );
    expect(m.features[0]).toMatchObject({ feature: 'name' });
  });
});

describe('date of birth, country and gender', () => {
  const e = person('d', ['Ivan Testov'], { birthDates: [{ date: '1972-10-12' }], countries: [{ code: 'RU', role: 'nationality' }], gender: 'male' });
  const base = score({ name: 'Ivan Testov' }, e);
  it('adds for the same date and tolerates a year or a swapped day/month', () => {
    expect(score({ name: 'Ivan Testov', birthDate: '1972-10-12' }, e)).toBeGreaterThan(base - 0.01);
    expect(score({ name: 'Ivan Testov', birthDate: '1972-12-10' }, e)).toBeGreaterThanOrEqual(base);
    expect(score({ name: 'Ivan Testov', birthDate: '1973-10-12' }, e)).toBeGreaterThanOrEqual(base - 5);
    expect(scorePair({ name: 'Ivan Testov', birthDate: '1973' }, e)!.hit).toBe(true);
  });
  it('takes points off for a distant date and can drop a name match below the threshold', () => {
    const far = scorePair({ name: 'Ivan Testova', birthDate: '1990-01-01' }, e)!;
    expect(far.features.find((f) => f.feature === 'dob')!.effect).toBeLessThan(-10);
    expect(far.hit).toBe(false);
  });
  it('honours ranges and approximate dates', () => {
    const r = person('r', ['Khalid Testawi'], { birthDates: [{ from: '1970', to: '1972' }] });
    expect(scorePair({ name: 'Khalid Testawi', birthDate: '1971-05-05' }, r)!.features.find((f) => f.feature === 'dob')!.effect).toBeGreaterThan(0);
    const c = person('c', ['Khalid Testawi'], { birthDates: [{ date: '1965', circa: true }] });
    expect(scorePair({ name: 'Khalid Testawi', birthDate: '1966' }, c)!.features.find((f) => f.feature === 'dob')!.effect).toBeGreaterThan(0);
    expect(scorePair({ name: 'Khalid Testawi', birthYearFrom: 1960, birthYearTo: 1969 }, c)!.hit).toBe(true);
  });
  it('country agreement and gender disagreement move the score', () => {
    const typo = score({ name: 'Ivan Testow' }, e);
    expect(typo).toBeLessThan(100);
    expect(score({ name: 'Ivan Testow', countries: ['Russian Federation'] }, e)).toBeGreaterThan(typo);
    expect(score({ name: 'Ivan Testow', countries: ['FR'] }, e)).toBeLessThan(typo);
    expect(score({ name: 'Ivan Testow', gender: 'female' }, e)).toBeLessThan(typo);
  });
});

describe('organisations and vessels', () => {
  it('treat legal forms of one class as equal and of different classes as a conflict', () => {
    const gz = org('gz', ['Gazprom PJSC']);
    expect(score({ name: 'OAO Gazprom', schema: 'organization' }, gz)).toBeGreaterThanOrEqual(95);
    expect(score({ name: 'Gazprom', schema: 'organization' }, gz)).toBeGreaterThanOrEqual(95);
    const db = org('db', ['Deutsche Bank AG']);
    expect(score({ name: 'Deutsche Bank Aktiengesellschaft', schema: 'organization' }, db)).toBeGreaterThanOrEqual(95);
    expect(score({ name: 'Deutsche Bank GmbH', schema: 'organization' }, db)).toBeLessThan(score({ name: 'Deutsche Bank AG', schema: 'organization' }, db));
  });
  it('require numbers to agree', () => {
    const fund = org('f', ['Example Capital Partners VII L.P.']);
    expect(score({ name: 'Example Capital Partners 7 LP', schema: 'organization' }, fund)).toBeGreaterThanOrEqual(95);
    expect(score({ name: 'Example Capital Partners VIII L.P.', schema: 'organization' }, fund)).toBeLessThan(70);
  });
  it('does not read a person as two-letter company abbreviations', () => {
    expect(score({ name: 'Salim Kony' }, org('sk', ['SK GUDZON, OOO']))).toBeLessThan(50);
  });
  it('keeps people and organisations apart when the query says which it is', () => {
    expect(scorePair({ name: 'Gazprom', schema: 'person' }, org('gz', ['Gazprom']))).toBeUndefined();
  });
});

describe('queries', () => {
  it('rejects malformed queries with INVALID_QUERY', () => {
    const e = person('x', ['Ivan Testov']);
    for (const bad of [{}, { name: '' }, { name: 'x', threshold: 120 }, { name: 'x', birthDate: '12/10/1972' }, { name: 'x', schema: 'robot' }, { name: 'x', lists: ['nope'] }]) {
      expect(() => scorePair(bad as never, e)).toThrow(ScreeningError);
    }
  });
  it('scores with the index statistics through index.scorePair', () => {
    const idx = buildIndex([person('a', ['Ivan Testov']), person('b', ['Ivan Petrov']), person('c', ['Ivan Sidorov'])]);
    const m = idx.scorePair({ name: 'Ivan Testov' }, person('a', ['Ivan Testov']))!;
    expect(m.score).toBe(100);
  });
});
