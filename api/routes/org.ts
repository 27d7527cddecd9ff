import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db';
import { appendAudit, lockStream } from '../../db/audit';
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
import type { Principal } from '../auth';
import { ROLE_LABEL, SUBTREE_ROLES } from '../authz';
import type { AppDeps } from '../deps';
import { Problem, type ProblemKind } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam, pageOf, pageQuery, roleSchema } from '../schemas';
import { z } from '../zod';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Every org, user and power-list write is chained in this one audit stream. */
const AUDIT_STREAM = 'admin:org';
const ADMIN_ONLY = { roles: ['admin'] } as const;

const KIND_LABEL: Record<OrgUnitKind, string> = {
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
const PARENT_KINDS: Record<OrgUnitKind, readonly OrgUnitKind[]> = {
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
const ROLE_UNIT_KINDS: Partial<Record<Role, readonly OrgUnitKind[]>> = {
  grid_worker: ['grid'],
  agent: ['village', 'community'],
  window_staff: ['township', 'street', 'department'],
  dept_liaison: ['department', 'agency'],
};

const POWER_LIST_KINDS: readonly OrgUnitKind[] = ['township', 'street'];

const problem =
  (kind: ProblemKind) =>
  (code: string, zh: string, en: string): Problem =>
    new Problem(kind, { zh, en }, { code });
const notFound = problem('notFound');
const conflict = problem('conflict');
const refuse = problem('ruleRefused');

const kindsZh = (kinds: readonly OrgUnitKind[]) => kinds.map((k) => KIND_LABEL[k]).join('或');
const kindsEn = (kinds: readonly OrgUnitKind[]) => kinds.join(' or ');

// ── request and response schemas ──────────────────────────────────────────────────────────────

const text = (max: number) => z.string().trim().min(1).max(max);
const clearable = (schema: z.ZodString) => schema.nullable().optional();
const unitCode = text(100).regex(/^[a-z0-9]+(\.[a-z0-9-]+)*$/, {
  error: '编码须为小写字母和数字，以点分段，如 lk.t01.v04 / must be a lowercase dotted code such as lk.t01.v04',
});
const userCode = text(64).regex(/^[a-z0-9][a-z0-9._@-]*$/, {
  error: '须为小写字母、数字和 . _ @ -，如 t01.v04.grid / must be lowercase letters, digits and . _ @ -, e.g. t01.v04.grid',
});
const phone = text(30).regex(/^\+?[0-9][0-9 -]{2,29}$/, { error: '电话号码格式不正确 / not a phone number' });
const regionCode = text(20).regex(/^[A-Za-z0-9-]+$/, { error: '区划代码只能包含字母、数字和 - / letters, digits and - only' });
const reason = { reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }) };
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const orgUnitKindSchema = z.enum(ORG_UNIT_KINDS).openapi('OrgUnitKind');
const powerCategorySchema = z.enum(POWER_CATEGORIES).openapi('PowerCategory');
const powerSourceSchema = z.enum(POWER_SOURCES).openapi('PowerSource');

/** A PATCH body: the given fields, all optional, at least one besides `reason`. */
function patchBody<S extends z.ZodRawShape>(shape: S) {
  return z
    .strictObject({ ...shape, ...reason })
    .partial()
    .refine((b) => Object.keys(b).some((k) => k !== 'reason'), { error: '请至少修改一个字段 / change at least one field' });
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
  parentId: unitCode.nullable().optional().openapi({ description: '上级单位；只有县没有上级 / Parent unit; only the county has none' }),
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
function view<T extends { createdAt: Date; updatedAt: Date }>({ createdAt: _c, updatedAt: _u, ...rest }: T): Omit<T, 'createdAt' | 'updatedAt'> {
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

/** `%q%` for LIKE, with the caller's own wildcards taken literally. */
const contains = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

/** A unique or foreign-key violation that slipped past the checks is the caller's conflict, not a 500. */
function constraintProblem(err: unknown): Problem | undefined {
  const pg = (err instanceof Error && err.cause ? err.cause : err) as { code?: string; constraint?: string };
  const what = pg.constraint ?? '';
  if (pg.code === '23505') return conflict('duplicate', `与现有记录重复（${what}），请刷新后重试`, `Duplicates an existing record (${what}); reload and retry`);
  if (pg.code === '23503') return refuse('reference-missing', `引用的记录不存在或仍被引用（${what}）`, `A referenced record is missing or still referenced (${what})`);
  if (pg.code === '23514') return refuse('constraint-violated', `数据不符合约束（${what}）`, `The data breaks a rule of the database (${what})`);
  return undefined;
}

/**
 * One admin write: serialised on the audit stream, checked and written in a single transaction and
 * audited with before/after. Any refusal thrown by `write` rolls the whole transaction back.
 */
async function adminWrite<T>(
  ctx: { deps: AppDeps; principal: Principal; body: { reason?: string | undefined } },
  action: string,
  write: (tx: Tx) => Promise<{ before: unknown; after: T }>,
): Promise<T> {
  const { principal } = ctx;
  try {
    return await ctx.deps.database.db.transaction(async (tx) => {
      await lockStream(tx, AUDIT_STREAM);
      const { before, after } = await write(tx);
      await appendAudit(tx, {
        streamId: AUDIT_STREAM,
        actorId: principal.userId,
        actorUnitId: principal.unitId,
        actorRole: principal.role,
        action,
        reason: ctx.body.reason ?? null,
        before,
        after,
        at: new Date(),
      });
      return after;
    });
  } catch (err) {
    throw constraintProblem(err) ?? err;
  }
}

async function unitById(db: Db | Tx, id: string): Promise<OrgUnit | undefined> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  return row;
}

async function loadUnit(db: Db | Tx, id: string): Promise<OrgUnit> {
  return must(await unitById(db, id), () => notFound('org-unit-not-found', `单位不存在：${id}`, `No org unit ${id}`));
}

/** A unit named in a request body (`field`): it must exist and be active. */
async function activeUnit(tx: Tx, id: string, field: string): Promise<OrgUnit> {
  const unit = await unitById(tx, id);
  if (!unit) throw refuse('unit-unknown', `${field} 指向的单位不存在：${id}`, `${field} names no org unit: ${id}`);
  if (!unit.active) throw refuse('unit-inactive', `${field} 指向的单位「${unit.name}」已停用`, `${field} names an inactive unit: ${id}`);
  return unit;
}

/** Check the tree rules of DOMAIN §2 for a new unit; returns its parent (null for the county). */
async function checkNewUnit(tx: Tx, body: z.infer<typeof createUnitBody>): Promise<OrgUnit | null> {
  const { id, kind, parentId, departmentId } = body;
  if (await unitById(tx, id)) throw conflict('org-unit-exists', `单位编码已存在：${id}`, `An org unit with id ${id} already exists`);
  let parent: OrgUnit | null = null;
  if (kind === 'county') {
    if (parentId) throw refuse('county-not-root', '县是组织树的根节点，不能有上级单位', 'A county is the root of the tree and cannot have a parent');
    const [county] = await tx.select().from(orgUnits).where(eq(orgUnits.kind, 'county')).limit(1);
    if (county) throw refuse('county-exists', `已有县「${county.name}」（${county.id}），只允许一个县`, `There is already a county (${county.id}); only one is allowed`);
  } else {
    const allowed = PARENT_KINDS[kind];
    if (!parentId) throw refuse('parent-required', `${KIND_LABEL[kind]}必须指定上级单位（parentId）：只有县可以作为根节点`, `A ${kind} needs a parentId: only a county may be the root`);
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
    if (!departmentId) throw refuse('agency-needs-department', '派驻机构必须用 departmentId 指明所属的县直部门', 'An agency needs departmentId naming the county department it belongs to');
    const department = await activeUnit(tx, departmentId, 'departmentId');
    if (department.kind !== 'department') {
      throw refuse('department-id-not-department', `departmentId 须为县直部门，「${department.name}」是${KIND_LABEL[department.kind]}`, `departmentId must name a department; ${department.id} is a ${department.kind}`);
    }
  } else if (departmentId) {
    throw refuse('department-id-only-for-agency', '只有派驻机构可以指定所属部门（departmentId）', 'Only an agency may have a departmentId');
  }
  return parent;
}

/** A role tied to kinds of unit (grid worker → grid …) must sit in such a unit (DOMAIN §1). */
function checkRoleFits(role: Role, unit: OrgUnit): void {
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
