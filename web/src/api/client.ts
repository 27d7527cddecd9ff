import createClient, { type Middleware } from 'openapi-fetch';
import { currentLang } from '../i18n';
import type { paths } from './schema';
import type { Problem } from './types';

// The console holds no token: the server keeps the session and the browser sends its httpOnly
// cookie with every same-origin request (api/session.ts). Every call goes through openapi-fetch with
// the types generated from the API's OpenAPI document (web/src/api/schema.d.ts, `npm run gen:client`).

/** A failed call; `message` is the server's `detail`, in the language the console asked for. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Called when the server says the session has ended (401 on a request made while signed in). */
let onUnauthenticated: (problem: Problem | null) => void = () => undefined;
export function setUnauthenticatedHandler(fn: (problem: Problem | null) => void): void {
  onUnauthenticated = fn;
}

const acceptLanguage = () => (currentLang() === 'en' ? 'en' : 'zh-CN');

/** JSON answers, in the console's language. */
const headers: Middleware = {
  onRequest({ request }) {
    if (!request.headers.has('accept')) request.headers.set('accept', 'application/json');
    request.headers.set('accept-language', acceptLanguage());
    return request;
  },
};

/** The typed client: paths, parameters, bodies and answers as the OpenAPI document declares them. */
export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(headers);

/** The same client for the calls not yet written against `client`: paths below /api/v1, answer type given by the caller. */
const untyped = createClient({ baseUrl: '/api/v1', credentials: 'same-origin' });
untyped.use(headers);

/** The answer of an openapi-fetch call, or an ApiError carrying the problem+json the server sent. */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(0, null, currentLang() === 'en' ? 'Cannot reach the server' : '无法连接服务器，请检查网络');
  }
  const { response } = result;
  if (!response.ok) {
    const problem = (result.error && typeof result.error === 'object' ? result.error : null) as Problem | null;
    if (response.status === 401) onUnauthenticated(problem);
    const issues = problem?.issues?.map((i) => i.message).join('；');
    throw new ApiError(
      response.status,
      problem,
      [problem?.detail ?? `HTTP ${response.status}`, issues].filter(Boolean).join('：'),
    );
  }
  return result.data as T;
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** Leave out what the console does not mean to send (as the server reads no value there). */
const present = (query?: Query) =>
  Object.fromEntries(Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''));

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
function call<T>(
  method: Method,
  path: string,
  opts: { query?: Query; body?: unknown; file?: { data: Blob; type: string }; idempotencyKey?: string } = {},
): Promise<T> {
  const init = {
    params: { query: present(opts.query) },
    ...(opts.idempotencyKey ? { headers: { 'idempotency-key': opts.idempotencyKey } } : {}),
    ...(opts.file
      ? { body: opts.file.data, bodySerializer: (b: unknown) => b as Blob, headers: { 'content-type': opts.file.type } }
      : opts.body === undefined
        ? {}
        : { body: opts.body }),
  };
  return answer<T>(
    untyped.request(method, path as never, init as never) as Promise<{ data?: T; error?: unknown; response: Response }>,
  );
}

/** The thin client for pages not yet on `client`: one function per HTTP verb; paths are below /api/v1. */
export const api = {
  get: <T>(path: string, query?: Query) => call<T>('get', path, { query }),
  /** `idempotencyKey`: the same key on a retry makes the server carry the request out once (api/idempotency.ts). */
  post: <T>(path: string, body: unknown, opts: { idempotencyKey?: string } = {}) =>
    call<T>('post', path, { body, ...opts }),
  put: <T>(path: string, body: unknown) => call<T>('put', path, { body }),
  /** POST a file (XLSX or CSV, by its name) as the raw request body. */
  upload: <T>(path: string, file: File, query?: Query) =>
    call<T>('post', path, {
      query,
      file: {
        data: file,
        type: /\.csv$/i.test(file.name)
          ? 'text/csv'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    }),
  /** POST a multipart form (the browser sets its content type and boundary). */
  postForm: <T>(path: string, form: FormData) => call<T>('post', path, { body: form }),
  delete: <T>(path: string, body?: unknown, query?: Query) => call<T>('delete', path, { body, query }),
  patch: <T>(path: string, body: unknown) => call<T>('patch', path, { body }),
};

/** Fetch a file below /api/v1 (with the session cookie) and hand it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`/api/v1${path}`, {
    credentials: 'same-origin',
    headers: { 'accept-language': acceptLanguage() },
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Problem | null;
    throw new ApiError(res.status, problem, problem?.detail ?? `HTTP ${res.status}`);
  }
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** The text to show a user for any thrown value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
