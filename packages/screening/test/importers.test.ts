import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ScreeningError } from '../src/errors.ts';
import {
  classifyOfacFile,
  entityHash,
  parseBisDpl,
  parseEu,
  parseFtm,
  parseOfacCons,
  parseOfacSdn,
  parseSenzing,
  parseSource,
  parseUkOfsi,
  parseUn,
  parseUsCsl,
} from '../src/importers/index.ts';
import { detectSource, scanListsDir } from '../src/lists.ts';
import { all, fixture, FIXTURES } from './helpers.ts';

const ofacFiles = ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map((f) => fixture(`ofac-sdn/${f}`));

describe('OFAC legacy CSV', () => {
  it('joins the primary file with aliases, addresses and remark continuations', async () => {
    const es = await all(parseOfacSdn(ofacFiles));
    expect(es.map((e) => e.id)).toEqual(['ofac-sdn:10001', 'ofac-sdn:10002', 'ofac-sdn:10003', 'ofac-sdn:10004']);
    const ivan = es[0];
    expect(ivan.schema).toBe('person');
    expect(ivan.programs).toEqual(['UKRAINE-EO13660', 'RUSSIA-EO14024']);
    expect(ivan.names).toContainEqual({ full: 'TESTOV, Ivan Petrovich', kind: 'primary', family: 'TESTOV', given: 'Ivan Petrovich' });
    expect(ivan.names.find((n) => n.full === 'VANYA')?.kind).toBe('weak');
    expect(ivan.names.some((n) => n.full === 'ТЕСТОВ, Иван Петрович')).toBe(true);
    expect(ivan.birthDates).toEqual([{ date: '1972-10-12' }, { date: '1973' }]);
    expect(ivan.gender).toBe('male');
    expect(ivan.countries).toContainEqual({ code: 'RU', role: 'nationality' });
    expect(ivan.identifiers).toContainEqual({ type: 'passport', value: '7201234567', label: 'Passport', country: 'RU' });
    expect(ivan.identifiers?.some((i) => i.type === 'tax' && i.value === '770123456789')).toBe(true);
    expect(ivan.relations).toEqual([{ type: 'linked', targetName: 'TESTOVO TRADING LLC' }]);
    expect(ivan.addresses?.[0]).toMatchObject({ street: 'Ulitsa Testovaya 1', country: 'RU' });

    const company = es[1];
    expect(company.schema).toBe('organization');
    expect(company.names).toContainEqual({ full: 'TESTOVO LIMITED LIABILITY COMPANY', kind: 'former' });
    expect(company.identifiers?.find((i) => i.type === 'crypto')?.value).toBe('1TestAddr9xQ2wZq');

    const vessel = es[2];
    expect(vessel.schema).toBe('vessel');
    expect(vessel.identifiers).toContainEqual(expect.objectContaining({ type: 'imo', value: '9123456' }));
    expect(vessel.vessel).toMatchObject({ type: 'Crude Oil Tanker', flag: 'Panama', callSign: '9ABC1' });

    // Remarks cut in sdn.csv continue in sdn_comments.csv: "Gender Male" is only there.
    const abd = es[3];
    expect(abd.gender).toBe('male');
    expect(abd.birthDates).toEqual([{ date: '1965', circa: true }]);
    expect(abd.identifiers?.filter((i) => i.type === 'passport').map((i) => i.value)).toEqual(['A1234567', 'B7654321']);
  });

  it('recognises the side files by name', () => {
    expect(classifyOfacFile('/x/sdn.csv')).toBe('primary');
    expect(classifyOfacFile('/x/cons_prim.csv')).toBe('primary');
    expect(classifyOfacFile('/x/alt.csv')).toBe('alt');
    expect(classifyOfacFile('/x/cons_alt.csv')).toBe('alt');
    expect(classifyOfacFile('/x/add.csv')).toBe('add');
    expect(classifyOfacFile('/x/sdn_comments.csv')).toBe('comments');
  });

  it('reads the consolidated (non-SDN) files under their own source', async () => {
    const es = await all(parseOfacCons(['cons_prim.csv', 'cons_alt.csv', 'cons_add.csv'].map((f) => fixture(`ofac-cons/${f}`))));
    expect(es.map((e) => e.id)).toEqual(['ofac-cons:20001', 'ofac-cons:20002']);
    expect(es[0].identifiers).toContainEqual({ type: 'swift', value: 'EXBKTT22', label: 'SWIFT/BIC' });
    expect(es[0].names.find((n) => n.full === 'EXBANK')?.kind).toBe('weak');
  });

  it('streams the primary file from a Node stream', async () => {
    const es = await all(parseOfacSdn(createReadStream(fixture('ofac-sdn/sdn.csv'))));
    expect(es).toHaveLength(4);
    expect(es[0].names.map((n) => n.full)).toEqual(['TESTOV, Ivan Petrovich', 'VANYA']);
  });
});

describe('OFAC SDN XML', () => {
  it('parses entries, strong and weak aliases, ids, vessels', async () => {
    const es = await all(parseOfacSdn(fixture('ofac-sdn.xml')));
    expect(es).toHaveLength(2);
    const [maria, ship] = es;
    expect(maria).toMatchObject({ id: 'ofac-sdn:30001', schema: 'person', gender: 'female', programs: ['SDNTK'], birthDates: [{ date: '1975-03-04' }] });
    expect(maria.names.map((n) => [n.full, n.kind])).toEqual([
      ['EJEMPLO GARCIA, Maria Elena', 'primary'],
      ['EJEMPLO, Maria', 'alias'],
      ['LA MARIPOSA', 'weak'],
    ]);
    expect(maria.identifiers).toContainEqual({ type: 'national-id', value: '43210987', label: 'Cedula No.', country: 'CO' });
    expect(maria.countries).toContainEqual({ code: 'CO', role: 'nationality' });
    expect(ship.schema).toBe('vessel');
    expect(ship.identifiers).toContainEqual(expect.objectContaining({ type: 'imo', value: '9876543' }));
    expect(ship.countries).toContainEqual({ code: 'IR', role: 'flag' });
  });
});

describe('UN consolidated XML', () => {
  it('reads individuals and entities with alias quality, ranges and original script', async () => {
    const es = await all(parseUn(fixture('un.xml')));
    expect(es.map((e) => e.id)).toEqual(['un:9000001', 'un:9000002', 'un:9100001']);
    const k = es[0];
    expect(k.names[0]).toMatchObject({ full: 'KHALID ABDUL TESTAWI', kind: 'primary' });
    expect(k.names).toContainEqual({ full: 'خالد عبد التستاوي', kind: 'alias' });
    expect(k.names).toContainEqual({ full: 'Abu Testa', kind: 'low-quality' });
    expect(k.birthDates).toEqual([{ from: '1970', to: '1972' }]);
    expect(k.identifiers).toContainEqual({ type: 'passport', value: 'T 0012345', label: 'Passport', country: 'IQ' });
    expect(k.listedOn).toBe('2010-05-04');
    expect(k.lastChange).toBe('2015-06-30');
    expect(es[1].birthDates).toEqual([{ date: '1968-02-14' }, { date: '1969', circa: true }]);
    expect(es[1].countries).toContainEqual({ code: 'KP', role: 'nationality' });
    expect(es[2].schema).toBe('organization');
    expect(es[2].names).toContainEqual({ full: 'TMDC', kind: 'former' });
  });
});

describe('EU consolidated XML', () => {
  it('reads name aliases (weak when not strong), birth dates, documents and programmes', async () => {
    const es = await all(parseEu(fixture('eu.xml')));
    const [p, c] = es;
    expect(p).toMatchObject({ id: 'eu:900001', schema: 'person', gender: 'male', programs: ['UKR'], listedOn: '2022-02-23' });
    expect(p.names.map((n) => n.kind)).toEqual(['primary', 'alias', 'weak']);
    expect(p.birthDates).toEqual([{ date: '1976-09-21' }]);
    expect(p.identifiers).toContainEqual(expect.objectContaining({ type: 'passport', value: 'EK123456', country: 'UA' }));
    expect(p.positions).toEqual(['Member of the Example Council']);
    expect(c.schema).toBe('organization');
    expect(c.identifiers).toContainEqual(expect.objectContaining({ type: 'registration', value: '1037700000003' }));
  });
});

describe('UK OFSI CSV', () => {
  it('groups rows by Group ID, decodes Windows-1252 and skips the date line', async () => {
    const es = await all(parseUkOfsi(fixture('uk-ofsi.csv')));
    expect(es.map((e) => e.id)).toEqual(['uk-ofsi:90001', 'uk-ofsi:90002', 'uk-ofsi:90003']);
    const [d, ship, co] = es;
    expect(d.names).toEqual([
      { full: 'Dragan EXAMPLEVIC', kind: 'primary', given: 'Dragan', family: 'EXAMPLEVIC' },
      { full: 'Dragan EKZAMPLEVICH', kind: 'alias', given: 'Dragan', family: 'EKZAMPLEVICH' },
    ]);
    expect(d.birthDates).toEqual([{ date: '1969-11-05' }]);
    expect(d.countries).toEqual(expect.arrayContaining([{ code: 'RS', role: 'nationality' }, { code: 'ME', role: 'nationality' }]));
    expect(d.identifiers).toContainEqual({ type: 'passport', value: '012345678' });
    expect(d.remarks).toContain('Zoé');
    expect(ship.schema).toBe('vessel');
    expect(ship.identifiers).toContainEqual({ type: 'imo', value: '9111222' });
    expect(co.countries).toContainEqual({ code: 'GB', role: 'address' });
  });
});

describe('US Consolidated Screening List CSV', () => {
  it('reads rows of several source lists, with and without entity numbers', async () => {
    const es = await all(parseUsCsl(fixture('us-csl.csv')));
    expect(es).toHaveLength(3);
    expect(es[0]).toMatchObject({ id: 'us-csl:sdn-40001', schema: 'person', birthDates: [{ date: '1970-01-15' }, { date: '1971' }] });
    expect(es[0].names.map((n) => n.full)).toEqual(['SAMPLEZ RAMOS, Jorge Luis', 'SAMPLEZ, Jorge', 'EL EJEMPLO']);
    expect(es[0].identifiers).toContainEqual({ type: 'passport', value: 'G12345678', label: 'Passport', country: 'MX' });
    expect(es[1].schema).toBe('organization');
    expect(es[1].id).toMatch(/^us-csl:el-[0-9a-f]{16}$/);
    // Content ids are stable across runs.
    const again = await all(parseUsCsl(fixture('us-csl.csv')));
    expect(again.map((e) => e.id)).toEqual(es.map((e) => e.id));
  });
});

describe('BIS Denied Persons List', () => {
  it('reads the tab-separated file with American dates', async () => {
    const es = await all(parseBisDpl(fixture('bis-dpl.txt')));
    expect(es).toHaveLength(2);
    expect(es[0].names[0].full).toBe('JOHN Q. EXAMPLEMAN');
    expect(es[0].listedOn).toBe('2018-03-15');
    expect(es[1].schema).toBe('organization');
    expect(es[1].countries).toEqual([{ code: 'AE', role: 'address' }]);
  });
});

describe('FollowTheMoney JSON lines', () => {
  it('folds family, ownership, sanction and address records into the entities', async () => {
    for (const input of [fixture('ftm.jsonl'), Readable.from([readFileSync(fixture('ftm.jsonl'))])]) {
      const es = await all(parseFtm(input));
      expect(es.map((e) => e.id).sort()).toEqual(['ftm:NK-test-company-1', 'ftm:NK-test-person-1', 'ftm:NK-test-person-2']);
      const olena = es.find((e) => e.id === 'ftm:NK-test-person-1')!;
      expect(olena.names.map((n) => n.kind)).toEqual(['primary', 'alias', 'alias', 'weak']);
      expect(olena.topics).toEqual(['role.pep']);
      expect(olena.relations).toEqual(
        expect.arrayContaining([
          { type: 'family', targetId: 'ftm:NK-test-person-2', role: 'spouse' },
          { type: 'owner', targetId: 'ftm:NK-test-company-1' },
        ]),
      );
      const company = es.find((e) => e.id === 'ftm:NK-test-company-1')!;
      expect(company.programs).toEqual(['Example sanctions programme']);
      expect(company.listedOn).toBe('2023-05-05');
      expect(company.addresses).toEqual([{ full: 'Vulytsia Prykladna 1, Kyiv', city: 'Kyiv', country: 'UA' }]);
      expect(company.relations).toEqual([{ type: 'owned-by', targetId: 'ftm:NK-test-person-1' }]);
    }
  });
});

describe('Senzing JSON lines', () => {
  it('reads people and organisations with identifiers and relationships', async () => {
    const es = await all(parseSenzing(fixture('senzing.jsonl')));
    expect(es.map((e) => e.schema)).toEqual(['person', 'person', 'organization']);
    expect(es[0].names).toEqual([
      { full: 'Harriet J. Examplesworth', kind: 'primary' },
      { full: 'Hattie Examplesworth', kind: 'alias' },
    ]);
    expect(es[0].identifiers).toEqual([{ type: 'passport', value: 'X1234567', country: 'US' }]);
    expect(es[0].relations).toEqual([{ type: 'family', targetId: 'senzing:TEST_PEPS:TP-2', role: 'spouse' }]);
    expect(es[0].topics).toEqual(['role.pep']);
  });
});

describe('list detection, hashing and errors', () => {
  it('detects every fixture format from its content', () => {
    expect(detectSource(fixture('un.xml'))).toBe('un');
    expect(detectSource(fixture('eu.xml'))).toBe('eu');
    expect(detectSource(fixture('ofac-sdn.xml'))).toBe('ofac-sdn');
    expect(detectSource(fixture('uk-ofsi.csv'))).toBe('uk-ofsi');
    expect(detectSource(fixture('us-csl.csv'))).toBe('us-csl');
    expect(detectSource(fixture('bis-dpl.txt'))).toBe('bis-dpl');
    expect(detectSource(fixture('ftm.jsonl'))).toBe('ftm');
    expect(detectSource(fixture('senzing.jsonl'))).toBe('senzing');
    expect(detectSource(fixture('ofac-cons/cons_prim.csv'))).toBe('ofac-cons');
    const groups = scanListsDir(FIXTURES);
    expect(groups.find((g) => g.source === 'ofac-sdn' && g.files.length === 4)).toBeTruthy();
  });

  it('hashes entities by content, independent of key order', async () => {
    const [e] = await all(parseUn(fixture('un.xml')));
    const reordered = Object.fromEntries(Object.entries(e).reverse()) as typeof e;
    expect(entityHash(reordered)).toBe(entityHash(e));
    expect(entityHash({ ...e, listedOn: '2011-01-01' })).not.toBe(entityHash(e));
  });

  it('throws typed errors on bad input', async () => {
    await expect(all(parseUn(Readable.from(['<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID></INDIV'])))).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    await expect(all(parseUn(Readable.from(['<a><b></c></a>'])))).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    await expect(all(parseFtm(Readable.from(['{"id": 1\n'])))).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    expect(() => parseSource('nope', fixture('un.xml'))).toThrow(ScreeningError);
    await expect(all(parseOfacSdn(['/nonexistent/sdn.csv']))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(all(parseSenzing(Readable.from([`${'x'.repeat(2000)}`]), { maxRecordChars: 1000 }))).rejects.toMatchObject({ code: 'RECORD_TOO_LARGE' });
  });
});
