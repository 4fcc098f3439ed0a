/**
 * Editing SurveyJS-format questionnaires without the (commercially licensed) SurveyJS Creator: the JSON
 * stays the source of truth and these helpers read and write the parts the builder exposes.
 */

export type SurveyElement = {
  type: string;
  name: string;
  title?: string;
  isRequired?: boolean;
  inputType?: string;
  choices?: (string | { value: string; text?: string })[];
  rows?: (string | { value: string; text?: string })[];
  columns?: (string | { value: string; text?: string })[];
  visibleIf?: string;
  enableIf?: string;
  requiredIf?: string;
  [k: string]: unknown;
};
export type SurveyPage = { name: string; title?: string; elements: SurveyElement[]; visibleIf?: string; enableIf?: string; [k: string]: unknown };
export type SurveyTrigger = { type: string; expression: string; setToName?: string; setValue?: unknown; fromName?: string; gotoName?: string; runExpression?: string };
export type SurveyJson = { title?: string; pages: SurveyPage[]; triggers?: SurveyTrigger[]; [k: string]: unknown };

export const QUESTION_TYPES = ['text', 'number', 'date', 'radiogroup', 'checkbox', 'dropdown', 'boolean', 'file', 'matrix'] as const;
export type QuestionKind = (typeof QUESTION_TYPES)[number];

export function normalise(raw: unknown): SurveyJson {
  const j = (raw && typeof raw === 'object' ? structuredClone(raw) : {}) as SurveyJson;
  if (!Array.isArray(j.pages)) j.pages = [];
  for (const p of j.pages) if (!Array.isArray(p.elements)) p.elements = [];
  return j;
}

export function kindOf(e: SurveyElement): QuestionKind | string {
  if (e.type === 'text' && e.inputType === 'number') return 'number';
  if (e.type === 'text' && e.inputType === 'date') return 'date';
  return e.type;
}

export function allNames(j: SurveyJson): Set<string> {
  const s = new Set<string>();
  for (const p of j.pages) {
    s.add(p.name);
    for (const e of p.elements) s.add(e.name);
  }
  return s;
}

export function uniqueName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

export function newQuestion(kind: QuestionKind, taken: Set<string>): SurveyElement {
  const name = uniqueName('question', taken);
  switch (kind) {
    case 'number':
      return { type: 'text', inputType: 'number', name, title: '' };
    case 'date':
      return { type: 'text', inputType: 'date', name, title: '' };
    case 'radiogroup':
    case 'checkbox':
    case 'dropdown':
      return { type: kind, name, title: '', choices: ['Option 1', 'Option 2'] };
    case 'matrix':
      return { type: 'matrix', name, title: '', columns: ['Yes', 'No'], rows: ['Row 1', 'Row 2'] };
    default:
      return { type: kind, name, title: '' };
  }
}

export const OPERATORS = ['equal', 'notequal', 'contains', 'notcontains', 'greater', 'less', 'empty', 'notempty'] as const;
export type Operator = (typeof OPERATORS)[number];
export type Condition = { question: string; operator: Operator; value: string };

const quote = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) || v === 'true' || v === 'false' ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

/** Conditions joined by AND/OR into a SurveyJS expression ("{age} > 18 and {country} = 'ES'"). */
export function buildExpression(conds: Condition[], join: 'and' | 'or'): string {
  return conds
    .filter((c) => c.question)
    .map((c) => {
      const q = `{${c.question}}`;
      switch (c.operator) {
        case 'equal':
          return `${q} = ${quote(c.value)}`;
        case 'notequal':
          return `${q} <> ${quote(c.value)}`;
        case 'contains':
          return `${q} contains ${quote(c.value)}`;
        case 'notcontains':
          return `${q} notcontains ${quote(c.value)}`;
        case 'greater':
          return `${q} > ${quote(c.value)}`;
        case 'less':
          return `${q} < ${quote(c.value)}`;
        case 'empty':
          return `${q} empty`;
        case 'notempty':
          return `${q} notempty`;
      }
    })
    .join(` ${join} `);
}

export const ACTIONS = ['show', 'hide', 'enable', 'disable', 'require', 'complete', 'setvalue', 'copyvalue', 'skip', 'runexpression'] as const;
export type Action = (typeof ACTIONS)[number];
export type Rule = { id: string; expression: string; action: Action; target?: string; value?: string; from?: string; run?: string };

const negate = (e: string) => `!(${e})`;

function findTarget(j: SurveyJson, name: string): SurveyPage | SurveyElement | null {
  for (const p of j.pages) {
    if (p.name === name) return p;
    for (const e of p.elements) if (e.name === name) return e;
  }
  return null;
}

/** Writes a rule into the survey JSON: element/page properties for show/enable/require, triggers otherwise. */
export function applyRule(json: SurveyJson, r: Rule): SurveyJson {
  const j = structuredClone(json);
  const target = r.target ? findTarget(j, r.target) : null;
  switch (r.action) {
    case 'show':
    case 'hide':
      if (!target) throw new Error('Pick the page or question to show or hide.');
      target.visibleIf = r.action === 'show' ? r.expression : negate(r.expression);
      break;
    case 'enable':
    case 'disable':
      if (!target) throw new Error('Pick the page or question to enable or disable.');
      target.enableIf = r.action === 'enable' ? r.expression : negate(r.expression);
      break;
    case 'require':
      if (!target) throw new Error('Pick the question to make required.');
      (target as SurveyElement).requiredIf = r.expression;
      break;
    default: {
      const t: SurveyTrigger = { type: r.action, expression: r.expression };
      if (r.action === 'setvalue') Object.assign(t, { setToName: r.target, setValue: r.value });
      if (r.action === 'copyvalue') Object.assign(t, { setToName: r.target, fromName: r.from });
      if (r.action === 'skip') Object.assign(t, { gotoName: r.target });
      if (r.action === 'runexpression') Object.assign(t, { runExpression: r.run });
      j.triggers = [...(j.triggers ?? []), t];
    }
  }
  return j;
}

export type ListedRule = { key: string; kind: 'visibleIf' | 'enableIf' | 'requiredIf' | 'trigger'; target: string | null; expression: string; trigger?: SurveyTrigger; index?: number };

/** Every piece of logic in the survey, for listing and removing. */
export function listRules(j: SurveyJson): ListedRule[] {
  const out: ListedRule[] = [];
  const props = ['visibleIf', 'enableIf', 'requiredIf'] as const;
  for (const p of j.pages) {
    for (const k of props) if (typeof p[k] === 'string' && p[k]) out.push({ key: `${p.name}.${k}`, kind: k, target: p.name, expression: p[k] as string });
    for (const e of p.elements) for (const k of props) if (typeof e[k] === 'string' && e[k]) out.push({ key: `${e.name}.${k}`, kind: k, target: e.name, expression: e[k] as string });
  }
  (j.triggers ?? []).forEach((t, i) => out.push({ key: `trigger.${i}`, kind: 'trigger', target: t.setToName ?? t.gotoName ?? null, expression: t.expression, trigger: t, index: i }));
  return out;
}

export function removeRule(json: SurveyJson, r: ListedRule): SurveyJson {
  const j = structuredClone(json);
  if (r.kind === 'trigger') {
    j.triggers = (j.triggers ?? []).filter((_, i) => i !== r.index);
    return j;
  }
  const t = r.target ? findTarget(j, r.target) : null;
  if (t) delete t[r.kind];
  return j;
}

export function questionCount(j: unknown): number {
  return normalise(j).pages.reduce((n, p) => n + p.elements.length, 0);
}
