import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../workflows/approval/definitions';
import type { IncidentView } from '../../workflows/incident/definitions';
import type { PartView, SummonsView } from '../../workflows/summons/definitions';
import { openMenu, screenshot, systemPerFile } from './harness';

// Two taps to act (issue 16): the common action of an inbox row is its button plus one confirm,
// and the case really moves on; the full case page stays a tap away.

const system = systemPerFile();

const E2E_TIMEOUT = 150_000;

/** The inbox row of case `id`. */
const rowOf = (page: Page, id: string) => page.getByTestId('inbox-table').locator('tr', { hasText: id });

/** The row's two-tap button for `action` (antd spaces a two-character label: 签 收). */
const quickButton = (page: Page, id: string, action: string) =>
  rowOf(page, id).locator(`[data-testid="quick-action"][data-action="${action}"]`);

/** Tap the row's action button, then the confirm — exactly two taps — and wait for the success message. */
async function twoTaps(page: Page, id: string, action: string, label: string, says?: string): Promise<void> {
  await quickButton(page, id, action).click();
  if (says) await page.locator('.ant-popconfirm').filter({ visible: true }).getByText(says).waitFor();
  await page.getByTestId('quick-confirm').filter({ visible: true }).click();
  await page.getByText(`${label}：操作成功`).first().waitFor();
  // Still on the inbox: nothing opened in between.
  expect(new URL(page.url()).pathname).toBe('/inbox');
}

describe('two taps to act from the inbox', () => {
  it(
    'an approver approves with the default opinion in two taps: the row leaves the inbox and the case is at its next step',
    async () => {
      const sys = system();
      const created = await sys.apiAs<ApprovalView>('t01.window', 'POST', '/approvals', {
        matterCode: 'GG-TEMP-RELIEF',
        channel: 'window',
        applicant: { name: '王桂兰' },
        materials: ['application', 'applicant-id', 'hardship-proof', 'income-statement'],
      });
      const id = created.caseId;
      await sys.apiAs('t01.window', 'POST', `/approvals/${id}/actions`, { type: 'accept' });

      const handler = await sys.signIn('t01.handler');
      await openMenu(handler.page, '我的待办');
      const row = rowOf(handler.page, id);
      // The confirm says what will be sent.
      await quickButton(handler.page, id, 'approve').click();
      await handler.page.locator('.ant-popconfirm').filter({ visible: true }).getByText('审批意见：同意').waitFor();
      await screenshot(handler.page, 'q1-inbox-two-tap-approve-confirm');
      await handler.page.getByTestId('quick-confirm').filter({ visible: true }).click();
      await handler.page.getByText('审批同意：操作成功').first().waitFor();
      expect(new URL(handler.page.url()).pathname).toBe('/inbox');
      await row.waitFor({ state: 'detached' });

      const after = await sys.apiAs<{ live: ApprovalView }>('t01.window', 'GET', `/cases/${id}`);
      expect(after.live.history.map((h) => h.action)).toEqual(['submit', 'accept', 'approve']);
      expect(after.live.history[2]).toMatchObject({
        actorId: 'u.lk.t01.handler',
        opinion: expect.stringMatching(/：同意$/),
      });
      expect(after.live.steps.find((s) => s.state === 'current')?.key).toBe('township-review');
      await handler.context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'the village signs for a grid worker’s report in two taps (the row stays, now to resolve); its tags open the case at that action; the grid worker verifies in two taps',
    async () => {
      const sys = system();
      const reported = await sys.apiAs<IncidentView>('t01.v01.g01.grid', 'POST', '/incidents', {
        source: 'patrol',
        categoryCode: 'city-appearance',
        gridId: 'lk.t01.v01.g01',
        title: '主街井盖缺失',
        description: '胡寨村主街井盖缺失，夜间有跌落危险',
        location: { address: '城关镇胡寨村主街' },
        attachments: ['photo:before-1'],
      });
      const id = reported.caseId;

      const village = await sys.signIn('t01.v01.handler');
      await openMenu(village.page, '我的待办');
      const row = rowOf(village.page, id);
      await quickButton(village.page, id, 'sign').waitFor();
      // For the picture only: let the table's loading veil fade out (an opacity transition).
      await village.page.locator('.ant-spin-blur').waitFor({ state: 'detached' });
      await village.page.waitForTimeout(500);
      await screenshot(village.page, 'q2-inbox-two-tap-buttons');
      await twoTaps(village.page, id, 'sign', '签收');
      // The row updates in place: signed for, it now waits for the village to resolve it.
      await row.locator('[data-testid="action-tag"][data-action="resolve"]').waitFor();
      await expect.poll(() => row.locator('[data-testid="action-tag"][data-action="sign"]').count()).toBe(0);
      const signed = await sys.apiAs<{ live: IncidentView }>('t01.supervisor', 'GET', `/cases/${id}`);
      expect(signed.live).toMatchObject({ status: 'handling', level: 2 });
      expect(signed.live.history.at(-1)).toMatchObject({ action: 'sign', actorId: 'u.lk.t01.v01.handler' });

      // A tag opens the case page with that action's form.
      await row.locator('[data-testid="action-tag"][data-action="resolve"]').click();
      await village.page.getByTestId('case-id').filter({ hasText: id }).waitFor();
      await village.page.locator('.ant-modal-title', { hasText: '办结' }).waitFor();
      await village.page.keyboard.press('Escape');
      await village.context.close();

      await sys.apiAs('t01.v01.handler', 'POST', `/incidents/${id}/actions`, {
        type: 'resolve',
        result: '已补装井盖',
        evidence: ['photo:after-1'],
        noPhotoReason: '照片已线下存档',
      });
      const grid = await sys.signIn('t01.v01.g01.grid');
      await openMenu(grid.page, '我的待办');
      await twoTaps(grid.page, id, 'verify', '核查', '核查通过；核查意见：现场核查属实，已处置到位');
      await rowOf(grid.page, id).waitFor({ state: 'detached' });
      const closed = await sys.apiAs<{ live: IncidentView }>('t01.supervisor', 'GET', `/cases/${id}`);
      expect(closed.live).toMatchObject({
        status: 'closed',
        finalLevel: 2,
        verifications: [{ passed: true, by: 'u.lk.t01.v01.g01.grid', note: '现场核查属实，已处置到位' }],
      });
      await grid.context.close();
    },
    E2E_TIMEOUT,
  );
  it(
    'a department liaison answers a summons (报到) in two taps from the inbox',
    async () => {
      const sys = system();
      const whistle = await sys.apiAs<SummonsView>('t01.dispatcher', 'POST', '/summons', {
        title: '河道垃圾堆积、排污口异味',
        description: '涉及生态环境、水利多部门',
        reasonCode: 'multi-department',
        urgency: 'urgent',
        complexity: 'simple',
        unitIds: ['lk.dept.scjg', 'lk.dept.sthj'],
      });
      await sys.apiAs('t01.leader', 'POST', `/summons/${whistle.caseId}/actions`, { type: 'approve' });
      const part = `${whistle.caseId}.lk.dept.scjg`;

      const liaison = await sys.signIn('scjg.liaison');
      await openMenu(liaison.page, '我的待办');
      // A department's part shows as its whistle's number.
      await twoTaps(liaison.page, whistle.caseId, 'acknowledge', '报到');
      await expect.poll(() => quickButton(liaison.page, whistle.caseId, 'acknowledge').count()).toBe(0);
      const answered = await sys.apiAs<{ live: PartView }>('scjg.liaison', 'GET', `/cases/${part}`);
      expect(answered.live.acknowledgedAt).not.toBeNull();
      expect(answered.live.status).toBe('acknowledged');
      await liaison.context.close();
    },
    E2E_TIMEOUT,
  );
});
