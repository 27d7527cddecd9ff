import { ORG_UNIT_KINDS, POWER_CATEGORIES, POWER_CATEGORY_LABELS, ROLES } from '../../db/schema/org';
import { ROLE_LABEL } from '../authz';
import type { Bilingual } from '../problem';
import { KIND_LABEL } from '../routes/org';

// The org import's templates (columns, sheet names, instructions) and its report (see org-import.ts).

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

export const YES = ['是', 'y', 'yes', 'true', '1'];
export const NO = ['否', 'n', 'no', 'false', '0'];
const KIND_VALUES = `${ORG_UNIT_KINDS.map((k) => KIND_LABEL[k]).join('、')}（或 ${ORG_UNIT_KINDS.join(', ')}）`;
const ROLE_VALUES = `${ROLES.map((r) => ROLE_LABEL[r]).join('、')}（或 ${ROLES.join(', ')}）`;
export const SOURCE_LABEL = { own: '本级', delegated: '赋权' } as const;

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

export const headersOf = (kind: ImportKind) => COLUMNS[kind].map((c) => c.zh);
