import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema/sessions';
import { createTestApp, type TestApp } from '../support/app';
import {
  productionSignInEnv,
  signInAtProvider,
  startIdentityProvider,
  type TestIdentityProvider,
} from '../support/oidc-provider';

// Console sign-in through a real OIDC provider (oidc-provider on a loopback port), under the
// production configuration: authorization code + PKCE run by the API with openid-client, a session
// cookie for the browser, sign-out through the provider's end-session endpoint. The browser's part
// (following redirects, typing the login at the provider) is done with fetch.

const APP_URL = 'http://app.test';
let idp: TestIdentityProvider;
let t: TestApp;

const sessionCookieOf = (res: request.Response) => {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('tc_session='));
};

/** Walk the whole sign-in as `login`, starting from the console page `returnTo`; returns the app's final answer. */
async function signIn(login: string, returnTo = '/inbox') {
  const start = await request(t.app).get(`/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(303);
  const attempt = ([] as string[]).concat(start.headers['set-cookie'] ?? []).find((c) => c.startsWith('tc_signin='));
  expect(attempt).toMatch(/HttpOnly/i);
  const authorize = new URL(start.headers.location!);
  expect(authorize.origin).toBe(idp.issuer);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${APP_URL}/api/v1/auth/oidc/callback`);
  const callback = await signInAtProvider(authorize.href, login);
  expect(callback.origin + callback.pathname).toBe(`${APP_URL}/api/v1/auth/oidc/callback`);
  return request(t.app)
    .get(callback.pathname + callback.search)
    .set('cookie', attempt!.split(';')[0]!);
}

beforeAll(async () => {
  idp = await startIdentityProvider(APP_URL);
  t = await createTestApp({
    env: productionSignInEnv(idp, APP_URL),
  });
});

afterAll(async () => {
  await t?.close();
  await idp?.stop();
});

describe('console sign-in through the identity provider (production configuration)', () => {
  it('offers only the provider: /auth/config says so and dev login is absent', async () => {
    expect((await request(t.app).get('/api/v1/auth/config')).body).toEqual({ oidc: true, devLogin: false });
    expect((await request(t.app).post('/api/v1/auth/dev-login').send({ username: 'admin' })).status).toBe(404);
  });

  it('signs in with code + PKCE, opens an httpOnly SameSite=Lax session, and returns to the page the user was on', async () => {
    const done = await signIn('t01.window', '/cases/RW-2026-000001?tab=audit');
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/cases/RW-2026-000001?tab=audit');
    const cookie = sessionCookieOf(done);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // No token in anything the browser can read: the answer is a redirect with a random session id.
    expect(done.text ?? '').not.toMatch(/eyJ/);
    const me = await request(t.app).get('/api/v1/me').set('cookie', cookie!.split(';')[0]!);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 't01.window', role: 'window_staff' });
  });

  it('an account the county has not added lands on the login page with the reason, and no session', async () => {
    const done = await signIn('someone.new');
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/login?signin_error=unknown-user&account=someone.new');
    expect(sessionCookieOf(done)).toBeUndefined();
  });

  it('never redirects to another site after sign-in', async () => {
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const done = await signIn('t01.window', evil);
      expect(done.headers.location).toBe('/inbox');
    }
  });

  it('refuses a callback without the browser’s sign-in cookie, or replayed', async () => {
    const start = await request(t.app).get('/api/v1/auth/oidc/login');
    const attempt = ([] as string[])
      .concat(start.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('tc_signin='))!
      .split(';')[0]!;
    const callback = await signInAtProvider(start.headers.location!, 't01.window');
    const stranger = await request(t.app).get(callback.pathname + callback.search);
    expect(stranger.headers.location).toBe('/login?signin_error=signin-expired');
    const first = await request(t.app)
      .get(callback.pathname + callback.search)
      .set('cookie', attempt);
    expect(first.headers.location).toBe('/inbox');
    const replay = await request(t.app)
      .get(callback.pathname + callback.search)
      .set('cookie', attempt);
    expect(replay.headers.location).toBe('/login?signin_error=signin-expired');
  });

  it('an expired session is 401 session-expired ("请重新登录"); a cross-site write with the cookie is refused', async () => {
    const cookie = sessionCookieOf(await signIn('t01.supervisor'))!.split(';')[0]!;
    const crossSite = await request(t.app)
      .post('/api/v1/tasks')
      .set('cookie', cookie)
      .set('origin', 'https://evil.example')
      .send({});
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.code).toBe('cross-site-request');
    const [row] = await t.tdb.db.select().from(sessions).where(eq(sessions.userId, 'u.lk.t01.supervisor'));
    await t.tdb.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.idHash, row!.idHash));
    const expired = await request(t.app).get('/api/v1/me').set('cookie', cookie);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'session-expired', detail: '登录已过期，请重新登录' });
  });

  it('signs out: the session ends, its cookie is cleared, and the provider’s end-session URL comes back with the ID token hint', async () => {
    const cookie = sessionCookieOf(await signIn('t01.dispatcher'))!.split(';')[0]!;
    const out = await request(t.app).post('/api/v1/auth/logout').set('cookie', cookie);
    expect(out.status).toBe(200);
    const end = new URL(out.body.endSessionUrl);
    expect(end.origin).toBe(idp.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_URL}/login`);
    expect(end.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).toMatch(/tc_session=;/);
    expect((await request(t.app).get('/api/v1/me').set('cookie', cookie)).body.code).toBe('session-expired');
    // The provider accepts the URL (its sign-out confirmation page).
    expect((await fetch(end)).status).toBe(200);
  });
});
