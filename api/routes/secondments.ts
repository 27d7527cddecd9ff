import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { activeBars, listSecondments, SECONDMENT_AUDIT_STREAM, secondmentsOf } from '../../db/secondment';
import { orgUnits, ROLE_LABEL, users, type OrgUnit, type OrgUnitKind } from '../../db/schema/org';
import { secondments } from '../../db/schema/secondment';
import { localDateSchema } from '../../domain/calendar';
import {
  barRefusal,
  SECONDMENT_EFFECT_LABEL,
  SECONDMENT_STATUS_LABEL,
  SECONDMENT_STATUSES,
} from '../../domain/secondment';
import { shanghaiDate } from '../../domain/time';
import { ADMIN_ONLY, auditedWrite, conflict, notFound, refuse, text, type Db, type Tx } from '../admin';
import type { Principal } from '../auth';
import { canSeeUnit, requireUnitScope } from '../authz';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam, pageOf, pageQuery, roleSchema } from '../schemas';
import { documented, z } from '../zod';
import { activeUnit, checkRoleFits } from './org';

/*
 * Seconded staff (选派人员, DOMAIN §7): admins record who is seconded from which unit to which
 * township or village; the yearly assessment's outcomes (activities, db/secondment.ts) end them.
 * A person returned after failing is barred for a year: starting a new secondment for them is
 * refused with the date the bar ends.
 */

const HOST_KINDS: readonly OrgUnitKind[] = ['township', 'street', 'village', 'community'];
/** Who may read a person's secondments besides the person: these roles within their scope. */
const READER_ROLES = ['admin', 'assessor', 'supervisor'] as const;
const date = documented(localDateSchema, { description: 'YYYY-MM-DD（北京时间）', example: '2026-03-01' });

const secondmentSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    username: z.string(),
    name: z.string(),
    origin: z.object({
      inSystem: z
        .boolean()
        .openapi({ description: '原单位是否在本系统组织树中 / whether the original unit is in the org tree' }),
      unitId: z.string().nullable(),
      name: z.string().nullable(),
      role: z
        .string()
        .nullable()
        .openapi({ description: '在原单位的角色（退回时恢复）/ the role held there, restored on return' }),
    }),
    hostUnitId: z.string(),
    hostUnitName: z.string(),
    startDate: z.string(),
    plannedEndDate: z.string(),
    status: z.enum(SECONDMENT_STATUSES),
    statusLabel: z.string(),
    endDate: z.string().nullable(),
    endReason: z.string().nullable(),
    endedBy: z.string().nullable(),
    endCycleId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Secondment');

const outcomeSchema = z
  .object({
    caseId: z.string().openapi({ description: '考核周期 / the cycle' }),
    effect: z.enum(['convert', 'return', 'continue']),
    effectLabel: z.string(),
    total: z.number(),
    gradeLabel: z.string(),
    decidedAt: z.string(),
    barUntil: z
      .string()
      .nullable()
      .openapi({ description: '退回：此日前不得再选派 / returned: barred before this day' }),
    taskCaseId: z
      .string()
      .nullable()
      .openapi({ description: '组织部门的转编或交接任务 / the organisation department’s conversion or handover task' }),
    note: z.string(),
  })
  .openapi('SecondmentOutcome');

type Listed = Awaited<ReturnType<typeof listSecondments>>[number];

function present(s: Listed) {
  return {
    id: s.id,
    userId: s.userId,
    username: s.username,
    name: s.name,
    origin: { inSystem: s.originUnitId !== null, unitId: s.originUnitId, name: s.originUnitName, role: s.originRole },
    hostUnitId: s.hostUnitId,
    hostUnitName: s.hostUnitName,
    startDate: s.startDate,
    plannedEndDate: s.plannedEndDate,
    status: s.status,
    statusLabel: SECONDMENT_STATUS_LABEL[s.status],
    endDate: s.endDate,
    endReason: s.endReason,
    endedBy: s.endedBy,
    endCycleId: s.endCycleId,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
  };
}

/** Secondments hosted in the caller's subtree (an admin of the county sees all). */
const hostedWithin = (p: Principal): SQL =>
  sql`exists (select 1 from ${orgUnits} h where h.id = ${secondments.hostUnitId} and (h.path = ${p.unitPath} or h.path like ${`${p.unitPath}/%`}))`;

/** Hosted in the unit `unitId` or below it. */
const hostedUnder = (unitId: string): SQL =>
  sql`exists (select 1 from ${orgUnits} h, ${orgUnits} w where w.id = ${unitId} and h.id = ${secondments.hostUnitId} and (h.path = w.path or h.path like w.path || '/%'))`;

const secondmentNotFound = (id: string) =>
  notFound('secondment-not-found', `选派记录不存在或无权查看：${id}`, `No secondment ${id}, or you may not see it`);

async function one(tx: Tx, id: string, p: Principal): Promise<Listed> {
  const [row] = await listSecondments(tx, and(eq(secondments.id, id), hostedWithin(p)));
  if (!row) throw secondmentNotFound(id);
  return row;
}

/** 422 naming the rule and the day the bar ends, when the person is barred from secondment now. */
export async function refuseBarred(
  tx: Tx,
  people: readonly { userId: string; name: string }[],
  now: number,
): Promise<void> {
  const bars = await activeBars(
    tx,
    people.map((p) => p.userId),
    now,
  );
  for (const p of people) {
    const bar = bars.get(p.userId);
    if (!bar) continue;
    const r = barRefusal(p, bar.until, bar.caseId);
    throw new Problem(
      'ruleRefused',
      { zh: r.zh, en: r.en },
      { code: r.code, userId: p.userId, barUntil: bar.until, cycleId: bar.caseId },
    );
  }
}

const createBody = z
  .strictObject({
    userId: text(100).openapi({ description: '被选派人员 / the person', example: 'u.lk.t01.v02.handler' }),
    hostUnitId: text(100).openapi({
      description: '派驻的乡镇（街道）或村（社区）/ host township or village',
      example: 'lk.t01.v02',
    }),
    origin: z
      .union([
        z.strictObject({
          unitId: text(100),
          role: roleSchema
            .optional()
            .openapi({ description: '在原单位的角色，缺省为其现角色 / role there; defaults to the current one' }),
        }),
        z.strictObject({
          name: text(200).openapi({
            description: '本系统外的原单位名称 / a unit outside the system',
            example: '兰考县农业技术推广中心',
          }),
        }),
      ])
      .openapi({
        description: '原单位：本系统内给 unitId，系统外给名称 / original unit: unitId if in the system, else its name',
      }),
    startDate: date,
    plannedEndDate: date,
    reason: text(500).optional(),
  })
  .refine((b) => b.plannedEndDate >= b.startDate, {
    error: '计划结束日期不能早于开始日期 / plannedEndDate is before startDate',
    path: ['plannedEndDate'],
  });

export function registerSecondmentRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/secondments',
    operationId: 'listSecondments',
    summary: '选派人员名单（管理员，本辖区）/ Secondments hosted in your area (admins)',
    tags: ['secondment'],
    access: ADMIN_ONLY,
    query: z.strictObject({
      status: z.enum(SECONDMENT_STATUSES).optional(),
      hostUnitId: text(100).optional(),
      within: text(100)
        .optional()
        .openapi({ description: '派驻在此单位（如乡镇）或其下级 / hosted in this unit (e.g. a township) or below it' }),
      userId: text(100).optional(),
      ...pageQuery,
    }),
    response: { schema: pageOf(secondmentSchema, 'SecondmentPage'), description: '分页结果 / A page of secondments' },
    async handler({ query, principal, deps }) {
      const db = deps.database.db;
      const where = and(
        hostedWithin(principal),
        query.status ? eq(secondments.status, query.status) : undefined,
        query.hostUnitId ? eq(secondments.hostUnitId, query.hostUnitId) : undefined,
        query.within ? hostedUnder(query.within) : undefined,
        query.userId ? eq(secondments.userId, query.userId) : undefined,
      );
      const [rows, [total]] = await Promise.all([
        listSecondments(db, where, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
        db.select({ n: count() }).from(secondments).where(where),
      ]);
      return { items: rows.map(present), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
    },
  });

  routes.add({
    method: 'post',
    path: '/secondments',
    operationId: 'createSecondment',
    summary: '登记选派（管理员）/ Record a secondment (admins)',
    description:
      '人员须在用；派驻单位须为乡镇（街道）或村（社区），且在管理员辖区内；人员如不在派驻单位，随之调入（角色须与单位类型相符）。一人同时只能有一条选派中记录（409）。年度考核不合格退回未满一年的，拒绝（422 secondment-barred，注明禁止期截止日期）。/ ' +
      'The person is moved into the host unit if elsewhere. One active secondment per person (409). Someone returned after a failed yearly assessment is refused for a year (422 secondment-barred, with the day the bar ends).',
    tags: ['secondment'],
    access: ADMIN_ONLY,
    body: createBody,
    response: { status: 201, schema: secondmentSchema, description: '选派记录 / The secondment' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      auditedWrite(ctx, SECONDMENT_AUDIT_STREAM, 'secondment.create', ctx.body.reason ?? null, async (tx) => {
        const { body, principal } = ctx;
        const [user] = await tx.select().from(users).where(eq(users.id, body.userId)).for('update');
        if (!user) throw notFound('user-not-found', `用户不存在：${body.userId}`, `No user ${body.userId}`);
        if (!user.active)
          throw refuse('user-inactive', `该用户已停用：${user.displayName}`, `User ${user.id} is inactive`);
        const host = await activeUnit(tx, body.hostUnitId, 'hostUnitId');
        requireUnitScope(principal, host);
        if (!HOST_KINDS.includes(host.kind))
          throw refuse(
            'secondment-host-kind',
            `选派只能派驻到乡镇（街道）或村（社区），「${host.name}」不是`,
            `A secondment is to a township, street, village or community; ${host.id} is a ${host.kind}`,
          );
        await refuseBarred(tx, [{ userId: user.id, name: user.displayName }], Date.now());
        const [open] = await tx
          .select({ id: secondments.id })
          .from(secondments)
          .where(and(eq(secondments.userId, user.id), eq(secondments.status, 'active')));
        if (open)
          throw conflict(
            'secondment-active',
            `${user.displayName} 已有一条选派中的记录，请先结束`,
            `${user.id} already has an active secondment (${open.id})`,
            { secondmentId: open.id },
          );
        let origin: { unitId: string | null; name: string | null; role: typeof user.role | null };
        if ('unitId' in body.origin) {
          const unit = await activeUnit(tx, body.origin.unitId, 'origin.unitId');
          if (unit.id === host.id)
            throw refuse(
              'secondment-origin-is-host',
              '原单位不能与派驻单位相同',
              'The original unit cannot be the host unit',
            );
          const role = body.origin.role ?? user.role;
          checkRoleFits(role, unit);
          origin = { unitId: unit.id, name: null, role };
        } else {
          origin = { unitId: null, name: body.origin.name, role: null };
        }
        const userBefore = { unitId: user.unitId, role: user.role };
        if (user.unitId !== host.id) await moveInto(tx, user.id, user.role, host);
        const [row] = await tx
          .insert(secondments)
          .values({
            userId: user.id,
            originUnitId: origin.unitId,
            originUnitName: origin.name,
            originRole: origin.role,
            hostUnitId: host.id,
            startDate: body.startDate,
            plannedEndDate: body.plannedEndDate,
            createdBy: principal.userId,
          })
          .returning();
        const [listed] = await listSecondments(tx, eq(secondments.id, row!.id));
        const result = present(listed!);
        return {
          before: { user: userBefore },
          after: { secondment: result, user: { unitId: host.id, role: user.role } },
          result,
        };
      }),
  });

  routes.add({
    method: 'post',
    path: '/secondments/:id/end',
    operationId: 'endSecondment',
    summary: '结束选派（期满结束，或转为乡镇在编后记为已转编）（管理员）/ End a secondment (admins)',
    description:
      '期满或提前结束记为 ended；组织部门办妥转编（年度考核优秀）后记为 converted。人员账号不变，调动请在用户管理中办理。不合格退回由考核终结时自动办理。/ ' +
      '`ended` at the end of the term, `converted` once the organisation department has taken the person into the township’s establishment. The account is left as it is. Returns after a failed assessment are carried out by the cycle.',
    tags: ['secondment'],
    access: ADMIN_ONLY,
    params: idParam,
    body: z.strictObject({
      status: z.enum(['ended', 'converted']),
      endDate: date.optional().openapi({ description: '缺省为今天 / defaults to today' }),
      reason: text(500),
    }),
    response: { schema: secondmentSchema, description: '结束后的选派记录 / The secondment' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      auditedWrite(ctx, SECONDMENT_AUDIT_STREAM, 'secondment.end', ctx.body.reason, async (tx) => {
        const { body, params, principal } = ctx;
        const before = await one(tx, params.id, principal);
        if (before.status !== 'active')
          throw conflict(
            'secondment-not-active',
            `该选派已${SECONDMENT_STATUS_LABEL[before.status]}，不能再结束`,
            `The secondment is ${before.status} already`,
          );
        const endDate = body.endDate ?? shanghaiDate(Date.now());
        if (endDate < before.startDate)
          throw refuse(
            'secondment-end-before-start',
            `结束日期不能早于开始日期 ${before.startDate}`,
            `endDate is before the start ${before.startDate}`,
          );
        await tx
          .update(secondments)
          .set({
            status: body.status,
            endDate,
            endReason: body.reason,
            endedBy: principal.userId,
            updatedAt: new Date(),
          })
          .where(eq(secondments.id, before.id));
        const result = present(await one(tx, params.id, principal));
        return { before: present(before), after: result, result };
      }),
  });

  routes.add({
    method: 'get',
    path: '/users/:id/secondments',
    operationId: 'userSecondments',
    summary: '一个人的选派记录、历年考核结果运用和禁止选派期 / A person’s secondments, yearly outcomes and bar',
    description:
      '本人，或辖区内的管理员、考核员、督查员可看。/ The person, or admins, assessors and supervisors whose area covers them.',
    tags: ['secondment'],
    access: { roles: 'any' },
    params: idParam,
    response: {
      schema: z.object({
        userId: z.string(),
        name: z.string(),
        unitId: z.string(),
        role: roleSchema,
        roleLabel: z.string(),
        active: z.boolean(),
        bar: z
          .object({ until: z.string(), cycleId: z.string() })
          .nullable()
          .openapi({ description: '禁止选派期（此日前不得再选派）/ barred before `until`' }),
        secondments: z.array(secondmentSchema),
        outcomes: z.array(outcomeSchema),
      }),
      description: '选派情况 / The person’s secondments',
    },
    errors: [404],
    async handler({ params, principal, deps }) {
      const db = deps.database.db;
      const [row] = await db.select({ user: users }).from(users).where(eq(users.id, params.id));
      const history = row ? await secondmentsOf(db, row.user.id) : null;
      if (
        !row ||
        !history ||
        !(await mayRead(db, principal, row.user.id, [row.user.unitId, ...history.secondments.map((s) => s.hostUnitId)]))
      ) {
        throw notFound(
          'user-not-found',
          `用户不存在或无权查看：${params.id}`,
          `No user ${params.id}, or you may not see it`,
        );
      }
      const bar = (await activeBars(db, [row.user.id], Date.now())).get(row.user.id);
      return {
        userId: row.user.id,
        name: row.user.displayName,
        unitId: row.user.unitId,
        role: row.user.role,
        roleLabel: ROLE_LABEL[row.user.role],
        active: row.user.active,
        bar: bar ? { until: bar.until, cycleId: bar.caseId } : null,
        secondments: history.secondments.map(present),
        outcomes: history.outcomes.map((o) => ({
          caseId: o.caseId,
          effect: o.effect,
          effectLabel: SECONDMENT_EFFECT_LABEL[o.effect],
          total: o.total,
          gradeLabel: o.gradeLabel,
          decidedAt: o.decidedAt.toISOString(),
          barUntil: o.barUntil,
          taskCaseId: o.taskCaseId,
          note: o.note,
        })),
      };
    },
  });
}

/** Move a person into the host unit, as PATCH /users would: the role must fit it, and a unit leader must be replaced first. */
async function moveInto(
  tx: Tx,
  userId: string,
  role: Parameters<typeof checkRoleFits>[0],
  host: OrgUnit,
): Promise<void> {
  checkRoleFits(role, host);
  const [led] = await tx.select().from(orgUnits).where(eq(orgUnits.leaderUserId, userId)).limit(1);
  if (led)
    throw refuse(
      'user-is-unit-leader',
      `该用户是单位「${led.name}」的负责人，请先更换负责人`,
      `This user leads ${led.id}; name another leader first`,
    );
  await tx.update(users).set({ unitId: host.id, isLeader: false }).where(eq(users.id, userId));
}

/** The person, or a reader role whose scope covers their unit or a unit that hosted them. */
async function mayRead(db: Db, p: Principal, userId: string, unitIds: string[]): Promise<boolean> {
  if (p.userId === userId) return true;
  if (!(READER_ROLES as readonly string[]).includes(p.role)) return false;
  const units = await db.select().from(orgUnits).where(inArray(orgUnits.id, unitIds));
  return units.some((u) => canSeeUnit(p, u));
}
