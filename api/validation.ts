import { bilingual, splitBilingual } from '../domain/bilingual';
import { z } from './zod';
import { findUnstorableText, UNSTORABLE_REASON_TEXT } from '../domain/text';
import { Problem, type Bilingual, type ProblemIssue } from './problem';

const zhLocale = z.locales.zhCN().localeError;
const enLocale = z.locales.en().localeError;

const TYPE: Record<string, Bilingual> = {
  string: { zh: '文本', en: 'a string' },
  number: { zh: '数字', en: 'a number' },
  int: { zh: '整数', en: 'an integer' },
  boolean: { zh: '布尔值（true 或 false）', en: 'a boolean (true or false)' },
  array: { zh: '数组', en: 'an array' },
  object: { zh: '对象', en: 'an object' },
  date: { zh: '日期', en: 'a date' },
  null: { zh: 'null', en: 'null' },
  bigint: { zh: '整数', en: 'an integer' },
};
const SIZE: Record<string, Bilingual> = {
  string: { zh: '个字符', en: 'characters' },
  array: { zh: '项', en: 'items' },
  set: { zh: '项', en: 'items' },
  file: { zh: '字节', en: 'bytes' },
};
const FORMAT: Record<string, Bilingual> = {
  datetime: { zh: '带时区的 ISO 8601 时刻', en: 'an ISO 8601 instant with a zone' },
  date: { zh: 'YYYY-MM-DD 日期', en: 'a date as YYYY-MM-DD' },
  time: { zh: 'HH:MM 时间', en: 'a time as HH:MM' },
  email: { zh: '电子邮件地址', en: 'an email address' },
  url: { zh: 'URL', en: 'a URL' },
  uuid: { zh: 'UUID', en: 'a UUID' },
};
const list = (values: readonly unknown[], sep: string) =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(sep);

/** The caller's issue in both languages, or null to fall back to zod's own locales. */
function describe(issue: z.core.$ZodRawIssue): Bilingual | null {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return { zh: '必填', en: 'required' };
      const t = TYPE[issue.expected];
      return t ? { zh: `须为${t.zh}`, en: `must be ${t.en}` } : null;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = String(small ? issue.minimum : issue.maximum);
      const size = SIZE[issue.origin];
      if (size) {
        if (issue.exact) return { zh: `须为 ${limit} ${size.zh}`, en: `must have exactly ${limit} ${size.en}` };
        if (small && limit === '1') return { zh: '不能为空', en: 'must not be empty' };
        return small
          ? { zh: `至少 ${limit} ${size.zh}`, en: `must have at least ${limit} ${size.en}` }
          : { zh: `最多 ${limit} ${size.zh}`, en: `must have at most ${limit} ${size.en}` };
      }
      if (small)
        return issue.inclusive
          ? { zh: `不能小于 ${limit}`, en: `must be at least ${limit}` }
          : { zh: `须大于 ${limit}`, en: `must be greater than ${limit}` };
      return issue.inclusive
        ? { zh: `不能大于 ${limit}`, en: `must be at most ${limit}` }
        : { zh: `须小于 ${limit}`, en: `must be less than ${limit}` };
    }
    case 'invalid_format': {
      if (issue.format === 'regex')
        return {
          zh: `格式不正确（须符合 ${issue.pattern ?? ''}）`,
          en: `has the wrong format (must match ${issue.pattern ?? ''})`,
        };
      const f = FORMAT[issue.format];
      return f ? { zh: `须为${f.zh}`, en: `must be ${f.en}` } : null;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? { zh: `须为 ${list(issue.values, '')}`, en: `must be ${list(issue.values, '')}` }
        : { zh: `须为以下之一：${list(issue.values, '、')}`, en: `must be one of: ${list(issue.values, ', ')}` };
    case 'unrecognized_keys':
      return { zh: `不允许的字段：${issue.keys.join('、')}`, en: `unknown fields: ${issue.keys.join(', ')}` };
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (issue.discriminator && options?.length)
        return { zh: `须为以下之一：${list(options, '、')}`, en: `must be one of: ${list(options, ', ')}` };
      return { zh: '不符合任何一种允许的格式', en: 'matches none of the allowed forms' };
    }
    case 'not_multiple_of':
      return { zh: `须为 ${String(issue.divisor)} 的倍数`, en: `must be a multiple of ${String(issue.divisor)}` };
    case 'custom':
      return { zh: '不符合要求', en: 'is not valid' };
    default:
      return null;
  }
}

/**
 * The error map of every request: each issue zod finds, in Chinese and English together (see
 * domain/bilingual.ts). Messages a schema sets itself take precedence over this map; they are
 * written the same way (`中文 / English`).
 */
const bilingualErrors: z.core.$ZodErrorMap = (issue) => {
  const d = describe(issue);
  if (d) return bilingual(d.zh, d.en);
  const zh = zhLocale(issue);
  const en = enLocale(issue);
  const text = (m: typeof zh) => (typeof m === 'string' ? m : (m?.message ?? ''));
  return bilingual(text(zh) || '无效输入', text(en) || 'Invalid input');
};

/**
 * One issue's message in both languages: a bilingual message split, or (for a message written in
 * one language only) the Chinese saying so with the original kept.
 */
function messageOf(message: string): Bilingual {
  const split = splitBilingual(message);
  if (split) return split;
  return /[\u3400-\u9fff]/.test(message)
    ? { zh: message, en: `invalid value (${message})` }
    : { zh: `不符合要求（${message}）`, en: message };
}

/**
 * Parse `input` with `schema`; on failure throw a 400 Problem listing every issue with its path,
 * in Chinese and English. Nothing has been written when this throws.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  location: 'body' | 'query' | 'path',
): z.infer<S> {
  refuseUnstorableText(input, location);
  const parsed = schema.safeParse(input, { error: bilingualErrors });
  if (parsed.success) return parsed.data;
  const issues: ProblemIssue[] = parsed.error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: messageOf(issue.message),
  }));
  const where = {
    body: { zh: '请求体', en: 'request body' },
    query: { zh: '查询参数', en: 'query parameters' },
    path: { zh: '路径参数', en: 'path parameters' },
  }[location];
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
    throw new Problem(
      'badRequest',
      {
        zh: `请求含有空字符（U+0000）：${paths.join('、')}`,
        en: `The request contains a NUL character (U+0000) at ${paths.join(', ')}`,
      },
      { code: 'nul-character', issues },
    );
  }
  throw new Problem(
    'badRequest',
    {
      zh: `请求含有无法保存的文字（不合法的 Unicode 或空字符）：${paths.join('、')}`,
      en: `The request contains text that cannot be stored (ill-formed Unicode or NUL) at ${paths.join(', ')}`,
    },
    { code: 'ill-formed-text', issues },
  );
}
