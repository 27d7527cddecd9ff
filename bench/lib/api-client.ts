// A thin HTTP client for the API under test: dev-login tokens per seeded user, JSON in and out,
// and the wall time of every request.
import { performance } from 'node:perf_hooks';

export interface ApiResponse {
  status: number;
  contentType: string;
  body: unknown;
  ms: number;
}

/** A request that never got an HTTP answer (connection refused, reset, timeout). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export class ApiClient {
  private readonly tokens = new Map<string, Promise<string>>();

  /** `issueToken`: where bearer tokens come from when dev login is off (a production API); default dev login. */
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 120_000,
    private readonly issueToken?: (username: string) => Promise<string>,
  ) {}

  /** A bearer token for a seeded user, through the real dev-login endpoint or `issueToken` (cached). */
  token(username: string): Promise<string> {
    let token = this.tokens.get(username);
    if (!token) {
      token = this.issueToken
        ? this.issueToken(username)
        : this.raw('POST', '/api/v1/auth/dev-login', { body: { username } }).then((res) => {
            if (res.status !== 200) throw new Error(`dev-login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
            return (res.body as { token: string }).token;
          });
      token.catch(() => this.tokens.delete(username));
      this.tokens.set(username, token);
    }
    return token;
  }

  /** A request as `user` (or anonymous); `idempotencyKey` makes a retried POST safe (api/idempotency.ts). */
  async request(
    method: string,
    path: string,
    opts: { user?: string; body?: unknown; idempotencyKey?: string } = {},
  ): Promise<ApiResponse> {
    const authorization = opts.user ? `Bearer ${await this.token(opts.user)}` : undefined;
    return this.raw(method, path, { body: opts.body, authorization, idempotencyKey: opts.idempotencyKey });
  }

  private async raw(
    method: string,
    path: string,
    opts: { body?: unknown; authorization?: string; idempotencyKey?: string },
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.authorization) headers.authorization = opts.authorization;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new NetworkError(
        `${method} ${path}: ${err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err)}`,
      );
    }
    const text = await res.text().catch(() => '');
    const ms = performance.now() - started;
    const contentType = res.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (contentType.includes('json') && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, contentType, body, ms };
  }
}
