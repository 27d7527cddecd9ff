import { sql, type SQL } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/** Kinds of org unit (DOMAIN §2). `agency` = 派驻机构: stationed in a township, owned by a county department. */
export const ORG_UNIT_KINDS = [
  'county',
  'township',
  'street',
  'village',
  'community',
  'grid',
  'department',
  'agency',
] as const;
/** One of {@link ORG_UNIT_KINDS}. */
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];

/**
 * The ten user roles of DOMAIN §1, plus `auditor` (安全审计员): the audit administrator a 等保 2.0
 * level-3 system keeps apart from the system administrator (三员分立), who reads the access audit —
 * the single source of truth for role codes.
 */
export const ROLES = [
  'window_staff',
  'agent',
  'approver',
  'grid_worker',
  'handler',
  'dispatcher',
  'dept_liaison',
  'supervisor',
  'assessor',
  'admin',
  'auditor',
] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Chinese label of each role. */
export const ROLE_LABEL: Record<Role, string> = {
  window_staff: '窗口人员',
  agent: '村代办员',
  approver: '审核/审批人',
  grid_worker: '网格员',
  handler: '处置人',
  dispatcher: '指挥员',
  dept_liaison: '部门联络员',
  supervisor: '督查员',
  assessor: '考核员',
  admin: '管理员',
  auditor: '安全审计员',
};

/** Power-list categories (权责清单 事项类别). Chinese labels in {@link POWER_CATEGORY_LABELS}. */
export const POWER_CATEGORIES = [
  'penalty',
  'public_service',
  'permit',
  'confirmation',
  'supervision',
  'coercion',
  'inspection',
  'other',
] as const;
/** One of {@link POWER_CATEGORIES}. */
export type PowerCategory = (typeof POWER_CATEGORIES)[number];

/** Chinese label of each power-list category. */
export const POWER_CATEGORY_LABELS = {
  penalty: '行政处罚',
  public_service: '公共服务',
  permit: '行政许可',
  confirmation: '行政确认',
  supervision: '行政监督',
  coercion: '行政强制',
  inspection: '行政检查',
  other: '其他',
} as const satisfies Record<PowerCategory, string>;

/** Where a township's power comes from: its own statutory duty, or delegated by the county (赋权). */
export const POWER_SOURCES = ['own', 'delegated'] as const;
/** One of {@link POWER_SOURCES}. */
export type PowerSource = (typeof POWER_SOURCES)[number];

export const orgUnitKindEnum = pgEnum('org_unit_kind', ORG_UNIT_KINDS);
export const roleEnum = pgEnum('user_role', ROLES);
export const powerCategoryEnum = pgEnum('power_category', POWER_CATEGORIES);
export const powerSourceEnum = pgEnum('power_source', POWER_SOURCES);

/** Separator of the materialised path in {@link orgUnits}.path. */
export const PATH_SEPARATOR = '/';

/**
 * Org units: county → township/street → village/community → grid, plus county departments
 * (parent = county) and dispatched agencies (parent = the township they sit in, `departmentId` = the
 * owning department).
 *
 * `id` is a stable lowercase dotted code (`lk`, `lk.t01`, `lk.t01.v01.g01`, `lk.dept.scjg`); the check
 * constraint keeps `/`, `%` and `_` out of it so `path` prefixes are safe in `LIKE`.
 * `path` is the materialised path of ids from the root, joined by `/` (`lk/lk.t01/lk.t01.v01`); use
 * {@link inSubtree} for subtree queries. `level` is the depth in the tree (county = 1, township,
 * street and department = 2, village, community and agency = 3, grid = 4) — not the incident level,
 * which is {@link incidentLevelOf}. `regionCode` selects a calendar overlay; a unit without one uses
 * its nearest ancestor's.
 */
export const orgUnits = pgTable(
  'org_units',
  {
    id: text('id').primaryKey(),
    parentId: text('parent_id').references((): AnyPgColumn => orgUnits.id),
    kind: orgUnitKindEnum('kind').notNull(),
    departmentId: text('department_id').references((): AnyPgColumn => orgUnits.id),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    path: text('path').notNull(),
    level: integer('level').notNull(),
    regionCode: text('region_code'),
    leaderUserId: text('leader_user_id').references((): AnyPgColumn => users.id, {
      onDelete: 'set null',
    }),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('org_units_parent_idx').on(t.parentId),
    index('org_units_department_idx').on(t.departmentId),
    // text_pattern_ops so `path LIKE 'prefix/%'` uses the index whatever the database collation.
    uniqueIndex('org_units_path_key').using('btree', t.path.op('text_pattern_ops')),
    check('org_units_id_format', sql`${t.id} ~ '^[a-z0-9]+(\\.[a-z0-9-]+)*$'`),
    check('org_units_root_is_county', sql`${t.parentId} is not null or ${t.kind} = 'county'`),
    check('org_units_agency_has_department', sql`(${t.kind} = 'agency') = (${t.departmentId} is not null)`),
    check('org_units_path_ends_with_id', sql`${t.path} = ${t.id} or ${t.path} like '%/' || ${t.id}`),
    check('org_units_level_matches_path', sql`${t.level} = array_length(string_to_array(${t.path}, '/'), 1)`),
  ],
);

/**
 * Users. Every user belongs to exactly one org unit; `isLeader` marks a leader of that unit (e.g. the
 * township leader who approves whistles, a department head who receives 督办).
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: roleEnum('role').notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => orgUnits.id),
    isLeader: boolean('is_leader').notNull().default(false),
    phone: text('phone'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index('users_unit_idx').on(t.unitId), index('users_role_idx').on(t.role)],
);

/** Power list 权责清单 of a township/street: the powers it holds, own or delegated (赋权). */
export const powerListItems = pgTable(
  'power_list_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: text('unit_id')
      .notNull()
      .references(() => orgUnits.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    category: powerCategoryEnum('category').notNull(),
    source: powerSourceEnum('source').notNull(),
    legalBasis: text('legal_basis'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [unique('power_list_items_unit_code_key').on(t.unitId, t.code)],
);

/** Row of {@link orgUnits} as read. */
export type OrgUnit = typeof orgUnits.$inferSelect;
/** Row of {@link orgUnits} as inserted. */
export type NewOrgUnit = typeof orgUnits.$inferInsert;
/** Row of {@link users} as read. */
export type User = typeof users.$inferSelect;
/** Row of {@link users} as inserted. */
export type NewUser = typeof users.$inferInsert;
/** Row of {@link powerListItems} as read. */
export type PowerListItem = typeof powerListItems.$inferSelect;
/** Row of {@link powerListItems} as inserted. */
export type NewPowerListItem = typeof powerListItems.$inferInsert;

/** Incident escalation level (DOMAIN §5): 1 grid, 2 village/community, 3 township/street, 4 county. */
export type IncidentLevel = 1 | 2 | 3 | 4;

/**
 * The incident level at which a unit of this kind handles events: grid = L1, village/community = L2,
 * township/street = L3 (a dispatched agency works at its township's level, L3), county and county
 * departments = L4.
 */
export function incidentLevelOf(kind: OrgUnitKind): IncidentLevel {
  switch (kind) {
    case 'grid':
      return 1;
    case 'village':
    case 'community':
      return 2;
    case 'township':
    case 'street':
    case 'agency':
      return 3;
    case 'county':
    case 'department':
      return 4;
  }
}

/** The materialised path of a unit whose parent has `parentPath` (or of a root when it is null). */
export function childPath(parentPath: string | null, id: string): string {
  return parentPath === null ? id : `${parentPath}${PATH_SEPARATOR}${id}`;
}

/**
 * SQL condition: the unit lies in the subtree rooted at the unit with path `rootPath` (the root
 * itself included unless `includeRoot` is false). Uses the `text_pattern_ops` index on `path`.
 */
export function inSubtree(rootPath: string, options: { includeRoot?: boolean } = {}): SQL {
  const descendants = sql`${orgUnits.path} like ${`${rootPath}${PATH_SEPARATOR}%`}`;
  return options.includeRoot === false ? descendants : sql`(${orgUnits.path} = ${rootPath} or ${descendants})`;
}
