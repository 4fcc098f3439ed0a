import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, type Io } from '../src/commands.ts';
import { FIXTURES, fixture } from './helpers.ts';

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const io: Io = { out: (s) => lines.push(s), err: () => {}, tty: false };
  await buildProgram(io).exitOverride().parseAsync(['node', 'cli', ...args]);
  return lines;
}

describe('CLI', () => {
  it('screen --json prints the API result shape', async () => {
    const [line] = await run(['screen', 'Ivan Testov', '--lists-dir', FIXTURES, '--dob', '1972-10-12', '--type', 'person', '--json']);
    const r = JSON.parse(line);
    expect(r.query).toEqual({ names: ['Ivan Testov'], schema: 'person', threshold: 70 });
    expect(r.matches[0]).toMatchObject({ entityId: 'ofac-sdn:10001', hit: true, matchedNameKind: expect.any(String), entity: { caption: 'TESTOV, Ivan Petrovich' } });
    expect(r.hits).toBeGreaterThanOrEqual(1);
  });

  it('screen without --json prints a readable summary', async () => {
    const lines = await run(['screen', 'Sea Tester', '--file', `ofac-sdn:${fixture('ofac-sdn/sdn.csv')}`]);
    expect(lines[0]).toContain('hit(s)');
    expect(lines[0].split('\n')[1]).toContain('ofac-sdn:10003');
  });

  it('screen --batch prints one result line per query line, errors included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screening-'));
    const batch = join(dir, 'q.jsonl');
    writeFileSync(batch, '{"name":"Olena Prykladna"}\nnot json\n{"name":"Testland Mining Corp","schema":"organization"}\n');
    const lines = (await run(['screen', '--batch', batch, '--lists-dir', FIXTURES, '--workers', '1', '--json'])).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3]);
    expect(lines[0].matches[0].entityId).toBe('ftm:NK-test-person-1');
    expect(lines[1].error.code).toBe('INVALID_QUERY');
    expect(lines[2].matches[0].entityId).toBe('un:9100001');
  });

  it('lists import writes entities with content hashes; lists status counts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screening-'));
    const out = join(dir, 'un.jsonl');
    const [summary] = await run(['lists', 'import', '--source', 'un', '--file', fixture('un.xml'), '--out', out]);
    expect(JSON.parse(summary)).toMatchObject({ source: 'un', entities: 3, bySchema: { person: 2, organization: 1 } });
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).toMatchObject({ id: 'un:9000001', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [status] = await run(['lists', 'status', '--lists-dir', FIXTURES, '--json']);
    expect(JSON.parse(status).lists.find((l: { source: string }) => l.source === 'eu').entities).toBe(2);
  });
});
