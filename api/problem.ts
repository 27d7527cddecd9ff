import type { ErrorRequestHandler, Request } from 'express';
import { z } from './zod';

/** A message a clerk can act on, in Simplified Chinese first and English. */
export interface Bilingual {
  zh: string;
  en: string;
}

export const PROBLEM_TYPES = {
  badRequest: { status: 400, title: { zh: '请求内容有误', en: 'Bad request' } },
  unauthenticated: { status: 401, title: { zh: '未登录或登录已过期', en: 'Not authenticated' } },
  forbidden: { status: 403, title: { zh: '无权执行此操作', en: 'Forbidden' } },
  notFound: { status: 404, title: { zh: '未找到', en: 'Not found' } },
  conflict: { status: 409, title: { zh: '状态冲突', en: 'Conflict' } },
  tooLarge: { status: 413, title: { zh: '请求体过大', en: 'Content too large' } },
  unsupportedType: { status: 415, title: { zh: '不支持的文件类型', en: 'Unsupported media type' } },
  ruleRefused: { status: 422, title: { zh: '业务规则不允许', en: 'Refused by a rule' } },
  tooManyRequests: { status: 429, title: { zh: '请求过于频繁', en: 'Too many requests' } },
  unavailable: { status: 503, title: { zh: '服务暂不可用', en: 'Service unavailable' } },
  internal: { status: 500, title: { zh: '系统内部错误', en: 'Internal error' } },
} as const satisfies Record<string, { status: number; title: Bilingual }>;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

export interface ProblemIssue {
  path: string;
  message: Bilingual;
}

/** Thrown anywhere in a request; rendered as RFC 9457 problem+json by `problemHandler`. */
export class Problem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: Bilingual,
    readonly extra: { code?: string; issues?: ProblemIssue[]; [k: string]: unknown } = {},
  ) {
    super(detail.en);
    this.name = 'Problem';
  }
  get status(): number {
    return PROBLEM_TYPES[this.kind].status;
  }
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().optional(),
    i18n: z.object({
      'zh-CN': z.object({ title: z.string(), detail: z.string() }),
      en: z.object({ title: z.string(), detail: z.string() }),
    }),
    issues: z.array(z.object({ path: z.string(), message: z.string(), message_en: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details, with the message in Simplified Chinese and English' });

/** English when the caller prefers it (`Accept-Language: en…`), Simplified Chinese otherwise. */
export function preferredLanguage(req: Request): 'zh' | 'en' {
  const header = req.headers['accept-language'];
  if (!header) return 'zh';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

export function renderProblem(problem: Problem, req: Request): Record<string, unknown> {
  const lang = preferredLanguage(req);
  const title = PROBLEM_TYPES[problem.kind].title;
  const { issues, ...rest } = problem.extra;
  return {
    type: `urn:township-cases:problem:${rest.code ?? problem.kind}`,
    title: title[lang],
    status: problem.status,
    detail: problem.detail[lang],
    instance: req.originalUrl,
    ...rest,
    i18n: {
      'zh-CN': { title: title.zh, detail: problem.detail.zh },
      en: { title: title.en, detail: problem.detail.en },
    },
    ...(issues
      ? {
          issues: issues.map((i) => ({
            path: i.path,
            message: i.message[lang === 'en' ? 'en' : 'zh'],
            message_en: i.message.en,
          })),
        }
      : {}),
    requestId: String(req.id ?? ''),
  };
}

function sendProblem(res: Parameters<ErrorRequestHandler>[2], req: Request, problem: Problem): void {
  // Read by the access audit of refusals (api/access-audit.ts).
  res.locals.problemCode = problem.extra.code ?? problem.kind;
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(renderProblem(problem, req)));
}

/** The last middleware: every error becomes problem+json; only our own faults become a 500. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof Problem) return sendProblem(res, req, err);
  // body-parser failures carry a status and a type.
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.parse.failed') {
    return sendProblem(
      res,
      req,
      new Problem(
        'badRequest',
        { zh: `请求体不是合法的 JSON：${e.message ?? ''}`, en: `Request body is not valid JSON: ${e.message ?? ''}` },
        { code: 'malformed-json' },
      ),
    );
  }
  if (e?.type === 'entity.too.large') {
    const limit = (e as { limit?: number }).limit;
    return sendProblem(
      res,
      req,
      new Problem(
        'tooLarge',
        {
          zh: `请求体过大${limit ? `（上限 ${limit} 字节）` : ''}`,
          en: `Request body too large${limit ? ` (limit ${limit} bytes)` : ''}`,
        },
        { code: 'body-too-large', ...(limit ? { limit } : {}) },
      ),
    );
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return sendProblem(
      res,
      req,
      new Problem(
        'badRequest',
        { zh: `请求无法处理：${e.message ?? ''}`, en: e.message ?? 'Bad request' },
        { code: 'bad-request' },
      ),
    );
  }
  if (databaseUnavailable(err)) {
    req.log?.warn({ err }, 'database unavailable');
    return sendProblem(
      res,
      req,
      new Problem(
        'unavailable',
        {
          zh: '数据库暂不可用，请稍后重试（可用相同的 Idempotency-Key 重试）',
          en: 'The database is unavailable; retry shortly (with the same Idempotency-Key)',
        },
        { code: 'database-unavailable' },
      ),
    );
  }
  req.log?.error({ err }, 'unhandled error');
  return sendProblem(
    res,
    req,
    new Problem(
      'internal',
      { zh: '系统内部错误，请稍后重试或联系管理员', en: 'Internal error; retry later or contact the administrator' },
      { code: 'internal' },
    ),
  );
};

/** Network errors and PostgreSQL's "not available" classes (08 connection exception, 57P shutdown, 53 resources). */
const DB_DOWN_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
export function databaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i += 1
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (DB_DOWN_NET.has(code) || /^(08|57P|53)/.test(code)) return true;
    if (
      typeof e.message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/.test(e.message)
    )
      return true;
  }
  return false;
}
