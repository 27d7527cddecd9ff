import { POWER_CATEGORIES, POWER_CATEGORY_LABELS, POWER_SOURCES, type PowerListItem } from '../../db/schema/org';
import { KIND_LABEL, POWER_LIST_KINDS } from '../routes/org';
import { POWER_CODE, RowReader, type Cells } from './rows';
import { diff, powerKey, type Plan, type Snapshot, type Write } from './snapshot';
import { SOURCE_LABEL, type ImportIssue } from './templates';

/** Check the power lists' rows (township and street only) and work out the item writes. */
export function planPowers(
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
