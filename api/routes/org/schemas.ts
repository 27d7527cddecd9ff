import { ORG_UNIT_KINDS, POWER_CATEGORIES, POWER_SOURCES, type OrgUnitKind, type Role } from '../../../db/schema/org';
import { text } from '../../admin';
import { roleSchema } from '../../schemas';
import { z } from '../../zod';

/** Every org, user and power-list write is chained in this one audit stream. */
export const AUDIT_STREAM = 'admin:org';

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

export const kindsZh = (kinds: readonly OrgUnitKind[]) => kinds.map((k) => KIND_LABEL[k]).join('或');

export const kindsEn = (kinds: readonly OrgUnitKind[]) => kinds.join(' or ');

// ── request and response schemas ──────────────────────────────────────────────────────────────

export const clearable = (schema: z.ZodString) => schema.nullable().optional();

export const unitCode = text(100).regex(/^[a-z0-9]+(\.[a-z0-9-]+)*$/, {
  error: '编码须为小写字母和数字，以点分段，如 lk.t01.v04 / must be a lowercase dotted code such as lk.t01.v04',
});

export const userCode = text(64).regex(/^[a-z0-9][a-z0-9._@-]*$/, {
  error:
    '须为小写字母、数字和 . _ @ -，如 t01.v04.grid / must be lowercase letters, digits and . _ @ -, e.g. t01.v04.grid',
});

export const phone = text(30).regex(/^\+?[0-9][0-9 -]{2,29}$/, { error: '电话号码格式不正确 / not a phone number' });

export const regionCode = text(20).regex(/^[A-Za-z0-9-]+$/, {
  error: '区划代码只能包含字母、数字和 - / letters, digits and - only',
});

export const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};

export const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const orgUnitKindSchema = z.enum(ORG_UNIT_KINDS).openapi('OrgUnitKind');

export const powerCategorySchema = z.enum(POWER_CATEGORIES).openapi('PowerCategory');

export const powerSourceSchema = z.enum(POWER_SOURCES).openapi('PowerSource');

/** A PATCH body: the given fields, all optional, at least one besides `reason`. */
export function patchBody<S extends z.ZodRawShape>(shape: S) {
  return z
    .strictObject({ ...shape, ...reason })
    .partial()
    .refine((b) => Object.keys(b).some((k) => k !== 'reason'), {
      error: '请至少修改一个字段 / change at least one field',
    });
}

export const orgUnitSchema = z
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

export const userSchema = z
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

export const powerListItemSchema = z
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

export const createUnitBody = z.strictObject({
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

export const powerFields = {
  name: text(300),
  category: powerCategorySchema,
  source: powerSourceSchema,
  legalBasis: clearable(text(500)),
};

// ── helpers ───────────────────────────────────────────────────────────────────────────────────
