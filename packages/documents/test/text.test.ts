import { describe, expect, it } from 'vitest';
import { buildAamva, parseAamva, parseAamvaDate } from '../src/aamva.ts';
import { ageOn, mrzDateToIso, parsePrintedDate } from '../src/dates.ts';
import { compareNames, toMrzName, transliterations } from '../src/names.ts';
import { documentKey, documentTypeFromCode, evaluateRules } from '../src/rules.ts';

describe('ICAO transliteration', () => {
  it('accepts both spellings ICAO allows', () => {
    expect(transliterations('MÜLLER')).toEqual(['MUELLER', 'MULLER']);
    expect(toMrzName('Sørensen')).toBe('SOERENSEN');
    expect(toMrzName("O'Brien-Smith")).toBe('OBRIEN SMITH');
    expect(toMrzName('Strauß')).toBe('STRAUSS');
    expect(toMrzName('Иванова')).toBe('IVANOVA');
    expect(toMrzName('Łukaszewski')).toBe('LUKASZEWSKI');
  });

  it('matches names across transliteration, truncation and word order, and rejects other names', () => {
    expect(compareNames('Müller', 'MULLER').match).toBe(true);
    expect(compareNames('Müller', 'MUELLER').match).toBe(true);
    expect(compareNames('Wojciechowska-Kowalczyk', 'WOJCIECHOWSKA KOWAL', { referenceTruncated: true }).match).toBe(true);
    expect(compareNames('Maria Anna', 'ANNA MARIA').match).toBe(true);
    expect(compareNames('Eriksson', 'ERIKSON').match).toBe(true);
    expect(compareNames('Dubois', 'ERIKSSON').match).toBe(false);
  });
});

describe('dates', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('puts MRZ birth dates in the past and expiry dates near today', () => {
    expect(mrzDateToIso('740812', 'birth', now)).toBe('1974-08-12');
    expect(mrzDateToIso('150101', 'birth', now)).toBe('2015-01-01');
    expect(mrzDateToIso('300101', 'birth', now)).toBe('1930-01-01');
    expect(mrzDateToIso('351231', 'expiry', now)).toBe('2035-12-31');
    expect(mrzDateToIso('991231', 'expiry', now)).toBe('1999-12-31');
    expect(mrzDateToIso('740231', 'birth', now)).toBeNull();
  });
  it('reads the date styles documents print', () => {
    expect(parsePrintedDate('12 AUG/AOUT 74', 'birth', { now })).toBe('1974-08-12');
    expect(parsePrintedDate('12 AUG/AOÛT 1974', 'birth', { now })).toBe('1974-08-12');
    expect(parsePrintedDate('15.04.2032', 'expiry', { now })).toBe('2032-04-15');
    expect(parsePrintedDate('2032-04-15')).toBe('2032-04-15');
    expect(parsePrintedDate('04/15/2032', 'expiry', { now })).toBe('2032-04-15');
    expect(parsePrintedDate('12 MÄRZ 1980', 'birth', { now })).toBe('1980-03-12');
    expect(parsePrintedDate('not a date')).toBeNull();
  });
  it('counts age in whole years', () => {
    expect(ageOn('2008-06-02', now)).toBe(17);
    expect(ageOn('2008-06-01', now)).toBe(18);
  });
});

describe('AAMVA', () => {
  it('round-trips a version 10 record', () => {
    const text = buildAamva({ iin: '636999', surname: 'DE LA CRUZ', firstName: 'OLGA', middleName: 'MARIA', birthDate: '1990-02-03', expiryDate: '2030-02-03', issueDate: '2022-02-03', licenceNumber: 'D1234567', sex: 'F', street: '1 MAIN ST', city: 'RIVERTON', jurisdiction: 'UT', postalCode: '84065', country: 'USA' });
    const r = parseAamva(text)!;
    expect(r).toMatchObject({ version: 10, iin: '636999', subfile: 'DL', surname: 'DE LA CRUZ', givenNames: 'OLGA MARIA', birthDate: '1990-02-03', expiryDate: '2030-02-03', licenceNumber: 'D1234567', sex: 'F' });
    expect(r.address).toEqual({ street: '1 MAIN ST', city: 'RIVERTON', jurisdiction: 'UT', postalCode: '84065', country: 'USA' });
  });
  it('reads version 1 full names and Canadian dates', () => {
    const r = parseAamva('@\n\x1e\rANSI 636012010001DL00310099DLDAAROE,JANE,Q\nDBB19800131\nDBA20300131\nDAQ123\nDCGCAN\r')!;
    expect(r.surname).toBe('ROE');
    expect(r.givenNames).toBe('JANE Q');
    expect(r.birthDate).toBe('1980-01-31');
    expect(parseAamvaDate('01311980', 'USA')).toBe('1980-01-31');
    expect(parseAamva('hello')).toBeNull();
  });
});

describe('rules', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const subject = { documentType: 'passport' as const, issuingState: 'FRA', surname: 'MUELLER', givenNames: 'ANNA', birthDate: '2010-01-01', expiryDate: '2026-03-01', documentNumber: 'AB123', nationality: 'FRA', sex: 'F', mrzValid: true };
  const byRule = (rs: ReturnType<typeof evaluateRules>) => Object.fromEntries(rs.map((r) => [r.rule, r.status]));
  it('applies expiry with the adjustment, age range, states and types', () => {
    expect(byRule(evaluateRules(subject, { now, minAge: 18, allowedStates: ['DEU', 'D'], allowedTypes: ['id_card'] }))).toMatchObject({ expiry: 'fail', age: 'fail', issuing_state: 'fail', document_type: 'fail' });
    expect(byRule(evaluateRules(subject, { now, expiryAdjustmentMonths: 6, minAge: 12, maxAge: 20, allowedStates: ['FRA'] }))).toMatchObject({ expiry: 'pass', age: 'pass', issuing_state: 'pass' });
  });
  it('accepts specimen states only in test mode', () => {
    expect(byRule(evaluateRules({ ...subject, issuingState: 'UTO' }, { now })).specimen).toBe('fail');
    expect(byRule(evaluateRules({ ...subject, issuingState: 'UTO' }, { now, testMode: true })).specimen).toBe('pass');
    expect(byRule(evaluateRules({ ...subject, issuingState: 'QQQ' }, { now })).unknown_state).toBe('fail');
  });
  it('compares applicant-provided data fuzzily', () => {
    expect(byRule(evaluateRules(subject, { now, fixedInfo: { lastName: 'Müller', firstName: 'Anna', birthDate: '2010-01-01' } })).fixed_info).toBe('pass');
    expect(byRule(evaluateRules(subject, { now, fixedInfo: { lastName: 'Schmidt' } })).fixed_info).toBe('fail');
  });
  it('classifies document codes and keys documents for duplicate detection', () => {
    expect(['P', 'PD', 'I', 'ID', 'IR', 'AC', 'V', 'D1'].map(documentTypeFromCode)).toEqual(['passport', 'passport', 'id_card', 'id_card', 'residence_permit', 'id_card', 'visa', 'driving_licence']);
    expect(documentKey('passport', 'FRA', 'ab 12O')!.key).toBe('P:FRA:AB120');
    expect(documentKey('passport', null, 'AB')).toBeNull();
  });
});
