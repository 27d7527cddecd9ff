import { currentLang } from '../i18n';
import type { Problem } from './types';

const TOKEN_KEY = 'tc.token';

export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

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

/** Called when the server says the session has expired (401). */
let onUnauthenticated: () => void = () => undefined;
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

async function call<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN' };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, null, currentLang() === 'en' ? 'Cannot reach the server' : '无法连接服务器，请检查网络');
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (json ?? null) as Problem | null;
    if (res.status === 401 && token) onUnauthenticated();
    const issues = problem?.issues?.map((i) => i.message).join('；');
    throw new ApiError(res.status, problem, [problem?.detail ?? `HTTP ${res.status}`, issues].filter(Boolean).join('：'));
  }
  return json as T;
}

/** The thin typed client: one function per HTTP verb; paths are below /api/v1. */
export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', path, { query }),
  post: <T>(path: string, body: unknown) => call<T>('POST', path, { body }),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, { body }),
};

/** Fetch a file below /api/v1 with the bearer token and hand it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const token = tokenStore.get();
  const res = await fetch(url(path), { headers: { 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
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
