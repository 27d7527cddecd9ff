import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../workflows/task/definitions';
import { openMenu, pickOption, screenshot, submitAction, systemPerFile } from './harness';

// The web console in a real headless Chromium against the real system: API + Temporal dev server +
// worker + PostgreSQL, all started here. Screenshots go to test-results/screenshots/.

const system = systemPerFile();

const E2E_TIMEOUT = 150_000;

/** Fill and submit the 下达整改任务 form as the signed-in supervisor; returns the new case id. */
async function openTaskInUi(
  page: Page,
  task: { title: string; village: string; amount: string; unit: string },
): Promise<string> {
  await openMenu(page, '下达整改任务');
  await page.locator('#task-title').fill(task.title);
  await page.locator('#task-description').fill('清理占道经营摊点，建立巡查台账并反馈整改照片');
  await page.locator('#task-unit').click();
  await page.keyboard.type(task.village);
  await page.locator('.ant-select-tree-title', { hasText: `${task.village}（村）` }).click();
  await page.locator('#task-amount').fill(task.amount);
  await pickOption(page, page.locator('#task-budget-unit'), new RegExp(`^${task.unit}$`));
  await page.getByRole('button', { name: /提\s*交/ }).click();
  await page.waitForURL(/\/cases\/RW-\d{4}-\d{6}$/);
  const id = (await page.getByTestId('case-id').textContent())!;
  expect(id).toMatch(/^RW-\d{4}-\d{6}$/);
  return id;
}

describe('web console (Playwright + headless Chromium, real system)', () => {
  it(
    'a supervisor opens a task for a village, the village handler completes it from the inbox, the supervisor sees it done',
    async () => {
      const sys = system();
      const sup = await sys.signIn('t01.supervisor');
      const title = `整改：背街小巷占道经营回潮 ${Date.now()}`;
      const id = await openTaskInUi(sup.page, { title, village: '胡寨村', amount: '5', unit: '工作日' });
      await sup.page.getByTestId('case-status').filter({ hasText: '办理中' }).waitFor();
      await sup.page.locator('[data-colour="green"]').first().waitFor();
      await expect.poll(() => sup.page.locator('.countdown').first().textContent()).toMatch(/^还剩 /);
      await screenshot(sup.page, 'a1-supervisor-case-opened');

      const handler = await sys.signIn('t01.v01.handler');
      const row = handler.page.getByTestId('inbox-table').locator('tr', { hasText: id });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('办结');
      // The countdown ticks: a later reading differs from the first (polled, since a loaded CI
      // machine can delay the browser's one-second timer past a fixed wait).
      const first = await row.locator('.countdown').getAttribute('data-left');
      await expect
        .poll(() => row.locator('.countdown').getAttribute('data-left'), { timeout: 10_000, interval: 500 })
        .not.toBe(first);
      await screenshot(handler.page, 'a2-handler-inbox');

      await row.getByRole('link', { name: id }).click();
      await handler.page.locator('[data-action="complete"]').click();
      // An empty result is refused by the form, with the same rule as the API (required, trimmed).
      await handler.page.getByTestId('action-submit').click();
      await handler.page.getByText('办理结果必填').waitFor();
      await handler.page.locator('.ant-modal textarea').fill('已清理占道摊点 12 处，建立巡查台账');
      await submitAction(
        handler.page.locator('.ant-modal'),
        handler.page.getByTestId('case-status').filter({ hasText: '已完成' }),
      );
      await handler.page.getByText('当前没有需要您办理的操作').waitFor();
      await screenshot(handler.page, 'a3-handler-completed');

      await sup.page.reload();
      await sup.page.getByTestId('case-status').filter({ hasText: '已完成' }).waitFor();
      await sup.page.getByText('已清理占道摊点 12 处，建立巡查台账').first().waitFor();
      await sup.page.getByRole('button', { name: /校验审计链/ }).click();
      await expect(sup.page.getByTestId('audit-verdict').textContent()).resolves.toMatch(/审计链完整：\d+ 条记录/);
      await screenshot(sup.page, 'a4-supervisor-sees-done');

      // The English switch relabels the console; server messages follow (Accept-Language).
      await sup.page.getByText('English', { exact: true }).click();
      await sup.page.getByRole('button', { name: /Verify audit chain/ }).waitFor();
      await screenshot(sup.page, 'a5-case-page-english');
      await Promise.all([sup.context.close(), handler.context.close()]);
    },
    E2E_TIMEOUT,
  );

  it(
    'a supervisor sees a task turn red on the SLA board when its deadline passes, and sends 督办 from the board',
    async () => {
      const sys = system();
      const sup = await sys.signIn('t01.supervisor');
      // 0.05 natural minutes = 3 s: blue at 1.5 s, yellow at 2.4 s, red at 3 s (the real workflow timers).
      const id = await openTaskInUi(sup.page, {
        title: `整改：河道垃圾清理 ${Date.now()}`,
        village: '范场村',
        amount: '0.05',
        unit: '分钟',
      });
      await openMenu(sup.page, '督办看板');
      const overdueRow = sup.page.getByTestId('board-overdue').locator('tr', { hasText: id });
      await overdueRow.waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
        await screenshot(sup.page, 'failed-board');
        throw e;
      });
      await overdueRow.locator('[data-colour="red"]').waitFor();
      await expect(overdueRow.locator('.countdown').textContent()).resolves.toMatch(/^已超期 /);
      expect(
        Number(await sup.page.getByTestId('count-red').locator('.ant-statistic-content-value').textContent()),
      ).toBeGreaterThanOrEqual(1);
      await sup.page.getByTestId('board-chart').locator('canvas').waitFor();
      await screenshot(sup.page, 'b1-board-red');

      await sup.page.getByTestId(`urge-${id}`).click();
      await sup.page.locator('.ant-modal textarea').fill('已超期，请立即整改并于今日反馈');
      await submitAction(
        sup.page.locator('.ant-modal').filter({ has: sup.page.locator('.ant-modal-title', { hasText: /^督办$/ }) }),
        sup.page.getByText('督办：操作成功'),
      );
      const task = await sys.apiAs<{ live: TaskView }>('t01.supervisor', 'GET', `/cases/${id}`);
      expect(task.live.urgeCount).toBe(1);
      expect(task.live.history.at(-1)).toMatchObject({ action: 'urge', note: '已超期，请立即整改并于今日反馈' });
      await screenshot(sup.page, 'b2-board-urged');

      await sup.page.goto(`/cases/${id}`);
      await sup.page.getByTestId('clock-task').locator('[data-colour="red"]').waitFor();
      await screenshot(sup.page, 'b3-case-red-with-ledger');
      await sup.context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'a user of another township cannot reach a t01 case by its URL',
    async () => {
      const sys = system();
      const task = await sys.apiAs<TaskView>('t01.supervisor', 'POST', '/tasks', {
        title: '整改：城关镇内部事项（不应被东坝头镇看到）',
        description: '仅城关镇及其下级单位可见',
        unitId: 'lk.t01.v02',
        budget: { unit: 'workday', amount: 5 },
      });
      const other = await sys.signIn('t02.window');
      await other.page.goto(`/cases/${task.caseId}`);
      await other.page.getByText('案件不存在或无权查看').first().waitFor();
      await expect(other.page.getByTestId('case-error').textContent()).resolves.toContain(
        `案件不存在或无权查看：${task.caseId}`,
      );
      expect(await other.page.getByText('城关镇内部事项').count()).toBe(0);
      await screenshot(other.page, 'c1-unauthorised-case');
      await other.context.close();

      // The console's routes fall back to index.html; unknown API paths stay problem+json 404s.
      const page = await fetch(`${sys.baseUrl}/cases/${task.caseId}`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      const missing = await fetch(`${sys.baseUrl}/api/v1/no-such-thing`);
      expect([missing.status, missing.headers.get('content-type')]).toEqual([
        404,
        'application/problem+json; charset=utf-8',
      ]);
      expect((await fetch(`${sys.baseUrl}/assets/missing.js`)).status).toBe(404);
    },
    E2E_TIMEOUT,
  );

  it(
    'an administrator browses the org tree, users, matter catalogue, calendar and case list (read-only pages)',
    async () => {
      const sys = system();
      const admin = await sys.signIn('admin');
      const { page } = admin;
      await openMenu(page, '组织机构');
      await page.locator('.ant-tree-title', { hasText: '城关镇' }).first().click();
      await page.getByText('权责清单（25）').waitFor();
      await screenshot(page, 'd1-admin-org');
      await openMenu(page, '用户');
      await page.getByPlaceholder('用户名 / 姓名').fill('t01.');
      await page.keyboard.press('Enter');
      await page.getByRole('cell', { name: 't01.supervisor', exact: true }).waitFor();
      await screenshot(page, 'd2-admin-users');
      await openMenu(page, '事项目录');
      await page.locator('.ant-table-row-expand-icon').first().click();
      await page.locator('.ant-steps-item').first().waitFor();
      await screenshot(page, 'd3-admin-matters');
      await openMenu(page, '工作日历');
      await page.getByText('春节').first().waitFor();
      await screenshot(page, 'd4-admin-calendar');
      await openMenu(page, '案件查询');
      await page.getByTestId('case-table').locator('tr', { hasText: 'RW-' }).first().waitFor();
      await screenshot(page, 'd5-case-list');
      await admin.context.close();

      const login = await sys.browser.newPage({
        baseURL: sys.baseUrl,
        locale: 'zh-CN',
        viewport: { width: 1440, height: 900 },
      });
      await login.goto('/login');
      await login.getByText('开发登录（演示用户）').waitFor();
      await screenshot(login, 'd6-login');
      await login.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'the login page and the API docs (Swagger UI) run under the Content-Security-Policy without a violation',
    async () => {
      const sys = system();
      const context = await sys.newContext();
      const page = await context.newPage();
      const login = await page.goto('/login');
      expect(login!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      await page.getByText('开发登录（演示用户）').waitFor();
      const docs = await page.goto('/docs');
      expect(docs!.headers()['content-security-policy']).toContain("script-src 'self'");
      // Rendered by the start script the CSP allows, from the OpenAPI document it fetched.
      await page.locator('.swagger-ui .info .title').filter({ hasText: '乡镇治理案件办理引擎' }).waitFor();
      await page.locator('.opblock-tag', { hasText: 'approvals' }).first().waitFor();
      await screenshot(page, 'd7-api-docs');
      await context.close();
      // The harness fails the test on any violation Chromium reported (afterEach).
      expect(sys.cspViolations).toEqual([]);
    },
    E2E_TIMEOUT,
  );

  it(
    'a user whose system asks for less motion gets the console without animation; others keep it',
    async () => {
      const sys = system();
      const transition = async (reducedMotion: 'reduce' | 'no-preference') => {
        const context = await sys.newContext({ reducedMotion });
        const page = await context.newPage();
        await page.goto('/login');
        // The button's CSS transition durations, e.g. "0.2s, 0.2s" (the test code has no DOM types).
        const durations = await page
          .locator('#login-submit')
          .evaluate(
            (b) =>
              (
                globalThis as unknown as { getComputedStyle(e: unknown): { transitionDuration: string } }
              ).getComputedStyle(b).transitionDuration,
          );
        await context.close();
        return Math.max(...durations.split(',').map((d) => parseFloat(d)));
      };
      expect(await transition('no-preference')).toBeGreaterThan(0);
      expect(await transition('reduce')).toBe(0);
    },
    E2E_TIMEOUT,
  );
});
