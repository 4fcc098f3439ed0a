import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { parse as parseCsv, type Options as CsvOptions } from 'csv-parse';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ScreeningError } from '../errors.ts';
import type { Entity } from '../types.ts';

/** Anything an importer reads: a file path, several paths, a Node stream or an async iterable of chunks. */
export type ImportInput = string | string[] | NodeJS.ReadableStream | AsyncIterable<string | Buffer | Uint8Array>;

export interface ImportOptions {
  /** Called as bytes are read: (bytes read so far, total bytes when known). */
  onProgress?: (read: number, total: number | undefined) => void;
  /** Largest single record accepted, in characters (default 8 MB): bounds memory on hostile input. */
  maxRecordChars?: number;
}

export const DEFAULT_MAX_RECORD = 8 * 1024 * 1024;

export function isPathList(input: ImportInput): input is string | string[] {
  return typeof input === 'string' || (Array.isArray(input) && input.every((x) => typeof x === 'string'));
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    throw new ScreeningError('FILE_NOT_FOUND', `cannot read ${path}`, { cause: err });
  }
}

/** Raw byte chunks of one input, reporting progress. */
export async function* chunks(input: ImportInput, opts: ImportOptions = {}, progress?: { read: number; total?: number }): AsyncGenerator<Buffer> {
  const state = progress ?? { read: 0, total: undefined as number | undefined };
  if (isPathList(input)) {
    const paths = typeof input === 'string' ? [input] : input;
    if (state.total === undefined) state.total = paths.reduce((s, p) => s + fileSize(p), 0);
    for (const p of paths) {
      for await (const c of createReadStream(p, { highWaterMark: 256 * 1024 })) {
        state.read += (c as Buffer).length;
        opts.onProgress?.(state.read, state.total);
        yield c as Buffer;
      }
    }
    return;
  }
  for await (const c of input as AsyncIterable<string | Buffer | Uint8Array>) {
    const buf = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c);
    state.read += buf.length;
    opts.onProgress?.(state.read, state.total);
    yield buf;
  }
}

/**
 * Decode bytes to text. UTF-8 (with or without BOM) is assumed; publishers still ship Windows-1252
 * (the UK OFSI CSV), so the first invalid UTF-8 sequence in the first chunk switches to it.
 */
export async function* text(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let first = true;
  for await (const chunk of chunks(input, opts)) {
    if (!decoder) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, Math.max(0, chunk.length - 4)), { stream: true });
        decoder = new TextDecoder('utf-8');
      } catch {
        decoder = new TextDecoder('windows-1252');
      }
    }
    let s = decoder.decode(chunk, { stream: true });
    if (first) {
      s = s.replace(/^\ufeff/, '');
      first = false;
    }
    if (s) yield s;
  }
  const tail = decoder?.decode();
  if (tail) yield tail;
}

/** Lines of a text input (JSON lines), each bounded in length. */
export async function* lines(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<string> {
  const max = opts.maxRecordChars ?? DEFAULT_MAX_RECORD;
  let buf = '';
  for await (const t of text(input, opts)) {
    buf += t;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line.trim()) yield line;
    }
    if (buf.length > max) throw new ScreeningError('RECORD_TOO_LARGE', `a line exceeds ${max} characters`);
  }
  if (buf.trim()) yield buf;
}

/** Rows of a CSV (or TSV) input, streamed through csv-parse. */
export async function* csvRows(input: ImportInput, opts: ImportOptions = {}, csv: CsvOptions = {}): AsyncGenerator<string[]> {
  const parser = parseCsv({
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: opts.maxRecordChars ?? DEFAULT_MAX_RECORD,
    ...csv,
  });
  const feed = (async () => {
    try {
      for await (const t of text(input, opts)) {
        if (!parser.write(t)) await new Promise<void>((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  try {
    for await (const row of parser) yield row as string[];
  } catch (err) {
    if (err instanceof ScreeningError) throw err;
    throw new ScreeningError('PARSE_ERROR', `CSV could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  await feed;
}

/** A small element tree for one XML record. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function textOf(el: XmlElement | undefined, name?: string): string | undefined {
  const target = name ? child(el, name) : el;
  const t = target?.text.trim();
  return t ? t : undefined;
}

/** Every descendant text under `path` (e.g. ["NATIONALITY", "VALUE"]). */
export function textsAt(el: XmlElement | undefined, path: string[]): string[] {
  let level: XmlElement[] = el ? [el] : [];
  for (const p of path) level = level.flatMap((e) => childrenNamed(e, p));
  return level.map((e) => e.text.trim()).filter(Boolean);
}

function localName(n: string): string {
  const i = n.indexOf(':');
  return i >= 0 ? n.slice(i + 1) : n;
}

/**
 * Stream an XML document and yield each element named in `records` as a small tree, without
 * ever holding more than one record (saxes, non-validating; namespaces are ignored).
 */
export async function* xmlRecords(input: ImportInput, records: string[], opts: ImportOptions = {}): AsyncGenerator<XmlElement> {
  const max = opts.maxRecordChars ?? DEFAULT_MAX_RECORD;
  const parser = new SaxesParser({ xmlns: false, position: false });
  const ready: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let size = 0;
  let error: unknown;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (!stack.length && !records.includes(name)) return;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (const [k, v] of Object.entries(tag.attributes)) el.attrs[localName(k)] = String(v);
    if (stack.length) stack[stack.length - 1].children.push(el);
    stack.push(el);
  });
  parser.on('text', (t: string) => {
    if (!stack.length) return;
    size += t.length;
    if (size > max) throw new ScreeningError('RECORD_TOO_LARGE', `an XML record exceeds ${max} characters`);
    stack[stack.length - 1].text += t;
  });
  parser.on('cdata', (t: string) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => {
    if (!stack.length) return;
    const el = stack.pop()!;
    if (!stack.length) {
      ready.push(el);
      size = 0;
    }
  });
  parser.on('error', (err: Error) => {
    error = err;
  });
  for await (const t of text(input, opts)) {
    try {
      parser.write(t);
    } catch (err) {
      if (err instanceof ScreeningError) throw err;
      throw new ScreeningError('PARSE_ERROR', `XML could not be parsed: ${(err as Error).message}`, { cause: err });
    }
    if (error) throw new ScreeningError('PARSE_ERROR', `XML could not be parsed: ${(error as Error).message}`, { cause: error });
    while (ready.length) yield ready.shift()!;
  }
  try {
    parser.close();
  } catch (err) {
    error = err;
  }
  // A truncated download must not pass for a shorter list.
  if (error) throw new ScreeningError('PARSE_ERROR', `XML could not be parsed: ${(error as Error).message}`, { cause: error });
  while (ready.length) yield ready.shift()!;
}

/** Deterministic JSON (sorted keys) for hashing. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Content hash of an entity: with the id, lets the server diff list versions (added/removed/changed). */
export function entityHash(entity: Entity): string {
  return createHash('sha256').update(canonical(entity)).digest('hex');
}

/** Short stable id for records whose publisher gives none (BIS DPL, parts of the CSL). */
export function contentId(...parts: Array<string | undefined>): string {
  return createHash('sha1')
    .update(parts.map((p) => (p ?? '').trim().toLowerCase()).join('\u0001'))
    .digest('hex')
    .slice(0, 16);
}

/** Drop empty arrays and undefined fields so entities serialise compactly and hash stably. */
export function compactEntity(e: Entity): Entity {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out as unknown as Entity;
}

export function uniq<T>(items: T[], key: (t: T) => string = (t) => JSON.stringify(t)): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const i of items) {
    const k = key(i);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(i);
  }
  return out;
}

/** OFAC and BIS write "-0-" for empty. */
export function clean(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === '-0-' ? undefined : t;
}
