import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { activeBars, listSecondments } from '../../../db/secondment';
import { orgUnits, users, type OrgUnit } from '../../../db/schema/org';
import { secondments } from '../../../db/schema/secondment';
import { barRefusal, SECONDMENT_STATUS_LABEL } from '../../../domain/secondment';
import { notFound, refuse, text, type Db, type Tx } from '../../admin';
import type { Principal } from '../../auth';
import { canSeeUnit } from '../../authz';
import { Problem } from '../../problem';
import { roleSchema } from '../../schemas';
import { z } from '../../zod';
import { checkRoleFits } from '../org';
import { READER_ROLES, date, type Listed } from './schemas';

export function present(s: Listed) {
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
export const hostedWithin = (p: Principal): SQL =>
  sql`exists (select 1 from ${orgUnits} h where h.id = ${secondments.hostUnitId} and (h.path = ${p.unitPath} or h.path like ${`${p.unitPath}/%`}))`;

/** Hosted in the unit `unitId` or below it. */
export const hostedUnder = (unitId: string): SQL =>
  sql`exists (select 1 from ${orgUnits} h, ${orgUnits} w where w.id = ${unitId} and h.id = ${secondments.hostUnitId} and (h.path = w.path or h.path like w.path || '/%'))`;

export const secondmentNotFound = (id: string) =>
  notFound('secondment-not-found', `选派记录不存在或无权查看：${id}`, `No secondment ${id}, or you may not see it`);

export async function one(tx: Tx, id: string, p: Principal): Promise<Listed> {
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

export const createBody = z
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

/** Move a person into the host unit, as PATCH /users would: the role must fit it, and a unit leader must be replaced first. */
export async function moveInto(
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
export async function mayRead(db: Db, p: Principal, userId: string, unitIds: string[]): Promise<boolean> {
  if (p.userId === userId) return true;
  if (!(READER_ROLES as readonly string[]).includes(p.role)) return false;
  const units = await db.select().from(orgUnits).where(inArray(orgUnits.id, unitIds));
  return units.some((u) => canSeeUnit(p, u));
}
