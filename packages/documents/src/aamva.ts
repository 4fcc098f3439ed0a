/**
 * AAMVA DL/ID card design standard: the data carried in the PDF417 barcode on the back of North
 * American driving licences (versions 1–10).
 */

import { isValidYmd } from './dates.ts';

export interface AamvaRecord {
  version: number;
  /** Issuer identification number: six digits assigned to the issuing jurisdiction. */
  iin: string;
  /** Subfile type: DL (driving licence) or ID (identification card). */
  subfile: string;
  surname: string | null;
  givenNames: string | null;
  birthDate: string | null; // ISO
  expiryDate: string | null; // ISO
  issueDate: string | null; // ISO
  licenceNumber: string | null;
  sex: 'M' | 'F' | 'X' | null;
  address: { street: string | null; city: string | null; jurisdiction: string | null; postalCode: string | null; country: string | null };
  /** Every element as read, by AAMVA element id (DAQ, DCS, …). */
  elements: Record<string, string>;
}

/** Finds the AAMVA header and splits the data elements; null when the text is not AAMVA. */
export function parseAamva(text: string): AamvaRecord | null {
  const start = text.indexOf('ANSI ');
  const altStart = start < 0 ? text.indexOf('AAMVA') : -1;
  const h = start >= 0 ? start : altStart;
  if (h < 0) return null;
  const header = text.slice(h);
  const m = /^(?:ANSI |AAMVA)(\d{6})(\d{2})(\d{2})?(\d{2})?/.exec(header);
  if (!m) return null;
  const iin = m[1];
  const version = Number(m[2]);
  const elements: Record<string, string> = {};
  // Elements are a 3-letter id followed by the value, separated by line feeds (or CR in older cards).
  const body = header.slice(m[0].length);
  const dataStart = body.search(/(DL|ID)D[A-Z]{2}/);
  const data = dataStart >= 0 ? body.slice(dataStart + 2) : body;
  for (const raw of data.split(/[\n\r\x1e]+/)) {
    const line = raw.replace(/^(DL|ID)(?=D[A-Z]{2})/, '');
    const em = /^([A-Z]{3})(.*)$/.exec(line);
    if (!em) continue;
    if (!(em[1] in elements)) elements[em[1]] = em[2].trim();
  }
  const country = elements.DCG ?? null;
  const date = (v: string | undefined): string | null => (v ? parseAamvaDate(v, country) : null);
  let surname: string | null = elements.DCS ?? elements.DAB ?? null;
  let given = [elements.DAC ?? elements.DCT, elements.DAD].filter((x) => x && x !== 'NONE').join(' ') || null;
  if (!surname && elements.DAA) {
    // Version 1: full name "LAST,FIRST,MIDDLE" (or with spaces).
    const parts = elements.DAA.split(/[,$]/).map((s) => s.trim());
    surname = parts[0] || null;
    given = parts.slice(1).filter(Boolean).join(' ') || null;
  }
  if (given) given = given.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  const sexCode = elements.DBC;
  const sex = sexCode === '1' || sexCode === 'M' ? 'M' : sexCode === '2' || sexCode === 'F' ? 'F' : sexCode === '9' || sexCode === 'X' ? 'X' : null;
  return {
    version,
    iin,
    subfile: dataStart >= 0 ? body.slice(dataStart, dataStart + 2) : 'DL',
    surname,
    givenNames: given,
    birthDate: date(elements.DBB),
    expiryDate: date(elements.DBA),
    issueDate: date(elements.DBD),
    licenceNumber: elements.DAQ ?? null,
    sex,
    address: {
      street: [elements.DAG, elements.DAH].filter(Boolean).join(', ') || null,
      city: elements.DAI ?? null,
      jurisdiction: elements.DAJ ?? null,
      postalCode: elements.DAK ? elements.DAK.replace(/0000$/, '').trim() : null,
      country,
    },
    elements,
  };
}

/** US cards print MMDDCCYY, Canadian ones CCYYMMDD; the country element or plausibility decides. */
export function parseAamvaDate(v: string, country: string | null): string | null {
  if (!/^\d{8}$/.test(v)) return null;
  const us = { y: Number(v.slice(4)), m: Number(v.slice(0, 2)), d: Number(v.slice(2, 4)) };
  const ca = { y: Number(v.slice(0, 4)), m: Number(v.slice(4, 6)), d: Number(v.slice(6)) };
  const order = country === 'CAN' ? [ca, us] : [us, ca];
  for (const c of order) {
    if (isValidYmd(c.y, c.m, c.d)) return `${c.y}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;
  }
  return null;
}

export interface AamvaInput {
  iin: string;
  jurisdictionVersion?: number;
  surname: string;
  firstName: string;
  middleName?: string;
  birthDate: string; // ISO
  expiryDate: string;
  issueDate: string;
  licenceNumber: string;
  sex: 'M' | 'F' | 'X';
  street: string;
  city: string;
  jurisdiction: string;
  postalCode: string;
  country: 'USA' | 'CAN';
}

/** Encodes an AAMVA version 10 DL subfile (used by the specimen generator). */
export function buildAamva(r: AamvaInput): string {
  const d = (iso: string): string => (r.country === 'CAN' ? iso.replace(/-/g, '') : iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(0, 4));
  const els: [string, string][] = [
    ['DCA', 'C'],
    ['DCB', 'NONE'],
    ['DCD', 'NONE'],
    ['DBA', d(r.expiryDate)],
    ['DCS', r.surname.toUpperCase()],
    ['DAC', r.firstName.toUpperCase()],
    ['DAD', (r.middleName ?? 'NONE').toUpperCase()],
    ['DBD', d(r.issueDate)],
    ['DBB', d(r.birthDate)],
    ['DBC', r.sex === 'M' ? '1' : r.sex === 'F' ? '2' : '9'],
    ['DAY', 'BRO'],
    ['DAU', '068 in'],
    ['DAG', r.street.toUpperCase()],
    ['DAI', r.city.toUpperCase()],
    ['DAJ', r.jurisdiction.toUpperCase()],
    ['DAK', r.postalCode.padEnd(9, '0')],
    ['DAQ', r.licenceNumber],
    ['DCF', `${r.licenceNumber}${d(r.issueDate)}`],
    ['DCG', r.country],
    ['DDE', 'N'],
    ['DDF', 'N'],
    ['DDG', 'N'],
  ];
  const subfile = 'DL' + els.map(([k, v]) => k + v).join('\n') + '\r';
  const headerLen = 21;
  const designatorLen = 10;
  const offset = headerLen + designatorLen;
  const jv = String(r.jurisdictionVersion ?? 0).padStart(2, '0');
  return `@\n\x1e\rANSI ${r.iin}10${jv}01DL${String(offset).padStart(4, '0')}${String(subfile.length).padStart(4, '0')}${subfile}`;
}
