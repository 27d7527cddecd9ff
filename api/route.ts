import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Role } from '../db/schema/org';
import type { AppDeps } from './deps';
import { authenticate, type Principal } from './auth';
import { claimIdempotencyKey, IDEMPOTENCY_HEADER, idempotencyKeyOf, type IdempotentRun } from './idempotency';
import { requireRole } from './authz';
import { problemSchema } from './problem';
import { formFile, multipartFile, uploadedFile } from './uploads';
import { validate } from './validation';
import { timeStage } from '../runtime/stage-timing';
import { z } from './zod';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

/** Which signed-in callers may use a route: any, or those with one of `roles`. Scope checks stay in the handler. */
export type Access = { roles: readonly Role[] | 'any' };

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated caller; public routes must not read it. */
  principal: Principal;
  req: Request;
  res: Response;
  deps: AppDeps;
  /** The request's Idempotency-Key run, when it has one (see api/idempotency.ts; case starts use it for their number). */
  idempotency: IdempotentRun | null;
  /**
   * A write the answer waits for, run meanwhile rather than before it: the request is answered once
   * it and the idempotent answer are both stored (e.g. the access-audit entry of what the answer
   * shows). It must handle its own failure; a handler that throws afterwards leaves it to finish.
   */
  alongsideAnswer(write: Promise<void>): void;
}

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** Express-style path below /api/v1, e.g. `/cases/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `'public'` only for health, login and documents; everything else names its roles. */
  access: Access | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** A file upload instead of a JSON body: the raw bytes (a Buffer) arrive as `body`. */
  upload?: { contentTypes: readonly string[]; maxBytes: number; description: string };
  /**
   * A multipart/form-data upload of one file in `field` (multer, in memory, at most ATTACHMENT_MAX_BYTES:
   * a larger one is a 413): the file (`Express.Multer.File`) arrives as `body`; a missing one is a 400.
   */
  multipart?: { field: string; description: string };
  response: { status?: 200 | 201 | 202; schema: R; description: string; contentType?: string };
  /** Error statuses this route may answer with, documented as problem+json. */
  errors?: readonly (400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503)[];
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.input<R> | z.infer<R>>;
}

/** Run for every authenticated request once its principal is known (the per-user write limit). */
export interface MountHooks {
  authenticated?: (req: Request, res: Response) => Promise<void>;
  /** Parses and checks a JSON body; mounted only on routes that take one. */
  jsonBody: RequestHandler[];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: '请求内容有误 / Bad request',
  401: '未登录 / Not authenticated',
  403: '无权操作 / Forbidden',
  404: '未找到 / Not found',
  409: '状态冲突 / Conflict with the current state',
  413: '请求体过大（字节数或字段数超过上限）/ Request body too large (bytes, or keys and array items)',
  415: '不支持的文件类型 / Unsupported file type',
  422: '业务规则不允许 / Refused by a domain rule',
  429: '请求过于频繁，见 Retry-After / Too many requests; see Retry-After',
  503: '依赖服务不可用 / A dependency is unavailable',
};

/** Documented on every authenticated POST: see api/idempotency.ts. */
const idempotencyHeader = z.object({
  [IDEMPOTENCY_HEADER]: z.string().optional().openapi({
    description:
      '可选。重试同一请求时带上相同的键（建议 UUID），只会执行一次并返回首次的结果（24 小时内）/ Optional. Send the same key (a UUID) when retrying a request: it is carried out once and the first answer is returned (for 24 hours)',
  }),
});

/**
 * A route defined once: the same zod schemas validate the request, type the handler and produce
 * the OpenAPI document. Every route is authenticated and role-checked here unless marked public.
 */
export class ApiRoutes {
  private readonly mounts: ((router: Router, deps: AppDeps, hooks: MountHooks) => void)[] = [];

  constructor(private readonly registry: OpenAPIRegistry) {}

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    const access = spec.access;
    const isPublic = access === 'public';
    const status = spec.response.status ?? 200;
    const request: RouteConfig['request'] = {};
    if (spec.params) request.params = spec.params;
    if (spec.query) request.query = spec.query;
    if (spec.body) request.body = { content: { 'application/json': { schema: spec.body } }, required: true };
    const upload = spec.upload;
    if (upload) {
      const file = z.string().openapi({ type: 'string', format: 'binary' });
      request.body = {
        description: upload.description,
        content: Object.fromEntries(upload.contentTypes.map((t) => [t, { schema: file }])),
        required: true,
      };
    }
    const multipart = spec.multipart;
    if (multipart) {
      const form = z.object({ [multipart.field]: z.string().openapi({ type: 'string', format: 'binary' }) });
      request.body = {
        description: multipart.description,
        content: { 'multipart/form-data': { schema: form } },
        required: true,
      };
    }
    // Idempotency-Key (api/idempotency.ts): a reused key is a 422, the same request still running a 409.
    const idempotent =
      spec.method === 'post' &&
      !isPublic &&
      !upload &&
      !multipart &&
      (spec.response.contentType ?? 'application/json') === 'application/json';
    if (idempotent) request.headers = idempotencyHeader;

    const responses: RouteConfig['responses'] = {
      [status]: {
        description: spec.response.description,
        content: { [spec.response.contentType ?? 'application/json']: { schema: spec.response.schema } },
      },
    };
    // Every /api/v1 request may meet a rate limit (api/security.ts).
    const errors = new Set<number>([
      ...(spec.errors ?? []),
      ...(idempotent ? [409, 422] : []),
      ...(spec.body || upload || spec.query || spec.params ? [400] : []),
      ...(spec.body || multipart ? [413] : []),
      ...(isPublic ? [] : [401, 403]),
      429,
    ]);
    for (const code of [...errors].sort()) {
      responses[code] = {
        description: ERROR_DESCRIPTIONS[code] ?? String(code),
        content: { 'application/problem+json': { schema: problemSchema } },
      };
    }
    this.registry.registerPath({
      method: spec.method,
      path: `/api/v1${spec.path.replace(/:(\w+)/g, '{$1}')}`,
      operationId: spec.operationId,
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      security: isPublic ? [] : [{ bearerAuth: [] }],
      request,
      responses,
    });

    const rawBody = upload ? express.raw({ type: [...upload.contentTypes], limit: upload.maxBytes }) : undefined;
    this.mounts.push((router, deps, hooks) => {
      const form = multipart ? [multipartFile(multipart.field, deps.config.attachments.maxBytes)] : [];
      router[spec.method](
        spec.path,
        ...(spec.body ? hooks.jsonBody : []),
        ...(rawBody ? [rawBody] : []),
        ...form,
        async (req, res, next) => {
          try {
            const principal =
              access === 'public' ? undefined : await timeStage('api.auth', () => authenticate(req, deps));
            if (principal) {
              req.principal = principal;
              await timeStage('api.write-limit', async () => hooks.authenticated?.(req, res));
            }
            if (principal && access !== 'public' && access.roles !== 'any') requireRole(principal, access.roles);
            const params = spec.params ? validate(spec.params, req.params, 'path') : {};
            const query = spec.query ? validate(spec.query, req.query, 'query') : {};
            const body = spec.body
              ? validate(spec.body, req.body, 'body')
              : upload
                ? uploadedFile(req, upload.contentTypes)
                : multipart
                  ? formFile(req, multipart.field)
                  : undefined;
            const key = idempotent && principal ? idempotencyKeyOf(req) : null;
            const run =
              key && principal
                ? await timeStage('api.idempotency-claim', () =>
                    claimIdempotencyKey(deps.database.db, principal.userId, key, req),
                  )
                : null;
            if (run?.replay) {
              res.status(run.replay.status).set('idempotent-replayed', 'true').json(run.replay.body);
              return;
            }
            let result: unknown;
            const alongside: Promise<void>[] = [];
            const alongsideAnswer = (write: Promise<void>) => void alongside.push(write);
            try {
              result = await timeStage('api.handler', () =>
                spec.handler({
                  params,
                  query,
                  body,
                  principal,
                  req,
                  res,
                  deps,
                  idempotency: run,
                  alongsideAnswer,
                } as RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>),
              );
            } catch (err) {
              // Forget the key (or hand an allocated case number on) so a retry runs again; if even that
              // fails (database down), the key stays pending: retries get 409 until it is stale (90 s), then take over.
              await run?.abandon().catch((e: unknown) => req.log?.warn({ err: e }, 'idempotency key not released'));
              throw err;
            }
            // The work is done: a failure to store the answer must not turn it into an error.
            await Promise.all([
              timeStage('api.idempotency-answer', async () => run?.complete(status, result)).catch((e: unknown) =>
                req.log?.warn({ err: e }, 'idempotent answer not stored'),
              ),
              ...alongside,
            ]);
            if (res.headersSent) return;
            if (spec.response.contentType && spec.response.contentType !== 'application/json') {
              res.status(status).type(spec.response.contentType).send(result);
            } else {
              res.status(status).json(result);
            }
          } catch (err) {
            next(err);
          }
        },
      );
    });
  }

  /**
   * Mount every route. `hooks.jsonBody` parses a request body only on routes that take one, after the
   * path has matched: a body sent anywhere else (an unknown or unmounted path) is never read.
   */
  mount(router: Router, deps: AppDeps, hooks: MountHooks): void {
    for (const m of this.mounts) m(router, deps, hooks);
  }
}
