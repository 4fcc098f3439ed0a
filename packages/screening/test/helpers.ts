import { fileURLToPath } from 'node:url';
import { readLists, scanListsDir } from '../src/lists.ts';
import type { Entity } from '../src/types.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(name: string): string {
  return `${FIXTURES}${name}`;
}

export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function fixtureEntities(): Promise<Entity[]> {
  return all(readLists(scanListsDir(FIXTURES)));
}

export function person(id: string, names: string[], extra: Partial<Entity> = {}): Entity {
  return { id: `ftm:${id}`, source: 'ftm', sourceId: id, schema: 'person', names: names.map((full, i) => ({ full, kind: i === 0 ? 'primary' : 'alias' })), ...extra };
}

export function org(id: string, names: string[], extra: Partial<Entity> = {}): Entity {
  return { id: `ftm:${id}`, source: 'ftm', sourceId: id, schema: 'organization', names: names.map((full, i) => ({ full, kind: i === 0 ? 'primary' : 'alias' })), ...extra };
}
