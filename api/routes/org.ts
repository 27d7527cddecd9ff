import { and, asc, count, eq, ilike, inArray, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db';
import { caseAssignments, cases } from '../../db/schema/cases';
import {
  childPath,
  inSubtree,
  ORG_UNIT_KINDS,
  orgUnits,
  POWER_CATEGORIES,
  POWER_SOURCES,
  powerListItems,
  users,
  type OrgUnit,
  type OrgUnitKind,
  type Role,
} from '../../db/schema/org';
import { recordPhoneRead } from '../access-audit';
import type { Principal } from '../auth';
import { requireUnitScope, ROLE_LABEL, SUBTREE_ROLES } from '../authz';
import type { AppDeps } from '../deps';
import { ADMIN_ONLY, auditedWrite, conflict, notFound, refuse, text } from '../admin';
import type { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam, pageOf, pageQuery, roleSchema } from '../schemas';
import { z } from '../zod';

/** Every org, user and power-list write is chained in this one audit stream. */
const AUDIT_STREAM = 'admin:org';

export const KIND_LABEL: Record<OrgUnitKind, string> = {
  county: '县',
  township: '乡镇',
  street: '街道',
  village: '村',
  community: '社区',
  grid: '网格',
  department: '县直部门',
  agency: '派驻机构',
};

/** Where each kind of unit may sit (DOMAIN §2); the county alone is the root. */
export const PARENT_KINDS: Record<OrgUnitKind, readonly OrgUnitKind[]> = {
  county: [],
  township: ['county'],
  street: ['county'],
  department: ['county'],
  village: ['township', 'street'],
  community: ['township', 'street'],
  agency: ['township', 'street'],
  grid: ['village', 'community'],
};

/** Roles tied to kinds of unit (DOMAIN §1); every other role may belong to any unit. */
export const ROLE_UNIT_KINDS: Partial<Record<Role, readonly OrgUnitKind[]>> = {
  grid_worker: ['grid'],
  agent: ['village', 'community'],
  window_staff: ['township', 'street', 'department'],
  dept_liaison: ['department', 'agency'],
};

export const POWER_LIST_KINDS: readonly OrgUnitKind[] = ['township', 'street'];

const kindsZh = (kinds: readonly OrgUnitKind[]) => kinds.map((k) => KIND_LABEL[k]).join('或');
const kindsEn = (kinds: readonly OrgUnitKind[]) => kinds.join(' or ');

// ── request and response schemas ──────────────────────────────────────────────────────────────

const clearable = (schema: z.ZodString) => schema.nullable().optional();
const unitCode = text(100).regex(/^[a-z0-9]+(\.[a-z0-9-]+)*$/, {
  error: '编码须为小写字母和数字，以点分段，如 lk.t01.v04 / must be a lowercase dotted code such as lk.t01.v04',
});
const userCode = text(64).regex(/^[a-z0-9][a-z0-9._@-]*$/, {
  error:
    '须为小写字母、数字和 . _ @ -，如 t01.v04.grid / must be lowercase letters, digits and . _ @ -, e.g. t01.v04.grid',
});
const phone = text(30).regex(/^\+?[0-9][0-9 -]{2,29}$/, { error: '电话号码格式不正确 / not a phone number' });
const regionCode = text(20).regex(/^[A-Za-z0-9-]+$/, {
  error: '区划代码只能包含字母、数字和 - / letters, digits and - only',
});
const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const orgUnitKindSchema = z.enum(ORG_UNIT_KINDS).openapi('OrgUnitKind');
const powerCategorySchema = z.enum(POWER_CATEGORIES).openapi('PowerCategory');
const powerSourceSchema = z.enum(POWER_SOURCES).openapi('PowerSource');

/** A PATCH body: the given fields, all optional, at least one besides `reason`. */
function patchBody<S extends z.ZodRawShape>(shape: S) {
  return z
    .strictObject({ ...shape, ...reason })
    .partial()
    .refine((b) => Object.keys(b).some((k) => k !== 'reason'), {
      error: '请至少修改一个字段 / change at least one field',
    });
}

const orgUnitSchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    kind: orgUnitKindSchema,
    departmentId: z.string().nullable(),
    name: z.string(),
    nameEn: z.string().nullable(),
    path: z.string().openapi({ example: 'lk/lk.t01/lk.t01.v01' }),
    level: z.number().int(),
    regionCode: z.string().nullable(),
    leaderUserId: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('OrgUnit');

const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: roleSchema,
    unitId: z.string(),
    isLeader: z.boolean(),
    phone: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('User');

const powerListItemSchema = z
  .object({
    id: z.string(),
    unitId: z.string(),
    code: z.string(),
    name: z.string(),
    category: powerCategorySchema,
    source: powerSourceSchema,
    legalBasis: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('PowerListItem');

const createUnitBody = z.strictObject({
  id: unitCode.openapi({ example: 'lk.t01.v04' }),
  parentId: unitCode
    .nullable()
    .optional()
    .openapi({ description: '上级单位；只有县没有上级 / Parent unit; only the county has none' }),
  kind: orgUnitKindSchema,
  departmentId: unitCode.optional().openapi({ description: '派驻机构所属县直部门 / Owning department of an agency' }),
  name: text(200),
  nameEn: clearable(text(200)),
  regionCode: clearable(regionCode),
  ...reason,
});

const powerFields = {
  name: text(300),
  category: powerCategorySchema,
  source: powerSourceSchema,
  legalBasis: clearable(text(500)),
};

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

/** The API and audit view of a row: everything but the bookkeeping timestamps. */
function view<T extends Timestamped>({ createdAt: _c, updatedAt: _u, ...rest }: T): Omit<T, keyof Timestamped> {
  return rest;
}

function one<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}

function must<T>(row: T | undefined, missing: () => Problem): T {
  if (row === undefined) throw missing();
  return row;
}

/** `column = value`, or no condition when the filter is absent. */
const filterEq = (column: Column, value: unknown): SQL | undefined =>
  value === undefined ? undefined : eq(column, value);

/** Any of `columns` contains `q` (its own `%` and `_` taken literally), or no condition without `q`. */
function filterContains(q: string | undefined, ...columns: Column[]): SQL | undefined {
  if (q === undefined) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
  return or(...columns.map((c) => ilike(c, pattern)));
}

type Timestamped = { createdAt: Date; updatedAt: Date };

/**
 * One org write through {@link auditedWrite}, audited with the before/after views of the row.
 * `write` gets the body without `reason`. Returns the view of the row written.
 */
function adminWrite<B extends { reason?: string | undefined }, R extends Timestamped>(
  ctx: { deps: AppDeps; principal: Principal; body: B },
  action: string,
  write: (tx: Tx, fields: Omit<B, 'reason'>) => Promise<{ before: R | null; after: R }>,
): Promise<Omit<R, keyof Timestamped>> {
  const { reason, ...fields } = ctx.body;
  return auditedWrite(ctx, AUDIT_STREAM, action, reason ?? null, async (tx) => {
    const rows = await write(tx, fields);
    const after = view(rows.after);
    return { before: rows.before && view(rows.before), after, result: after };
  });
}

async function unitById(db: Db | Tx, id: string): Promise<OrgUnit | undefined> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  return row;
}

async function loadUnit(db: Db | Tx, id: string): Promise<OrgUnit> {
  return must(await unitById(db, id), () => notFound('org-unit-not-found', `单位不存在：${id}`, `No org unit ${id}`));
}

/** A unit named in a request body (`field`): it must exist and be active. */
export async function activeUnit(tx: Tx, id: string, field: string): Promise<OrgUnit> {
  const unit = await unitById(tx, id);
  if (!unit) throw refuse('unit-unknown', `${field} 指向的单位不存在：${id}`, `${field} names no org unit: ${id}`);
  if (!unit.active)
    throw refuse(
      'unit-inactive',
      `${field} 指向的单位「${unit.name}」已停用`,
      `${field} names an inactive unit: ${id}`,
    );
  return unit;
}

/** Check the tree rules of DOMAIN §2 for a new unit; returns its parent (null for the county). */
async function checkNewUnit(tx: Tx, body: Omit<z.infer<typeof createUnitBody>, 'reason'>): Promise<OrgUnit | null> {
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
function usersVisibleTo(principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  if (!SUBTREE_ROLES.includes(principal.role)) return eq(users.unitId, principal.unitId);
  return sql`${users.unitId} in (select ${orgUnits.id} from ${orgUnits} where ${inSubtree(principal.unitPath)})`;
}

const userNotFound = (id: string) =>
  notFound('user-not-found', `用户不存在或无权查看：${id}`, `No user ${id}, or you may not see it`);

/** The new leader of `unit` must be one of its active users. */
async function checkLeader(tx: Tx, unit: OrgUnit, userId: string): Promise<void> {
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
const NAMED_MAX = 5;

/** `names` joined for a refusal, the first {@link NAMED_MAX} of `total` and how many more. */
function nameList(names: string[], total: number, sep: string, more: (n: number) => string): string {
  return names.join(sep) + (total > names.length ? more(total - names.length) : '');
}

/** SQL: open cases (in the read model) whose responsible or owner unit, or a current assignee, is in `unitIds`. */
function liveCasesOf(unitIds: SQL): SQL {
  return sql`${cases.closedAt} is null and (${cases.unitId} in (${unitIds}) or ${cases.ownerUnitId} in (${unitIds})
    or exists (select 1 from ${caseAssignments} a where a.case_id = ${cases.id} and a.unit_id in (${unitIds})))`;
}

/** 422 naming up to {@link NAMED_MAX} open cases of `unitIds` (a unit, or a subtree), when there are any. */
async function refuseLiveCases(tx: Tx, unit: OrgUnit, unitIds: SQL, doing: { zh: string; en: string }): Promise<void> {
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
async function checkActivation(tx: Tx, unit: OrgUnit, active: boolean): Promise<void> {
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

export function registerOrgRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/org-units',
    operationId: 'listOrgUnits',
    summary:
      '组织树：按类型、上级、子树、名称、状态筛选 / The org tree, filtered by kind, parent, subtree, name and status',
    tags: ['org'],
    access: { roles: 'any' },
    query: z.strictObject({
      kind: orgUnitKindSchema.optional(),
      parentId: text(100).optional(),
      under: text(100).optional().openapi({
        description: '只列此单位之下的子树（不含其本身）/ Only the subtree below this unit, itself excluded',
      }),
      q: text(100).optional().openapi({ description: '名称包含 / Name contains' }),
      active: boolQuery.optional(),
    }),
    response: { schema: z.array(orgUnitSchema), description: '单位，按路径排序 / Units in path order' },
    errors: [404],
    async handler({ query, deps }) {
      const db = deps.database.db;
      const root = query.under ? await loadUnit(db, query.under) : undefined;
      const where = and(
        root && inSubtree(root.path, { includeRoot: false }),
        filterEq(orgUnits.kind, query.kind),
        filterEq(orgUnits.parentId, query.parentId),
        filterContains(query.q, orgUnits.name, orgUnits.nameEn),
        filterEq(orgUnits.active, query.active),
      );
      return (await db.select().from(orgUnits).where(where).orderBy(asc(orgUnits.path))).map(view);
    },
  });

  routes.add({
    method: 'get',
    path: '/org-units/:id',
    operationId: 'getOrgUnit',
    summary: '单位详情及下级单位数 / One org unit with its number of children',
    tags: ['org'],
    access: { roles: 'any' },
    params: idParam,
    response: {
      schema: orgUnitSchema.extend({ childrenCount: z.number().int() }).openapi('OrgUnitDetail'),
      description: '单位 / Org unit',
    },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const unit = await loadUnit(db, params.id);
      const [children] = await db.select({ n: count() }).from(orgUnits).where(eq(orgUnits.parentId, unit.id));
      return { ...view(unit), childrenCount: children?.n ?? 0 };
    },
  });

  routes.add({
    method: 'post',
    path: '/org-units',
    operationId: 'createOrgUnit',
    summary: '新建单位（路径和层级由系统计算）/ Create an org unit (path and level are computed)',
    description:
      '县为唯一根节点；乡镇/街道、县直部门在县之下；村/社区、派驻机构在乡镇/街道之下；网格在村/社区之下；派驻机构须指明所属部门。/ ' +
      'The county is the only root; townships, streets and departments sit under it; villages, communities and agencies under a township or street; grids under a village or community; an agency names its department.',
    tags: ['org'],
    access: ADMIN_ONLY,
    body: createUnitBody,
    response: { status: 201, schema: orgUnitSchema, description: '新单位 / The new unit' },
    errors: [409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.unit.create', async (tx, fields) => {
        const parent = await checkNewUnit(tx, fields);
        const values = {
          ...fields,
          parentId: parent?.id ?? null,
          path: childPath(parent?.path ?? null, fields.id),
          level: (parent?.level ?? 0) + 1,
        };
        return { before: null, after: one(await tx.insert(orgUnits).values(values).returning()) };
      }),
  });

  routes.add({
    method: 'patch',
    path: '/org-units/:id',
    operationId: 'updateOrgUnit',
    summary:
      '修改单位（名称、区划、负责人、启停用；不可调整上级）/ Update an org unit (names, region, leader, active; no re-parenting)',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: patchBody({
      name: text(200),
      nameEn: clearable(text(200)),
      regionCode: clearable(regionCode),
      leaderUserId: clearable(text(100)),
      active: z.boolean(),
    }),
    response: { schema: orgUnitSchema, description: '修改后的单位 / The updated unit' },
    errors: [404, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.unit.update', async (tx, changes) => {
        const before = await loadUnit(tx, ctx.params.id);
        if (changes.leaderUserId) await checkLeader(tx, before, changes.leaderUserId);
        if (changes.active !== undefined && changes.active !== before.active)
          await checkActivation(tx, before, changes.active);
        return {
          before,
          after: one(await tx.update(orgUnits).set(changes).where(eq(orgUnits.id, before.id)).returning()),
        };
      }),
  });

  routes.add({
    method: 'post',
    path: '/org-units/:id/move',
    operationId: 'moveOrgUnit',
    summary:
      '调整单位隶属（连同下级单位一起移到新的上级之下）/ Move an org unit, with its subtree, under another parent',
    description:
      '新上级须在用且类型符合组织树规则，不能是本单位或其下级；本单位及其下级还有在办案件的，拒绝并列出案件（案件按原隶属计算时限和辖区）。/ ' +
      'The new parent must be active, of a kind the tree allows, and not the unit or below it. Refused, naming them, while the unit or its subtree has open cases (they were scoped by the old tree).',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: z.strictObject({ parentId: unitCode.openapi({ description: '新的上级单位 / The new parent' }), ...reason }),
    response: { schema: orgUnitSchema, description: '移动后的单位 / The moved unit' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.unit.move', async (tx, { parentId }) => {
        const before = await loadUnit(tx, ctx.params.id);
        if (before.kind === 'county')
          throw refuse(
            'county-not-root',
            '县是组织树的根节点，不能移动',
            'The county is the root of the tree and cannot be moved',
          );
        if (before.parentId === parentId)
          throw conflict(
            'unit-already-there',
            `单位「${before.name}」已在该上级之下`,
            `${before.id} is already under ${parentId}`,
          );
        const parent = await activeUnit(tx, parentId, 'parentId');
        requireUnitScope(ctx.principal, before);
        requireUnitScope(ctx.principal, parent);
        if (parent.path === before.path || parent.path.startsWith(`${before.path}/`)) {
          throw refuse(
            'move-into-own-subtree',
            `不能把单位「${before.name}」移到它自己或它的下级「${parent.name}」之下`,
            `${before.id} cannot be moved under itself or its own subtree (${parent.id})`,
          );
        }
        const allowed = PARENT_KINDS[before.kind];
        if (!allowed.includes(parent.kind)) {
          throw refuse(
            'parent-kind-not-allowed',
            `${KIND_LABEL[before.kind]}只能设在${kindsZh(allowed)}之下，「${parent.name}」是${KIND_LABEL[parent.kind]}`,
            `A ${before.kind} must be placed under a ${kindsEn(allowed)}; ${parent.id} is a ${parent.kind}`,
          );
        }
        const subtree = sql`select ${orgUnits.id} from ${orgUnits} where ${inSubtree(before.path)}`;
        await refuseLiveCases(tx, before, subtree, { zh: '调整隶属', en: 'moved' });
        const newPath = childPath(parent.path, before.id);
        const depth = parent.level + 1 - before.level;
        // Rewrite the materialised path (and depth) of the unit and everything below it in one statement.
        await tx
          .update(orgUnits)
          .set({
            path: sql`${newPath} || substr(${orgUnits.path}, ${before.path.length + 1})`,
            level: sql`${orgUnits.level} + ${depth}`,
          })
          .where(inSubtree(before.path));
        return {
          before,
          after: one(
            await tx.update(orgUnits).set({ parentId: parent.id }).where(eq(orgUnits.id, before.id)).returning(),
          ),
        };
      }),
  });

  routes.add({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary:
      '用户列表（管理员看全部，指挥/督查/考核看本辖区，其他人看本单位）/ Users: all for admins, the subtree for dispatchers, supervisors and assessors, the own unit for others',
    tags: ['org'],
    access: { roles: 'any' },
    query: z.strictObject({
      unitId: text(100).optional(),
      role: roleSchema.optional(),
      q: text(100).optional().openapi({ description: '用户名或姓名包含 / Username or name contains' }),
      active: boolQuery.optional(),
      ...pageQuery,
    }),
    response: { schema: pageOf(userSchema, 'UserPage'), description: '分页结果 / A page of users' },
    async handler({ query, principal, deps, req }) {
      const db = deps.database.db;
      const where = and(
        usersVisibleTo(principal),
        filterEq(users.unitId, query.unitId),
        filterEq(users.role, query.role),
        filterContains(query.q, users.username, users.displayName),
        filterEq(users.active, query.active),
      );
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(users)
          .where(where)
          .orderBy(asc(users.username))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(users).where(where),
      ]);
      await recordPhoneRead(db, req, 'users', rows);
      return { items: rows.map(view), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
    },
  });

  routes.add({
    method: 'get',
    path: '/people',
    operationId: 'lookUpPeople',
    summary:
      '按用户 ID 查姓名（办理记录、审计、经办人显示用）/ Names of users by id, for histories, audit trails and assignees',
    description:
      '任何登录用户可查，只返回姓名、单位与角色（不含电话等）；未知 ID 不返回。/ Any signed-in user; names, unit and role only; unknown ids are left out.',
    tags: ['org'],
    access: { roles: 'any' },
    query: z.strictObject({
      ids: text(8000).openapi({
        description: '逗号分隔的用户 ID（至多 200 个）/ comma-separated user ids (up to 200)',
        example: 'u.lk.t01.leader,u.lk.t01.window',
      }),
    }),
    response: {
      schema: z
        .array(z.object({ id: z.string(), displayName: z.string(), unitId: z.string(), role: roleSchema }))
        .openapi('PersonNames'),
      description: '姓名 / Names',
    },
    async handler({ query, deps }) {
      const ids = [
        ...new Set(
          query.ids
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
      ].slice(0, 200);
      if (ids.length === 0) return [];
      return deps.database.db
        .select({ id: users.id, displayName: users.displayName, unitId: users.unitId, role: users.role })
        .from(users)
        .where(inArray(users.id, ids));
    },
  });

  routes.add({
    method: 'get',
    path: '/users/:id',
    operationId: 'getUser',
    summary: '用户详情（同列表的可见范围）/ One user, within the same scope as the list',
    tags: ['org'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: userSchema, description: '用户 / User' },
    errors: [404],
    async handler({ params, principal, deps, req }) {
      const [row] = await deps.database.db
        .select()
        .from(users)
        .where(and(eq(users.id, params.id), usersVisibleTo(principal)));
      const user = must(row, () => userNotFound(params.id));
      await recordPhoneRead(deps.database.db, req, user.id, [user]);
      return view(user);
    },
  });

  routes.add({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: '新建用户（角色须与单位类型相符）/ Create a user (the role must fit the unit kind)',
    description:
      '网格员只能在网格；村代办员只能在村/社区；窗口人员在乡镇/街道或县级部门；部门联络员在县直部门或派驻机构。/ ' +
      'grid_worker only at a grid; agent only at a village or community; window_staff at a township, street or county department; dept_liaison at a department or agency.',
    tags: ['org'],
    access: ADMIN_ONLY,
    body: z.strictObject({
      id: userCode.optional().openapi({ description: '缺省为 u.<username> / Defaults to u.<username>' }),
      username: userCode,
      displayName: text(100),
      role: roleSchema,
      unitId: text(100),
      isLeader: z.boolean().optional(),
      phone: clearable(phone),
      ...reason,
    }),
    response: { status: 201, schema: userSchema, description: '新用户 / The new user' },
    errors: [409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.user.create', async (tx, fields) => {
        const id = fields.id ?? `u.${fields.username}`;
        const taken = await tx
          .select({ username: users.username })
          .from(users)
          .where(or(eq(users.id, id), eq(users.username, fields.username)));
        if (taken.some((t) => t.username === fields.username))
          throw conflict(
            'username-taken',
            `用户名已被使用：${fields.username}`,
            `The username ${fields.username} is already taken`,
          );
        if (taken.length > 0)
          throw conflict('user-id-taken', `用户编号已存在：${id}`, `A user with id ${id} already exists`);
        checkRoleFits(fields.role, await activeUnit(tx, fields.unitId, 'unitId'));
        return {
          before: null,
          after: one(
            await tx
              .insert(users)
              .values({ ...fields, id })
              .returning(),
          ),
        };
      }),
  });

  routes.add({
    method: 'patch',
    path: '/users/:id',
    operationId: 'updateUser',
    summary: '修改用户（角色和单位会重新校验）/ Update a user (role and unit are checked again)',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: patchBody({
      displayName: text(100),
      role: roleSchema,
      unitId: text(100),
      isLeader: z.boolean(),
      phone: clearable(phone),
      active: z.boolean(),
    }),
    response: { schema: userSchema, description: '修改后的用户 / The updated user' },
    errors: [404, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.user.update', async (tx, changes) => {
        const [before] = await tx.select().from(users).where(eq(users.id, ctx.params.id));
        if (!before) throw userNotFound(ctx.params.id);
        const role = changes.role ?? before.role;
        const unitId = changes.unitId ?? before.unitId;
        const leaving = changes.active === false || unitId !== before.unitId;
        if (before.id === ctx.principal.userId && (changes.active === false || role !== before.role)) {
          throw refuse(
            'self-lockout',
            '不能停用自己的账号或更改自己的角色，请由另一位管理员操作',
            'You cannot deactivate your own account or change your own role; ask another administrator',
          );
        }
        if (changes.role || changes.unitId || changes.active)
          checkRoleFits(role, await activeUnit(tx, unitId, 'unitId'));
        const [led] = leaving
          ? await tx.select().from(orgUnits).where(eq(orgUnits.leaderUserId, before.id)).limit(1)
          : [];
        if (led)
          throw refuse(
            'user-is-unit-leader',
            `该用户是单位「${led.name}」的负责人，请先更换负责人`,
            `This user leads ${led.id}; name another leader first`,
          );
        return { before, after: one(await tx.update(users).set(changes).where(eq(users.id, before.id)).returning()) };
      }),
  });

  routes.add({
    method: 'get',
    path: '/org-units/:id/power-list',
    operationId: 'listPowerList',
    summary: '乡镇/街道权责清单 / A township’s power list',
    tags: ['org'],
    access: { roles: 'any' },
    params: idParam,
    query: z.strictObject({
      category: powerCategorySchema.optional(),
      source: powerSourceSchema.optional(),
      active: boolQuery.optional(),
    }),
    response: { schema: z.array(powerListItemSchema), description: '权责事项，按编码排序 / Items in code order' },
    errors: [404],
    async handler({ params, query, deps }) {
      const db = deps.database.db;
      const unit = await loadUnit(db, params.id);
      const where = and(
        eq(powerListItems.unitId, unit.id),
        filterEq(powerListItems.category, query.category),
        filterEq(powerListItems.source, query.source),
        filterEq(powerListItems.active, query.active),
      );
      return (await db.select().from(powerListItems).where(where).orderBy(asc(powerListItems.code))).map(view);
    },
  });

  routes.add({
    method: 'post',
    path: '/org-units/:id/power-list',
    operationId: 'createPowerListItem',
    summary: '新增权责事项（仅乡镇/街道）/ Add a power-list item (townships and streets only)',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: z.strictObject({
      code: text(50)
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
          error: '编码只能包含字母、数字和 . _ - / letters, digits and . _ - only',
        })
        .openapi({ example: 'CF-007' }),
      ...powerFields,
      ...reason,
    }),
    response: { status: 201, schema: powerListItemSchema, description: '新事项 / The new item' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.power.create', async (tx, fields) => {
        const unit = await loadUnit(tx, ctx.params.id);
        if (!POWER_LIST_KINDS.includes(unit.kind)) {
          throw refuse(
            'power-list-township-only',
            `只有${kindsZh(POWER_LIST_KINDS)}有权责清单，「${unit.name}」是${KIND_LABEL[unit.kind]}`,
            `Only a ${kindsEn(POWER_LIST_KINDS)} has a power list; ${unit.id} is a ${unit.kind}`,
          );
        }
        if (!unit.active) throw refuse('unit-inactive', `单位「${unit.name}」已停用`, `${unit.id} is inactive`);
        const [dup] = await tx
          .select({ id: powerListItems.id })
          .from(powerListItems)
          .where(and(eq(powerListItems.unitId, unit.id), eq(powerListItems.code, fields.code)));
        if (dup)
          throw conflict(
            'power-code-taken',
            `「${unit.name}」的权责清单已有编码 ${fields.code}`,
            `${unit.id} already has a power-list item ${fields.code}`,
          );
        return {
          before: null,
          after: one(
            await tx
              .insert(powerListItems)
              .values({ ...fields, unitId: unit.id })
              .returning(),
          ),
        };
      }),
  });

  routes.add({
    method: 'patch',
    path: '/power-list/:itemId',
    operationId: 'updatePowerListItem',
    summary: '修改权责事项 / Update a power-list item',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: z.strictObject({ itemId: z.uuid() }),
    body: patchBody({ ...powerFields, active: z.boolean() }),
    response: { schema: powerListItemSchema, description: '修改后的事项 / The updated item' },
    errors: [404],
    handler: (ctx) =>
      adminWrite(ctx, 'org.power.update', async (tx, changes) => {
        const { itemId } = ctx.params;
        const [before] = await tx.select().from(powerListItems).where(eq(powerListItems.id, itemId));
        if (!before)
          throw notFound('power-item-not-found', `权责事项不存在：${itemId}`, `No power-list item ${itemId}`);
        return {
          before,
          after: one(await tx.update(powerListItems).set(changes).where(eq(powerListItems.id, itemId)).returning()),
        };
      }),
  });
}
