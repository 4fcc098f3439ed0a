import { doubleMetaphone } from 'double-metaphone';
import { shippedData } from './data.ts';
import { ScreeningError } from './errors.ts';
import { prepareEntity, prepareQuery, queryNamesFor, scoreEntity, schemaCompatible, type PreparedEntity, type PreparedQuery } from './match/entity-score.ts';
import { agreement, NAME_WEIGHTS, setRarity } from './match/name-score.ts';
import { equivalence, skeleton, tokenSimilarity } from './match/similarity.ts';
import { TK_INITIAL, TK_NUMBER, TK_WORD, type NameRules } from './normalize/name.ts';
import { LIST_FLOOR, summarize, validateQuery, type Match, type ScreeningQuery, type ScreeningResult } from './query.ts';
import type { Entity } from './types.ts';

/**
 * In-memory screening index.
 *
 * Names are split into tokens interned in one vocabulary. Each token has a posting list of the names
 * that contain it; the vocabulary itself is indexed by single-deletion keys (typos), double
 * metaphone codes (phonetic spellings), consonant skeletons (abjad romanisations) and the shipped
 * variant classes. A query token is expanded through those keys to similar vocabulary tokens,
 * verified with the scorer's own similarity, and the posting lists of the survivors accumulate a
 * rarity-weighted score per name. The best names' entities are then scored in full.
 */

export interface IndexOptions {
  /** Names kept for full scoring per query (default 100; `deep` queries use 10x). */
  candidateNames?: number;
}

/** Expansions below this similarity are not followed: they cannot make a listed match. */
const EXPAND_MIN = 0.72;
/**
 * Estimated name score (0-1) a candidate name needs before it is scored in full. The listing floor
 * is 0.5 and other evidence adds at most a few points, so 0.4 leaves a margin for the estimate.
 */
const MIN_ESTIMATE = 0.4;
/** Postings beyond which a query word only adds to names found by rarer words (see candidates()). */
const COMMON_POSTINGS = 1500;
const MIN_ESTIMATE_DEEP = 0.25;
const SIM_CACHE_LIMIT = 50_000;
const EXPANSION_CACHE_LIMIT = 50_000;

/** One query word (or joined/compact form) and the vocabulary it expands to. */
interface WorkItem {
  weight: number;
  covers: number;
  expansion: Expansion;
  postings: number;
}
const RULES_PERSON: NameRules[] = ['person'];
const RULES_ANY: NameRules[] = ['person', 'org'];
const RULES_ORG: NameRules[] = ['org'];

const BUCKETS = 512;
const histogram = new Int32Array(BUCKETS);
const STRIDE = 8;
const S_NAME = 0;
const S_TOKEN = 1;
const S_ACC = 2;
const S_MW = 3;
const S_MWORDS = 4;
const S_LAST = 5;
const S_SLOT = 6;
const S_WORDS = 7;
const SCHEMAS: readonly Entity['schema'][] = ['person', 'organization', 'vessel', 'aircraft', 'unknown'];
const SCHEMA_OTHER = SCHEMAS.length;

/** Similar vocabulary tokens, flat: [id0, sim0, id1, sim1, ...] (one array per entry, not one per pair). */
type Expansion = number[];

/**
 * Membership filter over the deletion keys, by a polynomial hash that can be computed for every
 * single-deletion variant of a word without building the strings: most variants of a query word
 * (and nearly all of a joined query word) are no key at all, and building and hashing each one for
 * a map lookup was the main cost of expanding a new query word.
 */
const KEY_BITS = 24;
const HASH_BASE = 0x01000193;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> (32 - KEY_BITS);
}

function polyHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, HASH_BASE) + s.charCodeAt(i)) | 0;
  return h;
}

const hashPre = new Int32Array(0x400);
const hashSuf = new Int32Array(0x400);
const hashPow = new Int32Array(0x400);

/**
 * Hashes (mixed) of `t` without its i-th letter, for every i, into `outHashes` (polyHash of the
 * variant, so equal to what polyHash gives for the built string). Words longer than the buffers
 * return false and are looked up the slow way.
 */
function deletionHashes(t: string, outHashes: Int32Array): boolean {
  const n = t.length;
  if (n + 1 > hashPre.length) return false;
  hashPre[0] = 0;
  for (let i = 0; i < n; i++) hashPre[i + 1] = (Math.imul(hashPre[i], HASH_BASE) + t.charCodeAt(i)) | 0;
  hashPow[0] = 1;
  for (let i = 1; i <= n; i++) hashPow[i] = Math.imul(hashPow[i - 1], HASH_BASE);
  // hashSuf[j] = sum over k >= j of t[k] * B^(n-1-k)
  hashSuf[n] = 0;
  for (let j = n - 1; j >= 0; j--) hashSuf[j] = (hashSuf[j + 1] + Math.imul(t.charCodeAt(j), hashPow[n - 1 - j])) | 0;
  for (let i = 0; i < n; i++) outHashes[i] = mix((Math.imul(hashPre[i], hashPow[n - 1 - i]) + hashSuf[i + 1]) | 0);
  return true;
}

const delHashes = new Int32Array(0x400);

/** Letter counts of the word being expanded (countLetters), and a scratch table for the other word. */
const lettersA = new Int32Array(128);
const lettersB = new Int32Array(128);
let lettersOf = '';

function countLetters(a: string): void {
  for (let i = 0; i < lettersOf.length; i++) lettersA[lettersOf.charCodeAt(i) & 127] = 0;
  for (let i = 0; i < a.length; i++) lettersA[a.charCodeAt(i) & 127]++;
  lettersOf = a;
}

/**
 * Whether stringSimilarity(a, b) can reach `min`, for `a` last passed to countLetters. It is at most
 * the edit term 1 - |la - lb| / (max + 2) and at most Jaro-Winkler, whose Jaro part is at most
 * (c/la + c/lb + 1) / 3 for c letters in common (counted without the match window), and below 0.6
 * it is scaled to under 0.48. An upper bound only: true does not mean it reaches `min`.
 */
function couldReach(a: string, b: string, min: number): boolean {
  const la = a.length;
  const lb = b.length;
  const longest = la > lb ? la : lb;
  const edit = 1 - Math.abs(la - lb) / (longest + 2);
  const eps = 1e-9;
  if (edit < min - eps) return false;
  let common = 0;
  for (let i = 0; i < lb; i++) {
    const c = b.charCodeAt(i) & 127;
    if (++lettersB[c] <= lettersA[c]) common++;
  }
  for (let i = 0; i < lb; i++) lettersB[b.charCodeAt(i) & 127] = 0;
  if (common === 0) return false;
  let j = (common / la + common / lb + 1) / 3;
  if (j > 0.7) {
    const n = Math.min(4, la, lb);
    let p = 0;
    while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
    j += p * 0.1 * (1 - j);
  }
  return j >= min - eps;
}

/** Exported for tests only. */
export const __hashing = { deletionHashes, polyHash, mix, countLetters, couldReach };

function deletions(t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) out.push(t.slice(0, i) + t.slice(i + 1));
  return out;
}

/**
 * Key -> token ids, with a lone id stored as a bare number: most keys have one token, and hundreds
 * of thousands of one-element arrays would make every major garbage collection slow.
 */
type KeyMap = Map<string, number | number[]>;

function pushTo(map: KeyMap, key: string, id: number): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, id);
  else if (typeof cur === 'number') {
    if (cur !== id) map.set(key, [cur, id]);
  } else if (cur[cur.length - 1] !== id) cur.push(id);
}

export class ScreeningIndex {
  private readonly vocab = new Map<string, number>();
  private readonly tokens: string[] = [];
  private readonly df: number[] = [];
  private readonly postings: number[][] = [];
  private readonly deleteKeys: KeyMap = new Map();
  /** Bit per hash of a deletion key (see deletionHashes): a clear bit means no such key. */
  private readonly deleteKeyBits = new Int32Array(1 << (KEY_BITS - 5));
  private readonly phoneticKeys: KeyMap = new Map();
  private readonly skeletonKeys: KeyMap = new Map();
  private variantMembers?: Map<number, string[]>;

  private readonly nameSlot: number[] = [];
  /** Position of each name within its entity's prepared names. */
  private readonly nameIndex: number[] = [];
  /** Words per name: ranks candidates of equal weight by closeness in length to the query. */
  private readonly nameWords: number[] = [];
  private readonly nameAlive: number[] = [];
  private readonly slots: Array<PreparedEntity | undefined> = [];
  private readonly slotNames: number[][] = [];
  private readonly slotVersion: number[] = [];
  private readonly byId = new Map<string, number>();
  private readonly related = new Map<string, Set<string>>();
  private aliveNames = 0;
  private version = 0;

  /**
   * Per-name scratch for candidate generation, one 64-byte record per name (see S_*): a posting
   * touches one cache line instead of one per field. Fields S_SLOT and S_WORDS mirror nameSlot
   * (-1 once removed) and nameWords for the first `scratchNames` names.
   */
  private scratch = new Float64Array(0);
  private scratchNames = 0;
  private stamp = 0;
  /** Names touched by the current query (reused between queries). */
  private readonly touched: number[] = [];
  /** Schema of each slot as an index into SCHEMAS (SCHEMA_OTHER if unlisted), -1 once removed. */
  private readonly slotSchema: number[] = [];

  private readonly simCache = new Map<string, Map<string, number>>();
  private readonly simCacheAbjadQ = new Map<string, Map<string, number>>();
  private readonly simCacheAbjadC = new Map<string, Map<string, number>>();
  private lastSimWord: string | undefined = undefined;
  private lastSimOuter: Map<string, Map<string, number>> | undefined = undefined;
  private lastSimInner: Map<string, number> | undefined = undefined;
  private readonly expansionCache = new Map<string, Expansion>();
  private expandSeen = new Int32Array(0);
  /** Whether the word being expanded has shipped variants or nicknames (see consider()). */
  private expandHasClass = false;
  private expandStamp = 0;
  private readonly candidateNames: number;

  constructor(options: IndexOptions = {}) {
    this.candidateNames = options.candidateNames ?? 100;
  }

  get size(): number {
    return this.byId.size;
  }

  get nameCount(): number {
    return this.aliveNames;
  }

  get vocabularySize(): number {
    return this.tokens.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Entity | undefined {
    const slot = this.byId.get(id);
    return slot === undefined ? undefined : this.slots[slot]?.entity;
  }

  *entities(): IterableIterator<Entity> {
    for (const s of this.slots) if (s) yield s.entity;
  }

  /** Add or replace an entity (same id replaces: monitoring applies list updates this way). */
  add(entity: Entity): void {
    if (!entity || typeof entity.id !== 'string' || !Array.isArray(entity.names)) {
      throw new ScreeningError('INVALID_INPUT', 'entity needs an id and names');
    }
    if (this.byId.has(entity.id)) this.remove(entity.id);
    const prepared = prepareEntity(entity);
    const slot = this.slots.length;
    this.slots.push(prepared);
    this.slotVersion.push(-1);
    const code = SCHEMAS.indexOf(entity.schema);
    this.slotSchema.push(code < 0 ? SCHEMA_OTHER : code);
    this.byId.set(entity.id, slot);
    const names: number[] = [];
    for (let ni = 0; ni < prepared.names.length; ni++) {
      const n = prepared.names[ni];
      const nameId = this.nameSlot.length;
      this.nameSlot.push(slot);
      this.nameIndex.push(ni);
      this.nameWords.push(n.prepared.kinds.filter((k) => k === TK_WORD || k === TK_NUMBER).length);
      this.nameAlive.push(1);
      this.aliveNames++;
      names.push(nameId);
      const seen = new Set<number>();
      const p = n.prepared;
      for (let i = 0; i < p.tokens.length; i++) {
        const k = p.kinds[i];
        // Particles, stop words and initials never find candidates on their own.
        if (k !== TK_WORD && k !== TK_NUMBER) continue;
        const id = this.intern(p.tokens[i], !!p.abjad[i]);
        if (seen.has(id)) continue;
        seen.add(id);
        this.postings[id].push(nameId);
        this.df[id]++;
      }
      // Names written as one word elsewhere ("Siemensag") are found through their compact form.
      if (p.tokens.length > 1 && p.compact.length >= 6 && p.compact.length <= 40) {
        const id = this.intern(p.compact, false);
        if (!seen.has(id)) {
          this.postings[id].push(nameId);
          this.df[id]++;
        }
      }
    }
    this.slotNames.push(names);
    for (const r of entity.relations ?? []) {
      if (!r.targetId) continue;
      this.link(entity.id, r.targetId);
      this.link(r.targetId, entity.id);
    }
    this.version++;
  }

  addAll(entities: Iterable<Entity>): void {
    for (const e of entities) this.add(e);
  }

  /** Remove an entity by id; returns whether it was there. */
  remove(id: string): boolean {
    const slot = this.byId.get(id);
    if (slot === undefined) return false;
    const prepared = this.slots[slot]!;
    for (const nameId of this.slotNames[slot]) {
      this.nameAlive[nameId] = 0;
      if (nameId < this.scratchNames) this.scratch[nameId * STRIDE + S_SLOT] = -1;
      this.aliveNames--;
      const p = prepared.names[nameId - this.slotNames[slot][0]]?.prepared;
      if (!p) continue;
      const seen = new Set<number>();
      for (const t of [...p.tokens, p.compact]) {
        const tid = this.vocab.get(t);
        if (tid === undefined || seen.has(tid)) continue;
        seen.add(tid);
        const list = this.postings[tid];
        const at = list.indexOf(nameId);
        if (at >= 0) {
          list.splice(at, 1);
          this.df[tid]--;
        }
      }
    }
    this.slots[slot] = undefined;
    this.slotSchema[slot] = -1;
    this.slotNames[slot] = [];
    this.byId.delete(id);
    this.version++;
    return true;
  }

  private link(a: string, b: string): void {
    let set = this.related.get(a);
    if (!set) this.related.set(a, (set = new Set()));
    set.add(b);
  }

  private intern(token: string, abjad: boolean): number {
    let id = this.vocab.get(token);
    if (id !== undefined) return id;
    id = this.tokens.length;
    this.vocab.set(token, id);
    this.tokens.push(token);
    this.df.push(0);
    this.postings.push([]);
    if (token.length >= 3) {
      pushTo(this.deleteKeys, token, id);
      this.markKey(token);
      for (const d of deletions(token)) {
        pushTo(this.deleteKeys, d, id);
        this.markKey(d);
      }
      const [p1, p2] = doubleMetaphone(token);
      if (p1) pushTo(this.phoneticKeys, p1, id);
      if (p2 && p2 !== p1) pushTo(this.phoneticKeys, p2, id);
    }
    const sk = skeleton(token);
    if (sk.length >= 2) pushTo(this.skeletonKeys, sk, id);
    this.expansionCache.clear();
    return id;
  }

  private markKey(key: string): void {
    const h = mix(polyHash(key));
    this.deleteKeyBits[h >>> 5] |= 1 << (h & 31);
  }

  private mayBeKey(h: number): boolean {
    return (this.deleteKeyBits[h >>> 5] & (1 << (h & 31))) !== 0;
  }

  /** Rarity factor of a token: common name parts (Mohammed, Ali, Kim) weigh less than rare ones. */
  rarityOf = (token: string): number => {
    const id = this.vocab.get(token);
    const df = id === undefined ? 0 : this.df[id];
    const n = Math.max(this.aliveNames, 1);
    const idf = Math.log((n + 1) / (df + 1)) / Math.log(n + 1);
    return 0.6 + 0.6 * idf;
  };

  private sim = (a: string, b: string, aa: boolean, ba: boolean): number => {
    // Two-level cache on the strings themselves: no key building on the hot path. The scorer asks
    // about one query word against many candidate words in a row, so the last inner map is kept.
    const outer = aa === ba ? this.simCache : aa ? this.simCacheAbjadQ : this.simCacheAbjadC;
    let inner: Map<string, number>;
    if (a === this.lastSimWord && outer === this.lastSimOuter) inner = this.lastSimInner!;
    else {
      const found = outer.get(a);
      if (found) inner = found;
      else {
        if (outer.size >= SIM_CACHE_LIMIT) outer.clear();
        outer.set(a, (inner = new Map()));
      }
      this.lastSimWord = a;
      this.lastSimOuter = outer;
      this.lastSimInner = inner;
    }
    let v = inner.get(b);
    if (v === undefined) {
      v = tokenSimilarity(a, b, aa, ba);
      inner.set(b, v);
    }
    return v;
  };

  private variantsOf(token: string): string[] {
    if (!this.variantMembers) {
      this.variantMembers = new Map();
      const data = shippedData();
      for (const map of [data.variantClasses, data.nicknameClasses]) {
        const offset = map === data.variantClasses ? 0 : 1_000_000;
        for (const [t, ids] of map) {
          for (const c of ids) {
            const list = this.variantMembers.get(c + offset) ?? [];
            list.push(t);
            this.variantMembers.set(c + offset, list);
          }
        }
      }
    }
    const data = shippedData();
    const out: string[] = [];
    for (const c of data.variantClasses.get(token) ?? []) out.push(...(this.variantMembers.get(c) ?? []));
    for (const c of data.nicknameClasses.get(token) ?? []) out.push(...(this.variantMembers.get(c + 1_000_000) ?? []));
    return out;
  }

  /** Vocabulary tokens similar to `token`, with their similarity. */
  private expand(token: string, abjad: boolean, split = true): Expansion {
    const key = `${token}\u0001${abjad ? 'a' : ''}${split ? 's' : ''}`;
    const cached = this.expansionCache.get(key);
    if (cached) return cached;
    // Ids already looked at (found or rejected) carry this stamp; `out` keeps first-found order.
    if (this.expandSeen.length < this.tokens.length) {
      const grown = new Int32Array(Math.max(1024, this.tokens.length + (this.tokens.length >> 2)));
      grown.set(this.expandSeen);
      this.expandSeen = grown;
    }
    if (++this.expandStamp >= 0x3fffffff) {
      this.expandStamp = 1;
      this.expandSeen.fill(0);
    }
    const stamp = this.expandStamp;
    const seen = this.expandSeen;
    const out: Expansion = [];
    if (!abjad) countLetters(token);
    const data = shippedData();
    this.expandHasClass = data.variantClasses.has(token) || data.nicknameClasses.has(token);
    const exact = this.vocab.get(token);
    if (exact !== undefined) {
      seen[exact] = stamp;
      out.push(exact, 1);
    }
    const consider = (ids: number | number[] | undefined) => {
      if (ids === undefined) return;
      if (typeof ids === 'number') this.consider(token, abjad, ids, out);
      else for (let k = 0; k < ids.length; k++) this.consider(token, abjad, ids[k], out);
    };
    if (token.length >= 3) {
      if (this.mayBeKey(mix(polyHash(token)))) consider(this.deleteKeys.get(token));
      if (deletionHashes(token, delHashes)) {
        for (let i = 0; i < token.length; i++) if (this.mayBeKey(delHashes[i])) consider(this.deleteKeys.get(token.slice(0, i) + token.slice(i + 1)));
      } else {
        for (let i = 0; i < token.length; i++) consider(this.deleteKeys.get(token.slice(0, i) + token.slice(i + 1)));
      }
      const [p1, p2] = doubleMetaphone(token);
      if (p1) consider(this.phoneticKeys.get(p1));
      if (p2 && p2 !== p1) consider(this.phoneticKeys.get(p2));
    }
    for (const v of this.variantsOf(token)) consider(this.vocab.get(v));
    const sk = skeleton(token);
    if (sk.length >= 2) consider(this.skeletonKeys.get(sk));
    // A word that is two listed words run together ("Ramimakhlouf", "Elhassan"). Both parts must be
    // real words of 3+ letters; a leading particle ("el", "al") only points at the rest.
    if (split && token.length >= 6) {
      const particles = shippedData().particles;
      const add = (id: number) => {
        // Rejected by similarity above but found here: the split finds it after all.
        if (seen[id] === stamp && this.expandFound(out, id)) return;
        seen[id] = stamp;
        out.push(id, 0.9);
      };
      for (let p = 2; p <= token.length - 3; p++) {
        const right = this.vocab.get(token.slice(p));
        if (right === undefined) continue;
        const leftText = token.slice(0, p);
        if (p < 3) {
          if (particles.has(leftText)) add(right);
          continue;
        }
        const left = this.vocab.get(leftText);
        if (left === undefined) continue;
        add(left);
        add(right);
      }
    }
    if (this.expansionCache.size >= EXPANSION_CACHE_LIMIT) this.expansionCache.clear();
    this.expansionCache.set(key, out);
    return out;
  }

  private expandFound(out: Expansion, id: number): boolean {
    for (let x = 0; x < out.length; x += 2) if (out[x] === id) return true;
    return false;
  }

  /**
   * One vocabulary token reached through a key: kept when similar enough. Not memoised per pair:
   * the expansion itself is cached, and millions of one-off pairs would only fill the heap.
   */
  private consider(token: string, abjad: boolean, id: number, out: Expansion): void {
    const seen = this.expandSeen;
    if (seen[id] === this.expandStamp) return;
    seen[id] = this.expandStamp;
    const other = this.tokens[id];
    // Most words reached through a key are not similar enough; a bound from lengths and shared
    // letters rules them out without the full similarity. Abjad words also compare by skeleton, and
    // shipped variants by class, so those always get the full similarity.
    if (!abjad && !couldReach(token, other, EXPAND_MIN) && !(this.expandHasClass && equivalence(token, other) >= EXPAND_MIN)) return;
    const s = tokenSimilarity(token, other, abjad, false);
    if (s >= EXPAND_MIN) out.push(id, s);
  }

  private ensureScratch(): void {
    const n = this.nameSlot.length;
    if (this.scratch.length < n * STRIDE) {
      const size = Math.max(n, 1024) + (n >> 2);
      const next = new Float64Array(size * STRIDE);
      next.set(this.scratch);
      this.scratch = next;
    }
    const sc = this.scratch;
    for (let i = this.scratchNames; i < n; i++) {
      sc[i * STRIDE + S_SLOT] = this.nameAlive[i] ? this.nameSlot[i] : -1;
      sc[i * STRIDE + S_WORDS] = this.nameWords[i];
    }
    this.scratchNames = n;
  }

  private refreshRarity(slot: number): PreparedEntity {
    const pe = this.slots[slot]!;
    if (this.slotVersion[slot] !== this.version) {
      for (const n of pe.names) setRarity(n.prepared, n.prepared.tokens.map(this.rarityOf));
      this.slotVersion[slot] = this.version;
    }
    return pe;
  }

  /** Names that share similar tokens with the query, best first (at most `limit`). */
  private candidates(pq: PreparedQuery, limit: number, minEstimate: number, allowed: (slot: number) => boolean): number[] {
    this.ensureScratch();
    if (++this.stamp >= 0x3fffffff) {
      this.stamp = 1;
      for (let o = 0; o < this.scratch.length; o += STRIDE) {
        this.scratch[o + S_NAME] = 0;
        this.scratch[o + S_TOKEN] = 0;
      }
    }
    const queryStamp = this.stamp;
    const touched = this.touched;
    touched.length = 0;
    const rulesList = pq.schema === 'person' ? RULES_PERSON : pq.schema === 'any' ? RULES_ANY : RULES_ORG;
    const seenTokens = new Set<string>();
    // `covers`: how many query words a work item stands for (joined and compact forms cover several).
    // Joined and compact forms look for names written as one word; splitting them again would only
    // re-find the single words, counted already.
    const work: WorkItem[] = [];
    const addWork = (token: string, abjad: boolean, weight: number, covers: number, joined: boolean) => {
      const expansion = this.expand(token, abjad, !joined);
      let postings = 0;
      for (let x = 0; x < expansion.length; x += 2) postings += this.df[expansion[x]];
      work.push({ weight, covers, expansion, postings });
    };
    // Weight and word count of the query (its lightest reading), against which names are estimated.
    let queryWeight = Infinity;
    let queryWords = 0;
    for (const rules of rulesList) {
      for (const qn of queryNamesFor(pq, rules)) {
        let w = 0;
        let words = 0;
        for (let i = 0; i < qn.tokens.length; i++) {
          if (qn.kinds[i] !== TK_WORD && qn.kinds[i] !== TK_NUMBER) continue;
          w += this.rarityOf(qn.tokens[i]);
          words++;
        }
        if (w > 0 && w < queryWeight) queryWeight = w;
        if (words > queryWords) queryWords = words;
        // A query of particles or initials only ("Al", "N. N.") still looks for its words.
        const any = words > 0;
        for (let i = 0; i < qn.tokens.length; i++) {
          if (any ? qn.kinds[i] !== TK_WORD && qn.kinds[i] !== TK_NUMBER : qn.kinds[i] === TK_INITIAL) continue;
          const t = qn.tokens[i];
          if (seenTokens.has(t)) continue;
          seenTokens.add(t);
          // A word repeated in the query ("Star Star") stands for each of its occurrences.
          let times = 0;
          for (let k = 0; k < qn.tokens.length; k++) if (qn.tokens[k] === t) times++;
          addWork(t, !!qn.abjad[i], this.rarityOf(t) * times, times, false);
        }
        // Words split on the query side ("Plat Ono Vich", "Abd Al Rahman") are looked up joined.
        for (let span = 2; span <= 3; span++) {
          for (let i = 0; i + span <= qn.tokens.length; i++) {
            let joined = qn.tokens[i];
            for (let k = i + 1; k < i + span; k++) joined += qn.tokens[k];
            if (joined.length < 5 || seenTokens.has(joined)) continue;
            seenTokens.add(joined);
            let jw = 0;
            for (let k = i; k < i + span; k++) jw += qn.kinds[k] === TK_WORD || qn.kinds[k] === TK_NUMBER ? this.rarityOf(qn.tokens[k]) : 0;
            addWork(joined, false, jw, span, true);
          }
        }
        if (qn.compact.length >= 6 && !seenTokens.has(qn.compact)) {
          seenTokens.add(qn.compact);
          addWork(qn.compact, false, w, words, true);
        }
      }
    }
    // Rarest words first. A word whose postings are long (Mohammed, Ali, Kim) only adds to names a
    // rarer query word already found: a name sharing nothing but such a word with a query that has
    // rarer words cannot reach a hit, and opening thousands of them is what made the slowest queries.
    work.sort((a, b) => a.postings - b.postings);
    const sc = this.scratch;
    for (let wi = 0; wi < work.length; wi++) {
      const w = work[wi];
      const expansion = w.expansion;
      const postings = w.postings;
      const ts = ++this.stamp;
      const opens = touched.length === 0 || postings <= COMMON_POSTINGS;
      for (let x = 0; x < expansion.length; x += 2) {
        const id = expansion[x];
        const a = agreement(expansion[x + 1]);
        if (a <= 0) continue;
        const contrib = w.weight * a;
        const list = this.postings[id];
        for (let k = 0; k < list.length; k++) {
          const nameId = list[k];
          const o = nameId * STRIDE;
          if (sc[o + S_NAME] !== queryStamp) {
            if (!opens) continue;
            sc[o + S_NAME] = queryStamp;
            sc[o + S_ACC] = 0;
            sc[o + S_MW] = 0;
            sc[o + S_MWORDS] = 0;
            touched.push(nameId);
          }
          if (sc[o + S_TOKEN] !== ts) {
            sc[o + S_TOKEN] = ts;
            sc[o + S_LAST] = contrib;
            sc[o + S_ACC] += contrib;
            sc[o + S_MW] += w.weight;
            sc[o + S_MWORDS] += w.covers;
          } else if (contrib > sc[o + S_LAST]) {
            sc[o + S_ACC] += contrib - sc[o + S_LAST];
            sc[o + S_LAST] = contrib;
          }
        }
      }
    }
    // Estimate each name's score from what it gathered: matched query words count with their
    // agreement; query words it lacks cost as contradictions where the name has words of its own
    // left to contradict them, else as omissions; its further words cost as omissions. This mirrors
    // the scorer's weights without pairing anything, and decides which names are scored in full.
    let max = 0;
    const live: number[] = [];
    const avgW = Number.isFinite(queryWeight) && queryWords ? queryWeight / queryWords : 1;
    for (let t = 0; t < touched.length; t++) {
      const nameId = touched[t];
      const o = nameId * STRIDE;
      const slot = sc[o + S_SLOT] | 0;
      if (slot < 0 || !allowed(slot)) continue;
      const matchedW = Math.min(sc[o + S_MW], queryWeight);
      const matchedN = Math.min(sc[o + S_MWORDS], queryWords);
      const unmatchedN = queryWords - matchedN;
      const spare = Math.max(0, sc[o + S_WORDS] - matchedN);
      const conflicts = Math.min(unmatchedN, spare);
      const den = matchedW + avgW * (conflicts * (1 + NAME_WEIGHTS.conflict) + (unmatchedN - conflicts) * NAME_WEIGHTS.missingInCandidate + (spare - conflicts) * NAME_WEIGHTS.missingInQuery);
      // Joined and compact forms re-count words already matched one by one: cap at a full match.
      const estimate = den > 0 ? Math.min(sc[o + S_ACC], matchedW) / den : 0;
      if (estimate < minEstimate) continue;
      sc[o + S_LAST] = estimate;
      live.push(nameId);
      if (estimate > max) max = estimate;
    }
    const rankOf = (nameId: number) => sc[nameId * STRIDE + S_LAST];
    if (live.length > limit) {
      // Top `limit` through a histogram, linear in the touched names, then an exact sort of the few.
      const counts = histogram.fill(0);
      const bucketOf = (v: number) => Math.min(BUCKETS - 1, Math.floor((v / max) * BUCKETS));
      for (const nameId of live) counts[bucketOf(rankOf(nameId))]++;
      let cut = BUCKETS - 1;
      let total = 0;
      for (; cut > 0; cut--) {
        total += counts[cut];
        if (total >= limit) break;
      }
      let kept = 0;
      for (let k = 0; k < live.length; k++) if (bucketOf(rankOf(live[k])) >= cut) live[kept++] = live[k];
      live.length = kept;
    }
    live.sort((a, b) => rankOf(b) - rankOf(a) || a - b);
    if (live.length > limit) live.length = limit;
    return live;
  }

  private allowedFor(pq: PreparedQuery): (slot: number) => boolean {
    const lists = pq.lists ? new Set(pq.lists) : undefined;
    // Schema compatibility by table: the slot's entity is only read for list filters. The table is
    // a typed array (one shape for every query, so the check stays optimised when inlined).
    const compat = new Uint8Array(SCHEMA_OTHER + 1);
    for (let c = 0; c < SCHEMA_OTHER; c++) compat[c] = schemaCompatible(pq.schema, SCHEMAS[c]) ? 1 : 0;
    compat[SCHEMA_OTHER] = 2;
    const slotSchema = this.slotSchema;
    const slots = this.slots;
    const schema = pq.schema;
    return (slot) => {
      const code = slotSchema[slot];
      if (code < 0) return false;
      const ok = compat[code];
      if (ok === 0) return false;
      if (ok === 2 && !schemaCompatible(schema, slots[slot]!.entity.schema)) return false;
      if (lists) {
        const e = slots[slot]!.entity;
        if (!lists.has(e.source) && !lists.has(e.id.split(':')[0])) return false;
      }
      return true;
    };
  }

  /** Screen one query. Throws INVALID_QUERY on malformed input. */
  search(input: ScreeningQuery): ScreeningResult {
    const query = validateQuery(input);
    const pq = prepareQuery(query, this.rarityOf);
    const allowed = this.allowedFor(pq);
    const limit = pq.deep ? this.candidateNames * 10 : this.candidateNames;
    const names = this.candidates(pq, limit, pq.deep ? MIN_ESTIMATE_DEEP : MIN_ESTIMATE, allowed);
    const slots: number[] = [];
    const seen = new Set<number>();
    // Only an entity's candidate names are scored: its other names share no similar word with the query.
    const only = new Map<number, Set<number>>();
    for (const nameId of names) {
      const s = this.nameSlot[nameId];
      if (!seen.has(s)) {
        seen.add(s);
        slots.push(s);
        only.set(s, new Set());
      }
      only.get(s)!.add(this.nameIndex[nameId]);
    }
    // Identifiers are matched exactly whatever the names say.
    if (pq.documentNumber) {
      for (let s = 0; s < this.slots.length; s++) {
        const pe = this.slots[s];
        if (pe && !seen.has(s) && pe.identifiers.has(pq.documentNumber) && allowed(s)) {
          seen.add(s);
          slots.push(s);
        }
      }
    }
    return this.finish(pq, slots, only);
  }

  /** Score every entity (no candidate pruning): the reference the index is tested against. */
  searchExhaustive(input: ScreeningQuery): ScreeningResult {
    const query = validateQuery(input);
    const pq = prepareQuery(query, this.rarityOf);
    const allowed = this.allowedFor(pq);
    const slots: number[] = [];
    for (let s = 0; s < this.slots.length; s++) if (allowed(s)) slots.push(s);
    return this.finish(pq, slots);
  }

  private finish(pq: PreparedQuery, slots: number[], only?: Map<number, Set<number>>): ScreeningResult {
    const matches: Match[] = [];
    for (const s of slots) {
      const m = scoreEntity(pq, this.refreshRarity(s), this.sim, LIST_FLOOR, only?.get(s));
      if (m) matches.push(m);
    }
    matches.sort((a, b) => b.score - a.score || Number(b.hit) - Number(a.hit) || a.entityId.localeCompare(b.entityId));
    const limit = pq.limit;
    const out = matches.slice(0, limit);
    if (pq.includeRelatives) {
      const present = new Set(out.map((m) => m.entityId));
      for (const m of out.filter((x) => x.hit)) {
        for (const rid of this.related.get(m.entityId) ?? []) {
          if (present.has(rid)) continue;
          const slot = this.byId.get(rid);
          if (slot === undefined) continue;
          present.add(rid);
          const pe = this.refreshRarity(slot);
          const own = scoreEntity(pq, pe, this.sim, 0);
          const rel = pe.entity.relations?.find((r) => r.targetId === m.entityId) ?? this.slots[this.byId.get(m.entityId)!]?.entity.relations?.find((r) => r.targetId === rid);
          const primary = pe.entity.names[0];
          out.push({
            entityId: rid,
            score: own?.score ?? 0,
            hit: false,
            matchedName: own?.matchedName ?? primary?.full ?? rid,
            matchedNameKind: own?.matchedNameKind ?? primary?.kind ?? 'primary',
            queryName: own?.queryName ?? pq.names[0],
            features: [...(own?.features ?? []), { feature: 'relation', effect: 0, detail: `${rel?.type ?? 'linked'} of ${m.entityId}` }],
            tokens: own?.tokens ?? [],
            entity: summarize(pe.entity),
            relatedTo: { entityId: m.entityId, relation: rel?.role ?? rel?.type ?? 'linked' },
          });
        }
      }
    }
    return {
      query: { names: pq.names, schema: pq.schema, threshold: pq.threshold },
      matches: out,
      hits: out.filter((m) => m.hit).length,
      scored: slots.length,
    };
  }

  /**
   * Score one query against one entity, with this index's token statistics: the explanation a
   * reviewer sees, and what monitoring re-screens use. Never undefined for a compatible schema.
   */
  scorePair(input: ScreeningQuery, entity: Entity): Match | undefined {
    const query = validateQuery(input);
    const pq = prepareQuery(query, this.rarityOf);
    return scoreEntity(pq, prepareEntity(entity, this.rarityOf), this.sim, 0);
  }
}

export function buildIndex(entities: Iterable<Entity>, options?: IndexOptions): ScreeningIndex {
  const index = new ScreeningIndex(options);
  index.addAll(entities);
  return index;
}

/** Pure pair scoring without an index (uniform token rarity). */
export function scorePair(input: ScreeningQuery, entity: Entity): Match | undefined {
  const pq = prepareQuery(validateQuery(input));
  return scoreEntity(pq, prepareEntity(entity), undefined, 0);
}
