import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendarYears, NATIONAL_REGION } from '../../db/schema';
import { previousPeriod } from '../../domain/assessment';
import type { AssessmentView } from '../../workflows/assessment/definitions';
import type { AssessmentAppeal } from '../../web/src/api/types';
import type { PartView, SummonsView } from '../../workflows/summons/definitions';
import { openMenu, pickOption, screenshot, submitAction, systemPerFile } from './harness';

// The department inbox (部门报到) and the assessment pages, in headless Chromium against the real
// system. The whistle, its approval and the assessment cycle are set up through the API.

const system = systemPerFile();
const E2E_TIMEOUT = 150_000;
const SCJG = 'lk.dept.scjg';
const STHJ = 'lk.dept.sthj';

/** Poll `read` until `done` holds (projections reach PostgreSQL asynchronously). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const v = await read();
    if (done(v) || i >= 100) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('department inbox and assessment pages (Playwright + headless Chromium, real system)', () => {
  it(
    'a department liaison sees a summons with its countdown and acknowledges it (报到); another department does not see it',
    async () => {
      const sys = system();
      // Working-day limits may reach into next year, which the seeded package data does not cover.
      await sys.t.tdb.db
        .insert(calendarYears)
        .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
        .onConflictDoNothing();
      const whistle = await sys.apiAs<SummonsView>('t01.dispatcher', 'POST', '/summons', {
        title: '废品收购站占道堆放、夜间噪声扰民',
        description: '涉及市场监管、生态环境多部门',
        reasonCode: 'multi-department',
        urgency: 'urgent',
        complexity: 'simple',
        unitIds: [SCJG, STHJ],
      });
      const id = whistle.caseId;
      await sys.apiAs<SummonsView>('t01.leader', 'POST', `/summons/${id}/actions`, {
        type: 'approve',
        note: '同意吹哨',
      });

      const liaison = await sys.signIn('scjg.liaison');
      await openMenu(liaison.page, '部门报到');
      const row = liaison.page.getByTestId('summons-inbox').locator(`tr[data-case="${id}.${SCJG}"]`);
      await row.waitFor();
      await row.getByTestId('part-status').filter({ hasText: '待报到' }).waitFor();
      // 紧急: 报到 within 2 hours, counting down every second.
      const countdown = row.getByTestId('ack-countdown');
      await expect.poll(() => countdown.textContent()).toMatch(/^还剩 1 小时 5\d 分 \d+ 秒$/);
      const first = await countdown.textContent();
      await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
      await liaison.page.getByTestId('summons-stats').waitFor();
      await screenshot(liaison.page, 'g1-liaison-summons-inbox');

      await row.locator('[data-action="acknowledge"]').click();
      await liaison.page.getByText('报到：操作成功').first().waitFor();
      await row.getByTestId('part-status').filter({ hasText: '已报到，待到场' }).waitFor();
      await row.locator('[data-action="arrive"]').waitFor();
      expect(await row.locator('[data-action="acknowledge"]').count()).toBe(0);
      await screenshot(liaison.page, 'g2-liaison-acknowledged');

      // The API agrees: the part is acknowledged, on time; the other department's part is untouched.
      const part = await sys.apiAs<PartView>('scjg.liaison', 'GET', `/summons/${id}/departments/${SCJG}`);
      expect(part).toMatchObject({ status: 'acknowledged', ackOnTime: true });
      expect(part.acknowledgedAt).not.toBeNull();
      expect((await sys.apiAs<PartView>('t01.dispatcher', 'GET', `/summons/${id}/departments/${STHJ}`)).status).toBe(
        'notified',
      );

      // Another department (自然资源局) is not summoned and sees nothing of it.
      const other = await sys.signIn('zrzy.liaison');
      await openMenu(other.page, '部门报到');
      await other.page.getByText('暂无待办').waitFor();
      expect(await other.page.getByText(id).count()).toBe(0);
      await screenshot(other.page, 'g3-other-department-sees-nothing');
      await Promise.all([liaison.context.close(), other.context.close()]);
    },
    E2E_TIMEOUT,
  );

  it(
    'a published cycle: the ranking with grade colours and a township’s own breakdown with the cases behind each number',
    async () => {
      const sys = system();
      const month = previousPeriod('month', Date.now());
      const opened = await sys.apiAs<AssessmentView>('lk.assessor', 'POST', '/assessment/cycles', {
        schemeCode: 'township-monthly',
        periodKey: month.key,
      });
      const id = opened.caseId;
      await sys.apiAs('scjg.leader', 'POST', `/assessment/cycles/${id}/scores`, {
        scores: [
          { rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', score: 90 },
          { rateeKey: 'unit:lk.t02', indicatorCode: 'enforcement', score: 50 },
          { rateeKey: 'unit:lk.t03', indicatorCode: 'enforcement', score: 40 },
        ],
      });
      const phase = () =>
        sys.apiAs<{ phase: string }>('lk.assessor', 'GET', `/assessment/cycles/${id}`).then((c) => c.phase);
      await sys.apiAs('lk.assessor', 'POST', `/assessment/cycles/${id}/close-scoring`, {
        reason: '评分工作已基本完成',
      });
      expect(await eventually(phase, (p) => p === 'review')).toBe('review');
      await sys.apiAs('lk.assessor', 'POST', `/assessment/cycles/${id}/publish`, { note: '公示 5 个工作日' });
      expect(await eventually(phase, (p) => p === 'published')).toBe('published');

      const leader = await sys.signIn('t01.leader');
      await openMenu(leader.page, '考核');
      await leader.page.getByTestId('cycle-table').getByRole('link', { name: id }).waitFor();
      await screenshot(leader.page, 'h0-cycle-list');
      await leader.page.getByTestId('cycle-table').getByRole('link', { name: id }).click();
      await leader.page.getByTestId('cycle-phase').filter({ hasText: '公示中' }).waitFor();
      const ranking = leader.page.getByTestId('ranking');
      await ranking.locator('[data-ratee="unit:lk.t01"]').waitFor();
      expect(await ranking.locator('tbody tr.ant-table-row').count()).toBe(3);
      expect(await ranking.locator('[data-grade]').count()).toBe(3);
      await screenshot(leader.page, 'h1-cycle-ranking');

      await ranking.locator('[data-ratee="unit:lk.t01"]').click();
      const drawer = leader.page.getByTestId('breakdown');
      await drawer.getByTestId('breakdown-indicators').getByText('督办').first().waitFor();
      const api = await sys.apiAs<{ result: { total: number } }>(
        't01.leader',
        'GET',
        `/assessment/cycles/${id}/results/unit:lk.t01`,
      );
      expect(await drawer.getByTestId('breakdown-total').textContent()).toBe(String(api.result.total));
      await drawer.getByTestId('breakdown-sources').waitFor();
      await drawer.locator('[data-action="appeal"]').waitFor();
      await screenshot(leader.page, 'h2-breakdown');
      // The source data behind the numbers, at the end of the drawer.
      await drawer.getByTestId('breakdown-sources').scrollIntoViewIfNeeded();
      await drawer.getByTestId('breakdown-sources').getByText('督办').first().waitFor();
      await screenshot(leader.page, 'h3-breakdown-sources');

      // The township appeals one indicator from its own breakdown.
      await drawer.locator('[data-action="appeal"]').click();
      const appealForm = leader.page.locator('.ant-modal').filter({ hasText: '申诉理由' });
      await pickOption(leader.page, appealForm.getByTestId('appeal-indicator'), '执法工作及成效（部门评价）');
      await appealForm.getByTestId('appeal-reason').fill('本月联合执法检查 12 次，记录已报送市场监管局，评分未计入');
      await screenshot(leader.page, 'h4-appeal-form');
      await submitAction(
        appealForm,
        drawer.getByTestId('appeals').getByText('A1'),
        appealForm.getByTestId('appeal-submit'),
      );
      const filed = await sys.apiAs<{ items: AssessmentAppeal[] }>(
        't01.leader',
        'GET',
        `/assessment/cycles/${id}/appeals`,
      );
      expect(filed.items).toMatchObject([
        { appealId: 'A1', rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', status: 'pending' },
      ]);
      await leader.context.close();

      // The county assessor decides it on the cycle page: the indicator is adjusted and the total recomputed.
      const assessor = await sys.signIn('lk.assessor');
      await assessor.page.goto(`/assessment/${id}`);
      await assessor.page.getByTestId('appeals').locator('[data-action="decide"]').click();
      const decideForm = assessor.page.locator('.ant-modal').filter({ hasText: '复核' });
      await pickOption(assessor.page, decideForm.getByTestId('decision'), '调整得分');
      await decideForm.getByTestId('adjust-score').fill('100');
      await decideForm.getByTestId('decision-reason').fill('经核实执法检查记录属实，执法工作得分调整为 100');
      await screenshot(assessor.page, 'h5-appeal-decision-form');
      await submitAction(
        decideForm,
        assessor.page.getByTestId('appeals').getByText('调整得分', { exact: true }),
        decideForm.getByTestId('decide-submit'),
      );
      const decided = await eventually(
        () =>
          sys.apiAs<{ result: { total: number }; appeals: AssessmentAppeal[] }>(
            'lk.assessor',
            'GET',
            `/assessment/cycles/${id}/results/unit:lk.t01`,
          ),
        (b) => b.appeals[0]?.status === 'adjusted',
      );
      expect(decided.appeals[0]).toMatchObject({
        status: 'adjusted',
        decisionReason: '经核实执法检查记录属实，执法工作得分调整为 100',
      });
      // 10 points of weight: from 90 to 100 on that indicator adds 1 to the total.
      expect(decided.result.total).toBeCloseTo(api.result.total + 1, 5);
      await assessor.page.getByTestId('appeals').getByText('调整得分').waitFor();
      await screenshot(assessor.page, 'h6-appeal-decided');

      // Both exports download from the cycle page, with the recomputed total.
      const [csvFile] = await Promise.all([
        assessor.page.waitForEvent('download'),
        assessor.page.getByTestId('export-csv').click(),
      ]);
      expect(csvFile.suggestedFilename()).toBe(`${id}.csv`);
      const csv = readFileSync((await csvFile.path())!, 'utf8');
      expect(csv.startsWith('\uFEFF名次,考核对象,代码,总分')).toBe(true);
      expect(csv.split('\r\n').find((line) => line.includes('unit:lk.t01'))).toContain(`,${decided.result.total},`);
      const [xlsxFile] = await Promise.all([
        assessor.page.waitForEvent('download'),
        assessor.page.getByTestId('export-xlsx').click(),
      ]);
      expect(xlsxFile.suggestedFilename()).toBe(`${id}.xlsx`);
      expect(
        readFileSync((await xlsxFile.path())!)
          .subarray(0, 2)
          .toString('latin1'),
      ).toBe('PK');
      await assessor.context.close();
    },
    E2E_TIMEOUT,
  );
});
