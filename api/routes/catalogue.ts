import canonicalize from 'canonicalize';
import { and, asc, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db';
import { fixedStepUnitViolations } from '../../db/catalogue';
import { matters, matterVersions, type Matter, type MatterVersion } from '../../db/schema/catalogue';
import { orgUnits } from '../../db/schema/org';
import {
  CHANNELS,
  HANDLING_LEVELS,
  MATTER_CATEGORIES,
  MATTER_CATEGORY_LABEL,
  MATTER_KIND_LABEL,
  MATTER_KINDS,
  matterRuleViolations,
  matterShapeSchema,
  STEP_MODE_LABEL,
  STEP_MODES,
  STEP_ROLE_LABEL,
  STEP_ROLES,
  type MatterDefinition,
  type RuleViolation,
} from '../../domain/catalogue';
import { ADMIN_ONLY, auditedWrite, conflict, notFound, text } from '../admin';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { z } from '../zod';

/** Every catalogue write is chained in this one audit stream. */
const AUDIT_STREAM = 'admin:catalogue';
const SUBMITTING_TOWNSHIP_ZH = '申请人所在乡镇（街道）';

const matterNotFound = (code: string) => notFound('matter-not-found', `事项不存在：${code}`, `No matter ${code}`);

/** The rules a definition breaks, as one 422: the first rule's code, every rule as an issue. */
function ruleRefused(violations: RuleViolation[]): Problem {
  const first = violations[0];
  return new Problem(
    'ruleRefused',
    { zh: violations.map((v) => v.zh).join('；'), en: violations.map((v) => v.en).join('; ') },
    {
      code: first?.code ?? 'rule-refused',
      issues: violations.map((v) => ({ path: ['body', ...v.path].join('.'), message: { zh: v.zh, en: v.en } })),
    },
  );
}

// ── request and response schemas ──────────────────────────────────────────────────────────────

const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const codeParam = z.strictObject({ code: z.string().min(1).max(40) });
const versionParam = codeParam.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });
const matterBody = matterShapeSchema.extend(reason).openapi('MatterDefinitionInput');

const matterSummarySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    category: z.enum(MATTER_CATEGORIES),
    categoryLabel: z.string(),
    kind: z.enum(MATTER_KINDS),
    kindLabel: z.string(),
    handlingLevel: z.enum(HANDLING_LEVELS),
    channels: z.array(z.enum(CHANNELS)),
    statutoryLimitDays: z.number().int(),
    promisedLimitDays: z.number().int(),
    stepCount: z.number().int(),
    currentVersion: z.number().int(),
    active: z.boolean(),
  })
  .openapi('MatterSummary');

const guideStepSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    role: z.enum(STEP_ROLES),
    roleLabel: z.string(),
    mode: z.enum(STEP_MODES),
    modeLabel: z.string(),
    limitDays: z.number().optional(),
    handledBy: z.string().openapi({ description: '办理单位（中文）/ Who holds the step, in Chinese' }),
    units: z.array(z.object({ id: z.string(), name: z.string(), active: z.boolean() })).openapi({
      description:
        '固定办理单位；按申请所在乡镇办理的环节为空 / Fixed units; empty for a step held by the submitting township',
    }),
  })
  .openapi('MatterGuideStep');

const matterGuideSchema = matterSummarySchema
  .extend({
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    // `extend` makes a copy that has `.openapi` (the domain schema was built before the extension ran).
    definition: matterShapeSchema.extend({}).openapi('MatterDefinition'),
    steps: z.array(guideStepSchema),
  })
  .openapi('MatterGuide', {
    description:
      '办事指南：某一版本的完整定义及各环节办理单位 / The guide of one version: its definition and who holds each step',
  });

const versionSummarySchema = z
  .object({
    version: z.number().int(),
    name: z.string(),
    stepCount: z.number().int(),
    statutoryLimitDays: z.number().int(),
    promisedLimitDays: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    current: z.boolean(),
  })
  .openapi('MatterVersionSummary');

type MatterGuide = z.infer<typeof matterGuideSchema>;

// ── reads ─────────────────────────────────────────────────────────────────────────────────────

/** The list view of a matter, with the name, limits and steps of `definition` (its current version unless told). */
function summaryOf(matter: Matter, definition: MatterDefinition): z.infer<typeof matterSummarySchema> {
  const d = definition;
  return {
    code: matter.code,
    name: d.name,
    category: d.category,
    categoryLabel: MATTER_CATEGORY_LABEL[d.category],
    kind: d.kind,
    kindLabel: MATTER_KIND_LABEL[d.kind],
    handlingLevel: d.handlingLevel,
    channels: d.channels,
    statutoryLimitDays: d.statutoryLimitDays,
    promisedLimitDays: d.promisedLimitDays,
    stepCount: d.steps.length,
    currentVersion: matter.currentVersion,
    active: matter.active,
  };
}

/** The 办事指南 of one version: its definition and, per step, the units that hold it by name. */
async function guideOf(db: Db | Tx, matter: Matter, row: MatterVersion): Promise<MatterGuide> {
  const d = row.definition;
  const ids = [...new Set(d.steps.flatMap((s) => (s.unitRule.kind === 'units' ? s.unitRule.unitIds : [])))];
  const named =
    ids.length === 0
      ? []
      : await db
          .select({ id: orgUnits.id, name: orgUnits.name, active: orgUnits.active })
          .from(orgUnits)
          .where(inArray(orgUnits.id, ids));
  const byId = new Map(named.map((u) => [u.id, u]));
  const steps = d.steps.map((s) => {
    const units =
      s.unitRule.kind === 'units'
        ? s.unitRule.unitIds.map((id) => byId.get(id) ?? { id, name: `${id}（不存在）`, active: false })
        : [];
    return {
      key: s.key,
      name: s.name,
      role: s.role,
      roleLabel: STEP_ROLE_LABEL[s.role],
      mode: s.mode,
      modeLabel: STEP_MODE_LABEL[s.mode],
      limitDays: s.limitDays,
      handledBy: s.unitRule.kind === 'units' ? units.map((u) => u.name).join('、') : SUBMITTING_TOWNSHIP_ZH,
      units,
    };
  });
  return {
    ...summaryOf(matter, d),
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    definition: d,
    steps,
  };
}

async function loadMatter(db: Db | Tx, code: string): Promise<Matter> {
  const [matter] = await db.select().from(matters).where(eq(matters.code, code));
  if (!matter) throw matterNotFound(code);
  return matter;
}

async function loadVersion(db: Db | Tx, code: string, version: number): Promise<MatterVersion> {
  const [row] = await db
    .select()
    .from(matterVersions)
    .where(and(eq(matterVersions.code, code), eq(matterVersions.version, version)));
  if (!row)
    throw notFound(
      'matter-version-not-found',
      `事项 ${code} 没有第 ${version} 版`,
      `Matter ${code} has no version ${version}`,
    );
  return row;
}

// ── writes ────────────────────────────────────────────────────────────────────────────────────

/** A definition to be saved must pass every catalogue rule and name existing, active, staffed units. */
async function checkDefinition(tx: Tx, definition: MatterDefinition): Promise<void> {
  const rules = matterRuleViolations(definition);
  if (rules.length > 0) throw ruleRefused(rules);
  const units = await fixedStepUnitViolations(tx, definition);
  if (units.length > 0) throw ruleRefused(units);
}

const matterView = ({ createdAt: _c, updatedAt: _u, ...rest }: Matter) => rest;

/** The guide of a matter's current version. */
async function currentGuide(db: Db | Tx, matter: Matter): Promise<MatterGuide> {
  return guideOf(db, matter, await loadVersion(db, matter.code, matter.currentVersion));
}

function one<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}

/** Add `definition` as version `version` of its matter and make it current. */
async function insertVersion(
  tx: Tx,
  definition: MatterDefinition,
  version: number,
  createdBy: string,
): Promise<{ matter: Matter; version: MatterVersion }> {
  const fields = {
    name: definition.name,
    category: definition.category,
    kind: definition.kind,
    currentVersion: version,
  };
  const matter =
    version === 1
      ? one(
          await tx
            .insert(matters)
            .values({ code: definition.code, ...fields })
            .returning(),
        )
      : one(await tx.update(matters).set(fields).where(eq(matters.code, definition.code)).returning());
  return {
    matter,
    version: one(
      await tx.insert(matterVersions).values({ code: definition.code, version, definition, createdBy }).returning(),
    ),
  };
}

/** What an audited write that left `matter` at `version` records and answers. */
async function versionWritten(
  tx: Tx,
  before: object | null,
  { matter, version }: { matter: Matter; version: MatterVersion },
) {
  return {
    before,
    after: { ...matterView(matter), definition: version.definition },
    result: await guideOf(tx, matter, version),
  };
}

export function registerCatalogueRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/matters',
    operationId: 'listMatters',
    summary:
      '事项清单：按类别、办件类型、渠道、名称、状态筛选 / The matter catalogue, filtered by category, kind, channel, name and status',
    tags: ['catalogue'],
    access: { roles: 'any' },
    query: z.strictObject({
      category: z.enum(MATTER_CATEGORIES).optional(),
      kind: z.enum(MATTER_KINDS).optional(),
      channel: z.enum(CHANNELS).optional(),
      q: text(100).optional().openapi({ description: '名称或编码包含 / Name or code contains' }),
      active: boolQuery.optional(),
    }),
    response: {
      schema: z.array(matterSummarySchema),
      description: '事项（当前版本），按编码排序 / Matters at their current version, in code order',
    },
    async handler({ query, deps }) {
      const pattern = query.q === undefined ? undefined : `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
      const rows = await deps.database.db
        .select({ matter: matters, definition: matterVersions.definition })
        .from(matters)
        .innerJoin(
          matterVersions,
          and(eq(matterVersions.code, matters.code), eq(matterVersions.version, matters.currentVersion)),
        )
        .where(
          and(
            query.category && eq(matters.category, query.category),
            query.kind && eq(matters.kind, query.kind),
            query.active === undefined ? undefined : eq(matters.active, query.active),
            query.channel &&
              sql`${matterVersions.definition} -> 'channels' @> ${JSON.stringify([query.channel])}::jsonb`,
            pattern ? or(ilike(matters.name, pattern), ilike(matters.code, pattern)) : undefined,
          ),
        )
        .orderBy(asc(matters.code));
      return rows.map((r) => summaryOf(r.matter, r.definition));
    },
  });

  routes.add({
    method: 'get',
    path: '/matters/:code',
    operationId: 'getMatter',
    summary: '办事指南（当前版本）/ The guide of a matter at its current version',
    tags: ['catalogue'],
    access: { roles: 'any' },
    params: codeParam,
    response: { schema: matterGuideSchema, description: '办事指南 / Guide' },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      return currentGuide(db, await loadMatter(db, params.code));
    },
  });

  routes.add({
    method: 'get',
    path: '/matters/:code/versions',
    operationId: 'listMatterVersions',
    summary: '事项的全部版本（新的在前）/ Every version of a matter, newest first',
    tags: ['catalogue'],
    access: { roles: 'any' },
    params: codeParam,
    response: { schema: z.array(versionSummarySchema), description: '版本 / Versions' },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const matter = await loadMatter(db, params.code);
      const rows = await db
        .select()
        .from(matterVersions)
        .where(eq(matterVersions.code, matter.code))
        .orderBy(desc(matterVersions.version));
      return rows.map(({ version, definition: d, createdBy, createdAt }) => ({
        version,
        name: d.name,
        stepCount: d.steps.length,
        statutoryLimitDays: d.statutoryLimitDays,
        promisedLimitDays: d.promisedLimitDays,
        createdBy,
        createdAt: createdAt.toISOString(),
        current: version === matter.currentVersion,
      }));
    },
  });

  routes.add({
    method: 'get',
    path: '/matters/:code/versions/:version',
    operationId: 'getMatterVersion',
    summary:
      '某一版本的办事指南（办理中的案件沿用其开始时的版本）/ The guide of one version (a running case keeps the version it started with)',
    tags: ['catalogue'],
    access: { roles: 'any' },
    params: versionParam,
    response: { schema: matterGuideSchema, description: '办事指南 / Guide' },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const matter = await loadMatter(db, params.code);
      return guideOf(db, matter, await loadVersion(db, matter.code, params.version));
    },
  });

  routes.add({
    method: 'post',
    path: '/matters',
    operationId: 'createMatter',
    summary: '新建事项（第 1 版）/ Create a matter (version 1)',
    description:
      '审批环节 1–4 个；承诺时限不超过法定时限；即办件承诺时限为 0；固定办理单位须存在、在用且有相应角色的在岗人员。/ ' +
      'A chain has 1–4 steps; the promised limit may not exceed the statutory one; an instant matter promises 0 days; fixed units must exist, be active and have an active user with the step role.',
    tags: ['catalogue'],
    access: ADMIN_ONLY,
    body: matterBody,
    response: { status: 201, schema: matterGuideSchema, description: '新事项的办事指南 / The new matter’s guide' },
    errors: [409, 422],
    handler: (ctx) => {
      const { reason: why, ...definition } = ctx.body;
      return auditedWrite(ctx, AUDIT_STREAM, 'catalogue.matter.create', why ?? null, async (tx) => {
        const [existing] = await tx
          .select({ code: matters.code })
          .from(matters)
          .where(eq(matters.code, definition.code));
        if (existing)
          throw conflict(
            'matter-exists',
            `事项编码已存在：${definition.code}`,
            `A matter with code ${definition.code} already exists`,
          );
        await checkDefinition(tx, definition);
        return versionWritten(tx, null, await insertVersion(tx, definition, 1, ctx.principal.userId));
      });
    },
  });

  routes.add({
    method: 'put',
    path: '/matters/:code',
    operationId: 'updateMatter',
    summary: '修改事项：保存为新版本并设为当前版本 / Edit a matter: saved as a new version that becomes current',
    description:
      '已有版本不变，办理中的案件沿用其开始时的版本；与当前版本相同的定义不产生新版本。/ ' +
      'Existing versions never change and running cases keep theirs; a definition identical to the current one adds no version.',
    tags: ['catalogue'],
    access: ADMIN_ONLY,
    params: codeParam,
    body: matterBody,
    response: { schema: matterGuideSchema, description: '当前版本的办事指南 / The guide of the current version' },
    errors: [404, 422],
    async handler(ctx) {
      const { reason: why, ...definition } = ctx.body;
      if (definition.code !== ctx.params.code) {
        throw new Problem(
          'badRequest',
          {
            zh: `请求体中的编码 ${definition.code} 与路径中的 ${ctx.params.code} 不一致`,
            en: `The body's code ${definition.code} does not match the path's ${ctx.params.code}`,
          },
          { code: 'code-mismatch' },
        );
      }
      const db = ctx.deps.database.db;
      const matter = await loadMatter(db, definition.code);
      const current = await loadVersion(db, matter.code, matter.currentVersion);
      if (canonicalize(current.definition) === canonicalize(definition)) return guideOf(db, matter, current);
      return auditedWrite(ctx, AUDIT_STREAM, 'catalogue.matter.version', why ?? null, async (tx) => {
        const before = await loadMatter(tx, matter.code);
        const previous = await loadVersion(tx, matter.code, before.currentVersion);
        await checkDefinition(tx, definition);
        return versionWritten(
          tx,
          { ...matterView(before), definition: previous.definition },
          await insertVersion(tx, definition, before.currentVersion + 1, ctx.principal.userId),
        );
      });
    },
  });

  routes.add({
    method: 'patch',
    path: '/matters/:code',
    operationId: 'setMatterActive',
    summary:
      '启用或停用事项（停用后不再受理新申请，办理中的案件不受影响）/ Activate or deactivate a matter (no new applications; running cases go on)',
    tags: ['catalogue'],
    access: ADMIN_ONLY,
    params: codeParam,
    body: z.strictObject({ active: z.boolean(), ...reason }),
    response: { schema: matterGuideSchema, description: '当前版本的办事指南 / The guide of the current version' },
    errors: [404, 422],
    async handler(ctx) {
      const { active, reason: why } = ctx.body;
      const db = ctx.deps.database.db;
      const current = await loadMatter(db, ctx.params.code);
      if (current.active === active) return currentGuide(db, current);
      return auditedWrite(
        ctx,
        AUDIT_STREAM,
        active ? 'catalogue.matter.activate' : 'catalogue.matter.deactivate',
        why ?? null,
        async (tx) => {
          const before = await loadMatter(tx, current.code);
          const version = await loadVersion(tx, current.code, before.currentVersion);
          if (active) await checkDefinition(tx, version.definition);
          const matter = one(
            await tx.update(matters).set({ active }).where(eq(matters.code, current.code)).returning(),
          );
          return { before: matterView(before), after: matterView(matter), result: await guideOf(tx, matter, version) };
        },
      );
    },
  });
}
