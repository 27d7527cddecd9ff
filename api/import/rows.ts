import type { Sheet } from './spreadsheet';
import { COLUMNS, NO, YES, type ImportIssue, type ImportKind } from './templates';

// Reading an import file's rows: header cells to column keys, and cell checks that report per row and column.

const normalise = (h: string) =>
  h
    .replace(/[（(].*?[）)]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();

export type Cells = Record<string, string>;

/** Map header cells to column keys (by the Chinese label or the English key); report unknown and missing columns. */
export function readRows(kind: ImportKind, sheet: Sheet, errors: ImportIssue[]): { row: number; cells: Cells }[] {
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
export class RowReader {
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

export const UNIT_ID = /^[a-z0-9]+(\.[a-z0-9-]+)*$/;
export const USER_CODE = /^[a-z0-9][a-z0-9._@-]*$/;
export const POWER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const PHONE = /^\+?[0-9][0-9 -]{2,29}$/;
export const REGION = /^[A-Za-z0-9-]+$/;
