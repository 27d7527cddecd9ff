import { eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { calendarYears, NATIONAL_REGION, summonsDepartments, summonsDisputes, summonsRefusals } from '../../db/schema';
import type { PartView, SummonsView } from '../../workflows/summons/definitions';
import { act, openMenu, pickOption, screenshot, submitAction, systemPerFile } from './harness';

// The township side of 吹哨报到 in headless Chromium against the real system: the whistle form, the
// leader's approval, accepting / sending back / rating a department's result, the county command
// centre's ruling on a dispute, and another township kept out. What the departments do (报到, 到场,
// results, disputes) is set up through the API; every township and county step is clicked.

const system = systemPerFile();
const E2E_TIMEOUT = 180_000;
const SCJG = 'lk.dept.scjg';
const STHJ = 'lk.dept.sthj';
const ZRZY = 'lk.dept.zrzy';
const ZJ = 'lk.dept.zj';
const CGZF = 'lk.dept.cgzf';

type Whistle = Omit<SummonsView, 'history' | 'assignments'> & {
  departments: { unitId: string; status: string; rating: string | null; outcome: string | null }[];
};

/** Poll `read` until `done` holds (projections reach PostgreSQL asynchronously). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const v = await read();
    if (done(v) || i >= 100) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const partCard = (page: Page, unitId: string): Locator =>
  page.locator(`[data-testid="part-card"][data-unit="${unitId}"]`);
const radio = (scope: Locator, label: string): Locator =>
  scope.locator('label.ant-radio-button-wrapper').filter({ hasText: new RegExp(`^${label}$`) });

/** Pick an option of an antd select by typing part of its name; wait until the list has closed. */
async function choose(page: Page, select: Locator, typed: string, option: string, multiple = false): Promise<void> {
  await pickOption(page, select, option, { search: typed, close: multiple });
  await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 5_000 }).toBe(0);
}

async function blowAndApprove(sys: ReturnType<typeof system>, body: Record<string, unknown>): Promise<string> {
  const whistle = await sys.apiAs<SummonsView>('t01.dispatcher', 'POST', '/summons', {
    reasonCode: 'multi-department',
    complexity: 'simple',
    ...body,
  });
  await sys.apiAs('t01.leader', 'POST', `/summons/${whistle.caseId}/actions`, { type: 'approve' });
  return whistle.caseId;
}

describe('township summons screens (Playwright + headless Chromium, real system)', () => {
  let id = '';

  it(
    'a township dispatcher blows the whistle through the form (a rule refusal shown first); the leader approves it; both departments are summoned with 报到 countdowns',
    async () => {
      const sys = system();
      // Working-day limits may reach into next year, which the seeded package data does not cover.
      await sys.t.tdb.db
        .insert(calendarYears)
        .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
        .onConflictDoNothing();

      const dispatcher = await sys.signIn('t01.dispatcher');
      const page = dispatcher.page;
      await page.getByRole('menuitem', { name: /吹哨$/ }).click();
      await page.getByTestId('whistle-form').waitFor();
      // The form's own check, with the API's limits: nothing is sent without the required fields.
      await page.locator('#whistle-submit').click();
      await page.getByText('事项标题必填').waitFor();
      await page.getByText('召集的部门 / 派驻机构必填').waitFor();

      await page.locator('#whistle-title').fill('废品收购站占道堆放、夜间噪声扰民');
      await page
        .locator('#whistle-description')
        .fill('城关镇东街废品收购站长期占道堆放，夜间分拣噪声扰民，涉及市场监管、生态环境多部门');
      await choose(page, page.locator('#whistle-reason'), '多部门', '需多部门协同处置');
      await page.getByText('乡镇无法单独解决、需要多个部门协同的问题').waitFor();
      await radio(page.getByTestId('whistle-form'), '紧急').click();
      await page.getByTestId('whistle-limits').filter({ hasText: '报到时限 2 小时' }).waitFor();
      await choose(page, page.locator('#whistle-units'), '市场监督', '兰考县市场监督管理局', true);

      // One department is not "several": the API refuses by rule, in plain Chinese, and creates nothing.
      await page.locator('#whistle-submit').click();
      await expect
        .poll(() => page.getByTestId('form-error').textContent())
        .toContain('不得吹哨（规则：需多部门协同处置）：须召集至少 2 个部门或派驻机构');
      await screenshot(page, 's1-whistle-refused-by-rule');
      const refusals = await sys.t.tdb.db
        .select()
        .from(summonsRefusals)
        .where(eq(summonsRefusals.townshipId, 'lk.t01'));
      expect(refusals.map((r) => [r.ruleCode, r.userId])).toEqual([['multi-department', 'u.lk.t01.dispatcher']]);
      expect((await sys.apiAs<{ total: number }>('t01.dispatcher', 'GET', '/cases?process=summons')).total).toBe(0);

      await choose(page, page.locator('#whistle-units'), '生态环境', '兰考县生态环境局', true);
      // The refusal was about the values sent: it goes once the form changes.
      await page.getByTestId('form-error').waitFor({ state: 'hidden' });
      await screenshot(page, 's2-whistle-form');
      await page.locator('#whistle-submit').click();
      await page.waitForURL(/\/whistles\/CS-\d{4}-\d{6}$/);
      id = (await page.getByTestId('whistle-id').textContent())!;
      await page.getByTestId('whistle-status').filter({ hasText: '待领导审批' }).waitFor();
      // The dispatcher may not approve their own whistle.
      await page.getByTestId('whistle-actions').getByText('当前没有需要您办理的操作').waitFor();
      expect(await page.locator('[data-action="approve"]').count()).toBe(0);
      await screenshot(page, 's3-whistle-awaiting-leader');

      const blown = await sys.apiAs<Whistle>('t01.dispatcher', 'GET', `/summons/${id}`);
      expect(blown).toMatchObject({
        status: 'awaiting-approval',
        title: '废品收购站占道堆放、夜间噪声扰民',
        reason: { code: 'multi-department' },
        urgency: 'urgent',
        complexity: 'simple',
        townshipId: 'lk.t01',
        whistledBy: 'u.lk.t01.dispatcher',
        parts: [],
        departments: [],
      });

      // The leader finds it in 吹哨记录, marked as waiting for them, and approves it.
      const leader = await sys.signIn('t01.leader');
      await openMenu(leader.page, '吹哨记录');
      const row = leader.page.getByTestId('whistle-table').locator(`tr[data-case="${id}"]`);
      await row.getByTestId('whistle-status').filter({ hasText: '待领导审批' }).waitFor();
      await row.getByTestId('whistle-mine').getByText('批准吹哨').waitFor();
      await screenshot(leader.page, 's4-leader-whistle-list');
      // From the inbox the whistle opens straight on its whistle page, where it is handled.
      await openMenu(leader.page, '我的待办');
      await leader.page.getByRole('link', { name: id }).click();
      await leader.page.getByTestId('whistle-id').filter({ hasText: id }).waitFor();
      expect(new URL(leader.page.url()).pathname).toBe(`/whistles/${id}`);
      await act(leader.page, 'approve', '批准吹哨', {
        scope: leader.page.getByTestId('whistle-actions'),
        fill: (m) => m.locator('textarea').fill('同意吹哨，请两部门按时报到'),
        shot: 's5-leader-approve-form',
      });
      await leader.page.getByTestId('whistle-status').filter({ hasText: '吹哨中（部门报到）' }).waitFor();
      for (const unit of [SCJG, STHJ]) {
        const card = partCard(leader.page, unit);
        await card.getByTestId('part-status').filter({ hasText: '待报到' }).waitFor();
        // 紧急: 报到 within 2 hours, counting down every second.
        await expect.poll(() => card.getByTestId('ack-countdown').textContent()).toMatch(/^还剩 1 小时 5\d 分 \d+ 秒$/);
      }
      const countdown = partCard(leader.page, SCJG).getByTestId('ack-countdown');
      const first = await countdown.textContent();
      await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
      await screenshot(leader.page, 's6-approved-parts-awaiting-report');

      const approved = await sys.apiAs<Whistle>('t01.leader', 'GET', `/summons/${id}`);
      expect(approved).toMatchObject({
        status: 'summoning',
        approval: { approved: true, by: 'u.lk.t01.leader', note: '同意吹哨，请两部门按时报到' },
      });
      expect(approved.departments.map((d) => [d.unitId, d.status])).toEqual([
        [SCJG, 'notified'],
        [STHJ, 'notified'],
      ]);
      const part = await sys.apiAs<PartView>('t01.leader', 'GET', `/summons/${id}/departments/${SCJG}`);
      expect(Date.parse(part.ackDeadline!) - Date.now()).toBeGreaterThan(118 * 60_000);
      await Promise.all([dispatcher.context.close(), leader.context.close()]);
    },
    E2E_TIMEOUT,
  );

  it(
    'the township accepts and rates one department’s result and sends the other back (事不完、人不撤)',
    async () => {
      const sys = system();
      expect(id).not.toBe('');
      for (const [liaison, unit, result] of [
        ['scjg.liaison', SCJG, '已责令收购站清理占道物品，现场已恢复通行'],
        ['sthj.liaison', STHJ, '已对夜间分拣噪声进行监测并责令整改'],
      ] as const) {
        await sys.apiAs(liaison, 'POST', `/summons/${id}/departments/${unit}/actions`, {
          type: 'acknowledge',
          note: '已派员',
        });
        await sys.apiAs(liaison, 'POST', `/summons/${id}/departments/${unit}/actions`, { type: 'arrive' });
        await sys.apiAs(liaison, 'POST', `/summons/${id}/departments/${unit}/actions`, {
          type: 'report',
          result,
          evidence: ['photo:after-1'],
        });
      }

      const { context, page } = await sys.signIn('t01.dispatcher');
      await page.goto(`/whistles/${id}`);
      const scjg = partCard(page, SCJG);
      const sthj = partCard(page, STHJ);
      for (const card of [scjg, sthj])
        await card.getByTestId('part-status').filter({ hasText: '已反馈结果，待乡镇验收' }).waitFor();
      await scjg.getByTestId('part-result').getByText('已责令收购站清理占道物品，现场已恢复通行').waitFor();
      await scjg.locator('[data-action="send-back"]').waitFor();
      await screenshot(page, 's7-results-reported');

      await act(page, 'accept', '验收', {
        scope: scjg,
        fill: (m) => m.locator('textarea').first().fill('现场复核通过'),
        shot: 's8-accept-form',
      });
      await scjg.getByTestId('part-status').filter({ hasText: '已验收，待评价' }).waitFor();
      await act(page, 'rate', '评价', {
        scope: scjg,
        fill: async (m) => {
          await radio(m, '满意').click();
          await m.locator('textarea').fill('响应迅速，处置到位');
        },
        shot: 's9-rate-form',
      });
      await scjg.getByTestId('part-status').filter({ hasText: '已结束' }).waitFor();
      await scjg.getByTestId('part-rating').getByText('满意', { exact: true }).waitFor();
      await scjg.getByTestId('part-outcome').filter({ hasText: '已验收' }).waitFor();

      // A send-back needs its reason: the form says so and sends nothing.
      await sthj.locator('[data-action="send-back"]').click();
      const modal = page
        .locator('.ant-modal')
        .filter({ has: page.locator('.ant-modal-title', { hasText: '退回重办' }) });
      await modal.getByTestId('action-submit').click();
      await modal.getByText('退回理由（事不完、人不撤）必填').waitFor();
      expect((await sys.apiAs<PartView>('t01.dispatcher', 'GET', `/summons/${id}/departments/${STHJ}`)).status).toBe(
        'reported',
      );
      await modal.locator('textarea').fill('夜间噪声仍超标，请继续整改并复测');
      await submitAction(modal, page.getByText('退回重办：操作成功'));
      await sthj.getByTestId('part-status').filter({ hasText: '已到场处置' }).waitFor();
      await sthj.getByTestId('part-send-backs').getByText('夜间噪声仍超标，请继续整改并复测').waitFor();
      await expect.poll(() => sthj.getByTestId('result-countdown').textContent()).toMatch(/^还剩 /);
      await screenshot(page, 's10-accepted-rated-and-sent-back');

      const accepted = await sys.apiAs<PartView>('t01.dispatcher', 'GET', `/summons/${id}/departments/${SCJG}`);
      expect(accepted).toMatchObject({
        status: 'closed',
        outcome: 'completed',
        rating: { rating: 'satisfied', comment: '响应迅速，处置到位', by: 'u.lk.t01.dispatcher' },
      });
      expect(accepted.acceptedAt).not.toBeNull();
      expect(
        accepted.history.filter((h) => h.actorId === 'u.lk.t01.dispatcher').map((h) => [h.action, h.note]),
      ).toEqual([
        ['accept', '现场复核通过'],
        ['rate', '评价：满意，响应迅速，处置到位'],
      ]);
      const sentBack = await sys.apiAs<PartView>('t01.dispatcher', 'GET', `/summons/${id}/departments/${STHJ}`);
      expect(sentBack).toMatchObject({
        status: 'on-site',
        result: null,
        outcome: null,
        sendBacks: [{ reason: '夜间噪声仍超标，请继续整改并复测' }],
      });
      // The read model behind statistics and assessment has the rating and the send-back.
      const rows = await eventually(
        () => sys.t.tdb.db.select().from(summonsDepartments).where(eq(summonsDepartments.summonsId, id)),
        (rs) =>
          rs.some((r) => r.unitId === SCJG && r.rating === 'satisfied') &&
          rs.some((r) => r.unitId === STHJ && r.sendBacks === 1),
      );
      expect(rows.map((r) => [r.unitId, r.outcome, r.rating, r.sendBacks]).sort()).toEqual([
        [SCJG, 'completed', 'satisfied', 0],
        [STHJ, null, null, 1],
      ]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'a department disputes its duty; the county command centre upholds it in the browser and re-summons another department',
    async () => {
      const sys = system();
      const disputedId = await blowAndApprove(sys, {
        title: '集体土地违规搭建彩钢房',
        description: '涉及自然资源、住建',
        urgency: 'critical',
        unitIds: [ZRZY, ZJ],
      });
      await sys.apiAs('zrzy.liaison', 'POST', `/summons/${disputedId}/departments/${ZRZY}/actions`, {
        type: 'dispute',
        reason: '该建筑位于建成区，违建查处属城管执法职责',
      });

      const { context, page } = await sys.signIn('zhzx.dispatcher');
      // The command centre is no township: it follows whistles but does not blow them.
      await openMenu(page, '吹哨记录');
      expect(await page.getByRole('menuitem', { name: /吹哨$/ }).count()).toBe(0);
      const row = page.getByTestId('whistle-table').locator(`tr[data-case="${disputedId}"]`);
      await row.getByTestId('whistle-mine').getByText('裁定异议').waitFor();
      await screenshot(page, 's11-centre-whistle-list');
      await row.getByRole('link', { name: disputedId }).click();
      const zrzy = partCard(page, ZRZY);
      await zrzy.getByTestId('part-status').filter({ hasText: '职责异议，待县综合指挥中心裁定' }).waitFor();
      await zrzy.getByTestId('part-disputes').getByText('待县综合指挥中心裁定').waitFor();
      // Only the disputed part offers a ruling; the other department's part offers the centre nothing.
      expect(await partCard(page, ZJ).locator('[data-action]').count()).toBe(0);
      await screenshot(page, 's12-centre-sees-dispute');

      await act(page, 'rule', '裁定异议', {
        scope: zrzy,
        fill: async (m) => {
          await radio(m, '异议成立').click();
          await m.locator('textarea').fill('经核实属城市建成区违建，改由城管执法局处置');
          await choose(page, m.locator('#resummon-unit'), '城市管理', '兰考县城市管理综合执法局');
        },
        shot: 's13-ruling-form',
      });
      await zrzy.getByTestId('part-outcome').filter({ hasText: '异议成立，不属其职责' }).waitFor();
      await zrzy.locator('[data-ruling="upheld"]').getByText('改召 兰考县城市管理综合执法局').waitFor();
      const cgzf = partCard(page, CGZF);
      await cgzf.getByTestId('part-status').filter({ hasText: '待报到' }).waitFor();
      // 特急: the re-summoned department has 30 minutes to 报到.
      await expect.poll(() => cgzf.getByTestId('ack-countdown').textContent()).toMatch(/^还剩 [23]\d 分 \d+ 秒$/);
      await screenshot(page, 's14-ruled-and-resummoned');

      const ruled = await sys.apiAs<PartView>('zhzx.dispatcher', 'GET', `/summons/${disputedId}/departments/${ZRZY}`);
      expect(ruled).toMatchObject({
        status: 'closed',
        outcome: 'released',
        disputes: [
          {
            ruling: 'upheld',
            ruledBy: 'u.lk.zhzx.dispatcher',
            ruleNote: '经核实属城市建成区违建，改由城管执法局处置',
            resummonedUnitId: CGZF,
          },
        ],
      });
      const whistle = await eventually(
        () => sys.apiAs<Whistle>('t01.dispatcher', 'GET', `/summons/${disputedId}`),
        (w) => w.parts.length === 3,
      );
      expect(whistle.parts.map((p) => [p.unit.unitId, p.replaces])).toEqual([
        [ZRZY, null],
        [ZJ, null],
        [CGZF, `${disputedId}.${ZRZY}`],
      ]);
      const [dispute] = await sys.t.tdb.db
        .select()
        .from(summonsDisputes)
        .where(eq(summonsDisputes.caseId, `${disputedId}.${ZRZY}`));
      expect(dispute).toMatchObject({ ruling: 'upheld', resummonedUnitId: CGZF });
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'a user of another township cannot see the whistle, in the list or by its address',
    async () => {
      const sys = system();
      expect(id).not.toBe('');
      const { context, page } = await sys.signIn('t02.dispatcher');
      await page.goto(`/whistles/${id}`);
      await page.getByText('吹哨不存在或无权查看').waitFor();
      expect(await page.getByTestId('whistle-error').textContent()).toContain(`案件不存在或无权查看：${id}`);
      expect(await page.getByTestId('part-card').count()).toBe(0);
      await screenshot(page, 's15-other-township-denied');

      await openMenu(page, '吹哨记录');
      await page.getByText('暂无吹哨记录').waitFor();
      expect(await page.getByText(id).count()).toBe(0);
      await screenshot(page, 's16-other-township-list');

      await expect(sys.apiAs('t02.dispatcher', 'GET', `/summons/${id}`)).rejects.toThrow(/: 404 /);
      await expect(sys.apiAs('t02.dispatcher', 'GET', `/summons/${id}/departments/${SCJG}`)).rejects.toThrow(/: 404 /);
      await context.close();
    },
    E2E_TIMEOUT,
  );
});
