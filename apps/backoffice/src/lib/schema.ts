import type { JsonSchema } from '../api/flows.ts';

/** Reading the JSON Schema the server publishes for each step's settings (zod's toJSONSchema output). */

export function nonNull(s: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  if (s.anyOf) {
    const rest = s.anyOf.filter((x) => x.type !== 'null');
    if (rest.length === 1 && rest.length < s.anyOf.length) return { inner: { ...rest[0], default: s.default ?? rest[0].default }, nullable: true };
  }
  return { inner: s, nullable: false };
}

export type FieldKind = 'boolean' | 'number' | 'integer' | 'enum' | 'string' | 'multiEnum' | 'stringList' | 'objectList' | 'object' | 'json';

export function fieldKind(s: JsonSchema): FieldKind {
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (s.enum) return 'enum';
  if (t === 'boolean') return 'boolean';
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'number';
  if (t === 'string') return 'string';
  if (t === 'array') {
    const it = s.items ?? {};
    if (it.enum) return 'multiEnum';
    if (it.type === 'string') return 'stringList';
    if (it.type === 'object' && it.properties) return 'objectList';
    return 'json';
  }
  if (t === 'object' && s.properties && !s.additionalProperties) return 'object';
  return 'json';
}

/** A value to start from when a nullable setting is switched on or a list item is added. */
export function initialValue(s: JsonSchema): unknown {
  if (s.default !== undefined && s.default !== null) return structuredClone(s.default);
  const { inner } = nonNull(s);
  const k = fieldKind(inner);
  switch (k) {
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return inner.minimum ?? 0;
    case 'enum':
      return inner.enum?.[0] ?? '';
    case 'string':
      return '';
    case 'multiEnum':
    case 'stringList':
    case 'objectList':
      return [];
    case 'object':
      return Object.fromEntries(Object.entries(inner.properties ?? {}).map(([k2, v]) => [k2, initialValue(v)]));
    default:
      return {};
  }
}

/** "expiryAdjustmentMonths" → "Expiry adjustment months"; "mrzRequired" → "MRZ required". */
export function humanize(key: string): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ')
    .filter(Boolean);
  const acronyms = new Set(['mrz', 'aml', 'ip', 'url', 'otp', 'id', 'sms', 'voip']);
  const out = words.map((w) => (acronyms.has(w) ? w.toUpperCase() : w)).join(' ');
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/** Is this a list of ISO 3166-1 alpha-2 codes (shown as a country picker)? */
export function isAlpha2List(s: JsonSchema): boolean {
  return s.items?.type === 'string' && s.items.pattern === '^[A-Z]{2}$';
}

/** A review reason as people read it: "screening:review(aml_hit)" → "Screening: review (aml hit)". */
export function reasonLabel(r: string) {
  const m = /^([^:]+):([a-z_]+)(?:\((.*)\))?$/.exec(r);
  if (!m) return humanize(r);
  return `${humanize(m[1])}: ${humanize(m[2]).toLowerCase()}${m[3] ? ` (${m[3].split(',').map((x) => humanize(x).toLowerCase()).join(', ')})` : ''}`;
}
