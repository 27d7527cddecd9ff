import { currentLang } from '../i18n';
import type { Problem } from './types';

// The console holds no token: the server keeps the session and the browser sends its httpOnly
// cookie with every same-origin request (api/session.ts).

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

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

async function call<T>(method: string, path: string, opts: { query?: Query; body?: unknown; file?: { data: Blob; type: string }; form?: FormData; idempotencyKey?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN' };
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.file) headers['content-type'] = opts.file.type;
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers, credentials: 'same-origin', body: opts.form ?? (opts.file ? opts.file.data : opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  } catch {
    throw new ApiError(0, null, currentLang() === 'en' ? 'Cannot reach the server' : '无法连接服务器，请检查网络');
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (json ?? null) as Problem | null;
    if (res.status === 401) onUnauthenticated(problem);
    const issues = problem?.issues?.map((i) => i.message).join('；');
    throw new ApiError(res.status, problem, [problem?.detail ?? `HTTP ${res.status}`, issues].filter(Boolean).join('：'));
  }
  return json as T;
}

/** The thin typed client: one function per HTTP verb; paths are below /api/v1. */
export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', path, { query }),
  /** `idempotencyKey`: the same key on a retry makes the server carry the request out once (api/idempotency.ts). */
  post: <T>(path: string, body: unknown, opts: { idempotencyKey?: string } = {}) => call<T>('POST', path, { body, ...opts }),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, { body }),
  /** POST a file (XLSX or CSV, by its name) as the raw request body. */
  upload: <T>(path: string, file: File, query?: Query) =>
    call<T>('POST', path, { query, file: { data: file, type: /\.csv$/i.test(file.name) ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }),
  /** POST a multipart form (the browser sets its content type and boundary). */
  postForm: <T>(path: string, form: FormData) => call<T>('POST', path, { form }),
  delete: <T>(path: string, body?: unknown, query?: Query) => call<T>('DELETE', path, { body, query }),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, { body }),
};

/** Fetch a file below /api/v1 (with the session cookie) and hand it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(url(path), { credentials: 'same-origin', headers: { 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN' } });
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
