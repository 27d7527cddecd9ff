import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { users } from '../../db/schema/org';
import { createTestApp, type TestApp } from '../support/app';
import { startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider';

// The token rules of the API against a real OIDC provider (oidc-provider on a loopback port): the
// API discovers the provider's JWKS from its discovery document and verifies tokens signed with the
// provider's own key. Tokens here are made with that key so each rule can be broken on purpose.

const AUDIENCE = 'township-cases';
const MAX_AGE_S = 3_600;
const TOLERANCE_S = 60;

let idp: TestIdentityProvider;
let t: TestApp;
let byUsername: TestApp;

const now = () => Math.floor(Date.now() / 1000);
const me = (app: TestApp, token: string) => request(app.app).get('/api/v1/me').set('authorization', `Bearer ${token}`);
/** A token as the provider would issue it for `sub`, with `claims` overriding or (as undefined) removing claims. */
const token = (claims: Record<string, unknown> = {}) => {
  const base: Record<string, unknown> = {
    sub: 'u.lk.t01.window',
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 300,
    ...claims,
  };
  for (const [k, v] of Object.entries(base)) if (v === undefined) delete base[k];
  return idp.sign(base);
};

beforeAll(async () => {
  idp = await startIdentityProvider('http://app.test');
  const env = {
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_MAX_TOKEN_AGE_S: String(MAX_AGE_S),
    AUTH_CLOCK_TOLERANCE_S: String(TOLERANCE_S),
  };
  t = await createTestApp({ env });
  byUsername = await createTestApp({ env: { ...env, AUTH_USER_CLAIM: 'preferred_username' } });
});

afterAll(async () => {
  await t?.close();
  await byUsername?.close();
  await idp?.stop();
});

describe('token rules', () => {
  it('accepts a well-formed token from the configured issuer and resolves its user by sub = user id', async () => {
    const res = await me(t, await token());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: 'u.lk.t01.window', username: 't01.window' });
  });

  it('refuses a token without exp (it would never expire)', async () => {
    const res = await me(t, await token({ exp: undefined }));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'token-claims-invalid', detail: expect.stringContaining('exp') });
  });

  it('refuses an iat in the future beyond the clock tolerance, accepts one within it', async () => {
    const future = await me(t, await token({ iat: now() + TOLERANCE_S + 600, exp: now() + 3_000 }));
    expect(future.status).toBe(401);
    expect(future.body).toMatchObject({ code: 'token-claims-invalid', detail: expect.stringContaining('iat') });
    expect((await me(t, await token({ iat: now() + TOLERANCE_S - 20 }))).status).toBe(200);
  });

  it('refuses a token without iat, and one older than the maximum token age whatever its exp', async () => {
    expect((await me(t, await token({ iat: undefined }))).body).toMatchObject({
      status: 401,
      code: 'token-claims-invalid',
    });
    const old = await me(t, await token({ iat: now() - MAX_AGE_S - TOLERANCE_S - 60, exp: now() + 86_400 }));
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('token-too-old');
  });

  it('refuses an expired token beyond the tolerance, accepts one within it', async () => {
    const expired = await me(t, await token({ iat: now() - 900, exp: now() - TOLERANCE_S - 30 }));
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'token-expired', detail: '登录已过期，请重新登录' });
    expect((await me(t, await token({ iat: now() - 900, exp: now() - TOLERANCE_S + 20 }))).status).toBe(200);
  });

  it('refuses another audience, another issuer and a token signed with another key', async () => {
    expect((await me(t, await token({ aud: 'someone-else' }))).status).toBe(401);
    expect((await me(t, await token({ iss: 'https://idp.elsewhere' }))).status).toBe(401);
    const other = await startIdentityProvider('http://app.test');
    try {
      // The same claims and issuer, but the other provider's key (not in the configured JWKS).
      const forged = await other.sign({
        iss: idp.issuer,
        sub: 'u.lk.admin',
        aud: AUDIENCE,
        iat: now(),
        exp: now() + 300,
      });
      expect((await me(t, forged)).body).toMatchObject({ status: 401, code: 'token-invalid' });
    } finally {
      await other.stop();
    }
  });

  it('resolves exactly one claim: sub names a user id only, never a username as a fallback', async () => {
    const res = await me(t, await token({ sub: 't01.window' }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unknown-user');
  });

  it('with AUTH_USER_CLAIM=preferred_username, that claim names a username only, whatever sub is', async () => {
    const ok = await me(
      byUsername,
      await token({ sub: 'f3b2c1d0-uuid-from-the-provider', preferred_username: 't01.supervisor' }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.username).toBe('t01.supervisor');
    // An id in the username claim names nobody.
    expect((await me(byUsername, await token({ preferred_username: 'u.lk.t01.supervisor' }))).body.code).toBe(
      'unknown-user',
    );
    // No such claim at all: refused with a message naming the claim.
    const missing = await me(byUsername, await token({ preferred_username: undefined }));
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      code: 'token-user-claim-missing',
      detail: expect.stringContaining('preferred_username'),
    });
  });

  it('an unknown or deactivated subject is 401 telling the person to ask the administrator to add them (zh / en)', async () => {
    const res = await me(t, await token({ sub: 'u.nobody' }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unknown-user');
    expect(res.body.detail).toContain('请联系本单位系统管理员添加');
    expect(res.body.i18n.en.detail).toContain('ask your administrator to add you');
    const en = await me(t, await token({ sub: 'u.nobody' })).set('accept-language', 'en');
    expect(en.body.detail).toContain('ask your administrator to add you');
  });

  it('dev-login tokens keep working next to the provider when dev login is on (tests, npm start)', async () => {
    const res = await request(t.app)
      .get('/api/v1/me')
      .set('authorization', `Bearer ${await t.tokenFor('t01.v01.handler')}`);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('t01.v01.handler');
  });
});

describe('ids and usernames cannot collide (enforced by the database)', () => {
  it('refuses a username equal to another user’s id, and an id equal to another user’s username', async () => {
    const db = t.tdb.db;
    const row = { displayName: '测试', role: 'handler' as const, unitId: 'lk.t01' };
    await expect(
      db.insert(users).values({ ...row, id: 'u.collide-1', username: 'u.lk.t01.window' }),
    ).rejects.toMatchObject({ cause: { code: '23505', constraint: 'users_username_not_another_id' } });
    await expect(db.insert(users).values({ ...row, id: 't01.window', username: 'collide-2' })).rejects.toMatchObject({
      cause: { code: '23505', constraint: 'users_id_not_another_username' },
    });
    // Renaming into a collision is refused too; a user's username may equal its own id.
    await db.insert(users).values({ ...row, id: 'self-named', username: 'self-named' });
    const { eq } = await import('drizzle-orm');
    await expect(
      db.update(users).set({ username: 'u.lk.admin' }).where(eq(users.id, 'self-named')),
    ).rejects.toMatchObject({ cause: { code: '23505' } });
  });

  it('the admin API answers such a user with 409, not 500', async () => {
    const admin = await t.tokenFor('admin');
    const res = await request(t.app)
      .post('/api/v1/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ id: 'u.collide-3', username: 'u.lk.t01.window', displayName: '撞名', role: 'handler', unitId: 'lk.t01' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('dev login is opt-in', () => {
  it('is on in the embedded default (npm start) and off everywhere else unless DEV_LOGIN=on; never in production', () => {
    expect(loadConfig({}, { embedded: true }).auth.devLogin).toBe(true);
    expect(loadConfig({ DEV_LOGIN: 'off' }, { embedded: true }).auth.devLogin).toBe(false);
    expect(loadConfig({}).auth.devLogin).toBe(false);
    expect(loadConfig({ APP_ENV: 'test' }).auth.devLogin).toBe(false);
    expect(loadConfig({ DEV_LOGIN: 'on' }).auth.devLogin).toBe(true);
    const production = {
      APP_ENV: 'production',
      DATABASE_URL: 'postgresql://u:p@db/x',
      TEMPORAL_ADDRESS: 'temporal:7233',
      AUTH_ISSUER: 'https://idp',
      AUTH_CLIENT_ID: 'console',
      AUDIT_HMAC_KEY: 'k'.repeat(32),
      TEMPORAL_CODEC_KEYS: `k1:${'ab'.repeat(32)}`,
    };
    expect(loadConfig(production).auth.devLogin).toBe(false);
    expect(() => loadConfig({ ...production, DEV_LOGIN: 'on' })).toThrow(ConfigError);
  });

  it('when off, the route is not mounted: 404 without reading the body, and absent from the OpenAPI document', async () => {
    const prod = await createTestApp({
      env: {
        APP_ENV: 'production',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        AUTH_ISSUER: idp.issuer,
        AUTH_CLIENT_ID: idp.clientId,
      },
      seed: false,
    });
    try {
      const res = await request(prod.app).post('/api/v1/auth/dev-login').send({ username: 'admin' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('no-route');
      // A malformed body would be a 400 had it been parsed; a huge one a 400 "too large".
      const malformed = await request(prod.app)
        .post('/api/v1/auth/dev-login')
        .set('content-type', 'application/json')
        .send('{"username": ');
      expect(malformed.status).toBe(404);
      const huge = await request(prod.app)
        .post('/api/v1/auth/dev-login')
        .set('content-type', 'application/json')
        .send(`{"u":"${'x'.repeat(2_000_000)}"}`);
      expect(huge.status).toBe(404);
      const doc = await request(prod.app).get('/openapi.json');
      expect(Object.keys(doc.body.paths)).not.toContain('/api/v1/auth/dev-login');
      expect(Object.keys(doc.body.paths)).toContain('/api/v1/me');
    } finally {
      await prod.close();
    }
  });

  it('outside production without DEV_LOGIN=on it is absent too', async () => {
    const plain = await createTestApp({ env: { DEV_LOGIN: 'off' }, seed: false });
    try {
      expect((await request(plain.app).post('/api/v1/auth/dev-login').send({ username: 'admin' })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('verified tokens are remembered only while the rules hold (api/verified-tokens.ts)', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({
      env: {
        AUTH_ISSUER: idp.issuer,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_MAX_TOKEN_AGE_S: String(MAX_AGE_S),
        AUTH_CLOCK_TOLERANCE_S: '0',
      },
    });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses a token once it expires, though it was accepted (and remembered) before', async () => {
    const exp = now() + 2;
    const short = await token({ exp });
    expect((await me(strict, short)).status).toBe(200);
    expect((await me(strict, short)).status).toBe(200);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 1_100));
    const late = await me(strict, short);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('token-expired');
  });

  it('looks the user up on every request: a user deactivated after a remembered token is refused at once', async () => {
    const { eq } = await import('drizzle-orm');
    const user = await token({ sub: 'u.lk.t02.window' });
    expect((await me(strict, user)).status).toBe(200);
    await strict.tdb.db.update(users).set({ active: false }).where(eq(users.id, 'u.lk.t02.window'));
    const refused = await me(strict, user);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unknown-user');
  });
});
