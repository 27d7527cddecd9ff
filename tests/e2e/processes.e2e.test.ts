import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../workflows/approval/definitions';
import type { IncidentView } from '../../workflows/incident/definitions';
import { act, openMenu, pickOption, screenshot, systemPerFile } from './harness';

// Approvals and incidents in the console, in a real headless Chromium against the real system.
// Steps a test does not need to click through are set up with API calls as the seeded users.

const system = systemPerFile();

const E2E_TIMEOUT = 150_000;

/** The case page of `id` reached from the user's inbox (as a clerk would). */
async function openFromInbox(page: Page, id: string): Promise<void> {
  await openMenu(page, '我的待办');
  const row = page.getByTestId('inbox-table').locator('tr', { hasText: id });
  await row.waitFor();
  await row.getByRole('link', { name: id }).click();
  await page.getByTestId('case-id').filter({ hasText: id }).waitFor();
}

describe('processes in the console (Playwright + headless Chromium, real system)', () => {
  it(
    'a window clerk submits a 临时救助 application and accepts it; the township approver approves; the clerk concludes it',
    async () => {
      const sys = system();
      const clerk = await sys.signIn('t01.window');
      await openMenu(clerk.page, '受理申请');
      await pickOption(clerk.page, clerk.page.locator('#approval-matter'), '临时救助审批', { search: '临时救助' });
      await clerk.page.getByTestId('matter-guide').getByText('县民政局审批').waitFor();
      // Submitting without the applicant is refused by the form, with the API's rule.
      await clerk.page.locator('#approval-submit').click();
      await clerk.page.getByText('申请人姓名或单位必填').waitFor();
      await clerk.page.locator('#approval-applicant').fill('王桂兰');
      await clerk.page.locator('#approval-phone').fill('13900000001');
      const boxes = clerk.page.getByTestId('approval-materials').locator('input[type="checkbox"]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await screenshot(clerk.page, 'e1-clerk-new-application');
      await clerk.page.locator('#approval-submit').click();
      await clerk.page.waitForURL(/\/cases\/SP-\d{4}-\d{6}$/);
      const id = (await clerk.page.getByTestId('case-id').textContent())!;
      await clerk.page.getByTestId('approval-status').filter({ hasText: '待受理' }).waitFor();

      await act(clerk.page, 'accept', '受理');
      await clerk.page.getByTestId('approval-status').filter({ hasText: '办理中' }).waitFor();
      await clerk.page.getByTestId('clock-case').waitFor();
      await screenshot(clerk.page, 'e2-clerk-accepted');

      // The survey step (入户调查, the township's handlers) is not what this test is about.
      await sys.apiAs<ApprovalView>('t01.handler', 'POST', `/approvals/${id}/actions`, {
        type: 'approve',
        opinion: '入户调查属实',
      });

      const approver = await sys.signIn('t01.approver');
      await openFromInbox(approver.page, id);
      await approver.page.getByTestId('approval-steps').getByText('入户调查属实').waitFor();
      // A refusal from the server is shown in its own (Chinese) words and changes nothing.
      await approver.page.locator('[data-action="transfer"]').click();
      await approver.page.locator('.ant-modal input').first().fill('nobody');
      await approver.page.getByTestId('action-submit').click();
      await expect
        .poll(() => approver.page.getByTestId('action-error').textContent())
        .toContain('转交对象不存在或已停用：nobody');
      await screenshot(approver.page, 'e3-approver-refused-transfer');
      await approver.page.keyboard.press('Escape');
      await act(approver.page, 'approve', '审批同意', {
        fill: (m) => m.locator('textarea').fill('经审核，家庭困难情况属实，同意救助 2000 元'),
      });
      await approver.page.getByText('当前没有需要您办理的操作').waitFor();
      await screenshot(approver.page, 'e4-approver-approved');

      await sys.apiAs<ApprovalView>('mzj.approver', 'POST', `/approvals/${id}/actions`, {
        type: 'approve',
        opinion: '同意',
      });
      await openFromInbox(clerk.page, id);
      await act(clerk.page, 'conclude', '办结', { fill: (m) => m.locator('textarea').fill('发放临时救助金 2000 元') });
      await clerk.page.getByTestId('approval-status').filter({ hasText: '已办结' }).waitFor();
      await clerk.page.getByText('发放临时救助金 2000 元').first().waitFor();
      await screenshot(clerk.page, 'e5-clerk-concluded');

      const done = await sys.apiAs<{ live: ApprovalView }>('t01.window', 'GET', `/cases/${id}`);
      expect(done.live.status).toBe('concluded');
      expect(done.live.history.map((h) => h.action)).toEqual([
        'submit',
        'accept',
        'approve',
        'approve',
        'approve',
        'conclude',
      ]);
      expect(done.live.history[3]).toMatchObject({
        actorId: 'u.lk.t01.approver',
        opinion: expect.stringContaining('经审核，家庭困难情况属实，同意救助 2000 元'),
      });
      await Promise.all([clerk.context.close(), approver.context.close()]);
    },
    E2E_TIMEOUT,
  );

  it(
    'a county supervisor expedites (特事特办) an accepted application from its case page',
    async () => {
      const sys = system();
      const created = await sys.apiAs<ApprovalView>('t01.window', 'POST', '/approvals', {
        matterCode: 'GG-EMPLOYMENT-CARD',
        channel: 'window',
        applicant: { name: '赵磊' },
        materials: ['id-card', 'photo'],
      });
      await sys.apiAs('t01.window', 'POST', `/approvals/${created.caseId}/actions`, { type: 'accept' });
      const sup = await sys.signIn('lk.supervisor');
      await sup.page.goto(`/cases/${created.caseId}`);
      await act(sup.page, 'expedite', '特事特办', {
        fill: (m) => m.locator('textarea').fill('重点群体就业帮扶，当日办结'),
      });
      await sup.page.getByText('重点群体就业帮扶，当日办结').first().waitFor();
      await screenshot(sup.page, 'e6-supervisor-expedited');
      const after = await sys.apiAs<{ live: ApprovalView }>('lk.supervisor', 'GET', `/cases/${created.caseId}`);
      expect(after.live.expedited).toMatchObject({
        budget: { unit: 'hour', amount: 1 },
        reason: '重点群体就业帮扶，当日办结',
      });
      await sup.context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'a grid worker reports an incident; the village signs for it and resolves it; the grid worker verifies it on site',
    async () => {
      const sys = system();
      const grid = await sys.signIn('t01.v01.g01.grid');
      await openMenu(grid.page, '上报事件');
      await grid.page.locator('#incident-title').fill('主街早市摊点占道经营');
      // The field says what it holds: the problem seen, not what must be done.
      await grid.page
        .locator('.ant-form-item', { has: grid.page.locator('#incident-description') })
        .locator('.ant-form-item-label', { hasText: '问题描述' })
        .waitFor();
      await grid.page.locator('#incident-description').fill('胡寨村主街早市摊点占用机动车道，影响通行');
      // The categories come from the incident configuration every signed-in user may read.
      await pickOption(grid.page, grid.page.locator('#incident-category'), '市容环境');
      await grid.page.locator('#incident-address').fill('城关镇胡寨村主街');
      await grid.page.locator('#incident-attachments').fill('photo:before-1');
      await grid.page.keyboard.press('Enter');
      await screenshot(grid.page, 'f1-grid-report');
      await grid.page.locator('#incident-submit').click();
      await grid.page.waitForURL(/\/cases\/SJ-\d{4}-\d{6}$/);
      const id = (await grid.page.getByTestId('case-id').textContent())!;
      await grid.page.getByTestId('incident-status').filter({ hasText: '待签收' }).waitFor();
      // The report waits for the village, not for the grid worker who filed it.
      await expect(grid.page.locator('[data-action="sign"]').count()).resolves.toBe(0);

      const village = await sys.signIn('t01.v01.handler');
      await openFromInbox(village.page, id);
      await act(village.page, 'sign', '签收');
      await act(village.page, 'resolve', '办结', {
        fill: async (m) => {
          await m.locator('textarea').fill('已劝离占道摊点，恢复通行');
          await m.locator('#noPhotoReason').fill('照片已线下存档');
          await m.locator('.ant-select input').fill('photo:after-1');
          await village.page.keyboard.press('Enter');
        },
      });
      await village.page.getByTestId('incident-status').filter({ hasText: '待核查' }).waitFor();
      await screenshot(village.page, 'f2-village-resolved');

      await openFromInbox(grid.page, id);
      await act(grid.page, 'verify', '核查');
      const verified = await sys.apiAs<{ live: IncidentView }>('t01.supervisor', 'GET', `/cases/${id}`);
      expect(verified.live).toMatchObject({
        status: 'closed',
        finalLevel: 2,
        verifications: [{ passed: true, by: 'u.lk.t01.v01.g01.grid' }],
      });
      await grid.page.getByTestId('incident-status').filter({ hasText: '已办结' }).waitFor();
      await screenshot(grid.page, 'f3-grid-verified-closed');
      await Promise.all([grid.context.close(), village.context.close()]);
    },
    E2E_TIMEOUT,
  );
});
