import { asc, eq as eqId } from 'drizzle-orm';
import type { Db, Tx } from '../../db';
import { appendAudit, lockStream } from '../../db/audit';
import {
  ORG_UNIT_KINDS,
  orgUnits,
  POWER_CATEGORIES,
  POWER_CATEGORY_LABELS,
  POWER_SOURCES,
  powerListItems,
  ROLES,
  users,
  childPath,
  type OrgUnit,
  type OrgUnitKind,
  type PowerListItem,
  type User,
} from '../../db/schema/org';
import type { Principal } from '../auth';
import { ROLE_LABEL } from '../authz';
import type { Bilingual } from '../problem';
import { KIND_LABEL, PARENT_KINDS, POWER_LIST_KINDS, ROLE_UNIT_KINDS } from '../routes/org';
import type { Sheet } from './spreadsheet';

/*
 * Import of a county's org tree, staff roster and township power lists (权责清单) from the
 * spreadsheets it already keeps, in the templates below. Every row is checked against the file and
 * the database before anything is written; a dry run reports every bad row (row number, column,
 * reason in Chinese and English) and writes nothing. Applying is idempotent: a row that matches the
 * database changes nothing, a changed row updates, and a record the file does not mention is
 * reported as missing, never deleted. Every write is audited in the `admin:org` stream.
 */

export const IMPORT_KINDS = ['org', 'users', 'powers'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

interface Column {
  key: string;
  zh: string;
  en: string;
  required?: boolean;
  /** What goes in the cell, for the template's instructions sheet. */
  note: string;
}

const YES = ['是', 'y', 'yes', 'true', '1'];
const NO = ['否', 'n', 'no', 'false', '0'];

const KIND_VALUES = `${ORG_UNIT_KINDS.map((k) => KIND_LABEL[k]).join('、')}（或 ${ORG_UNIT_KINDS.join(', ')}）`;
const ROLE_VALUES = `${ROLES.map((r) => ROLE_LABEL[r]).join('、')}（或 ${ROLES.join(', ')}）`;
const SOURCE_LABEL = { own: '本级', delegated: '赋权' } as const;

export const COLUMNS: Record<ImportKind, Column[]> = {
  org: [
    {
      key: 'id',
      zh: '单位编码',
      en: 'id',
      required: true,
      note: '小写字母、数字，以点分段，如 lk.t01.v04；县为根，如 lk',
    },
    { key: 'parentId', zh: '上级单位编码', en: 'parentId', note: '县留空；其他单位必填' },
    { key: 'kind', zh: '类型', en: 'kind', required: true, note: KIND_VALUES },
    { key: 'name', zh: '单位名称', en: 'name', required: true, note: '中文全称' },
    { key: 'nameEn', zh: '英文名称', en: 'nameEn', note: '可空' },
    { key: 'departmentId', zh: '所属部门编码', en: 'departmentId', note: '仅派驻机构填写：所属县直部门的编码' },
    { key: 'regionCode', zh: '区划代码', en: 'regionCode', note: '可空；用于地方工作日历，如 410225' },
  ],
  users: [
    {
      key: 'username',
      zh: '用户名',
      en: 'username',
      required: true,
      note: '统一身份认证中的用户名（preferred_username），小写',
    },
    { key: 'id', zh: '用户编号', en: 'id', note: '统一身份认证中的 sub；留空则为 u.<用户名>；创建后不可更改' },
    { key: 'displayName', zh: '姓名', en: 'displayName', required: true, note: '' },
    { key: 'role', zh: '角色', en: 'role', required: true, note: ROLE_VALUES },
    { key: 'unitId', zh: '所在单位编码', en: 'unitId', required: true, note: '组织机构表中的单位编码' },
    { key: 'isLeader', zh: '负责人', en: 'isLeader', note: '是/否（默认否）：单位负责人，接收督办' },
    { key: 'principal', zh: '主要负责人', en: 'principal', note: '是/否（默认否）：每个单位至多一人，如乡镇党委书记' },
    { key: 'phone', zh: '电话', en: 'phone', note: '可空' },
    { key: 'active', zh: '在用', en: 'active', note: '是/否（默认是）；否 = 停用' },
  ],
  powers: [
    { key: 'unitId', zh: '单位编码', en: 'unitId', required: true, note: '乡镇或街道的单位编码' },
    { key: 'code', zh: '事项编码', en: 'code', required: true, note: '字母、数字和 . _ -，如 CF-007' },
    { key: 'name', zh: '事项名称', en: 'name', required: true, note: '' },
    {
      key: 'category',
      zh: '类别',
      en: 'category',
      required: true,
      note: `${POWER_CATEGORIES.map((c) => POWER_CATEGORY_LABELS[c]).join('、')}`,
    },
    { key: 'source', zh: '来源', en: 'source', required: true, note: '本级（own）或 赋权（delegated）' },
    { key: 'legalBasis', zh: '法律依据', en: 'legalBasis', note: '可空' },
    { key: 'active', zh: '在用', en: 'active', note: '是/否（默认是）' },
  ],
};

export const SHEET_NAMES: Record<ImportKind, string> = { org: '组织机构', users: '用户', powers: '权责清单' };

/** The template's instructions sheet: every column, required or not, and what it takes. */
export function templateNotes(kind: ImportKind): string[][] {
  return [
    ['列 / column', '必填 / required', '说明 / what goes in it'],
    ...COLUMNS[kind].map((c) => [`${c.zh} (${c.en})`, c.required ? '是' : '否', c.note]),
  ];
}

// ── report ──────────────────────────────────────────────────────────────────────────────────────

export interface ImportIssue {
  /** Row number as the spreadsheet shows it (the header is row 1); 1 for a header problem. */
  row: number;
  /** The column's header (Chinese), or '' for the whole row. */
  column: string;
  message: Bilingual;
}

export interface ImportReport {
  kind: ImportKind;
  rows: number;
  errors: ImportIssue[];
  created: string[];
  updated: { key: string; fields: string[] }[];
  unchanged: number;
  /** Records in the database the file does not mention: reported, left as they are. */
  missing: string[];
}

// ── reading rows ────────────────────────────────────────────────────────────────────────────────

const normalise = (h: string) =>
  h
    .replace(/[（(].*?[）)]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();

type Cells = Record<string, string>;

/** Map header cells to column keys (by the Chinese label or the English key); report unknown and missing columns. */
function readRows(kind: ImportKind, sheet: Sheet, errors: ImportIssue[]): { row: number; cells: Cells }[] {
  const columns = COLUMNS[kind];
  const at = new Map<string, number>();
  sheet.headers.forEach((h, i) => {
    if (h === '') return;
    const n = normalise(h);
    const column = columns.find((c) => normalise(c.zh) === n || c.key.toLowerCase() === n);
    if (!column)
      errors.push({
        row: 1,
        column: h,
        message: { zh: `未知的列「${h}」，请使用模板`, en: `Unknown column "${h}"; use the template` },
      });
    else if (at.has(column.key))
      errors.push({
        row: 1,
        column: h,
        message: { zh: `列「${column.zh}」重复`, en: `Column ${column.en} appears twice` },
      });
    else at.set(column.key, i);
  });
  for (const c of columns) {
    if (c.required && !at.has(c.key))
      errors.push({
        row: 1,
        column: c.zh,
        message: { zh: `缺少必填列「${c.zh}」`, en: `The required column ${c.en} is missing` },
      });
  }
  return sheet.rows.map((r) => ({
    row: r.row,
    cells: Object.fromEntries(columns.map((c) => [c.key, r.cells[at.get(c.key) ?? -1]?.trim() ?? ''])),
  }));
}

/** Cell checks for one row: each records an issue in the row's column and returns undefined on failure. */
class RowReader {
  constructor(
    private readonly kind: ImportKind,
    readonly row: number,
    private readonly cells: Cells,
    private readonly errors: ImportIssue[],
  ) {}
  private label(key: string): string {
    return COLUMNS[this.kind].find((c) => c.key === key)?.zh ?? key;
  }
  fail(key: string, zh: string, en: string): undefined {
    this.errors.push({ row: this.row, column: key === '' ? '' : this.label(key), message: { zh, en } });
    return undefined;
  }
  text(
    key: string,
    opts: { required?: boolean; max?: number; pattern?: RegExp; patternZh?: string } = {},
  ): string | null | undefined {
    const value = this.cells[key] ?? '';
    if (value === '') return opts.required ? this.fail(key, '必填，不能为空', 'required') : null;
    if (value.length > (opts.max ?? 200))
      return this.fail(
        key,
        `过长（最多 ${opts.max ?? 200} 个字符）`,
        `too long (at most ${opts.max ?? 200} characters)`,
      );
    if (/[\u0000-\u001f\u007f]/.test(value)) return this.fail(key, '含有控制字符', 'contains control characters');
    if (opts.pattern && !opts.pattern.test(value))
      return this.fail(key, `格式不正确：${value}（${opts.patternZh ?? ''}）`, `malformed: ${value}`);
    return value;
  }
  choice<T extends string>(
    key: string,
    values: readonly T[],
    labels: Partial<Record<T, string>>,
    opts: { required?: boolean } = {},
  ): T | null | undefined {
    const value = this.cells[key] ?? '';
    if (value === '') return opts.required ? this.fail(key, '必填，不能为空', 'required') : null;
    const found = values.find((v) => v === value.toLowerCase() || labels[v] === value);
    if (!found)
      return this.fail(
        key,
        `「${value}」不是可选值：${values.map((v) => labels[v] ?? v).join('、')}`,
        `"${value}" is not one of ${values.join(', ')}`,
      );
    return found;
  }
  flag(key: string, fallback: boolean): boolean | undefined {
    const value = (this.cells[key] ?? '').toLowerCase();
    if (value === '') return fallback;
    if (YES.includes(value)) return true;
    if (NO.includes(value)) return false;
    return this.fail(key, `「${this.cells[key]}」应为 是 或 否`, `"${this.cells[key]}" must be 是 (yes) or 否 (no)`);
  }
}

const UNIT_ID = /^[a-z0-9]+(\.[a-z0-9-]+)*$/;
const USER_CODE = /^[a-z0-9][a-z0-9._@-]*$/;
const POWER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PHONE = /^\+?[0-9][0-9 -]{2,29}$/;
const REGION = /^[A-Za-z0-9-]+$/;

// ── the database as the plan sees it ─────────────────────────────────────────────────────────────

interface Snapshot {
  units: Map<string, OrgUnit>;
  users: Map<string, User>;
  powers: Map<string, PowerListItem>;
}

const powerKey = (unitId: string, code: string) => `${unitId}/${code}`;

async function snapshot(db: Db | Tx): Promise<Snapshot> {
  const [u, s, p] = await Promise.all([
    db.select().from(orgUnits).orderBy(asc(orgUnits.path)),
    db.select().from(users).orderBy(asc(users.username)),
    db.select().from(powerListItems).orderBy(asc(powerListItems.unitId), asc(powerListItems.code)),
  ]);
  return {
    units: new Map(u.map((x) => [x.id, x])),
    users: new Map(s.map((x) => [x.id, x])),
    powers: new Map(p.map((x) => [powerKey(x.unitId, x.code), x])),
  };
}

/** One write the plan makes: an insert (`before` null) or an update of `fields`. */
interface Write<T> {
  key: string;
  before: T | null;
  values: Partial<T>;
  fields: string[];
}

interface Plan {
  report: ImportReport;
  units: Write<OrgUnit>[];
  users: Write<User>[];
  leaders: Write<OrgUnit>[];
  powers: Write<PowerListItem>[];
}

/** The fields of `next` that differ from `before` (all of them for a new record). */
function diff<T extends object>(before: T | undefined, next: Partial<T>): string[] {
  return Object.entries(next)
    .filter(([k, v]) => !before || (before as Record<string, unknown>)[k] !== v)
    .map(([k]) => k);
}

function planOrg(
  rows: { row: number; cells: Cells }[],
  db: Snapshot,
  errors: ImportIssue[],
): Pick<Plan, 'units'> & { seen: Set<string> } {
  type Row = {
    r: RowReader;
    id: string;
    parentId: string | null;
    kind: OrgUnitKind;
    name: string;
    nameEn: string | null;
    departmentId: string | null;
    regionCode: string | null;
  };
  const parsed: Row[] = [];
  const firstRow = new Map<string, number>();
  for (const { row, cells } of rows) {
    const r = new RowReader('org', row, cells, errors);
    const id = r.text('id', { required: true, max: 100, pattern: UNIT_ID, patternZh: '小写字母和数字，以点分段' });
    const parentId = r.text('parentId', { max: 100, pattern: UNIT_ID, patternZh: '单位编码' });
    const kind = r.choice('kind', ORG_UNIT_KINDS, KIND_LABEL, { required: true });
    const name = r.text('name', { required: true });
    const nameEn = r.text('nameEn');
    const departmentId = r.text('departmentId', { max: 100, pattern: UNIT_ID, patternZh: '单位编码' });
    const regionCode = r.text('regionCode', { max: 20, pattern: REGION, patternZh: '字母、数字和 -' });
    if (
      !id ||
      !kind ||
      !name ||
      parentId === undefined ||
      nameEn === undefined ||
      departmentId === undefined ||
      regionCode === undefined
    )
      continue;
    const dup = firstRow.get(id);
    if (dup !== undefined) {
      r.fail('id', `单位编码 ${id} 与第 ${dup} 行重复`, `id ${id} repeats row ${dup}`);
      continue;
    }
    firstRow.set(id, row);
    parsed.push({ r, id, parentId, kind, name, nameEn, departmentId, regionCode });
  }
  const inFile = new Map(parsed.map((p) => [p.id, p]));
  const kindOf = (id: string) => inFile.get(id)?.kind ?? db.units.get(id)?.kind;
  const counties = new Set([
    ...parsed.filter((p) => p.kind === 'county').map((p) => p.id),
    ...[...db.units.values()].filter((u) => u.kind === 'county').map((u) => u.id),
  ]);

  const valid: Row[] = [];
  for (const p of parsed) {
    const { r } = p;
    const existing = db.units.get(p.id);
    let ok = true;
    if (existing && (existing.parentId ?? null) !== p.parentId) {
      ok =
        r.fail(
          'parentId',
          `单位 ${p.id} 已在系统中，上级为 ${existing.parentId ?? '（无）'}；导入不移动单位，请在控制台调整`,
          `${p.id} exists under ${existing.parentId ?? '(none)'}; an import does not move units`,
        ) ?? false;
    } else if (existing && existing.kind !== p.kind) {
      ok =
        r.fail(
          'kind',
          `单位 ${p.id} 已在系统中，类型为${KIND_LABEL[existing.kind]}；导入不更改类型`,
          `${p.id} exists as a ${existing.kind}; an import does not change kinds`,
        ) ?? false;
    } else if (!existing) {
      if (p.kind === 'county') {
        if (p.parentId)
          ok =
            r.fail('parentId', '县是组织树的根节点，不能有上级单位', 'A county is the root and has no parent') ?? false;
        else if (counties.size > 1)
          ok =
            r.fail(
              'kind',
              `只允许一个县，已有：${[...counties].filter((c) => c !== p.id).join('、')}`,
              'Only one county is allowed',
            ) ?? false;
      } else if (!p.parentId) {
        ok = r.fail('parentId', `${KIND_LABEL[p.kind]}必须填写上级单位编码`, `A ${p.kind} needs a parent`) ?? false;
      } else {
        const parentKind = kindOf(p.parentId);
        const allowed = PARENT_KINDS[p.kind];
        if (!parentKind)
          ok =
            r.fail(
              'parentId',
              `上级单位 ${p.parentId} 既不在本表中也不在系统中`,
              `Parent ${p.parentId} is neither in the file nor in the system`,
            ) ?? false;
        else if (!allowed.includes(parentKind)) {
          ok =
            r.fail(
              'parentId',
              `${KIND_LABEL[p.kind]}只能设在${allowed.map((k) => KIND_LABEL[k]).join('或')}之下，${p.parentId} 是${KIND_LABEL[parentKind]}`,
              `A ${p.kind} must sit under a ${allowed.join(' or ')}; ${p.parentId} is a ${parentKind}`,
            ) ?? false;
        }
      }
    }
    if (p.kind === 'agency') {
      if (!p.departmentId)
        ok = r.fail('departmentId', '派驻机构必须填写所属县直部门编码', 'An agency needs its department') ?? false;
      else if (kindOf(p.departmentId) !== 'department')
        ok = r.fail('departmentId', `${p.departmentId} 不是县直部门`, `${p.departmentId} is not a department`) ?? false;
    } else if (p.departmentId) {
      ok = r.fail('departmentId', '只有派驻机构填写所属部门', 'Only an agency has a department') ?? false;
    }
    if (ok) valid.push(p);
  }

  // Paths of new units from their parents (file or database); a loop of parents is refused.
  const paths = new Map<string, string | null>();
  const pathOf = (id: string, trail: Set<string>): string | null => {
    const known = db.units.get(id);
    if (known) return known.path;
    if (paths.has(id)) return paths.get(id) ?? null;
    const p = inFile.get(id);
    if (!p || trail.has(id)) return null;
    trail.add(id);
    const parentPath = p.parentId ? pathOf(p.parentId, trail) : null;
    const path = p.parentId && parentPath === null ? null : childPath(parentPath, id);
    paths.set(id, path);
    return path;
  };
  const units: Write<OrgUnit>[] = [];
  for (const p of valid) {
    const existing = db.units.get(p.id);
    const fields = { name: p.name, nameEn: p.nameEn, regionCode: p.regionCode, departmentId: p.departmentId };
    if (existing) {
      const changed = diff(existing, fields);
      if (changed.length > 0)
        units.push({
          key: p.id,
          before: existing,
          values: Object.fromEntries(changed.map((k) => [k, fields[k as keyof typeof fields]])),
          fields: changed,
        });
      continue;
    }
    const path = pathOf(p.id, new Set());
    if (path === null) {
      p.r.fail(
        'parentId',
        `上级单位 ${p.parentId} 无法接入组织树（上级有误或形成循环）`,
        `Parent ${p.parentId} does not connect to the tree (a bad parent or a loop)`,
      );
      continue;
    }
    units.push({
      key: p.id,
      before: null,
      values: { id: p.id, parentId: p.parentId, kind: p.kind, ...fields, path, level: path.split('/').length },
      fields: Object.keys(fields),
    });
  }
  // Parents before children.
  units.sort((a, b) => (a.values.level ?? a.before?.level ?? 0) - (b.values.level ?? b.before?.level ?? 0));
  return { units, seen: new Set(parsed.map((p) => p.id)) };
}

function planUsers(
  rows: { row: number; cells: Cells }[],
  db: Snapshot,
  errors: ImportIssue[],
): Pick<Plan, 'users' | 'leaders'> & { seen: Set<string> } {
  const byUsername = new Map([...db.users.values()].map((u) => [u.username, u]));
  type Row = {
    r: RowReader;
    id: string;
    username: string;
    values: Omit<User, 'createdAt' | 'updatedAt' | 'id' | 'username'>;
    principal: boolean;
    existing?: User;
  };
  const parsed: Row[] = [];
  const usernames = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const { row, cells } of rows) {
    const r = new RowReader('users', row, cells, errors);
    const username = r.text('username', {
      required: true,
      max: 64,
      pattern: USER_CODE,
      patternZh: '小写字母、数字和 . _ @ -',
    });
    const idCell = r.text('id', { max: 64, pattern: USER_CODE, patternZh: '小写字母、数字和 . _ @ -' });
    const displayName = r.text('displayName', { required: true, max: 100 });
    const role = r.choice('role', ROLES, ROLE_LABEL, { required: true });
    const unitId = r.text('unitId', { required: true, max: 100 });
    const isLeader = r.flag('isLeader', false);
    const principal = r.flag('principal', false);
    const phone = r.text('phone', { max: 30, pattern: PHONE, patternZh: '电话号码' });
    const active = r.flag('active', true);
    if (
      !username ||
      idCell === undefined ||
      !displayName ||
      !role ||
      !unitId ||
      isLeader === undefined ||
      principal === undefined ||
      phone === undefined ||
      active === undefined
    )
      continue;
    const existing = byUsername.get(username);
    const id = existing?.id ?? idCell ?? `u.${username}`;
    if (existing && idCell && idCell !== existing.id) {
      r.fail(
        'id',
        `用户 ${username} 的编号是 ${existing.id}，编号创建后不可更改`,
        `${username} has the id ${existing.id}; ids cannot change`,
      );
      continue;
    }
    const dupName = usernames.get(username);
    if (dupName !== undefined) {
      r.fail('username', `用户名 ${username} 与第 ${dupName} 行重复`, `username ${username} repeats row ${dupName}`);
      continue;
    }
    const dupId = ids.get(id);
    if (dupId !== undefined) {
      r.fail('id', `用户编号 ${id} 与第 ${dupId} 行重复`, `id ${id} repeats row ${dupId}`);
      continue;
    }
    usernames.set(username, row);
    ids.set(id, row);
    const unit = db.units.get(unitId);
    if (!unit) {
      r.fail(
        'unitId',
        `单位 ${unitId} 不在系统中，请先导入组织机构`,
        `No org unit ${unitId}; import the org tree first`,
      );
      continue;
    }
    if (!unit.active) {
      r.fail('unitId', `单位「${unit.name}」已停用`, `${unitId} is inactive`);
      continue;
    }
    const allowed = ROLE_UNIT_KINDS[role];
    if (allowed && !allowed.includes(unit.kind)) {
      r.fail(
        'role',
        `${ROLE_LABEL[role]}只能属于${allowed.map((k) => KIND_LABEL[k]).join('或')}，「${unit.name}」是${KIND_LABEL[unit.kind]}`,
        `Role ${role} must belong to a ${allowed.join(' or ')}; ${unitId} is a ${unit.kind}`,
      );
      continue;
    }
    if (!existing && db.users.has(id)) {
      r.fail(
        'id',
        `用户编号 ${id} 已属于用户 ${db.users.get(id)!.username}`,
        `The id ${id} belongs to ${db.users.get(id)!.username}`,
      );
      continue;
    }
    if (principal && !active) {
      r.fail('principal', '停用的用户不能是主要负责人', 'An inactive user cannot be the principal leader');
      continue;
    }
    parsed.push({
      r,
      id,
      username,
      principal,
      existing,
      values: { displayName, role, unitId, isLeader, phone, active },
    });
  }
  // Ids and usernames never collide (the database enforces it; say so per row first).
  const names = new Map<string, string>([...byUsername.values()].map((u) => [u.username, u.id]));
  for (const p of parsed) names.set(p.username, p.id);
  const idOwners = new Map<string, string>([...db.users.values()].map((u) => [u.id, u.username]));
  for (const p of parsed) idOwners.set(p.id, p.username);
  const valid = parsed.filter((p) => {
    const idOf = idOwners.get(p.username);
    if (idOf !== undefined && idOf !== p.username)
      return (
        p.r.fail(
          'username',
          `用户名 ${p.username} 与用户 ${idOf} 的编号相同`,
          `The username ${p.username} is the id of ${idOf}`,
        ) ?? false
      );
    const nameOf = names.get(p.id);
    if (nameOf !== undefined && nameOf !== p.id)
      return (
        p.r.fail(
          'id',
          `用户编号 ${p.id} 与用户 ${nameOf} 的用户名相同`,
          `The id ${p.id} is the username of another user`,
        ) ?? false
      );
    return true;
  });

  const usersPlan: Write<User>[] = [];
  for (const p of valid) {
    if (p.existing) {
      const changed = diff(p.existing, p.values);
      if (changed.length > 0)
        usersPlan.push({
          key: p.username,
          before: p.existing,
          values: Object.fromEntries(changed.map((k) => [k, p.values[k as keyof Row['values']]])),
          fields: changed,
        });
    } else {
      usersPlan.push({
        key: p.username,
        before: null,
        values: { id: p.id, username: p.username, ...p.values },
        fields: Object.keys(p.values),
      });
    }
  }

  // Principal leaders: the file's 主要负责人 of a unit; a unit whose current leader the file lists elsewhere or as 否 loses it.
  const principals = new Map<string, Row>();
  for (const p of valid.filter((v) => v.principal)) {
    const other = principals.get(p.values.unitId);
    if (other)
      p.r.fail(
        'principal',
        `单位 ${p.values.unitId} 的主要负责人已在第 ${other.r.row} 行指定`,
        `${p.values.unitId} already has its principal leader on row ${other.r.row}`,
      );
    else principals.set(p.values.unitId, p);
  }
  const listed = new Set(valid.map((p) => p.id));
  const leaders: Write<OrgUnit>[] = [];
  for (const unit of db.units.values()) {
    const next =
      principals.get(unit.id)?.id ?? (unit.leaderUserId && listed.has(unit.leaderUserId) ? null : unit.leaderUserId);
    if (next !== unit.leaderUserId)
      leaders.push({ key: unit.id, before: unit, values: { leaderUserId: next }, fields: ['leaderUserId'] });
  }
  return { users: usersPlan, leaders, seen: new Set(parsed.map((p) => p.username)) };
}

function planPowers(
  rows: { row: number; cells: Cells }[],
  db: Snapshot,
  errors: ImportIssue[],
): Pick<Plan, 'powers'> & { seen: Set<string> } {
  const powers: Write<PowerListItem>[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const r = new RowReader('powers', row, cells, errors);
    const unitId = r.text('unitId', { required: true, max: 100 });
    const code = r.text('code', { required: true, max: 50, pattern: POWER_CODE, patternZh: '字母、数字和 . _ -' });
    const name = r.text('name', { required: true, max: 300 });
    const category = r.choice('category', POWER_CATEGORIES, POWER_CATEGORY_LABELS, { required: true });
    const source = r.choice('source', POWER_SOURCES, SOURCE_LABEL, { required: true });
    const legalBasis = r.text('legalBasis', { max: 500 });
    const active = r.flag('active', true);
    if (!unitId || !code || !name || !category || !source || legalBasis === undefined || active === undefined) continue;
    const unit = db.units.get(unitId);
    if (!unit) {
      r.fail(
        'unitId',
        `单位 ${unitId} 不在系统中，请先导入组织机构`,
        `No org unit ${unitId}; import the org tree first`,
      );
      continue;
    }
    if (!POWER_LIST_KINDS.includes(unit.kind)) {
      r.fail(
        'unitId',
        `只有乡镇或街道有权责清单，「${unit.name}」是${KIND_LABEL[unit.kind]}`,
        `Only a township or street has a power list; ${unitId} is a ${unit.kind}`,
      );
      continue;
    }
    const key = powerKey(unitId, code);
    const dup = seen.get(key);
    if (dup !== undefined) {
      r.fail('code', `${unit.name}的事项编码 ${code} 与第 ${dup} 行重复`, `${code} of ${unitId} repeats row ${dup}`);
      continue;
    }
    seen.set(key, row);
    const values = { name, category, source, legalBasis, active };
    const existing = db.powers.get(key);
    const changed = diff(existing, values);
    if (existing && changed.length > 0)
      powers.push({
        key,
        before: existing,
        values: Object.fromEntries(changed.map((k) => [k, values[k as keyof typeof values]])),
        fields: changed,
      });
    if (!existing) powers.push({ key, before: null, values: { unitId, code, ...values }, fields: Object.keys(values) });
  }
  return { powers, seen: new Set(seen.keys()) };
}

/** Check every row and work out the writes; nothing is written. */
function plan(kind: ImportKind, sheet: Sheet, db: Snapshot): Plan {
  const errors: ImportIssue[] = [];
  const rows = readRows(kind, sheet, errors);
  if (rows.length === 0)
    errors.push({ row: 2, column: '', message: { zh: '文件中没有数据行', en: 'The file has no data rows' } });
  const empty: Plan = {
    report: { kind, rows: rows.length, errors, created: [], updated: [], unchanged: 0, missing: [] },
    units: [],
    users: [],
    leaders: [],
    powers: [],
  };
  const result =
    kind === 'org'
      ? { ...empty, ...planOrg(rows, db, errors), known: [...db.units.keys()] }
      : kind === 'users'
        ? { ...empty, ...planUsers(rows, db, errors), known: [...db.users.values()].map((u) => u.username) }
        : { ...empty, ...planPowers(rows, db, errors), known: [...db.powers.keys()] };
  const writes: Write<unknown>[] = [...result.units, ...result.users, ...result.powers];
  errors.sort((a, b) => a.row - b.row);
  result.report.created = writes.filter((w) => !w.before).map((w) => w.key);
  result.report.updated = [...writes, ...result.leaders]
    .filter((w) => w.before)
    .map((w) => ({ key: w.key, fields: w.fields }));
  result.report.unchanged = result.seen.size - writes.length;
  result.report.missing = result.known.filter((k) => !result.seen.has(k));
  return result;
}

/** A dry run: the report of what applying the file would do; nothing is written. */
export async function dryRun(db: Db, kind: ImportKind, sheet: Sheet): Promise<ImportReport> {
  return plan(kind, sheet, await snapshot(db)).report;
}

/**
 * Apply a file: checked again inside one transaction on the `admin:org` audit stream (so a
 * concurrent edit cannot slip between check and write); with any bad row nothing is written.
 */
export async function applyImport(db: Db, kind: ImportKind, sheet: Sheet, actor: Principal): Promise<ImportReport> {
  return db.transaction(async (tx) => {
    await lockStream(tx, 'admin:org');
    const p = plan(kind, sheet, await snapshot(tx));
    if (p.report.errors.length > 0) return p.report;
    const at = new Date();
    const audit = (action: string, before: unknown, after: unknown) =>
      appendAudit(tx, {
        streamId: 'admin:org',
        actorId: actor.userId,
        actorUnitId: actor.unitId,
        actorRole: actor.role,
        action,
        reason: `import:${kind}`,
        before,
        after,
        at,
      });
    const view = <T extends { createdAt?: Date; updatedAt?: Date }>(row: T) => {
      const { createdAt: _c, updatedAt: _u, ...rest } = row;
      return rest;
    };
    for (const w of p.units) {
      if (w.before) {
        const [after] = await tx.update(orgUnits).set(w.values).where(eqId(orgUnits.id, w.before.id)).returning();
        await audit('org.import.unit.update', view(w.before), after && view(after));
      } else {
        const [after] = await tx
          .insert(orgUnits)
          .values(w.values as OrgUnit)
          .returning();
        await audit('org.import.unit.create', null, after && view(after));
      }
    }
    for (const w of p.users) {
      if (w.before) {
        const [after] = await tx.update(users).set(w.values).where(eqId(users.id, w.before.id)).returning();
        await audit('org.import.user.update', view(w.before), after && view(after));
      } else {
        const [after] = await tx
          .insert(users)
          .values(w.values as User)
          .returning();
        await audit('org.import.user.create', null, after && view(after));
      }
    }
    for (const w of p.leaders) {
      const [after] = await tx.update(orgUnits).set(w.values).where(eqId(orgUnits.id, w.before!.id)).returning();
      await audit('org.import.unit.update', view(w.before!), after && view(after));
    }
    for (const w of p.powers) {
      if (w.before) {
        const [after] = await tx
          .update(powerListItems)
          .set(w.values)
          .where(eqId(powerListItems.id, w.before.id))
          .returning();
        await audit('org.import.power.update', view(w.before), after && view(after));
      } else {
        const [after] = await tx
          .insert(powerListItems)
          .values(w.values as PowerListItem)
          .returning();
        await audit('org.import.power.create', null, after && view(after));
      }
    }
    return p.report;
  });
}

// ── export in the same templates ─────────────────────────────────────────────────────────────────

const yesNo = (v: boolean) => (v ? '是' : '否');

/** The database's rows in the template's columns (what an import of the same file would leave unchanged). */
export async function exportRows(db: Db, kind: ImportKind): Promise<string[][]> {
  const s = await snapshot(db);
  if (kind === 'org') {
    return [...s.units.values()].map((u) => [
      u.id,
      u.parentId ?? '',
      KIND_LABEL[u.kind],
      u.name,
      u.nameEn ?? '',
      u.departmentId ?? '',
      u.regionCode ?? '',
    ]);
  }
  if (kind === 'users') {
    const leaders = new Set([...s.units.values()].map((u) => u.leaderUserId).filter((x): x is string => !!x));
    const unitPath = (id: string) => s.units.get(id)?.path ?? id;
    return [...s.users.values()]
      .sort((a, b) => unitPath(a.unitId).localeCompare(unitPath(b.unitId)) || a.username.localeCompare(b.username))
      .map((u) => [
        u.username,
        u.id,
        u.displayName,
        ROLE_LABEL[u.role],
        u.unitId,
        yesNo(u.isLeader),
        yesNo(leaders.has(u.id) && s.units.get(u.unitId)?.leaderUserId === u.id),
        u.phone ?? '',
        yesNo(u.active),
      ]);
  }
  return [...s.powers.values()].map((p) => [
    p.unitId,
    p.code,
    p.name,
    POWER_CATEGORY_LABELS[p.category],
    SOURCE_LABEL[p.source],
    p.legalBasis ?? '',
    yesNo(p.active),
  ]);
}

export const headersOf = (kind: ImportKind) => COLUMNS[kind].map((c) => c.zh);
