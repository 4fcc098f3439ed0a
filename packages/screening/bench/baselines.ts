import Fuse from 'fuse.js';
import { jaroWinkler } from '../src/match/jaro.ts';
import { foldWords } from '../src/normalize/text.ts';
import type { Entity } from '../src/types.ts';

/**
 * The two baselines the issue asks for, run over the same names as the index: a brute-force
 * Jaro-Winkler scan and Fuse.js. Both see names folded the same way as Tessera (lower-case ASCII,
 * transliterated) so the comparison is about matching, not normalisation. Scores are 0-100.
 */

export interface BaselineHit {
  entityId: string;
  score: number;
}

function fold(s: string): string {
  return foldWords(s)
    .map((w) => w.text)
    .join(' ');
}

function sorted(s: string): string {
  return s.split(' ').sort().join(' ');
}

export class JaroWinklerScan {
  private readonly names: string[] = [];
  private readonly sortedNames: string[] = [];
  private readonly owner: string[] = [];

  constructor(entities: Entity[]) {
    for (const e of entities) {
      for (const n of e.names) {
        const f = fold(n.full);
        if (!f) continue;
        this.names.push(f);
        this.sortedNames.push(sorted(f));
        this.owner.push(e.id);
      }
    }
  }

  static pair(a: string, b: string): number {
    const fa = fold(a);
    const fb = fold(b);
    return 100 * Math.max(jaroWinkler(fa, fb), jaroWinkler(sorted(fa), sorted(fb)));
  }

  /** Best score per entity over all names, entities at or above `floor`. */
  search(query: string, floor = 50): BaselineHit[] {
    const q = fold(query);
    const qs = sorted(q);
    const best = new Map<string, number>();
    for (let i = 0; i < this.names.length; i++) {
      const s = 100 * Math.max(jaroWinkler(q, this.names[i]), jaroWinkler(qs, this.sortedNames[i]));
      if (s < floor) continue;
      const id = this.owner[i];
      if ((best.get(id) ?? 0) < s) best.set(id, s);
    }
    return [...best].map(([entityId, score]) => ({ entityId, score })).sort((a, b) => b.score - a.score);
  }
}

export class FuseSearch {
  private readonly fuse: Fuse<{ name: string; id: string }>;

  constructor(entities: Entity[]) {
    const docs: Array<{ name: string; id: string }> = [];
    for (const e of entities) for (const n of e.names) docs.push({ name: fold(n.full), id: e.id });
    this.fuse = new Fuse(docs, { keys: ['name'], includeScore: true, ignoreLocation: true, threshold: 0.5 });
  }

  static pair(a: string, b: string): number {
    const r = new Fuse([fold(b)], { includeScore: true, ignoreLocation: true, threshold: 1 }).search(fold(a));
    return r.length ? 100 * (1 - (r[0].score ?? 1)) : 0;
  }

  search(query: string, floor = 50): BaselineHit[] {
    const best = new Map<string, number>();
    for (const r of this.fuse.search(fold(query))) {
      const s = 100 * (1 - (r.score ?? 1));
      if (s < floor) continue;
      if ((best.get(r.item.id) ?? 0) < s) best.set(r.item.id, s);
    }
    return [...best].map(([entityId, score]) => ({ entityId, score })).sort((a, b) => b.score - a.score);
  }
}
