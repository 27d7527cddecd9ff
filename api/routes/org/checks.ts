import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db';
import { caseAssignments, cases } from '../../../db/schema/cases';
import { inSubtree, orgUnits, users, type OrgUnit, type Role } from '../../../db/schema/org';
import type { Principal } from '../../auth';
import { ROLE_LABEL, SUBTREE_ROLES } from '../../authz';
import { conflict, notFound, refuse } from '../../admin';
import type { z } from '../../zod';
import { KIND_LABEL, PARENT_KINDS, ROLE_UNIT_KINDS, kindsZh, kindsEn, type createUnitBody } from './schemas';
import { unitById, loadUnit, activeUnit } from './helpers';

/** Check the tree rules of DOMAIN §2 for a new unit; returns its parent (null for the county). */
export async function checkNewUnit(
  tx: Tx,
  body: Omit<z.infer<typeof createUnitBody>, 'reason'>,
): Promise<OrgUnit | null> {
  const { id, kind, parentId, departmentId } = body;
  if (await unitById(tx, id))
    throw conflict('org-unit-exists', `单位编码已存在：${id}`, `An org unit with id ${id} already exists`);
  let parent: OrgUnit | null = null;
  if (kind === 'county') {
    if (parentId)
      throw refuse(
        'county-not-root',
        '县是组织树的根节点，不能有上级单位',
        'A county is the root of the tree and cannot have a parent',
      );
    const [county] = await tx.select().from(orgUnits).where(eq(orgUnits.kind, 'county')).limit(1);
    if (county)
      throw refuse(
        'county-exists',
        `已有县「${county.name}」（${county.id}），只允许一个县`,
        `There is already a county (${county.id}); only one is allowed`,
      );
  } else {
    const allowed = PARENT_KINDS[kind];
    if (!parentId)
      throw refuse(
        'parent-required',
        `${KIND_LABEL[kind]}必须指定上级单位（parentId）：只有县可以作为根节点`,
        `A ${kind} needs a parentId: only a county may be the root`,
      );
    parent = await activeUnit(tx, parentId, 'parentId');
    if (!allowed.includes(parent.kind)) {
      throw refuse(
        'parent-kind-not-allowed',
        `${KIND_LABEL[kind]}只能设在${kindsZh(allowed)}之下，上级单位「${parent.name}」是${KIND_LABEL[parent.kind]}`,
        `A ${kind} must be placed under a ${kindsEn(allowed)}; parent ${parent.id} is a ${parent.kind}`,
      );
    }
  }
  if (kind === 'agency') {
    if (!departmentId)
      throw refuse(
        'agency-needs-department',
        '派驻机构必须用 departmentId 指明所属的县直部门',
        'An agency needs departmentId naming the county department it belongs to',
      );
    const department = await activeUnit(tx, departmentId, 'departmentId');
    if (department.kind !== 'department') {
      throw refuse(
        'department-id-not-department',
        `departmentId 须为县直部门，「${department.name}」是${KIND_LABEL[department.kind]}`,
        `departmentId must name a department; ${department.id} is a ${department.kind}`,
      );
    }
  } else if (departmentId) {
    throw refuse(
      'department-id-only-for-agency',
      '只有派驻机构可以指定所属部门（departmentId）',
      'Only an agency may have a departmentId',
    );
  }
  return parent;
}

/** A role tied to kinds of unit (grid worker → grid …) must sit in such a unit (DOMAIN §1). */
export function checkRoleFits(role: Role, unit: OrgUnit): void {
  const allowed = ROLE_UNIT_KINDS[role];
  if (!allowed || allowed.includes(unit.kind)) return;
  throw refuse(
    'role-unit-kind',
    `${ROLE_LABEL[role]}只能属于${kindsZh(allowed)}，单位「${unit.name}」是${KIND_LABEL[unit.kind]}`,
    `Role ${role} must belong to a ${kindsEn(allowed)}; unit ${unit.id} is a ${unit.kind}`,
  );
}

/** SQL: the users a caller may see — admin all, subtree roles their subtree, others their own unit. */
export function usersVisibleTo(principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  if (!SUBTREE_ROLES.includes(principal.role)) return eq(users.unitId, principal.unitId);
  return sql`${users.unitId} in (select ${orgUnits.id} from ${orgUnits} where ${inSubtree(principal.unitPath)})`;
}

export const userNotFound = (id: string) =>
  notFound('user-not-found', `用户不存在或无权查看：${id}`, `No user ${id}, or you may not see it`);

/** The new leader of `unit` must be one of its active users. */
export async function checkLeader(tx: Tx, unit: OrgUnit, userId: string): Promise<void> {
  const [leader] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.unitId, unit.id), eq(users.active, true)));
  if (!leader)
    throw refuse(
      'leader-not-in-unit',
      `负责人须为本单位「${unit.name}」的在用用户：${userId}`,
      `The leader must be an active user of ${unit.id}: ${userId}`,
    );
}

/** How many named items a refusal lists before "…等 N 个". */
export const NAMED_MAX = 5;

/** `names` joined for a refusal, the first {@link NAMED_MAX} of `total` and how many more. */
export function nameList(names: string[], total: number, sep: string, more: (n: number) => string): string {
  return names.join(sep) + (total > names.length ? more(total - names.length) : '');
}

/** SQL: open cases (in the read model) whose responsible or owner unit, or a current assignee, is in `unitIds`. */
export function liveCasesOf(unitIds: SQL): SQL {
  return sql`${cases.closedAt} is null and (${cases.unitId} in (${unitIds}) or ${cases.ownerUnitId} in (${unitIds})
    or exists (select 1 from ${caseAssignments} a where a.case_id = ${cases.id} and a.unit_id in (${unitIds})))`;
}

/** 422 naming up to {@link NAMED_MAX} open cases of `unitIds` (a unit, or a subtree), when there are any. */
export async function refuseLiveCases(
  tx: Tx,
  unit: OrgUnit,
  unitIds: SQL,
  doing: { zh: string; en: string },
): Promise<void> {
  const where = liveCasesOf(unitIds);
  const [live, [total]] = await Promise.all([
    tx.select({ id: cases.id, title: cases.title }).from(cases).where(where).orderBy(asc(cases.id)).limit(NAMED_MAX),
    tx.select({ n: count() }).from(cases).where(where),
  ]);
  const n = total?.n ?? 0;
  if (n === 0) return;
  throw refuse(
    'unit-has-live-cases',
    `单位「${unit.name}」还有 ${n} 件在办案件，不能${doing.zh}：${nameList(
      live.map((c) => `${c.id}「${c.title}」`),
      n,
      '、',
      (k) => ` 等（另 ${k} 件）`,
    )}；请先办结或移交`,
    `${unit.id} still has ${n} open cases, so it cannot be ${doing.en}: ${nameList(
      live.map((c) => c.id),
      n,
      ', ',
      (k) => ` and ${k} more`,
    )}; close or hand them over first`,
    { cases: live.map((c) => c.id) },
  );
}

/**
 * A unit can be (de)activated only consistently with the tree: no active members below an inactive
 * unit, and no open case left with a closed unit. A refusal names what is in the way.
 */
export async function checkActivation(tx: Tx, unit: OrgUnit, active: boolean): Promise<void> {
  if (active) {
    const parent = unit.parentId ? await loadUnit(tx, unit.parentId) : null;
    if (parent && !parent.active)
      throw refuse(
        'parent-inactive',
        `上级单位「${parent.name}」已停用，请先启用上级单位`,
        `The parent ${parent.id} is inactive; activate it first`,
      );
    return;
  }
  const childWhere = and(eq(orgUnits.parentId, unit.id), eq(orgUnits.active, true));
  const memberWhere = and(eq(users.unitId, unit.id), eq(users.active, true));
  const [children, [childCount], members, [memberCount]] = await Promise.all([
    tx
      .select({ id: orgUnits.id, name: orgUnits.name })
      .from(orgUnits)
      .where(childWhere)
      .orderBy(asc(orgUnits.id))
      .limit(NAMED_MAX),
    tx.select({ n: count() }).from(orgUnits).where(childWhere),
    tx
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(memberWhere)
      .orderBy(asc(users.username))
      .limit(NAMED_MAX),
    tx.select({ n: count() }).from(users).where(memberWhere),
  ]);
  const c = childCount?.n ?? 0;
  const m = memberCount?.n ?? 0;
  if (c + m > 0) {
    const zh = [
      c > 0
        ? `在用下级单位 ${c} 个（${nameList(
            children.map((u) => u.name),
            c,
            '、',
            (k) => ` 等另 ${k} 个`,
          )}）`
        : '',
      m > 0
        ? `在用用户 ${m} 名（${nameList(
            members.map((u) => u.name),
            m,
            '、',
            (k) => ` 等另 ${k} 名`,
          )}）`
        : '',
    ].filter(Boolean);
    const en = [
      c > 0
        ? `${c} active child units (${nameList(
            children.map((u) => u.id),
            c,
            ', ',
            (k) => ` and ${k} more`,
          )})`
        : '',
      m > 0
        ? `${m} active users (${nameList(
            members.map((u) => u.id),
            m,
            ', ',
            (k) => ` and ${k} more`,
          )})`
        : '',
    ].filter(Boolean);
    throw refuse(
      'unit-has-active-members',
      `单位「${unit.name}」下还有${zh.join('和')}，请先停用或调走`,
      `${unit.id} still has ${en.join(' and ')}; deactivate or move them first`,
      { units: children.map((u) => u.id), users: members.map((u) => u.id) },
    );
  }
  await refuseLiveCases(tx, unit, sql`${unit.id}`, { zh: '撤销', en: 'closed' });
}
