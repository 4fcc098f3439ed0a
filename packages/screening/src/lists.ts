import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ScreeningError } from './errors.ts';
import { classifyOfacFile, parseSource, type ImportOptions } from './importers/index.ts';
import type { Entity, SourceId } from './types.ts';

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Which list a file is, from its first bytes (and its name where the content is ambiguous). */
export function detectSource(path: string): SourceId | undefined {
  const h = head(path);
  const name = basename(path).toLowerCase();
  const cons = name.includes('cons');
  if (/<CONSOLIDATED_LIST/i.test(h) && /<INDIVIDUALS|<ENTITIES|un\.org/i.test(h)) return 'un';
  if (/<sdnList/i.test(h)) return cons ? 'ofac-cons' : 'ofac-sdn';
  if (/<export\b/i.test(h) && /sanctionEntity|fsd/i.test(h)) return 'eu';
  const first = h.split('\n')[0].trim();
  if (first.startsWith('{')) {
    if (/"DATA_SOURCE"|"RECORD_ID"/.test(first)) return 'senzing';
    if (/"schema"/.test(first) && /"properties"/.test(first)) return 'ftm';
  }
  if (/Name 6/.test(h) && /Group ID/.test(h)) return 'uk-ofsi';
  if (/^source,entity_number/i.test(first)) return 'us-csl';
  if (/^"?Name"?\t"?Street_Address/i.test(first)) return 'bis-dpl';
  if (/^\d+,/.test(first) && /\.csv$/i.test(name)) return cons ? 'ofac-cons' : 'ofac-sdn';
  return undefined;
}

export interface ListFiles {
  source: SourceId;
  files: string[];
}

/** Find list files under a directory (recursively), grouped per source (OFAC side files together). */
export function scanListsDir(dir: string): ListFiles[] {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    throw new ScreeningError('FILE_NOT_FOUND', `cannot read ${dir}`, { cause: err });
  }
  if (!st.isDirectory()) throw new ScreeningError('INVALID_INPUT', `${dir} is not a directory`);
  const groups: ListFiles[] = [];
  const walk = (d: string) => {
    const ofac = new Map<SourceId, string[]>();
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) {
        walk(p);
        continue;
      }
      if (!entry.isFile() || entry.name.startsWith('.') || /readme|licen[cs]e/i.test(entry.name)) continue;
      const source = detectSource(p);
      if (!source) continue;
      if (source === 'ofac-sdn' || source === 'ofac-cons') {
        // The side files of one OFAC set live in one folder; a second primary file is a separate set.
        const list = ofac.get(source) ?? [];
        if (classifyOfacFile(p) === 'primary' && list.some((f) => classifyOfacFile(f) === 'primary')) groups.push({ source, files: [p] });
        else list.push(p);
        ofac.set(source, list);
      } else groups.push({ source, files: [p] });
    }
    for (const [source, files] of ofac) if (files.some((f) => classifyOfacFile(f) === 'primary')) groups.push({ source, files });
  };
  walk(dir);
  return groups;
}

/** Stream the entities of list files, in order. */
export async function* readLists(groups: ListFiles[], opts?: ImportOptions): AsyncGenerator<Entity> {
  for (const g of groups) yield* parseSource(g.source, g.files.length === 1 ? g.files[0] : g.files, opts);
}

/**
 * Gather streamed entities into an array (for building an index). Ids repeated across files (the
 * same list given twice) are kept; the index lets the later copy replace the earlier one.
 */
export async function collect(entities: AsyncIterable<Entity>): Promise<Entity[]> {
  const out: Entity[] = [];
  for await (const e of entities) out.push(e);
  return out;
}
