import { Writable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { users } from '../../db/schema';
import { createTestApp, type TestApp } from '../support/app';

// The API without Temporal: every route here answers from PostgreSQL or before any workflow call.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

/** Parse a CSP header into directive → sources. */
function csp(header: string | undefined): Record<string, string[]> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers', () => {
  it('the docs, the API and unknown paths carry CSP, nosniff, no framing and no referrer', async () => {
    for (const path of ['/docs', '/api/v1/me', '/healthz', '/api/v1/nowhere']) {
      const res = await api().get(path);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
      expect(res.headers['x-powered-by'], path).toBeUndefined();
      const policy = csp(res.headers['content-security-policy']);
      expect(policy['frame-ancestors'], path).toEqual(["'none'"]);
      expect(policy['script-src'], path).toEqual(["'self'"]);
      expect(policy['object-src'], path).toEqual(["'none'"]);
      // antd's CSS-in-JS needs inline styles; scripts stay same-origin only.
      expect(policy['style-src'], path).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy['default-src'], path).toEqual(["'self'"]);
    }
  });

  it('the docs page runs no inline script (its start script is a file the CSP allows)', async () => {
    const page = await api().get('/docs');
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/docs\//);
      expect(body!.trim()).toBe('');
    }
    const init = await api().get('/docs/init.js');
    expect(init.status).toBe(200);
    expect(init.headers['content-type']).toMatch(/javascript/);
    expect(init.text).toContain("SwaggerUIBundle({ url: '/openapi.json'");
  });

  it('API answers, refusals included, are never cached', async () => {
    const me = await api()
      .get('/api/v1/me')
      .set(await auth('t01.window'));
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    const refused = await api().get('/api/v1/me');
    expect(refused.status).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('a safe client request id is kept; anything else is replaced by a fresh one', async () => {
    const kept = await api().get('/healthz').set('x-request-id', 'abc.DEF_123-x');
    expect(kept.headers['x-request-id']).toBe('abc.DEF_123-x');
    for (const hostile of ['a'.repeat(65), 'x y', 'id"><script>', '../../etc', 'a%0d%0aSet-Cookie:x', '{"level":60}']) {
      const res = await api().get('/api/v1/me').set('x-request-id', hostile);
      expect(res.headers['x-request-id']).not.toBe(hostile);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    }
  });
});

describe('rate limits (low limits set through configuration)', () => {
  let low: TestApp;
  beforeAll(async () => {
    low = await createTestApp({
      env: {
        RATE_LIMIT_AUTH_PER_IP: '5',
        RATE_LIMIT_AUTH_FAILURES_PER_IP: '4',
        RATE_LIMIT_WRITES_PER_USER: '3',
        RATE_LIMIT_WINDOW_S: '600',
      },
    });
  });
  afterAll(async () => {
    await low?.close();
  });

  const expect429 = (res: request.Response) => {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(res.body).toMatchObject({
      status: 429,
      code: 'rate-limited',
      i18n: { 'zh-CN': { title: '请求过于频繁' }, en: { title: 'Too many requests' } },
    });
  };

  it('sign-in per client address: the sixth login within the window gets 429 problem+json with Retry-After', async () => {
    const login = (username: string) => request(low.app).post('/api/v1/auth/dev-login').send({ username });
    for (const username of ['t01.window', 't02.window', 'nobody', 't03.window', 'admin']) {
      expect([200, 404]).toContain((await login(username)).status);
    }
    const limited = await login('t01.supervisor');
    expect429(limited);
    expect(limited.body.detail).toContain('登录请求过于频繁');
    const en = await request(low.app)
      .post('/api/v1/auth/dev-login')
      .set('accept-language', 'en')
      .send({ username: 'admin' });
    expect429(en);
    expect(en.body.detail).toMatch(/^Too many sign-in requests/);
  });

  it('bad tokens per client address: after 4 refused tokens even a request with a good token waits', async () => {
    // Its own app: the sign-in limiter above has spent this address's logins.
    const app = await createTestApp({ env: { RATE_LIMIT_AUTH_FAILURES_PER_IP: '4', RATE_LIMIT_WINDOW_S: '600' } });
    try {
      const good = await app.tokenFor('t01.window');
      // Successful requests do not count.
      for (let i = 0; i < 10; i += 1)
        expect((await request(app.app).get('/api/v1/me').set('authorization', `Bearer ${good}`)).status).toBe(200);
      for (let i = 0; i < 4; i += 1)
        expect((await request(app.app).get('/api/v1/me').set('authorization', `Bearer forged.${i}.token`)).status).toBe(
          401,
        );
      expect429(await request(app.app).get('/api/v1/me').set('authorization', 'Bearer forged.5.token'));
      expect429(await request(app.app).get('/api/v1/me').set('authorization', `Bearer ${good}`));
    } finally {
      await app.close();
    }
  });

  it('writes per user: the fourth change by one user gets 429; reads and other users go on', async () => {
    // The sign-in limiter above has spent this address's logins: mint tokens with the app's own authenticator.
    const bearer = async (userId: string) =>
      `Bearer ${(await low.deps.auth.issueDevToken!({ id: userId, username: userId.replace(/^u\.lk\./, '') })).token}`;
    const write = async (userId: string) =>
      request(low.app)
        .post('/api/v1/tasks')
        .set('authorization', await bearer(userId))
        .send({ title: '' });
    for (let i = 0; i < 3; i += 1) expect((await write('u.lk.t01.supervisor')).status).toBe(400);
    expect429(await write('u.lk.t01.supervisor'));
    expect(
      (
        await request(low.app)
          .get('/api/v1/me')
          .set('authorization', await bearer('u.lk.t01.supervisor'))
      ).status,
    ).toBe(200);
    expect((await write('u.lk.t02.supervisor')).status).toBe(400);
  });

  it('the defaults are generous enough for the test suites and benches', () => {
    expect(t.config.rateLimits).toEqual({
      windowMs: 60_000,
      authPerIp: 300,
      authFailuresPerIp: 300,
      writesPerUser: 3000,
    });
  });
});

describe('/metrics', () => {
  it('open in the embedded default; behind METRICS_TOKEN when one is set; closed in production without one', async () => {
    expect((await api().get('/metrics')).text).toContain('http_request_duration_seconds');

    const guarded = await createTestApp({ env: { METRICS_TOKEN: 'metrics-secret-0123456789' }, seed: false });
    try {
      const anonymous = await request(guarded.app).get('/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
      expect(anonymous.body.code).toBe('metrics-token-required');
      expect(
        (await request(guarded.app).get('/metrics').set('authorization', 'Bearer metrics-secret-012345678X')).status,
      ).toBe(401);
      const ok = await request(guarded.app).get('/metrics').set('authorization', 'Bearer metrics-secret-0123456789');
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('http_request_duration_seconds');
    } finally {
      await guarded.close();
    }

    const prod = await createTestApp({
      env: {
        APP_ENV: 'production',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        AUTH_ISSUER: 'https://idp.example',
        AUTH_JWKS_URL: 'https://idp.example/jwks',
        AUTH_CLIENT_ID: 'township-console',
      },
      seed: false,
    });
    try {
      const res = await request(prod.app).get('/metrics');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('http_request_duration_seconds');
    } finally {
      await prod.close();
    }
  });
});

describe('request logs', () => {
  it('name the signed-in user of each request, and only a safe request id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const app = createApp({ ...t.deps, logger: pino({ level: 'info' }, sink), metrics: new Registry() });
    await request(app)
      .get('/api/v1/me')
      .set(await auth('t01.window'))
      .set('x-request-id', 'req-signed-in');
    await request(app).get('/api/v1/me').set('x-request-id', 'bad id {"forged":"line"}');
    const done = (id: unknown) =>
      lines.find((l) => l.msg === 'request completed' && (l.req as { id?: unknown } | undefined)?.id === id);
    await expect.poll(() => done('req-signed-in'), { timeout: 5000 }).toBeTruthy();
    expect(done('req-signed-in')).toMatchObject({ userId: 'u.lk.t01.window', res: { statusCode: 200 } });
    const anonymous = lines.find((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 401);
    expect(anonymous).toBeDefined();
    expect(anonymous!.userId).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('forged');
  });
});

describe('access audit (auditor role)', () => {
  const entries = async (query: Record<string, string>) => {
    const res = await api()
      .get('/api/v1/access-audit')
      .query(query)
      .set(await auth('lk.auditor'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Record<string, unknown>[]; total: number; page: number; pageSize: number };
  };

  it('records sign-ins, failed sign-ins and 401/403 refusals with who, where and the problem code', async () => {
    const login = await api()
      .post('/api/v1/auth/dev-login')
      .set('x-request-id', 'audit-login-1')
      .send({ username: 't02.handler' });
    expect(login.status).toBe(200);
    expect((await api().post('/api/v1/auth/dev-login').send({ username: 'mallory' })).status).toBe(404);
    expect(
      (await api().get('/api/v1/me').set('authorization', 'Bearer not.a.token').set('x-request-id', 'audit-401-1'))
        .status,
    ).toBe(401);
    const forbidden = await api()
      .get('/api/v1/access-audit')
      .set(await auth('admin'))
      .set('x-request-id', 'audit-403-1');
    expect(forbidden.status).toBe(403);

    await expect
      .poll(async () => (await entries({ kind: 'forbidden', userId: 'u.lk.admin' })).total, { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect((await entries({ kind: 'login', userId: 'u.lk.t02.handler' })).items[0]).toMatchObject({
      username: 't02.handler',
      role: 'handler',
      unitId: 'lk.t02',
      method: 'POST',
      path: '/api/v1/auth/dev-login',
      status: 200,
      requestId: 'audit-login-1',
      ip: expect.stringContaining('127.0.0.1'),
    });
    expect((await entries({ kind: 'login-failed' })).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'mallory', userId: null, status: 404, detail: { code: 'unknown-user' } }),
      ]),
    );
    const refused = await entries({ kind: 'unauthenticated' });
    expect(refused.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          requestId: 'audit-401-1',
          userId: null,
          path: '/api/v1/me',
          status: 401,
          detail: { code: 'token-invalid' },
        }),
      ]),
    );
    expect((await entries({ kind: 'forbidden', userId: 'u.lk.admin' })).items[0]).toMatchObject({
      requestId: 'audit-403-1',
      role: 'admin',
      status: 403,
      path: '/api/v1/access-audit',
      detail: { code: 'role-forbidden' },
    });
  });

  it('records who read staff phone numbers; filters and pages; only the auditor may read it; the table is append-only', async () => {
    await t.tdb.db.update(users).set({ phone: '13912345678' }).where(eq(users.username, 't03.handler'));
    expect(
      (
        await api()
          .get('/api/v1/users')
          .query({ q: 't03.handler' })
          .set(await auth('lk.supervisor'))
      ).status,
    ).toBe(200);
    expect(
      (
        await api()
          .get('/api/v1/users/u.lk.t03.handler')
          .set(await auth('t03.window'))
      ).status,
    ).toBe(200);
    const reads = await entries({ kind: 'personal-data-read' });
    expect(reads.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: 'u.lk.lk.supervisor',
          subject: 'users',
          detail: { fields: ['phone'], userIds: ['u.lk.t03.handler'] },
        }),
        expect.objectContaining({
          userId: 'u.lk.t03.window',
          subject: 'u.lk.t03.handler',
          detail: { fields: ['phone'], userIds: ['u.lk.t03.handler'] },
        }),
      ]),
    );
    const firstPage = await entries({ pageSize: '1' });
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.total).toBeGreaterThan(1);
    expect((await entries({ pageSize: '1', page: '2' })).items[0]!.id).not.toBe(firstPage.items[0]!.id);
    expect((await entries({ from: new Date(Date.now() + 3_600_000).toISOString() })).total).toBe(0);
    for (const username of ['admin', 'lk.supervisor', 't01.window']) {
      const res = await api()
        .get('/api/v1/access-audit')
        .set(await auth(username));
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    await expect(t.tdb.db.execute(sql`delete from access_audit`)).rejects.toThrow();
    await expect(t.tdb.db.execute(sql`update access_audit set user_id = null`)).rejects.toThrow();
  });
});
