import { z } from './zod';
import { findUnstorableText, UNSTORABLE_REASON_TEXT } from '../domain/text';
import { Problem, type ProblemIssue } from './problem';

const zhCN = z.locales.zhCN();
const en = z.locales.en();

/**
 * Parse `input` with `schema`; on failure throw a 400 Problem listing every issue with its path,
 * in Chinese and English. Nothing has been written when this throws.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, location: 'body' | 'query' | 'path'): z.infer<S> {
  refuseUnstorableText(input, location);
  const zh = schema.safeParse(input, { error: zhCN.localeError });
  if (zh.success) return zh.data;
  const english = schema.safeParse(input, { error: en.localeError });
  const enIssues = english.success ? [] : english.error.issues;
  const issues: ProblemIssue[] = zh.error.issues.map((issue, i) => {
    const p = [location, ...issue.path.map(String)].join('.');
    return { path: p, message: { zh: issue.message, en: enIssues[i]?.message ?? issue.message } };
  });
  const where = { body: { zh: '请求体', en: 'request body' }, query: { zh: '查询参数', en: 'query parameters' }, path: { zh: '路径参数', en: 'path parameters' } }[location];
  throw new Problem(
    'badRequest',
    {
      zh: `${where.zh}校验未通过：${issues.map((i) => `${i.path} ${i.message.zh}`).join('；')}`,
      en: `Invalid ${where.en}: ${issues.map((i) => `${i.path} ${i.message.en}`).join('; ')}`,
    },
    { code: 'validation-failed', issues },
  );
}

/**
 * Refuse (400, naming each field) a request holding a string — value or key — that PostgreSQL or
 * the audit hash cannot take: U+0000, or a lone UTF-16 surrogate (see domain/text.ts). Checked for
 * every route here, before any query, workflow or projection sees it.
 */
export function refuseUnstorableText(input: unknown, location: string): void {
  const found = findUnstorableText(input, location);
  if (found.length === 0) return;
  const issues: ProblemIssue[] = found.map((f) => ({ path: f.path, message: UNSTORABLE_REASON_TEXT[f.reason] }));
  const paths = found.map((f) => f.path);
  if (found.every((f) => f.reason === 'nul')) {
    throw new Problem('badRequest', { zh: `请求含有空字符（U+0000）：${paths.join('、')}`, en: `The request contains a NUL character (U+0000) at ${paths.join(', ')}` }, { code: 'nul-character', issues });
  }
  throw new Problem(
    'badRequest',
    { zh: `请求含有无法保存的文字（不合法的 Unicode 或空字符）：${paths.join('、')}`, en: `The request contains text that cannot be stored (ill-formed Unicode or NUL) at ${paths.join(', ')}` },
    { code: 'ill-formed-text', issues },
  );
}
