import { z } from './zod';
import { Problem, type ProblemIssue } from './problem';

const zhCN = z.locales.zhCN();
const en = z.locales.en();

/**
 * Parse `input` with `schema`; on failure throw a 400 Problem listing every issue with its path,
 * in Chinese and English. Nothing has been written when this throws.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, location: 'body' | 'query' | 'path'): z.infer<S> {
  const nul = nulPaths(input, [location]);
  if (nul.length) {
    const issues: ProblemIssue[] = nul.map((p) => ({ path: p, message: { zh: '含有空字符（U+0000），无法保存', en: 'contains a NUL character (U+0000), which cannot be stored' } }));
    throw new Problem(
      'badRequest',
      { zh: `请求含有空字符（U+0000）：${nul.join('、')}`, en: `The request contains a NUL character (U+0000) at ${nul.join(', ')}` },
      { code: 'nul-character', issues },
    );
  }
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
 * Where `input` holds a string (value or key) with U+0000: PostgreSQL cannot store it in text or
 * jsonb, so it is refused for every route here, before it can reach a query or a workflow.
 */
function nulPaths(input: unknown, path: string[]): string[] {
  if (typeof input === 'string') return input.includes('\u0000') ? [path.join('.')] : [];
  if (Array.isArray(input)) return input.flatMap((v, i) => nulPaths(v, [...path, String(i)]));
  if (input && typeof input === 'object') {
    return Object.entries(input).flatMap(([k, v]) => (k.includes('\u0000') ? [[...path, k].join('.')] : nulPaths(v, [...path, k])));
  }
  return [];
}
