import { describe, expect, it } from 'vitest';
import type { ScreeningQuery } from '../src/query.ts';
import { stringSimilarity } from '../src/match/similarity.ts';
import { __hashing, buildIndex, ScreeningIndex } from '../src/search-index.ts';
import type { Entity } from '../src/types.ts';
import { fixtureEntities, org, person } from './helpers.ts';

/** A deterministic corpus: fixture lists plus generated people and companies from shared name parts. */
function corpus(base: Entity[]): Entity[] {
  const given = ['Ivan', 'Olena', 'Mohammed', 'Ali', 'Hassan', 'Maria', 'Jorge', 'Kim', 'Sergei', 'Fatima', 'Ahmad', 'Dragan', 'Li', 'Abdul', 'Omar', 'Yusuf'];
  const family = ['Testov', 'Prykladna', 'Al-Testi', 'Ejemplo', 'Samplez', 'Examplevic', 'Rahman', 'Haddad', 'Kovalenko', 'Nguyen', 'Garcia', 'Khan', 'Petrov', 'Sidorova', 'Musa', 'Zhang'];
  const words = ['Trading', 'Mining', 'Energy', 'Shipping', 'Capital', 'Example', 'Sample', 'Global', 'Star', 'Ocean'];
  const out = [...base];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  for (let i = 0; i < 400; i++) {
    const g = given[rnd(given.length)];
    const m = given[rnd(given.length)];
    const f = family[rnd(family.length)];
    out.push(person(`gen-p${i}`, [`${f}, ${g} ${m}`, `${g} ${f}`], { birthDates: [{ date: String(1950 + rnd(50)) }] }));
  }
  for (let i = 0; i < 150; i++) out.push(org(`gen-o${i}`, [`${words[rnd(words.length)]} ${words[rnd(words.length)]} ${['LLC', 'Ltd', 'JSC', 'GmbH'][rnd(4)]}`]));
  return out;
}

function perturb(name: string, k: number): string {
  const chars = [...name];
  if (k % 3 === 0 && chars.length > 4) chars.splice(2 + (k % (chars.length - 3)), 1);
  if (k % 3 === 1) return name.split(' ').reverse().join(' ');
  if (k % 3 === 2 && chars.length > 4) [chars[1], chars[2]] = [chars[2], chars[1]];
  return chars.join('');
}

describe('ScreeningIndex', () => {
  it('finds the same hits as scoring every entity (recall = brute force) on a sample', async () => {
    const entities = corpus(await fixtureEntities());
    const index = buildIndex(entities);
    const queries: ScreeningQuery[] = [];
    entities.forEach((e, k) => {
      if (k % 3 !== 0) return;
      queries.push({ name: perturb(e.names[0].full, k) });
    });
    queries.push({ name: 'Mohammed Ali' }, { name: 'Olena Prikladna', birthDate: '1981' }, { name: 'Testovo Trading', schema: 'organization' });
    let hits = 0;
    for (const q of queries) {
      const fast = index.search({ ...q, limit: 500 });
      const full = index.searchExhaustive({ ...q, limit: 500 });
      const want = full.matches.filter((m) => m.hit).map((m) => `${m.entityId}:${m.score}`);
      const got = fast.matches.filter((m) => m.hit).map((m) => `${m.entityId}:${m.score}`);
      expect(got.sort(), q.name).toEqual(want.sort());
      hits += want.length;
    }
    expect(hits).toBeGreaterThan(queries.length);
  });

  it('screens fixtures end to end: typos, other scripts, identifiers, list filters', async () => {
    const index = buildIndex(await fixtureEntities());
    const top = (q: ScreeningQuery) => index.search(q).matches[0];
    expect(top({ name: 'Ivan Testov', birthDate: '1972-10-12' })).toMatchObject({ entityId: 'ofac-sdn:10001', hit: true });
    expect(top({ name: 'Иван Тестов' })).toMatchObject({ entityId: 'ofac-sdn:10001', hit: true });
    expect(top({ name: 'Khaled Abdel Testaui' })).toMatchObject({ entityId: 'un:9000001', hit: true });
    expect(top({ name: 'خالد عبد التستاوي' })?.entityId).toBe('un:9000001');
    expect(top({ name: 'Unrelated Name', documentNumber: 'EK 123456' })).toMatchObject({ entityId: 'eu:900001', score: 100, hit: true });
    expect(top({ name: 'Sea Tester', schema: 'vessel' })?.entityId).toBe('ofac-sdn:10003');
    expect(index.search({ name: 'Ivan Testov', lists: ['un'] }).matches.every((m) => m.entity.source === 'un')).toBe(true);
    expect(index.search({ name: 'Zzyzx Qwerty' }).matches).toEqual([]);
  });

  it('returns relatives and associates of hits when asked', async () => {
    const index = buildIndex(await fixtureEntities());
    const r = index.search({ name: 'Olena Prykladna', includeRelatives: true });
    expect(r.matches[0]).toMatchObject({ entityId: 'ftm:NK-test-person-1', hit: true });
    const related = r.matches.filter((m) => m.relatedTo);
    expect(related.map((m) => m.entityId).sort()).toEqual(['ftm:NK-test-company-1', 'ftm:NK-test-person-2']);
    expect(related.every((m) => !m.hit && m.relatedTo!.entityId === 'ftm:NK-test-person-1')).toBe(true);
    expect(index.search({ name: 'Olena Prykladna' }).matches.some((m) => m.relatedTo)).toBe(false);
  });

  it('supports incremental add, replace and remove', () => {
    const index = new ScreeningIndex();
    index.add(person('a', ['Ivan Testov']));
    index.add(person('b', ['Olena Prykladna']));
    expect(index.size).toBe(2);
    expect(index.search({ name: 'Ivan Testov' }).hits).toBe(1);
    index.add(person('a', ['Petro Prykladnyi']));
    expect(index.search({ name: 'Ivan Testov' }).hits).toBe(0);
    expect(index.search({ name: 'Petro Prykladnyi' }).matches[0].entityId).toBe('ftm:a');
    expect(index.remove('ftm:a')).toBe(true);
    expect(index.remove('ftm:a')).toBe(false);
    expect(index.search({ name: 'Petro Prykladnyi' }).hits).toBe(0);
    expect(index.size).toBe(1);
    expect(index.nameCount).toBe(1);
  });

  it('rejects bad entities and queries with typed errors', () => {
    const index = new ScreeningIndex();
    expect(() => index.add({ id: 'x' } as Entity)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => index.search({ name: 'x'.repeat(600) })).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });
});

describe('deletion-key filter', () => {
  it('hashes every single-letter deletion exactly as the built string hashes', () => {
    const { deletionHashes, polyHash, mix } = __hashing;
    const buf = new Int32Array(1024);
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let n = 0; n < 2000; n++) {
      let t = '';
      const len = 1 + rnd(60);
      for (let i = 0; i < len; i++) t += 'abcdefghijklmnopqrstuvwxyz0123456789'[rnd(36)];
      expect(deletionHashes(t, buf)).toBe(true);
      for (let i = 0; i < len; i++) expect(buf[i]).toBe(mix(polyHash(t.slice(0, i) + t.slice(i + 1))));
    }
  });

  it('never rules out a word that reaches the similarity (bound used before the full comparison)', () => {
    const { countLetters, couldReach } = __hashing;
    let seed = 5;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const word = () => {
      let t = '';
      const len = 1 + rnd(14);
      for (let i = 0; i < len; i++) t += 'aeioubdhklmnrsty'[rnd(16)];
      return t;
    };
    let reached = 0;
    for (let n = 0; n < 20000; n++) {
      const a = word();
      // Related words (edits of a) as well as unrelated ones.
      let b = rnd(2) ? word() : a;
      for (let e = rnd(4); e > 0; e--) {
        const at = rnd(b.length + 1);
        b = rnd(2) ? b.slice(0, at) + 'aeioubdhklmnrsty'[rnd(16)] + b.slice(at + 1) : b.slice(0, at) + b.slice(at + 1);
      }
      if (!b) continue;
      countLetters(a);
      for (const min of [0.5, 0.72, 0.85]) {
        if (stringSimilarity(a, b) >= min) {
          reached++;
          expect(couldReach(a, b, min), `${a} / ${b} at ${min}`).toBe(true);
        }
      }
    }
    expect(reached).toBeGreaterThan(1000);
  });
});
