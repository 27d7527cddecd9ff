import { describe, expect, it } from 'vitest';
import { calendarYears, NATIONAL_REGION } from '../../db/schema';
import type { AssessmentAppeal } from '../../web/src/api/types';
import { openMenu, pickOption, screenshot, submitAction, systemPerFile } from './harness';

// A whole assessment cycle in the console, in headless Chromium against the real system: the
// county assessor opens it, a department leader scores with the guidance and snapshot figures, the
// assessor watches progress, closes scoring and publishes, a township appeals, the assessor decides.

const system = systemPerFile();
const E2E_TIMEOUT = 240_000;

/** Poll `read` until `done` holds (projections reach PostgreSQL asynchronously). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const v = await read();
    if (done(v) || i >= 150) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('assessment in the console (Playwright + headless Chromium, real system)', () => {
  it(
    'open → score → close → publish → appeal → decide',
    async () => {
      const sys = system();
      // The scoring and appeal windows (working days) may reach into next year, which the package data does not cover.
      await sys.t.tdb.db
        .insert(calendarYears)
        .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
        .onConflictDoNothing();

      // The assessor opens the monthly county-to-township cycle for the month that ended.
      const assessor = await sys.signIn('lk.assessor');
      const a = assessor.page;
      await openMenu(a, '考核');
      await a.locator('[data-action="open-cycle"]').click();
      const openForm = a.locator('.ant-modal').filter({ has: a.getByTestId('open-cycle-period') });
      await pickOption(a, openForm.getByTestId('open-cycle-scheme'), '县直部门对乡镇月度考核');
      await expect.poll(() => openForm.getByTestId('open-cycle-period').inputValue()).toMatch(/^\d{4}-\d{2}$/);
      await screenshot(a, 'as1-open-cycle');
      await openForm.getByTestId('open-cycle-submit').click();
      await a.waitForURL(/\/assessment\/[^/]+$/);
      const id = decodeURIComponent(a.url().split('/assessment/')[1]!);
      await a.getByTestId('cycle-phase').filter({ hasText: '评分中' }).waitFor();
      const progress = a.getByTestId('rater-progress');
      await progress.locator('tr[data-rater="lk.dept.scjg"]').getByText('已评 0 / 3').waitFor();
      await screenshot(a, 'as2-progress-before');

      // A department leader scores its three townships, with the guidance and the figures beside each field.
      const rater = await sys.signIn('scjg.leader');
      const r = rater.page;
      await r.goto(`/assessment/${id}`);
      const sheet = r.getByTestId('score-sheet');
      const t01 = sheet.locator('[data-ratee="unit:lk.t01"]');
      await t01.getByTestId('guidance').filter({ hasText: '联合执法' }).waitFor();
      await t01.getByTestId('snapshot-figures').getByText('督办次数').waitFor();
      const scores: [string, number][] = [
        ['unit:lk.t01', 92],
        ['unit:lk.t02', 85],
        ['unit:lk.t03', 55],
      ];
      for (const [key, score] of scores)
        await sheet.locator(`[data-ratee="${key}"]`).locator('.ant-input-number input').fill(String(score));
      await t01.getByTestId('score-comment').fill('联合执法检查 12 次，移交案件均已办结');
      await screenshot(r, 'as3-score-sheet');
      await sheet.locator('[data-action="save-scores"]').click();
      await r.getByText('已保存 3 项评分').waitFor();
      await t01.getByText('已评', { exact: true }).waitFor();
      await rater.context.close();

      // The assessor sees the department's progress, closes scoring and publishes.
      await progress.locator('tr[data-rater="lk.dept.scjg"]').getByText('已评 3 / 3').waitFor({ timeout: 30_000 });
      await screenshot(a, 'as4-progress-after');
      await progress.locator('[data-action="close-scoring"]').click();
      const close = a.locator('.ant-modal').filter({ has: a.getByTestId('close-scoring-text') });
      await submitAction(
        close,
        a.getByTestId('cycle-phase').filter({ hasText: '已计分，待公示' }),
        close.getByTestId('close-scoring-submit'),
      );
      await a.locator('[data-action="publish"]').click();
      const publish = a.locator('.ant-modal').filter({ has: a.getByTestId('publish-text') });
      await publish.getByTestId('publish-text').fill('公示 5 个工作日，有异议请在申诉期内提出');
      await submitAction(
        publish,
        a.getByTestId('cycle-phase').filter({ hasText: '公示中' }),
        publish.getByTestId('publish-submit'),
      );
      await a.getByTestId('ranking').locator('[data-ratee="unit:lk.t03"]').waitFor();
      await screenshot(a, 'as5-published');

      // The township (城关镇) opens its own result from the cycle page and appeals one indicator.
      const leader = await sys.signIn('t01.leader');
      const l = leader.page;
      await l.goto(`/assessment/${id}`);
      await l.locator('[data-action="my-result"]').click();
      const drawer = l.getByTestId('breakdown');
      await drawer.locator('[data-action="appeal"]').click();
      const appealForm = l.locator('.ant-modal').filter({ hasText: '申诉理由' });
      await pickOption(l, appealForm.getByTestId('appeal-indicator'), '执法工作及成效（部门评价）');
      await appealForm.getByTestId('appeal-reason').fill('本月另有 3 次联合执法记录已报送，评分未计入');
      await submitAction(
        appealForm,
        drawer.getByTestId('appeals').getByText('A1'),
        appealForm.getByTestId('appeal-submit'),
      );
      await screenshot(l, 'as6-appeal-filed');
      await leader.context.close();

      // The assessor upholds it with a reason.
      await a.reload();
      await a.getByTestId('appeals').locator('[data-action="decide"]').click();
      const decide = a.locator('.ant-modal').filter({ hasText: '复核' });
      await decide.getByTestId('decision-reason').fill('经核实，所报记录不在本考核期内，维持原结果');
      await submitAction(
        decide,
        a.getByTestId('appeals').getByText('维持原结果', { exact: true }),
        decide.getByTestId('decide-submit'),
      );
      await screenshot(a, 'as7-appeal-decided');
      const appeals = await eventually(
        () => sys.apiAs<{ items: AssessmentAppeal[] }>('lk.assessor', 'GET', `/assessment/cycles/${id}/appeals`),
        (v) => v.items[0]?.status !== 'pending',
      );
      expect(appeals.items).toMatchObject([
        { appealId: 'A1', rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', status: 'rejected' },
      ]);
      const t01Result = await sys.apiAs<{ result: { indicators: { code: string; score: number }[] } }>(
        'lk.assessor',
        'GET',
        `/assessment/cycles/${id}/results/unit:lk.t01`,
      );
      // Only 市场监管局 scored: its 92 is the 执法 score.
      expect(t01Result.result.indicators.find((i) => i.code === 'enforcement')?.score).toBe(92);
      await assessor.context.close();
    },
    E2E_TIMEOUT,
  );
});
