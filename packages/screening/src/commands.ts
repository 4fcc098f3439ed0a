import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ScreeningPool } from './batch/pool.ts';
import { ScreeningError } from './errors.ts';
import { formatResultText } from './format.ts';
import { entityHash, isSourceId, parseSource } from './importers/index.ts';
import { readLists, scanListsDir, type ListFiles } from './lists.ts';
import { validateQuery, type ScreeningQuery, type ScreeningResult } from './query.ts';
import { buildIndex, type ScreeningIndex } from './search-index.ts';
import { SOURCE_IDS, type Entity } from './types.ts';

/**
 * Command builders for the standalone screening CLI. The server's `tessera` binary can mount the
 * same commands (or reuse `screenQueryFromOptions` and `formatResultText`) with its own index.
 */

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stderr is a terminal (progress bars only then). */
  tty: boolean;
}

export const stdio: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  tty: !!process.stderr.isTTY,
};

function parseThreshold(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('threshold must be 0-100');
  return n;
}

function collectRepeat(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** `--file ofac-sdn:path` (source given) or a bare path (source detected from content). */
export function listFilesFromOptions(opts: { listsDir?: string; file?: string[] }): ListFiles[] {
  const groups: ListFiles[] = [];
  if (opts.listsDir) groups.push(...scanListsDir(opts.listsDir));
  const bySource = new Map<string, string[]>();
  for (const f of opts.file ?? []) {
    const m = /^([a-z-]+):(.+)$/.exec(f);
    if (m && isSourceId(m[1])) {
      bySource.set(m[1], [...(bySource.get(m[1]) ?? []), m[2]]);
      continue;
    }
    throw new ScreeningError('INVALID_INPUT', `--file must be <source>:<path> with source one of ${SOURCE_IDS.join(', ')}`);
  }
  for (const [source, files] of bySource) {
    // OFAC legacy CSV side files (alt, add, comments) belong with their primary file.
    if (source === 'ofac-sdn' || source === 'ofac-cons') groups.push({ source, files });
    else for (const f of files) groups.push({ source: source as ListFiles['source'], files: [f] });
  }
  if (!groups.length) throw new ScreeningError('INVALID_INPUT', 'give --lists-dir <dir> or --file <source>:<path>');
  return groups;
}

export async function loadEntities(groups: ListFiles[], io: Io = stdio): Promise<Entity[]> {
  const all: Entity[] = [];
  const bar = io.tty ? new SingleBar({ format: 'loading lists [{bar}] {percentage}% | {value}/{total} KB', hideCursor: true }, Presets.shades_classic) : undefined;
  let started = false;
  const onProgress = (read: number, total: number | undefined) => {
    if (!bar || total === undefined) return;
    if (!started) {
      bar.start(Math.ceil(total / 1024), 0);
      started = true;
    }
    bar.update(Math.ceil(read / 1024));
  };
  try {
    for (const g of groups) {
      started = false;
      for await (const e of parseSource(g.source, g.files.length === 1 ? g.files[0] : g.files, { onProgress })) all.push(e);
      if (started) bar?.stop();
    }
  } finally {
    bar?.stop();
  }
  return all;
}

export interface ScreenOptions {
  dob?: string;
  country?: string[];
  type?: string;
  threshold?: number;
  limit?: number;
  lists?: string[];
  relatives?: boolean;
  deep?: boolean;
}

/** Build the API query from `screen` options (same fields as `/v1/aml/search`). */
export function screenQueryFromOptions(name: string, o: ScreenOptions): ScreeningQuery {
  const q: Record<string, unknown> = { name, schema: o.type ?? 'any' };
  if (o.dob) q.birthDate = o.dob;
  if (o.country?.length) q.countries = o.country;
  if (o.threshold !== undefined) q.threshold = o.threshold;
  if (o.limit !== undefined) q.limit = o.limit;
  if (o.lists?.length) q.lists = o.lists;
  if (o.relatives) q.includeRelatives = true;
  if (o.deep) q.deep = true;
  return validateQuery(q);
}

/** Read a JSON-lines batch: one query object per line; a bad line yields an error line, not a crash. */
export async function* readBatch(path: string): AsyncGenerator<{ line: number; query?: ScreeningQuery; error?: { code: string; message: string } }> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    try {
      yield { line, query: validateQuery(JSON.parse(text)) };
    } catch (err) {
      const code = err instanceof ScreeningError ? err.code : 'INVALID_QUERY';
      yield { line, error: { code, message: err instanceof ScreeningError ? err.message : 'line is not valid JSON' } };
    }
  }
}

export interface ScreenDeps {
  /** Provide an index (the server passes its own); default: build one from --lists-dir/--file. */
  index?: () => Promise<ScreeningIndex>;
  io?: Io;
}

export function buildScreenCommand(deps: ScreenDeps = {}): Command {
  const io = deps.io ?? stdio;
  return new Command('screen')
    .description('screen a name (or a JSON-lines batch) against sanctions and PEP lists')
    .argument('[name]', 'name to screen')
    .option('--lists-dir <dir>', 'directory of list files (formats detected from content)')
    .option('--file <source:path>', 'a list file with its source id, e.g. un:UN_consolidated.xml (repeatable)', collectRepeat)
    .option('--dob <date>', 'date of birth: YYYY, YYYY-MM or YYYY-MM-DD')
    .option('--country <code>', 'country (ISO code or name), repeatable', collectRepeat)
    .addOption(new Option('--type <schema>', 'what is screened').choices(['person', 'organization', 'vessel', 'aircraft', 'any']).default('any'))
    .option('--threshold <n>', 'hit threshold 0-100 (default 70)', parseThreshold)
    .option('--limit <n>', 'maximum matches (default 20)', (v) => Number(v))
    .option('--list <id>', 'restrict to a list id (repeatable)', collectRepeat)
    .option('--relatives', 'also return relatives and associates of hits')
    .option('--deep', 'wider candidate search')
    .option('--batch <queries.jsonl>', 'screen one query object per line; one result line per query line')
    .option('--workers <n>', 'worker threads for --batch (default: cores)', (v) => Number(v))
    .option('--json', 'print JSON (the API shape)')
    .action(async (name: string | undefined, o: ScreenOptions & { listsDir?: string; file?: string[]; batch?: string; workers?: number; json?: boolean; list?: string[] }) => {
      if (!name && !o.batch) throw new ScreeningError('INVALID_QUERY', 'give a name or --batch <file>');
      if (o.batch) {
        await runBatch(o.batch, o, deps, io);
        return;
      }
      const index = deps.index ? await deps.index() : buildIndex(await loadEntities(listFilesFromOptions(o), io));
      const result = index.search(screenQueryFromOptions(name!, { ...o, lists: o.list }));
      io.out(o.json ? JSON.stringify(result) : formatResultText(result));
    });
}

async function runBatch(path: string, o: { listsDir?: string; file?: string[]; workers?: number }, deps: ScreenDeps, io: Io): Promise<void> {
  const items: Array<{ line: number; query?: ScreeningQuery; error?: { code: string; message: string } }> = [];
  for await (const item of readBatch(path)) items.push(item);
  const queries = items.filter((i) => i.query).map((i) => i.query!);
  let results: Array<ScreeningResult | { error: { code: string; message: string } }>;
  if (deps.index) {
    const index = await deps.index();
    results = queries.map((q) => index.search(q));
  } else {
    const pool = await ScreeningPool.create({ lists: listFilesFromOptions(o), workers: o.workers });
    try {
      results = await pool.searchBatch(queries);
    } finally {
      await pool.close();
    }
  }
  let k = 0;
  for (const item of items) {
    const r = item.query ? results[k++] : { error: item.error! };
    // Batch output is always JSON lines: one result line per query line, in order.
    io.out(JSON.stringify({ line: item.line, ...r }));
  }
}

export function buildListsCommand(io: Io = stdio): Command {
  const lists = new Command('lists').description('read sanctions and PEP list files');
  lists
    .command('import')
    .description('parse list files to entity JSON lines (what the server stores)')
    .addOption(new Option('--source <id>', 'list format').choices([...SOURCE_IDS]).makeOptionMandatory())
    .requiredOption('--file <path>', 'list file (repeatable: OFAC sdn/alt/add/comments)', collectRepeat)
    .option('--out <entities.jsonl>', 'write entities here (default: summary only)')
    .action(async (o: { source: string; file: string[]; out?: string }) => {
      const groups: ListFiles[] = [{ source: o.source as ListFiles['source'], files: o.file }];
      const out = o.out ? createWriteStream(o.out) : undefined;
      const bySchema: Record<string, number> = {};
      let count = 0;
      const entities = await loadEntities(groups, io);
      for (const e of entities) {
        count++;
        bySchema[e.schema] = (bySchema[e.schema] ?? 0) + 1;
        if (out && !out.write(`${JSON.stringify({ ...e, hash: entityHash(e) })}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (out) await new Promise<void>((r) => out.end(r));
      io.out(JSON.stringify({ source: o.source, files: o.file, entities: count, bySchema }));
    });
  lists
    .command('status')
    .description('list files found and their entity counts')
    .option('--lists-dir <dir>', 'directory of list files')
    .option('--file <source:path>', 'list file (repeatable)', collectRepeat)
    .option('--json', 'print JSON')
    .action(async (o: { listsDir?: string; file?: string[]; json?: boolean }) => {
      const groups = listFilesFromOptions(o);
      const status: Array<{ source: string; files: string[]; entities: number }> = [];
      for (const g of groups) {
        let n = 0;
        for await (const _ of readLists([g])) n++;
        status.push({ source: g.source, files: g.files, entities: n });
      }
      if (o.json) io.out(JSON.stringify({ lists: status }));
      else for (const s of status) io.out(`${s.source.padEnd(10)} ${String(s.entities).padStart(7)}  ${s.files.join(', ')}`);
    });
  return lists;
}

export function buildProgram(io: Io = stdio): Command {
  return new Command('tessera-screening')
    .description('Tessera sanctions and PEP screening (standalone, over list files)')
    .addCommand(buildScreenCommand({ io }))
    .addCommand(buildListsCommand(io));
}
