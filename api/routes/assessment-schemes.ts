import { listSchemes, loadScheme, saveSchemeVersion, schemeVersions } from '../../db/assessment';
import { orgUnits, ROLES, users } from '../../db/schema/org';
import {
  describeFormula,
  DIRECTION_LABEL,
  METRICS,
  schemeDefinitionSchema,
  type SchemeDefinition,
} from '../../domain/assessment';
import { ensureAssessmentSchedules } from '../../worker/assessment-schedules';
import { ADMIN_ONLY, auditedWrite, notFound, refuse, text } from '../admin';
import type { AppDeps } from '../deps';
import type { ApiRoutes } from '../route';
import { documented, z } from '../zod';
import { refuseBarred } from './secondments';
import { eq, inArray } from 'drizzle-orm';

/** Every scheme change is chained in this audit stream. */
const AUDIT_STREAM = 'admin:assessment';
const code = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const definitionSchema = documented(schemeDefinitionSchema, {
  description: '指标方案（指标、公式、权重、等次、评分与申诉期限）/ the scheme definition',
});

const schemeSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    active: z.boolean(),
    version: z.number().int(),
    directionLabel: z.string(),
    definition: definitionSchema,
    formulas: z.array(
      z.object({ code: z.string(), name: z.string(), weight: z.number(), side: z.string(), text: z.string() }),
    ),
  })
  .openapi('AssessmentScheme');

const present = (s: {
  code: string;
  name: string;
  active: boolean;
  version: number;
  definition: SchemeDefinition;
}) => ({
  ...s,
  directionLabel: DIRECTION_LABEL[s.definition.direction],
  formulas: s.definition.indicators.map((i) => ({
    code: i.code,
    name: i.name,
    weight: i.weight,
    side: i.side,
    text: describeFormula(i.formula),
  })),
});

/** Schedules follow the schemes; Temporal being away must not undo a saved scheme (the worker syncs again at start). */
async function syncSchedules(deps: AppDeps): Promise<void> {
  try {
    await ensureAssessmentSchedules(deps.temporal, deps.database.db, {
      taskQueue: deps.config.temporal.taskQueue,
      calendarFallback: deps.config.calendarFallback,
    });
  } catch (err) {
    deps.logger.warn({ err }, 'assessment schedules not synchronised; the worker will do it at its next start');
  }
}

export function registerAssessmentSchemeRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/assessment/schemes',
    operationId: 'listAssessmentSchemes',
    summary: '考核指标方案列表（当前版本）/ Assessment schemes, current versions',
    description:
      '方案是县级公开的考核规则，所有登录用户可查看。/ Schemes are the county’s published rules: any signed-in user may read them.',
    tags: ['assessment'],
    access: { roles: 'any' },
    response: {
      schema: z.object({
        items: z.array(schemeSchema),
        metrics: z
          .record(z.string(), z.object({ zh: z.string(), en: z.string() }))
          .openapi({ description: '自动指标数据项：键 → 中英文名称 / automatic metric keys with their names' }),
      }),
      description: '方案与可用的自动指标数据项 / Schemes and the automatic metrics available',
    },
    async handler({ deps }) {
      return { items: (await listSchemes(deps.database.db)).map(present), metrics: METRICS };
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/schemes/:code',
    operationId: 'getAssessmentScheme',
    summary: '考核方案及其全部版本 / A scheme with all its versions',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: z.strictObject({ code }),
    response: {
      schema: schemeSchema.extend({
        versions: z.array(
          z.object({
            version: z.number().int(),
            reason: z.string().nullable(),
            createdBy: z.string(),
            createdAt: z.string(),
            definition: definitionSchema,
          }),
        ),
      }),
      description: '方案 / The scheme',
    },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const scheme = await loadScheme(db, params.code);
      if (!scheme)
        throw notFound('scheme-not-found', `考核方案不存在：${params.code}`, `No assessment scheme ${params.code}`);
      const versions = await schemeVersions(db, params.code);
      return {
        ...present(scheme),
        versions: versions.map((v) => ({
          version: v.version,
          reason: v.reason,
          createdBy: v.createdBy,
          createdAt: v.createdAt.toISOString(),
          definition: v.definition,
        })),
      };
    },
  });

  routes.add({
    method: 'put',
    path: '/assessment/schemes/:code',
    operationId: 'putAssessmentScheme',
    summary: '新增考核方案或保存新版本（运行中的考核不受影响）/ Create a scheme or save a new version',
    description:
      '管理员维护。每次保存生成新版本；已开启的考核周期冻结开启时的版本，不受修改影响；新周期使用新版本。保存后同步 Temporal 定时开启计划。/ Admins only. Each save is a new version; running cycles keep the version they opened with. Schedules are synchronised after saving.',
    tags: ['assessment'],
    access: ADMIN_ONLY,
    params: z.strictObject({ code }),
    body: z.strictObject({
      name: text(100),
      active: z.boolean().default(true),
      definition: schemeDefinitionSchema,
      reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / why, recorded in the audit log' }),
    }),
    response: { schema: schemeSchema, description: '保存后的方案 / The saved scheme' },
    errors: [422],
    async handler(ctx) {
      const { params, body, principal, deps } = ctx;
      const roles = new Set<string>(ROLES);
      const badRole = body.definition.sides.flatMap((s) => s.raters?.roles ?? []).find((r) => !roles.has(r));
      if (badRole) throw refuse('role-unknown', `评分角色不存在：${badRole}`, `Unknown rater role ${badRole}`);
      if (
        body.definition.ratees.type === 'users' &&
        body.definition.ratees.role &&
        !roles.has(body.definition.ratees.role)
      )
        throw refuse(
          'role-unknown',
          `考核对象角色不存在：${body.definition.ratees.role}`,
          `Unknown ratee role ${body.definition.ratees.role}`,
        );
      const saved = await auditedWrite(ctx, AUDIT_STREAM, 'assessment.scheme.put', body.reason ?? null, async (tx) => {
        const [owner] = await tx.select().from(orgUnits).where(eq(orgUnits.id, body.definition.ownerUnitId));
        if (!owner || !owner.active)
          throw refuse(
            'owner-unit-missing',
            `考核组织单位不存在或已停用：${body.definition.ownerUnitId}`,
            `No active organising unit ${body.definition.ownerUnitId}`,
          );
        const { ratees } = body.definition;
        // A barred person may stay listed in a scheme that is switched off; an active one would assess them again.
        if (
          body.active &&
          body.definition.direction === 'seconded-staff' &&
          ratees.type === 'users' &&
          ratees.userIds?.length
        ) {
          const people = await tx
            .select({ userId: users.id, name: users.displayName })
            .from(users)
            .where(inArray(users.id, ratees.userIds));
          await refuseBarred(tx, people, Date.now());
        }
        const before = await loadScheme(tx, params.code);
        const after = await saveSchemeVersion(tx, {
          code: params.code,
          name: body.name,
          active: body.active,
          definition: body.definition,
          reason: body.reason ?? null,
          userId: principal.userId,
        });
        return {
          before: before ? { version: before.version, definition: before.definition } : null,
          after: { version: after.version, definition: after.definition },
          result: after,
        };
      });
      await syncSchedules(deps);
      return present(saved);
    },
  });
}
