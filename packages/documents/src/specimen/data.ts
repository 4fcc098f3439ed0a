import { states as STATE_NAMES } from 'mrz';
import { addMonths, todayIso } from '../dates.ts';

/** Deterministic PRNG (mulberry32): the same seed renders the same specimen. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

// Synthetic names from many languages, with the diacritics and separators MRZ transliteration must handle.
const SURNAMES = [
  'ERIKSSON', 'MÜLLER', 'GARCÍA LÓPEZ', 'NGUYEN', "O'BRIEN", 'KOWALSKI', 'DUBOIS', 'SØRENSEN', 'ÇELIK', 'JOHANSSON',
  'ROSSI', 'PAPADOPOULOS', 'SMITH-JONES', 'HÄMÄLÄINEN', 'NOVÁK', 'FERREIRA', 'OKONKWO', 'TANAKA', 'KIM', 'SCHNEIDER',
  'DE LA CRUZ', 'VAN DER BERG', 'ŁUKASZEWSKI', 'IVANOVA', 'ABDULLAH', 'MARTIN', 'ÖZTÜRK', 'WOJCIECHOWSKA', 'ANDERSEN',
  'MÄKINEN', 'GONZÁLEZ', 'BERNARDI', 'MBEKI', 'HOFFMANN', 'DVOŘÁK', 'LINDQVIST', 'MORENO', 'ADEYEMI', 'PETERSEN', 'STRAUẞ',
];
const GIVEN_NAMES = [
  'ANNA MARIA', 'JOSÉ LUIS', 'FRANÇOIS', 'ZOË', 'BJÖRN', 'SØREN', 'AYŞE', 'JEAN-PIERRE', 'MARÍA JOSÉ', 'LÉA', 'JÜRGEN',
  'AMARA', 'HIROSHI', 'MIN JUN', 'OLGA', 'PETER JOHN', 'FATIMA', 'LUCAS', 'NIAMH', 'ÅSA', 'CHLOÉ', 'MATEUSZ', 'SIOBHÁN',
  'KEITH', 'ELENA SOFIA', 'TOMÁŠ', 'INGRID', 'CHIDI', 'LUCÍA', 'MIKAEL', 'NOÉMIE', 'RAFAEL', 'YUKI', 'GRETA', 'OMAR',
];
const STATES = [
  'UTO', 'D', 'FRA', 'GBR', 'USA', 'CAN', 'ESP', 'ITA', 'NLD', 'POL', 'SWE', 'NOR', 'FIN', 'DNK', 'IRL', 'PRT', 'GRC',
  'TUR', 'BRA', 'MEX', 'JPN', 'KOR', 'IND', 'NGA', 'ZAF', 'AUS', 'NZL', 'CHE', 'AUT', 'BEL', 'CZE', 'ROU', 'UKR', 'EST', 'ARG',
] as const;
const PLACES = ['ZENITH', 'SPRINGFIELD', 'RIVERTON', 'LAKESIDE', 'NORTHGATE', 'HILLCREST', 'PORT ELLEN', 'OAKDALE'];
const STREETS = ['MAPLE AVE', 'OAK STREET', 'HIGH ST', 'PARK ROAD', 'ELM DRIVE', 'LAKE VIEW BLVD', 'RIVER LANE'];

export function stateName(code: string): string {
  if (code === 'UTO') return 'UTOPIA';
  const name = (STATE_NAMES as Record<string, string>)[code] ?? code;
  return name.replace(/\s*\(the\)\s*/i, ' ').replace(/\s*\(.*?\)\s*/g, ' ').trim().toUpperCase();
}

export interface SpecimenPerson {
  surname: string;
  givenNames: string;
  sex: 'M' | 'F' | 'X';
  birthDate: string; // ISO
  placeOfBirth: string;
  nationality: string;
  issuingState: string;
  documentNumber: string;
  personalNumber: string;
  issueDate: string;
  expiryDate: string;
  street: string;
  city: string;
  postalCode: string;
}

function documentNumber(r: () => number): string {
  const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const D = '0123456789';
  const X = L + D;
  const style = int(r, 0, 2);
  if (style === 0) return pick(r, L.split('')) + pick(r, L.split('')) + Array.from({ length: 7 }, () => pick(r, D.split(''))).join('');
  if (style === 1) return pick(r, L.split('')) + Array.from({ length: 8 }, () => pick(r, X.split(''))).join('');
  return Array.from({ length: 9 }, () => pick(r, D.split(''))).join('');
}

export function randomPerson(r: () => number, now: Date): SpecimenPerson {
  const today = todayIso(now);
  const age = int(r, 19, 80);
  const birthDate = addMonths(today, -(age * 12 + int(r, 0, 11)));
  const issueDate = addMonths(today, -int(r, 1, 100));
  const expiryDate = addMonths(issueDate, 120);
  const issuingState = pick(r, STATES);
  return {
    surname: pick(r, SURNAMES),
    givenNames: pick(r, GIVEN_NAMES),
    sex: r() < 0.48 ? 'F' : r() < 0.96 ? 'M' : 'X',
    birthDate: birthDate.slice(0, 8) + String(int(r, 1, 28)).padStart(2, '0'),
    placeOfBirth: pick(r, PLACES),
    nationality: r() < 0.9 ? issuingState : pick(r, STATES),
    issuingState,
    documentNumber: documentNumber(r),
    personalNumber: r() < 0.5 ? Array.from({ length: int(r, 6, 11) }, () => String(int(r, 0, 9))).join('') : '',
    issueDate,
    expiryDate,
    street: `${int(r, 1, 999)} ${pick(r, STREETS)}`,
    city: pick(r, PLACES),
    postalCode: String(int(r, 10000, 99999)),
  };
}
