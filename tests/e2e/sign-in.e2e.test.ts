import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orgUnits } from '../../db/schema/org';
import { sessions } from '../../db/schema/sessions';
import { freePort } from '../../runtime/free-port';
import { productionSignInEnv, startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider';
import { openMenu, screenshot, startSystem, type System } from './harness';

// Go-live sign-in in headless Chromium under the production configuration: the console offers one
// "统一身份认证登录" button, the browser signs in at a real OIDC provider (oidc-provider on a
// loopback port), works its inbox, sees its session expire and is brought back to the page it was
// on, and signs out of the console and the provider.

const E2E_TIMEOUT = 180_000;
let sys: System | undefined;
let idp: TestIdentityProvider | undefined;

beforeAll(async () => {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  idp = await startIdentityProvider(appUrl);
  sys = await startSystem({
    port,
    env: productionSignInEnv(idp, appUrl),
  });
}, 180_000);

// A failed test leaves a screenshot of every page still open.
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail' || !sys) return;
  const pages = sys.browser.contexts().flatMap((c) => c.pages());
  await Promise.all(pages.map((p, i) => screenshot(p, `failed-sign-in-${i + 1}`).catch(() => undefined)));
});

afterAll(async () => {
  await sys?.stop();
  await idp?.stop();
});

/** An API call as `username` with a token the provider signed (production has no dev login). */
async function apiAs<T>(username: string, method: string, path: string, body?: unknown): Promise<T> {
  const now = Math.floor(Date.now() / 1000);
  const token = await idp!.sign({
    sub: `kc-${username}`,
    preferred_username: username,
    aud: 'township-cases',
    iat: now,
    exp: now + 300,
  });
  const res = await fetch(`${sys!.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('sign-in through the unified identity (Playwright + headless Chromium, real OIDC provider)', () => {
  it(
    'signs in at the provider, works the inbox, sees the session expire and returns to the page, signs out',
    async () => {
      const s = sys!;
      const title = `整改：沟渠垃圾清理 ${Date.now()}`;
      const { caseId: id } = await apiAs<{ caseId: string }>('t01.supervisor', 'POST', '/tasks', {
        title,
        description: '清理沟渠垃圾并建立台账',
        unitId: 'lk.t01.v01',
        budget: { unit: 'workday', amount: 5 },
      });

      const context = await s.newContext();
      const page = await context.newPage();

      // A deep link while signed out: the login page offers only the unified identity.
      await page.goto(`/cases/${id}`);
      const button = page.locator('#oidc-login');
      await button.waitFor();
      await expect(button.textContent()).resolves.toContain('统一身份认证登录');
      expect(await page.locator('#username').count()).toBe(0);
      expect(await page.getByText('开发登录').count()).toBe(0);
      await screenshot(page, 's1-login-production');

      // At the provider: its own login form; then back on the page the user asked for.
      await button.click();
      await page.locator('input[name="login"]').waitFor();
      expect(new URL(page.url()).origin).toBe(idp!.issuer);
      await page.locator('input[name="login"]').fill('t01.v01.handler');
      await page.locator('input[name="password"]').fill('any-password');
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(`${s.baseUrl}/cases/${id}`);
      await page.locator('[data-testid="current-user"][data-username="t01.v01.handler"]').waitFor();
      await page.getByTestId('case-id').filter({ hasText: id }).waitFor();
      // Nothing a script on the page could carry away: no token in storage, the session cookie is httpOnly.
      const exposed = await page.evaluate<string>(
        'JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + document.cookie',
      );
      expect(exposed).not.toMatch(/eyJ|tc_session/);
      await screenshot(page, 's2-signed-in-case');

      // The inbox lists the task.
      await openMenu(page, '我的待办');
      const row = page.getByTestId('inbox-table').locator('tr', { hasText: id });
      await row.waitFor();
      await screenshot(page, 's3-inbox');

      // The session ends (as after AUTH_SESSION_MAX_AGE_S): the next request says 请重新登录, and
      // signing in again (the provider still knows the browser) lands back on the page.
      await s.t.tdb.db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, 'u.lk.t01.v01.handler'));
      await row.getByRole('link', { name: id }).click();
      await page.getByTestId('session-expired').filter({ hasText: '登录已过期，请重新登录' }).waitFor();
      await screenshot(page, 's4-session-expired');
      await page.locator('#oidc-login').click();
      await page.waitForURL(`${s.baseUrl}/cases/${id}`);
      await page.locator('[data-testid="current-user"][data-username="t01.v01.handler"]').waitFor();

      // A write with the new session: complete the task.
      await page.locator('[data-action="complete"]').click();
      await page.locator('.ant-modal textarea').fill('沟渠垃圾已清理，台账已建立');
      await page.getByTestId('action-submit').click();
      await page.getByTestId('case-status').filter({ hasText: '已完成' }).waitFor();
      await screenshot(page, 's5-completed-after-renewal');

      // Sign out: the console session ends, then the provider's sign-out returns to the login page.
      await page.getByRole('button', { name: /退\s*出/ }).click();
      await page.waitForURL((url) => url.origin === idp!.issuer);
      await page.getByRole('button', { name: /sign me out/i }).click();
      await page.waitForURL(`${s.baseUrl}/login`);
      await page.locator('#oidc-login').waitFor();
      expect((await context.cookies()).some((c) => c.name === 'tc_session')).toBe(false);
      await screenshot(page, 's6-signed-out');
      // Signed out at the provider too: signing in asks for the login again.
      await page.locator('#oidc-login').click();
      await page.locator('input[name="login"]').waitFor();
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'an administrator signed in through the provider imports an org spreadsheet: dry run, then apply',
    async () => {
      const s = sys!;
      const context = await s.newContext();
      const page = await context.newPage();
      await page.goto('/admin/import');
      await page.locator('#oidc-login').click();
      await page.locator('input[name="login"]').fill('admin');
      await page.locator('input[name="password"]').fill('any-password');
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(`${s.baseUrl}/admin/import`);
      await page.locator('[data-testid="current-user"][data-username="admin"]').waitFor();

      const csv =
        '单位编码,上级单位编码,类型,单位名称,英文名称,所属部门编码,区划代码\nlk.t01.v08,lk.t01,村,孟寨村,Mengzhai Village,,\nlk.t01.v08.g01,lk.t01.v08,网格,孟寨村第一网格,,,\n';
      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: '组织机构.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await page.locator('#import-dry-run').click();
      const report = page.getByTestId('import-report');
      await report.getByText('未写入（试运行）').waitFor();
      await screenshot(page, 's7-import-dry-run');
      await page.locator('#import-apply').click();
      await report.getByText('已导入').waitFor();
      await screenshot(page, 's8-import-applied');
      const [village] = await s.t.tdb.db.select().from(orgUnits).where(eq(orgUnits.id, 'lk.t01.v08'));
      expect(village).toMatchObject({ name: '孟寨村', path: 'lk/lk.t01/lk.t01.v08' });
      await context.close();
    },
    E2E_TIMEOUT,
  );
});
