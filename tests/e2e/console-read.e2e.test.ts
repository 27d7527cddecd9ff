import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { calendarYears, NATIONAL_REGION } from '../../db/schema';
import type { SummonsView } from '../../workflows/summons/definitions';
import type { TaskView } from '../../workflows/task/definitions';
import { screenshot, systemPerFile } from './harness';

// The console as people read it (issue 15): 督办 reaches the recipient's bell, and every route, as
// each role, in Chinese, shows no engine codes, ids, ISO instants or float durations.

const system = systemPerFile();
const E2E_TIMEOUT = 240_000;

/** A task for 胡寨村 (lk.t01.v01) by the township supervisor; `minutes` small makes it overdue at once. */
async function newTask(
  sys: ReturnType<typeof system>,
  title: string,
  budget: { unit: string; amount: number },
): Promise<string> {
  const task = await sys.apiAs<TaskView>('t01.supervisor', 'POST', '/tasks', {
    title,
    description: '清理占道经营摊点，反馈整改照片',
    unitId: 'lk.t01.v01',
    budget,
  });
  return task.caseId;
}

const bellCount = async (page: Page) =>
  Number((await page.getByTestId('notice-bell-count').getAttribute('data-count')) ?? '0');

describe('notice centre and translation sweep (Playwright + headless Chromium, real system)', () => {
  it(
    'a county supervisor 督办 a township’s overdue task from the board; the village sees it in its bell and marks it read',
    async () => {
      const sys = system();
      const id = await newTask(sys, `整改：河道垃圾清理 ${Date.now()}`, { unit: 'minute', amount: 0.05 });
      const handler = await sys.signIn('t01.v01.handler');
      const before = await bellCount(handler.page);

      const sup = await sys.signIn('lk.supervisor');
      await sup.page.goto('/board');
      const urge = sup.page.getByTestId(`urge-${id}`);
      // The task turns overdue within seconds; the board is read again until it lists it with the button.
      await expect
        .poll(
          async () => {
            if (await urge.count()) return true;
            await sup.page
              .getByRole('button', { name: /刷\s*新/ })
              .first()
              .click();
            await sup.page.waitForTimeout(1_000);
            return (await urge.count()) > 0;
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toBe(true);
      await urge.click();
      await sup.page.locator('.ant-modal textarea').fill('县督查：已超期，请今日办结并反馈');
      await sup.page
        .locator('.ant-modal')
        .getByRole('button', { name: /确\s*定|提\s*交/ })
        .click();
      await sup.page.locator('.ant-modal').waitFor({ state: 'hidden' });
      await screenshot(sup.page, 'r1-county-supervisor-urged');

      // The village's bell counts it (the bell polls; reloading the page reads it at once).
      await expect
        .poll(
          async () => {
            await handler.page.reload();
            await handler.page.getByTestId('notice-bell').waitFor();
            await handler.page.waitForTimeout(500);
            return bellCount(handler.page);
          },
          { timeout: 60_000, interval: 2_000 },
        )
        .toBeGreaterThan(before);
      await handler.page.getByTestId('notice-bell').click();
      await handler.page.waitForURL(/\/notices$/);
      const item = handler.page.locator(`[data-case="${id}"]`).filter({ hasText: '县督查：已超期' }).first();
      await item.waitFor();
      await expect(item.textContent()).resolves.toContain('督办');
      await screenshot(handler.page, 'r2-village-notice-centre');
      const count = await bellCount(handler.page);
      await item.getByTestId('mark-read').click();
      await expect.poll(() => bellCount(handler.page), { timeout: 20_000 }).toBe(count - 1);
      // Filtering by kind: 红牌 shows no 督办.
      await handler.page.getByTestId('notice-kinds').getByText('红牌').click();
      await expect.poll(() => handler.page.locator(`[data-case="${id}"]`).count()).toBe(0);
      await sup.context.close();
      await handler.context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'every route, as each role, in Chinese: no engine codes, ids, ISO instants or float durations',
    async () => {
      const sys = system();
      await sys.t.tdb.db
        .insert(calendarYears)
        .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
        .onConflictDoNothing();
      const taskId = await newTask(sys, `整改：背街小巷占道经营 ${Date.now()}`, { unit: 'workday', amount: 5 });
      await sys.apiAs('t01.supervisor', 'POST', `/tasks/${taskId}/actions`, { type: 'urge', message: '请抓紧办理' });
      const whistle = await sys.apiAs<SummonsView>('t01.dispatcher', 'POST', '/summons', {
        title: '废品收购站占道堆放、夜间噪声扰民',
        description: '涉及市场监管、生态环境多部门',
        reasonCode: 'multi-department',
        urgency: 'urgent',
        complexity: 'simple',
        unitIds: ['lk.dept.scjg', 'lk.dept.sthj'],
      });
      const pending = await sys.apiAs<SummonsView>('t01.dispatcher', 'POST', '/summons', {
        title: '农贸市场周边占道经营',
        description: '需市场监管与城管联合处置',
        reasonCode: 'multi-department',
        urgency: 'normal',
        complexity: 'simple',
        unitIds: ['lk.dept.scjg', 'lk.dept.sthj'],
      });
      await sys.apiAs('t01.leader', 'POST', `/summons/${whistle.caseId}/actions`, {
        type: 'approve',
        note: '同意吹哨',
      });

      const common = ['/inbox', '/notices', '/cases', '/assessment'];
      const visits: Record<string, string[]> = {
        't01.supervisor': [...common, '/board', '/whistles', `/cases/${taskId}`],
        'lk.supervisor': [...common, '/board', '/whistles', `/cases/${taskId}`],
        't01.leader': [...common, '/board', '/whistles', `/whistles/${pending.caseId}`, `/cases/${pending.caseId}`],
        't01.dispatcher': [...common, '/board', '/whistles', `/whistles/${whistle.caseId}`],
        't01.v01.handler': [...common, `/cases/${taskId}`],
        'scjg.liaison': [...common, '/summons'],
        't01.window': [...common],
        't01.v01.g01.grid': [...common],
        'lk.assessor': [...common, '/board'],
        admin: [
          ...common,
          '/board',
          `/cases/${taskId}`,
          '/admin/org',
          '/admin/users',
          '/admin/matters',
          '/admin/calendar',
          '/admin/incident-config',
          '/admin/summons-config',
        ],
      };
      const CODES =
        /\b(awaiting-approval|awaiting-supplement|awaiting-conclusion|awaiting-callback|in-progress|notified|acknowledged?|on-site|summoning|dispatched|handling|verifying|paused|urge|approve|reject|complete|window_staff|dept_liaison|grid_worker|supervisor|green|yellow)\b/;
      const IDS = /\bu\.lk\.[\w.]+|\blk\.(?:t\d\d|dept|[a-z]+)\b[\w.]*|CS-\d{4}-\d{6}\.lk/;
      const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
      const FLOAT_DURATION =
        /\d+\.\d+\s*(分钟|小时|天|分|秒)|已用 \d+\.\d+|\(window\)|seed:chinese-days|→ (blue|red|yellow)/;
      const found: string[] = [];
      for (const [username, routes] of Object.entries(visits)) {
        const { context, page } = await sys.signIn(username);
        for (const route of routes) {
          await page.goto(route);
          await page.getByTestId('current-user').waitFor();
          // Let the page's reads (and the names they look up) arrive.
          await page.waitForLoadState('networkidle').catch(() => undefined);
          await page.waitForTimeout(800);
          const text = await page.locator('main, .ant-layout-content').first().innerText();
          // The user administration page lists login names (e.g. lk.supervisor): the admin's own handle on an account.
          const checks =
            route === '/admin/users'
              ? ([
                  ['iso', ISO],
                  ['duration', FLOAT_DURATION],
                ] as const)
              : ([
                  ['code', CODES],
                  ['id', IDS],
                  ['iso', ISO],
                  ['duration', FLOAT_DURATION],
                ] as const);
          for (const [what, re] of checks) {
            const m = re.exec(text);
            if (m)
              found.push(
                `${username} ${route}: ${what} “${m[0]}” in …${text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' ')}…`,
              );
          }
          await screenshot(page, `sweep-${username}-${route.replace(/[^\w]+/g, '-')}`);
        }
        await context.close();
      }
      expect(found).toEqual([]);
    },
    E2E_TIMEOUT * 2,
  );
});
