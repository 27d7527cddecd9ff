import { childPath, ORG_UNIT_KINDS, type OrgUnit, type OrgUnitKind } from '../../db/schema/org';
import { KIND_LABEL, PARENT_KINDS } from '../routes/org';
import { REGION, RowReader, UNIT_ID, type Cells } from './rows';
import { diff, type Plan, type Snapshot, type Write } from './snapshot';
import type { ImportIssue } from './templates';

/** Check the org tree's rows against the file and the database and work out the unit writes (parents first). */
export function planOrg(
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
