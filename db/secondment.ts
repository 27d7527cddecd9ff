import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import {
  barEndDate,
  SECONDMENT_EFFECT_LABEL,
  type CycleOutcomes,
  type CycleOutcomesInput,
  type FinalResult,
  type OutcomeTask,
  type SecondmentEffect,
} from '../domain/secondment';
import { shanghaiDate } from '../domain/time';
import { appendAudit, lockStream } from './audit';
import type { AuditKey } from '../domain/audit-chain';
import { allocateCaseNumbers } from './case-numbers';
import type { Db, Tx } from './index';
import { orgUnits, PATH_SEPARATOR, ROLE_LABEL, users } from './schema/org';
import { gridPayGrades, secondmentOutcomes, secondments, type OutcomeChange } from './schema/secondment';

type Reader = Db | Tx;

/** Every secondment write — an admin's or a cycle's outcome — is chained in this audit stream. */
export const SECONDMENT_AUDIT_STREAM = 'admin:secondments';

/** A bar in force: the person may not be seconded before `until`. */
export interface ActiveBar {
  userId: string;
  until: string;
  caseId: string;
}

/** The bars in force at `now` for these people, the latest-ending one per person. */
export async function activeBars(db: Reader, userIds: readonly string[], now: number): Promise<Map<string, ActiveBar>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({
      userId: secondmentOutcomes.userId,
      until: secondmentOutcomes.barUntil,
      caseId: secondmentOutcomes.caseId,
    })
    .from(secondmentOutcomes)
    .where(and(inArray(secondmentOutcomes.userId, [...userIds]), gt(secondmentOutcomes.barUntil, shanghaiDate(now))))
    .orderBy(desc(secondmentOutcomes.barUntil));
  const out = new Map<string, ActiveBar>();
  for (const r of rows)
    if (r.until && !out.has(r.userId)) out.set(r.userId, { userId: r.userId, until: r.until, caseId: r.caseId });
  return out;
}

/** A person's secondments (newest first) with their units' names, and the cycles' outcomes for them. */
export async function secondmentsOf(db: Reader, userId: string) {
  const [list, outcomes] = await Promise.all([
    listSecondments(db, eq(secondments.userId, userId)),
    db
      .select()
      .from(secondmentOutcomes)
      .where(eq(secondmentOutcomes.userId, userId))
      .orderBy(desc(secondmentOutcomes.decidedAt)),
  ]);
  return { secondments: list, outcomes };
}

/** Secondments matching `where`, newest first, with the person's name and the units' names. */
export async function listSecondments(
  db: Reader,
  where: ReturnType<typeof and>,
  page?: { limit: number; offset: number },
) {
  const query = db
    .select({
      s: secondments,
      name: users.displayName,
      username: users.username,
      hostName: sql<string>`(select name from ${orgUnits} h where h.id = ${secondments.hostUnitId})`,
      originName: sql<string | null>`(select name from ${orgUnits} o where o.id = ${secondments.originUnitId})`,
    })
    .from(secondments)
    .innerJoin(users, eq(users.id, secondments.userId))
    .where(where)
    .orderBy(desc(secondments.startDate), asc(secondments.userId));
  const rows = page ? await query.limit(page.limit).offset(page.offset) : await query;
  return rows.map((r) => ({
    ...r.s,
    name: r.name,
    username: r.username,
    hostUnitName: r.hostName,
    originUnitName: r.s.originUnitName ?? r.originName,
  }));
}

const evidence = (input: CycleOutcomesInput, r: FinalResult) =>
  `考核：${input.caseId}（${input.schemeName}，${input.periodLabel}）；总分 ${r.total}，等次“${r.gradeLabel}”；各指标得分：${r.indicators.map((i) => `${i.name} ${i.score}`).join('，')}。`;

/** The task an outcome row calls for (rebuilt the same way when a retry finds the row written). */
function outcomeTask(
  input: CycleOutcomesInput,
  r: FinalResult,
  row: { effect: SecondmentEffect; taskCaseId: string | null },
  origin: string | null,
): OutcomeTask | null {
  if (!row.taskCaseId) return null;
  const who = r.rateeName;
  if (row.effect === 'convert') {
    return {
      caseId: row.taskCaseId,
      userId: r.userId,
      title: `选派人员转为乡镇在编：${who}`,
      description: `年度考核优秀，按规定纳入乡镇（街道）全供事业编制，结束选派并办理调动手续。${evidence(input, r)}`,
    };
  }
  return {
    caseId: row.taskCaseId,
    userId: r.userId,
    title: `选派人员退回原单位交接：${who}`,
    description: `年度考核不合格，退回选派前的原单位（${origin ?? '原单位不详'}，不在本系统），恢复原待遇；其在乡镇的账号已停用，请与原单位办理交接。一年内不得重新参加选派。${evidence(input, r)}`,
  };
}

/**
 * Carry out a final seconded-staff cycle's outcomes and record a grid-worker cycle's pay grades,
 * in one transaction. Idempotent on (cycle, person): a retried or replayed call finds the rows it
 * wrote, changes nothing and answers the same (with the same task numbers).
 * - 不合格 (return): the active secondment ends as `returned`; a person from a unit in the org tree
 *   gets that unit and role back; one from outside the system is deactivated and the organisation
 *   department gets a handover task; either way a bar is recorded until one year after the decision.
 * - 优秀 (convert): a conversion task (转为乡镇在编) for the organisation department, with the evidence.
 * - 合格 (continue): recorded as continued.
 */
export async function carryCycleOutcomes(db: Db, input: CycleOutcomesInput, key?: AuditKey): Promise<CycleOutcomes> {
  return db.transaction(async (tx) => {
    await lockStream(tx, SECONDMENT_AUDIT_STREAM);
    const decidedAt = new Date(input.decidedAt);
    const out: CycleOutcomes = { outcomes: [], tasks: [], payGrades: 0 };
    for (const r of input.results) {
      if (!r.effect) continue;
      const [existing] = await tx
        .select()
        .from(secondmentOutcomes)
        .where(and(eq(secondmentOutcomes.caseId, input.caseId), eq(secondmentOutcomes.userId, r.userId)));
      const row = existing ?? (await carryOne(tx, input, r, r.effect, decidedAt, key));
      const [sec] = row.secondmentId
        ? await tx.select().from(secondments).where(eq(secondments.id, row.secondmentId))
        : [];
      const task = outcomeTask(input, r, row, sec?.originUnitName ?? null);
      out.outcomes.push({
        userId: r.userId,
        effect: row.effect,
        note: row.note,
        barUntil: row.barUntil,
        taskCaseId: row.taskCaseId,
      });
      if (task) out.tasks.push(task);
    }
    if (input.direction === 'grid-worker') out.payGrades = await recordPayGrades(tx, input, decidedAt);
    return out;
  });
}

async function carryOne(
  tx: Tx,
  input: CycleOutcomesInput,
  r: FinalResult,
  effect: SecondmentEffect,
  decidedAt: Date,
  key?: AuditKey,
) {
  const [user] = await tx.select().from(users).where(eq(users.id, r.userId)).for('update');
  if (!user) throw new Error(`no user ${r.userId}`);
  const [sec] = await tx
    .select()
    .from(secondments)
    .where(and(eq(secondments.userId, r.userId), eq(secondments.status, 'active')))
    .for('update');
  const [personnel] = await tx
    .select({ name: orgUnits.name })
    .from(orgUnits)
    .where(eq(orgUnits.id, input.personnelUnitId));
  const personnelName = personnel?.name ?? input.personnelUnitId;
  const source = `${input.schemeName}（${input.periodLabel}）${input.caseId}`;
  let note: string;
  let barUntil: string | null = null;
  let taskCaseId: string | null = null;
  let change: OutcomeChange | null = null;
  switch (effect) {
    case 'continue':
      note = `${r.gradeLabel}：${SECONDMENT_EFFECT_LABEL.continue}`;
      break;
    case 'convert':
      [taskCaseId] = await allocateCaseNumbers(tx, { process: 'task', at: decidedAt });
      note = `${r.gradeLabel}：拟转为乡镇在编，转编任务 ${taskCaseId} 已交${personnelName}办理`;
      break;
    case 'return': {
      barUntil = barEndDate(decidedAt);
      if (sec) {
        await tx
          .update(secondments)
          .set({
            status: 'returned',
            endDate: shanghaiDate(decidedAt),
            endReason: `年度考核不合格，退回原单位（${source}）`,
            endedBy: 'system',
            endCycleId: input.caseId,
            updatedAt: decidedAt,
          })
          .where(eq(secondments.id, sec.id));
      }
      const [origin] = sec?.originUnitId
        ? await tx.select().from(orgUnits).where(eq(orgUnits.id, sec.originUnitId))
        : [];
      const led = await tx
        .update(orgUnits)
        .set({ leaderUserId: null })
        .where(eq(orgUnits.leaderUserId, user.id))
        .returning({ id: orgUnits.id });
      const before = { unitId: user.unitId, role: user.role, active: user.active };
      if (origin?.active && sec?.originRole) {
        await tx
          .update(users)
          .set({ unitId: origin.id, role: sec.originRole, isLeader: false, active: true })
          .where(eq(users.id, user.id));
        change = {
          before,
          after: { unitId: origin.id, role: sec.originRole, active: true },
          leaderOf: led.map((u) => u.id),
        };
        note = `${r.gradeLabel}：退回原单位${origin.name}，恢复为${ROLE_LABEL[sec.originRole]}；一年内不得再选派（至 ${barUntil} 止）`;
      } else {
        // The original unit is outside the system (or gone): the person leaves the township's
        // accounts and the organisation department hands them back.
        await tx.update(users).set({ active: false, isLeader: false }).where(eq(users.id, user.id));
        [taskCaseId] = await allocateCaseNumbers(tx, { process: 'task', at: decidedAt });
        change = { before, after: { ...before, active: false }, leaderOf: led.map((u) => u.id) };
        const origin = sec?.originUnitName ?? (sec ? '原单位已停用' : '无选派记录');
        note = `${r.gradeLabel}：退回原单位（${origin}，不在本系统），乡镇账号已停用，交接任务 ${taskCaseId} 已交${personnelName}办理；一年内不得再选派（至 ${barUntil} 止）`;
      }
      break;
    }
  }
  const [row] = await tx
    .insert(secondmentOutcomes)
    .values({
      caseId: input.caseId,
      userId: r.userId,
      secondmentId: sec?.id ?? null,
      effect,
      total: r.total,
      grade: r.grade,
      gradeLabel: r.gradeLabel,
      decidedAt,
      barUntil,
      taskCaseId,
      note,
      change,
    })
    .returning();
  await appendAudit(
    tx,
    {
      streamId: SECONDMENT_AUDIT_STREAM,
      actorId: 'system',
      actorUnitId: null,
      actorRole: 'system',
      action: `secondment.outcome.${effect}`,
      reason: `${source}：${r.rateeName} ${note}`,
      before: {
        userId: r.userId,
        secondment: sec ? { id: sec.id, status: sec.status } : null,
        user: change?.before ?? null,
      },
      after: {
        userId: r.userId,
        secondment: sec ? { id: sec.id, status: effect === 'return' ? 'returned' : sec.status } : null,
        user: change?.after ?? null,
        barUntil,
        taskCaseId,
      },
      at: decidedAt,
    },
    key,
  );
  return row!;
}

/** Record each grid worker's pay grade of the month (rows already recorded for this cycle stay as they are). */
async function recordPayGrades(tx: Tx, input: CycleOutcomesInput, decidedAt: Date): Promise<number> {
  const graded = input.results.filter((r) => r.payGrade);
  if (graded.length === 0) return 0;
  const people = new Map(
    (
      await tx
        .select()
        .from(users)
        .where(
          inArray(
            users.id,
            graded.map((r) => r.userId),
          ),
        )
    ).map((u) => [u.id, u]),
  );
  const rows = graded.flatMap((r) => {
    const user = people.get(r.userId);
    const path = r.unitPath.split(PATH_SEPARATOR);
    if (!user || path.length < 2) return [];
    return [
      {
        caseId: input.caseId,
        userId: r.userId,
        periodKey: input.periodKey,
        townshipId: path[1]!,
        unitId: path.at(-1)!,
        username: user.username,
        name: user.displayName,
        total: r.total,
        grade: r.grade,
        gradeLabel: r.gradeLabel,
        payGrade: r.payGrade!,
        recordedAt: decidedAt,
      },
    ];
  });
  if (rows.length === 0) return 0;
  return (await tx.insert(gridPayGrades).values(rows).onConflictDoNothing().returning({ userId: gridPayGrades.userId }))
    .length;
}

/** The pay grades of a township's grid workers for a month, by grid and name. */
export function payGradesOf(db: Reader, townshipId: string, periodKey: string) {
  return db
    .select({ row: gridPayGrades, unitName: orgUnits.name })
    .from(gridPayGrades)
    .innerJoin(orgUnits, eq(orgUnits.id, gridPayGrades.unitId))
    .where(and(eq(gridPayGrades.townshipId, townshipId), eq(gridPayGrades.periodKey, periodKey)))
    .orderBy(asc(gridPayGrades.unitId), asc(gridPayGrades.username), asc(gridPayGrades.caseId));
}

/** The outcomes a cycle carried out, by person. */
export function cycleOutcomes(db: Reader, caseId: string) {
  return db.select().from(secondmentOutcomes).where(eq(secondmentOutcomes.caseId, caseId));
}
