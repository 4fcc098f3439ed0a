import type { Kysely, Transaction } from 'kysely';
import { Model } from 'survey-core';
import type { DB, Flow, FlowVersion, Mode } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { conflict, notFound, unprocessable } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import { CONTENT_STEPS, parseDefinition, type FlowDefinition, type StepType } from './flow-types.ts';

export type Scope = { orgId: string; mode: Mode };

export type TFlowService = ReturnType<typeof flowServiceFactory>;

// Published versions never change, so their parsed definitions can be cached in every process.
const versionCache = new Map<string, { version: FlowVersion; definition: FlowDefinition }>();
const VERSION_CACHE_MAX = 2000;

/** Problems that make a definition unpublishable (a draft may have them while being edited). */
export function definitionProblems(def: FlowDefinition): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const s of def.steps) {
    if (ids.has(s.id)) problems.push(`step id "${s.id}" is used twice`);
    ids.add(s.id);
  }
  if (!def.steps.some((s) => !CONTENT_STEPS.includes(s.type))) problems.push('a flow needs at least one verification step');
  const has = (t: StepType) => def.steps.some((s) => s.type === t);
  for (const s of def.steps) {
    if (s.type === 'face_match') {
      const sources = (s.settings as { sources: string[] }).sources;
      for (const src of sources) {
        if (src !== 'external' && !has(src as StepType)) problems.push(`face match "${s.id}" compares ${src}, but the flow has no ${src} step`);
      }
    }
    if (s.type === 'aml' && !has('document') && (s.settings as { fieldMapping: { fullName: string } }).fieldMapping.fullName === 'document') {
      problems.push(`AML step "${s.id}" reads the name from a document, but the flow has no document step`);
    }
    if (s.type === 'questionnaire') {
      const schema = (s.settings as { schema: Record<string, unknown> }).schema;
      try {
        const m = new Model(schema);
        if (m.getAllQuestions().length === 0) problems.push(`questionnaire "${s.id}" has no questions`);
      } catch (e) {
        problems.push(`questionnaire "${s.id}" is not a valid SurveyJS schema: ${(e as Error).message}`);
      }
    }
    if (s.type === 'document') {
      const set = s.settings as { ageRange: { min: number; max: number } | null };
      if (set.ageRange && set.ageRange.min > set.ageRange.max) problems.push(`document "${s.id}": age range minimum is above its maximum`);
    }
  }
  return problems;
}

export function flowServiceFactory(deps: { db: Kysely<DB>; audit: TAuditService }) {
  const { db, audit } = deps;
  const scoped = (ex: Kysely<DB> | Transaction<DB>, scope: Scope) => ex.selectFrom('flows').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode);

  async function mustGet(ex: Kysely<DB> | Transaction<DB>, scope: Scope, id: string): Promise<Flow> {
    const f = await scoped(ex, scope).selectAll().where('id', '=', id).executeTakeFirst();
    if (!f) throw notFound('Flow');
    return f;
  }

  async function published(ex: Kysely<DB> | Transaction<DB>, flow: Flow) {
    if (flow.currentVersion === null) return null;
    return ex.selectFrom('flowVersions').selectAll().where('flowId', '=', flow.id).where('version', '=', flow.currentVersion).executeTakeFirstOrThrow();
  }

  async function create(tx: Transaction<DB>, scope: Scope, input: { name: string; kind?: 'regular' | 'on_demand'; definition?: unknown }, actor: Actor) {
    const draft = parseDefinition(input.definition ?? {});
    const flow = await tx
      .insertInto('flows')
      .values({ id: newId('flow'), orgId: scope.orgId, mode: scope.mode, name: input.name, kind: input.kind ?? 'regular', draft: JSON.stringify(draft), currentVersion: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'flow.created', targetType: 'flow', targetId: flow.id, after: { name: flow.name, kind: flow.kind } });
    return flow;
  }

  async function publish(tx: Transaction<DB>, scope: Scope, id: string, actor: Actor) {
    const flow = await scoped(tx, scope).selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!flow) throw notFound('Flow');
    if (flow.status === 'archived') throw conflict('flow_archived', 'An archived flow cannot be published.');
    const def = parseDefinition(flow.draft);
    const problems = definitionProblems(def);
    if (problems.length) throw unprocessable('flow_invalid', `The flow cannot be published: ${problems.join('; ')}.`, { problems });
    const version = (flow.currentVersion ?? 0) + 1;
    await tx
      .insertInto('flowVersions')
      .values({ id: newId('flowVersion'), flowId: id, orgId: scope.orgId, mode: scope.mode, version, definition: JSON.stringify(def), publishedBy: actor.id })
      .execute();
    const after = await tx.updateTable('flows').set({ currentVersion: version, updatedAt: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'flow.published', targetType: 'flow', targetId: id, after: { version } });
    return after;
  }

  async function versionById(ex: Kysely<DB> | Transaction<DB>, versionId: string) {
    const hit = versionCache.get(versionId);
    if (hit) return hit;
    const v = await ex.selectFrom('flowVersions').selectAll().where('id', '=', versionId).executeTakeFirstOrThrow();
    const entry = { version: v, definition: parseDefinition(v.definition) };
    if (versionCache.size >= VERSION_CACHE_MAX) versionCache.delete(versionCache.keys().next().value!);
    versionCache.set(versionId, entry);
    return entry;
  }

  return {
    create,
    publish,
    published,

    async list(scope: Scope, f: { includeArchived?: boolean; kind?: 'regular' | 'on_demand' } = {}) {
      let q = scoped(db, scope).selectAll();
      if (!f.includeArchived) q = q.where('status', '=', 'active');
      if (f.kind) q = q.where('kind', '=', f.kind);
      const flows = await q.orderBy('createdAt').execute();
      return Promise.all(flows.map(async (fl) => ({ flow: fl, published: await published(db, fl) })));
    },

    async get(scope: Scope, id: string) {
      const flow = await mustGet(db, scope, id);
      return { flow, published: await published(db, flow) };
    },

    /** Autosave of the draft: structure is validated, publishability only at publish. */
    async updateDraft(scope: Scope, id: string, patch: { name?: string; definition?: unknown }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const before = await mustGet(tx, scope, id);
        if (before.status === 'archived') throw conflict('flow_archived', 'An archived flow cannot be edited.');
        const set: Record<string, unknown> = { updatedAt: new Date() };
        if (patch.name !== undefined) set.name = patch.name;
        if (patch.definition !== undefined) set.draft = JSON.stringify(parseDefinition(patch.definition));
        const after = await tx.updateTable('flows').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, {
          orgId: scope.orgId,
          mode: scope.mode,
          actor,
          action: 'flow.draft_saved',
          targetType: 'flow',
          targetId: id,
          after: { name: patch.name, steps: patch.definition !== undefined ? parseDefinition(patch.definition).steps.map((s) => s.type) : undefined },
        });
        return { flow: after, published: await published(tx, after) };
      });
    },

    async duplicate(scope: Scope, id: string, input: { mode?: Mode; name?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const src = await mustGet(tx, scope, id);
        const target = { orgId: scope.orgId, mode: input.mode ?? scope.mode };
        const copy = await create(tx, target, { name: input.name ?? `${src.name} (copy)`, kind: src.kind, definition: src.draft }, actor);
        await audit.record(tx, { orgId: scope.orgId, mode: target.mode, actor, action: 'flow.duplicated', targetType: 'flow', targetId: copy.id, after: { from: id, fromMode: scope.mode } });
        return { flow: copy, published: null };
      });
    },

    async archive(scope: Scope, id: string, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        await mustGet(tx, scope, id);
        await tx.updateTable('flows').set({ status: 'archived', updatedAt: new Date() }).where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'flow.archived', targetType: 'flow', targetId: id });
      });
    },

    async versions(scope: Scope, id: string) {
      await mustGet(db, scope, id);
      return db.selectFrom('flowVersions').selectAll().where('flowId', '=', id).orderBy('version', 'desc').execute();
    },

    async publishedVersionOf(ex: Kysely<DB> | Transaction<DB>, scope: Scope, flowId: string) {
      const row = await ex
        .selectFrom('flows')
        .leftJoin('flowVersions as v', (j) => j.onRef('v.flowId', '=', 'flows.id').onRef('v.version', '=', 'flows.currentVersion'))
        .selectAll('flows')
        .select(['v.id as versionId'])
        .where('flows.orgId', '=', scope.orgId)
        .where('flows.mode', '=', scope.mode)
        .where('flows.id', '=', flowId)
        .executeTakeFirst();
      if (!row) throw notFound('Flow');
      const { versionId, ...flow } = row;
      if (flow.status === 'archived') throw conflict('flow_archived', 'This flow is archived.');
      if (!versionId) throw conflict('flow_not_published', 'This flow has no published version yet. Publish it first.');
      const { version, definition } = await versionById(ex, versionId);
      return { flow: flow as Flow, version, definition };
    },

    versionById,

    // Levels map names (basic, enhanced…) to flows; a higher level asks only for what is not yet passed.
    async listLevels(scope: Scope) {
      return db.selectFrom('levels').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).orderBy('rank').execute();
    },

    async createLevel(scope: Scope, input: { name: string; flowId: string; rank?: number }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        await mustGet(tx, scope, input.flowId);
        const dup = await tx.selectFrom('levels').select('id').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('name', '=', input.name).executeTakeFirst();
        if (dup) throw conflict('level_exists', 'A level with this name already exists.');
        const l = await tx.insertInto('levels').values({ id: newId('level'), orgId: scope.orgId, mode: scope.mode, name: input.name, flowId: input.flowId, rank: input.rank ?? 0 }).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'level.created', targetType: 'level', targetId: l.id, after: input });
        return l;
      });
    },

    async updateLevel(scope: Scope, id: string, patch: { name?: string; flowId?: string; rank?: number }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const l = await tx.selectFrom('levels').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', id).executeTakeFirst();
        if (!l) throw notFound('Level');
        if (patch.flowId) await mustGet(tx, scope, patch.flowId);
        const after = await tx.updateTable('levels').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'level.updated', targetType: 'level', targetId: id, before: l, after: patch });
        return after;
      });
    },

    async deleteLevel(scope: Scope, id: string, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        const l = await tx.selectFrom('levels').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', id).executeTakeFirst();
        if (!l) throw notFound('Level');
        const used = await tx.selectFrom('applicants').select('id').where('levelId', '=', id).executeTakeFirst();
        if (used) throw conflict('level_in_use', 'Applicants are on this level.');
        await tx.deleteFrom('levels').where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'level.deleted', targetType: 'level', targetId: id, before: l });
      });
    },

    async levelByName(ex: Kysely<DB> | Transaction<DB>, scope: Scope, name: string) {
      const l = await ex.selectFrom('levels').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('name', '=', name).executeTakeFirst();
      if (!l) throw notFound(`Level "${name}"`);
      return l;
    },
  };
}
