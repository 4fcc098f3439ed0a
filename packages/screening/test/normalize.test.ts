import { describe, expect, it } from 'vitest';
import { skeleton, stringSimilarity, tokenSimilarity } from '../src/match/similarity.ts';
import { resolveCountry, resolveCountries } from '../src/normalize/countries.ts';
import { compareDates, parseDate, toInterval } from '../src/normalize/dates.ts';
import { analyzeName, TK_INITIAL, TK_NUMBER, TK_PARTICLE } from '../src/normalize/name.ts';
import { foldIdentifier, foldWords } from '../src/normalize/text.ts';

const words = (s: string) => foldWords(s).map((w) => w.text);
const tokens = (s: string, schema: Parameters<typeof analyzeName>[1] = 'person') => analyzeName(s, schema).tokens;

describe('text folding', () => {
  it('folds case, diacritics and ligatures', () => {
    expect(words('Aleksandar VUČIĆ')).toEqual(['aleksandar', 'vucic']);
    expect(words('Straße Ærø Łódź')).toEqual(['strasse', 'aero', 'lodz']);
    expect(words('ＡＢＣ')).toEqual(['abc']);
  });

  it('transliterates Cyrillic by ICAO 9303', () => {
    expect(words('Аркадий Ротенберг')).toEqual(['arkadii', 'rotenberg']);
    expect(words('Юрий Щукин')).toEqual(['iurii', 'shchukin']);
    // Without Ukrainian-only letters the Russian table applies; with them, the Ukrainian one.
    expect(words('Володимир Зеленський')).toEqual(['volodimir', 'zelenskii']);
    expect(words('Олексій Гончаренко і')).toEqual(['oleksii', 'honcharenko', 'i']);
  });

  it('romanises Greek, Armenian and Georgian', () => {
    expect(words('Κυριάκος Μητσοτάκης')).toEqual(['kyriakos', 'mitsotakis']);
    expect(words('Բարակ Օբամա')).toEqual(['barak', 'obama']);
    expect(words('ბარაკ ობამა')).toEqual(['barak', 'obama']);
  });

  it('groups Han and Hangul syllables as family name + given name', () => {
    expect(words('习近平')).toEqual(['xi', 'jinping']);
    expect(words('毛泽东')).toEqual(['mao', 'zedong']);
    expect(words('이재명')).toEqual(['i', 'jaemyeong']);
    // An interpunct marks a foreign name written in Han: each part is one word.
    expect(words('贝拉克·奥巴马')).toEqual(['beilake', 'aobama']);
  });

  it('flags abjad words, which compare by consonant skeleton', () => {
    const ws = foldWords('محمد علي');
    expect(ws.every((w) => w.abjad)).toBe(true);
    expect(skeleton('mohamed')).toBe(skeleton(ws[0].text));
    expect(tokenSimilarity(ws[0].text, 'mohammed', true, false)).toBeGreaterThan(0.85);
  });

  it('drops apostrophes, joins dotted abbreviations and undoes digit-for-letter swaps', () => {
    expect(words("O'Brien")).toEqual(['obrien']);
    expect(words('‘ABD AL-RAHMAN')).toEqual(['abd', 'al', 'rahman']);
    expect(words('A.B.C. Company')).toEqual(['abc', 'company']);
    expect(words('A. Khamenei')).toEqual(['a', 'khamenei']);
    expect(words('Ig0r Sech1n')).toEqual(['igor', 'sechin']);
    expect(words('Trust 2004-1')).toEqual(['trust', '2004', '1']);
  });

  it('compares identifiers without spacing or punctuation', () => {
    expect(foldIdentifier('OB 0243318')).toBe(foldIdentifier('ob-0243318'));
  });
});

describe('name analysis', () => {
  it('puts "SURNAME, Given" in reading order for people', () => {
    expect(tokens('PUTIN, Vladimir Vladimirovich')).toEqual(['vladimir', 'vladimirovich', 'putin']);
    expect(tokens('HANIYA, Ismail Abdul Salah', 'any')).toEqual(['ismail', 'abdul', 'salah', 'haniya']);
    // ...but not "Name, Inc."
    expect(analyzeName('Apple, Inc.', 'organization')).toMatchObject({ tokens: ['apple'], legal: ['inc'] });
    expect(tokens('Smith, Jr.', 'person')).toEqual(['smith']);
  });

  it('drops leading titles and trailing suffixes, not surnames that look like titles', () => {
    expect(tokens('Dr. Rami Makhlouf')).toEqual(['rami', 'makhlouf']);
    expect(tokens('Präsident Barack Obama', 'any')).toEqual(['barack', 'obama']);
    expect(tokens('His Excellency Sheikh Tamim bin Hamad')).toEqual(['tamim', 'bin', 'hamad']);
    expect(tokens('John Smith Jr')).toEqual(['john', 'smith']);
    expect(tokens('Martin Luther King')).toEqual(['martin', 'luther', 'king']);
  });

  it('separates legal forms of organisations into classes', () => {
    expect(analyzeName('TACTICAL MISSILES CORPORATION JOINT STOCK COMPANY', 'organization')).toMatchObject({ tokens: ['tactical', 'missiles'], legal: ['inc', 'jsc'] });
    expect(analyzeName('OOO "Romashka"', 'organization')).toMatchObject({ tokens: ['romashka'], legal: ['llc'] });
    expect(analyzeName('Общество с ограниченной ответственностью «Ромашка»', 'organization')).toMatchObject({ tokens: ['romashka'], legal: ['llc'] });
    expect(analyzeName('Siemens Aktiengesellschaft', 'organization').legal).toEqual(['jsc']);
    expect(analyzeName('Volkswagen Bank G.m.b.H.', 'organization').legal).toEqual(['llc']);
    expect(analyzeName('FABERLIC EUROPE Sp. z o.o.', 'organization').legal).toEqual(['llc']);
    // Person names keep short words that are legal forms elsewhere.
    expect(tokens('Ahmad As Sa')).toEqual(['ahmad', 'as', 'sa']);
  });

  it('reads numbers, ordinals and roman numerals in organisation names', () => {
    const a = analyzeName('First Bank Int’l', 'organization');
    expect(a.tokens).toEqual(['1', 'bank', 'international']);
    expect(analyzeName('Brigade Forty-Four', 'organization').tokens).toEqual(['brigade', '44']);
    const b = analyzeName('Blackstone Capital Partners VII L.P.', 'organization');
    expect(b.tokens).toEqual(['blackstone', 'capital', 'partners', '7']);
    expect(b.kinds[3]).toBe(TK_NUMBER);
    expect(b.legal).toEqual(['lp']);
  });

  it('marks initials and particles', () => {
    const a = analyzeName('Hans O. Friedrich', 'person');
    expect(a.kinds[1]).toBe(TK_INITIAL);
    const b = analyzeName('Osama bin Laden', 'person');
    expect(b.kinds[1]).toBe(TK_PARTICLE);
  });
});

describe('word similarity', () => {
  it('keeps one typo high and several low', () => {
    expect(stringSimilarity('lindemann', 'lindeman')).toBeGreaterThan(0.88);
    expect(stringSimilarity('lindenberg', 'lindemann')).toBeLessThan(0.65);
    expect(stringSimilarity('castro', 'castillo')).toBeLessThan(0.75);
  });

  it('uses the shipped variant and nickname classes', () => {
    expect(tokenSimilarity('mohammed', 'muhammad')).toBeGreaterThanOrEqual(0.95);
    expect(tokenSimilarity('bill', 'william')).toBeGreaterThanOrEqual(0.9);
    expect(tokenSimilarity('sergei', 'sergey')).toBeGreaterThanOrEqual(0.95);
  });
});

describe('dates and countries', () => {
  it('parses the date forms lists publish', () => {
    expect(parseDate('22 Jan 1971')).toEqual({ date: '1971-01-22' });
    expect(parseDate('00/00/1980')).toEqual({ date: '1980' });
    expect(parseDate('01/08/1979')).toEqual({ date: '1979-08-01' });
    expect(parseDate('03/15/2018', { monthFirst: true })).toEqual({ date: '2018-03-15' });
    expect(parseDate('circa 1970')).toEqual({ date: '1970', circa: true });
    expect(parseDate('1958 to 1962')).toEqual({ from: '1958', to: '1962' });
    expect(parseDate('1969-7-16')).toEqual({ date: '1969-07-16' });
    expect(parseDate('unknown')).toBeUndefined();
  });

  it('compares partial dates, ranges and swapped day/month', () => {
    const i = (s: string) => toInterval(parseDate(s)!)!;
    expect(compareDates(i('1960-06-29'), i('1960-06-29')).relation).toBe('exact');
    expect(compareDates(i('1960-06-29'), i('1960')).relation).toBe('year');
    expect(compareDates(i('1960-04-03'), i('1960-03-04')).relation).toBe('month');
    expect(compareDates(i('1989-01-06'), i('1988-01-06')).relation).toBe('near');
    expect(compareDates(i('1971'), toInterval({ from: '1970', to: '1972' })!).relation).toBe('range');
    expect(compareDates(i('1975'), toInterval({ from: '1970', to: '1972' })!).relation).toBe('off');
    expect(compareDates(i('1950'), i('1972')).relation).toBe('far');
    expect(compareDates(i('1967'), toInterval({ date: '1965', circa: true })!).relation).toBe('near');
  });

  it('resolves country names as lists write them', () => {
    expect(resolveCountry('Iran (Islamic Republic of)')).toBe('IR');
    expect(resolveCountry("Democratic People's Republic of Korea")).toBe('KP');
    expect(resolveCountry('Russian Federation')).toBe('RU');
    expect(resolveCountry('ru')).toBe('RU');
    expect(resolveCountry('Atlantis')).toBeUndefined();
    expect(resolveCountries('1) Saudi Arabia 2) Qatar')).toEqual(['SA', 'QA']);
  });
});
