import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type {
  IncidentConfig,
  MatterGuide,
  MatterSummary,
  MatterVersionSummary,
  SummonsConfig,
} from '../../web/src/api/types';
import { openMenu, pickOption, screenshot, systemPerFile } from './harness';

// The administrator's editors in a real headless Chromium against the real system (API + Temporal
// dev server + worker + PostgreSQL): the matter catalogue editor and the incident / whistle rule
// tables. Every change made by clicking is checked through the API; every refusal is checked to
// have changed nothing. Screenshots go to test-results/screenshots/.

const system = systemPerFile();

const E2E_TIMEOUT = 150_000;

/** The API writes (not reads) the page sends to paths containing `fragment`, counted from now on. */
function recordWrites(page: Page, fragment: string): string[] {
  const writes: string[] = [];
  page.on('request', (req) => {
    if (req.method() !== 'GET' && req.url().includes(`/api/v1${fragment}`))
      writes.push(`${req.method()} ${new URL(req.url()).pathname}`);
  });
  return writes;
}

/** Status of an API GET with `token` (the harness's `apiAs` throws on anything but 2xx). */
async function statusOf(baseUrl: string, token: string, path: string): Promise<number> {
  return (await fetch(`${baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('admin editors (Playwright + headless Chromium, real system)', () => {
  it(
    'an administrator creates a matter with three steps (adding, removing and reordering steps), then publishes version 2',
    async () => {
      const sys = system();
      const { page, context } = await sys.signIn('admin');
      const code = 'GG-E2E-ELDER-MEAL';

      await openMenu(page, '事项目录');
      await page.getByTestId('matters-table').locator('tr', { hasText: 'XK-SMALL-CATERING' }).waitFor();
      await screenshot(page, 'a1-matter-list');
      await page.getByTestId('matter-new').click();
      await page.waitForURL(/\/admin\/matters\/new$/);

      await page.locator('#matter_code').fill(code);
      await page.locator('#matter_name').fill('老年人助餐补贴申请');
      await page.locator('#matter_statutoryLimitDays').fill('20');
      await page.locator('#matter_promisedLimitDays').fill('10');
      await page.getByText('村代办', { exact: true }).click();
      await page.locator('#matter_legalBasis').fill('《河南省老年人权益保障条例》第二十五条');
      await page.getByTestId('add-material').click();
      await page.locator('#matter_materials_0_name').fill('居民身份证');
      await page.locator('#matter_materials_0_key').fill('id-card');

      // Step 1 (受理 by the submitting township) is there from the start.
      expect(await page.locator('[data-testid^="step-card-"]').count()).toBe(1);
      expect(await page.locator('#matter_steps_0_name').inputValue()).toBe('受理');

      // Step 2, added in the wrong place on purpose: a 会签 by 编办 and 县委县政府办公室.
      await page.getByTestId('add-step').click();
      const joint = page.getByTestId('step-card-1');
      await page.locator('#matter_steps_1_name').fill('联合会签');
      await page.locator('#matter_steps_1_key').fill('joint-sign');
      await joint.getByText('会签', { exact: true }).click();
      await pickOption(page, page.locator('#matter_steps_1_unitIds'), '中共兰考县委机构编制委员会办公室', {
        search: 'lk.bb',
      });
      await pickOption(page, page.locator('#matter_steps_1_unitIds'), '兰考县委县政府办公室', { search: 'lk.office' });
      await page.keyboard.press('Escape');

      // Step 3: the 民政局 review with a step limit.
      await page.getByTestId('add-step').click();
      await page.locator('#matter_steps_2_name').fill('民政局审核');
      await page.locator('#matter_steps_2_key').fill('review');
      await pickOption(page, page.locator('#matter_steps_2_unitIds'), '兰考县民政局', { search: 'lk.dept.mzj' });
      await page.locator('#matter_steps_2_limitDays').fill('5');

      // Step 4, then removed again.
      await page.getByTestId('add-step').click();
      await page.locator('#matter_steps_3_name').fill('多余环节');
      expect(await page.locator('[data-testid^="step-card-"]').count()).toBe(4);
      await page.getByTestId('step-remove-3').click();
      expect(await page.locator('[data-testid^="step-card-"]').count()).toBe(3);

      // Move the review before the 会签.
      await page.getByTestId('step-up-2').click();
      expect(await page.locator('#matter_steps_1_name').inputValue()).toBe('民政局审核');
      expect(await page.locator('#matter_steps_2_name').inputValue()).toBe('联合会签');
      await page.locator('#matter-reason').fill('新增老年人助餐补贴事项');
      await screenshot(page, 'a2-matter-editor-filled');

      await page.getByTestId('matter-submit').click();
      await page.getByText(`已发布事项 ${code} 第 1 版`).waitFor();
      await page.waitForURL(/\/admin\/matters$/);
      await page.getByTestId('matters-table').locator('tr', { hasText: code }).waitFor();
      await screenshot(page, 'a3-matter-created');

      const v1 = await sys.apiAs<MatterGuide>('admin', 'GET', `/matters/${code}`);
      expect(v1).toMatchObject({
        code,
        name: '老年人助餐补贴申请',
        version: 1,
        currentVersion: 1,
        active: true,
        statutoryLimitDays: 20,
        promisedLimitDays: 10,
        stepCount: 3,
        createdBy: 'u.lk.admin',
      });
      expect(v1.definition).toMatchObject({
        category: 'public_service',
        kind: 'promise',
        handlingLevel: 'township',
        channels: ['window', 'agent'],
        fees: '不收费',
        supplementDays: 5,
      });
      expect(v1.definition.materials).toEqual([
        { key: 'id-card', name: '居民身份证', form: 'copy', count: 1, isKey: true },
      ]);
      expect(v1.definition.steps).toEqual([
        {
          key: 'accept',
          name: '受理',
          role: 'window_staff',
          mode: 'single',
          unitRule: { kind: 'submitting-township' },
        },
        {
          key: 'review',
          name: '民政局审核',
          role: 'approver',
          mode: 'single',
          unitRule: { kind: 'units', unitIds: ['lk.dept.mzj'] },
          limitDays: 5,
        },
        {
          key: 'joint-sign',
          name: '联合会签',
          role: 'approver',
          mode: 'all',
          unitRule: { kind: 'units', unitIds: ['lk.bb', 'lk.office'] },
        },
      ]);
      expect(v1.steps.map((s) => s.handledBy)).toEqual([
        '申请人所在乡镇（街道）',
        '兰考县民政局',
        '中共兰考县委机构编制委员会办公室、兰考县委县政府办公室',
      ]);

      // A new version of the same matter: shorter promise, the last step becomes 或签.
      await page.getByTestId(`matter-edit-${code}`).click();
      await page.waitForURL(new RegExp(`/admin/matters/${code}/edit$`));
      await expect.poll(() => page.locator('#matter_name').inputValue()).toBe('老年人助餐补贴申请');
      expect(await page.locator('#matter_code').isDisabled()).toBe(true);
      await page.locator('#matter_promisedLimitDays').fill('8');
      await page.getByTestId('step-card-2').getByText('或签', { exact: true }).click();
      await page.locator('#matter-reason').fill('压缩承诺时限，末环节改为或签');
      await screenshot(page, 'a4-matter-edit');
      await page.getByTestId('matter-submit').click();
      await page.getByText(`已发布事项 ${code} 第 2 版`).waitFor();

      const v2 = await sys.apiAs<MatterGuide>('admin', 'GET', `/matters/${code}`);
      expect(v2).toMatchObject({ version: 2, currentVersion: 2, promisedLimitDays: 8, stepCount: 3 });
      expect(v2.definition.steps.map((s) => [s.key, s.mode])).toEqual([
        ['accept', 'single'],
        ['review', 'single'],
        ['joint-sign', 'any'],
      ]);
      const versions = await sys.apiAs<MatterVersionSummary[]>('admin', 'GET', `/matters/${code}/versions`);
      expect(versions.map((v) => [v.version, v.current, v.promisedLimitDays])).toEqual([
        [2, true, 8],
        [1, false, 10],
      ]);
      await page.getByTestId(`matter-edit-${code}`).click();
      await expect.poll(() => page.getByTestId('matter-versions').locator('tbody tr.ant-table-row').count()).toBe(2);
      await screenshot(page, 'a5-matter-version-history');
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'the editor refuses a 5th step and a promise above the statutory limit without calling the server, and shows the server’s 422 in Chinese; nothing is saved',
    async () => {
      const sys = system();
      const { page, context } = await sys.signIn('admin');
      const code = 'GG-E2E-REFUSED';
      const before = await sys.apiAs<MatterSummary[]>('admin', 'GET', '/matters');
      await page.goto('/admin/matters/new');
      await page.locator('#matter_code').waitFor();
      const writes = recordWrites(page, '/matters');

      await page.locator('#matter_code').fill(code);
      await page.locator('#matter_name').fill('个体工商户登记');
      await page.locator('#matter_legalBasis').fill('《促进个体工商户发展条例》');
      await page.locator('#matter_statutoryLimitDays').fill('10');

      // Up to four steps; the fifth cannot be added.
      const addStep = page.getByTestId('add-step');
      for (let i = 1; i <= 3; i += 1) {
        await addStep.click();
        await page.locator(`#matter_steps_${i}_name`).fill(`环节${i + 1}`);
      }
      expect(await page.locator('[data-testid^="step-card-"]').count()).toBe(4);
      expect(await addStep.isDisabled()).toBe(true);
      await addStep.click({ force: true });
      expect(await page.locator('[data-testid^="step-card-"]').count()).toBe(4);
      await expect.poll(() => page.getByTestId('steps-limit').textContent()).toContain('已达上限：审批环节最多 4 个');
      await screenshot(page, 'b1-fifth-step-refused');

      // promised 15 > statutory 10: the form refuses with the API's own words and sends nothing.
      // (Filled only now: its inline message moves the buttons below while they are being clicked.)
      await page.locator('#matter_promisedLimitDays').fill('15');
      await page.locator('#matter-reason').fill('测试规则');
      await page.getByTestId('matter-submit').click();
      await page.getByText('承诺时限（15 个工作日）不能超过法定时限（10 个工作日）').waitFor();
      await page.getByText('请选择办理单位').first().waitFor();
      await screenshot(page, 'b2-promise-above-statutory');
      expect(writes).toEqual([]);

      // Fix the form but name a unit without staff in the role: only the server can know, and says so.
      await page.locator('#matter_promisedLimitDays').fill('5');
      for (const i of [3, 2]) await page.getByTestId(`step-remove-${i}`).click();
      expect(await page.locator('[data-testid^="step-card-"]').count()).toBe(2);
      await page.locator('#matter_steps_1_name').fill('市场监管窗口初审');
      await pickOption(page, page.locator('#matter_steps_1_role'), '窗口人员');
      await pickOption(page, page.locator('#matter_steps_1_unitIds'), '兰考县市场监督管理局', {
        search: 'lk.dept.scjg',
      });
      await page.keyboard.press('Escape');
      await page.getByTestId('matter-submit').click();
      const problem = page.getByTestId('server-problem');
      await problem.waitFor();
      expect(await problem.getAttribute('data-code')).toBe('step-without-staff');
      expect(await problem.textContent()).toContain('保存未成功：业务规则不允许');
      expect(await page.getByTestId('server-problem-detail').textContent()).toBe(
        '环节「市场监管窗口初审」的办理单位「兰考县市场监督管理局」没有在岗的窗口人员',
      );
      // The refusal is also shown at the field it concerns.
      await page.getByTestId('step-card-1').getByText('没有在岗的窗口人员').waitFor();
      await screenshot(page, 'b3-server-refusal-in-chinese');
      expect(writes).toEqual(['POST /api/v1/matters']);
      expect(page.url()).toMatch(/\/admin\/matters\/new$/);

      // Nothing was saved.
      expect(await statusOf(sys.baseUrl, await sys.t.tokenFor('admin'), `/matters/${code}`)).toBe(404);
      const after = await sys.apiAs<MatterSummary[]>('admin', 'GET', '/matters');
      expect(after.map((m) => m.code)).toEqual(before.map((m) => m.code));
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'an administrator edits an incident time limit, a routing rule and the 三率 weights; a zero limit and weights not summing to 100% are refused by the form',
    async () => {
      const sys = system();
      const { page, context } = await sys.signIn('admin');
      await openMenu(page, '事件处置规则');
      await page.waitForURL(/\/admin\/incident-config$/);
      await pickOption(page, page.locator('#time-limit-category'), '环境保护');
      await expect.poll(() => page.getByTestId('tl-value-normal-2').textContent()).toBe('3 工作日');
      expect(await page.getByTestId('tl-value-normal-1').textContent()).toBe('当日（工作日内办结）');
      expect(await page.getByTestId('tl-value-critical-4').textContent()).toBe('2 小时');
      await screenshot(page, 'c1-incident-time-limits');

      const writes = recordWrites(page, '/incident-config');
      await page.getByTestId('tl-edit-normal-2').click();
      const modal = page.locator('.ant-modal:visible');
      await modal.getByText('处置时限：环境保护 · 一般 · 二级（村/社区）').waitFor();
      await page.locator('#time-limit-limit').fill('0');
      await page.locator('#time-limit-reason').fill('县里压缩村级处置时限');
      await page.getByTestId('config-save').click();
      await modal.getByText('时限须大于 0').waitFor();
      expect(writes).toEqual([]);
      await screenshot(page, 'c2-time-limit-zero-refused');
      await page.locator('#time-limit-limit').fill('2');
      await page.getByTestId('config-save').click();
      await page.getByText('已保存').first().waitFor();
      await expect.poll(() => page.getByTestId('tl-value-normal-2').textContent()).toBe('2 工作日');
      await screenshot(page, 'c3-time-limit-saved');
      expect(writes).toEqual(['PUT /api/v1/incident-config/time-limits/environment/normal/2']);

      await page.getByRole('tab', { name: '派单规则' }).click();
      await expect
        .poll(() => page.getByTestId('rr-value-law-enforcement-3').textContent())
        .toBe('本级属地单位：所在乡镇（街道）');
      await page.getByTestId('rr-edit-law-enforcement-3').click();
      // A click landing while the modal still animates in is lost on a loaded machine: click until the agency field shows.
      await expect
        .poll(
          async () => {
            await page.locator('.ant-modal:visible').getByText('乡镇派驻机构', { exact: true }).click();
            return page.locator('#routing-agency').isVisible();
          },
          { timeout: 30_000 },
        )
        .toBe(true);
      await pickOption(page, page.locator('#routing-agency'), 'scjgs');
      await page.locator('#routing-reason').fill('行政执法类事件在乡镇一级派市场监管所');
      await screenshot(page, 'c4-routing-rule-modal');
      await page.getByTestId('config-save').click();
      await expect
        .poll(() => page.getByTestId('rr-value-law-enforcement-3').textContent())
        .toMatch(/^派驻机构 scjgs（如 .*市场监督管理所）$/);
      await screenshot(page, 'c5-routing-rule-saved');

      // The 三率 weights must sum to 100%: 30/35/30 is refused by the form, 35/35/30 is saved as shares.
      await page.getByRole('tab', { name: '核查、回访与三率' }).click();
      await expect.poll(() => page.locator('#incident-settings_weights_response').inputValue()).toBe('30');
      await page.locator('#incident-settings_weights_satisfaction').fill('30');
      await page.locator('#incident-settings-reason').fill('提高响应率权重');
      await page.getByTestId('incident-settings-save').click();
      await page.getByText('三率权重合计须为 100%，当前为 95%').first().waitFor();
      await screenshot(page, 'c6-incident-settings-refused');
      expect(writes).toHaveLength(2);
      await page.locator('#incident-settings_weights_response').fill('35');
      await page.getByTestId('incident-settings-save').click();
      await expect
        .poll(() => writes)
        .toEqual([
          'PUT /api/v1/incident-config/time-limits/environment/normal/2',
          'PUT /api/v1/incident-config/routing-rules/law-enforcement/3',
          'PUT /api/v1/incident-config/settings',
        ]);
      // Saved and reloaded: the form starts again from the stored settings, with an empty reason.
      await expect.poll(() => page.locator('#incident-settings-reason').inputValue()).toBe('');
      await screenshot(page, 'c7-incident-settings-saved');

      // The other tables render from the same configuration; a new category without its L4 department is refused.
      await page.getByRole('tab', { name: '12345 工单类型' }).click();
      await page.getByTestId('hotline-table').locator('tr', { hasText: 'life-safety' }).getByText('2 小时').waitFor();
      await screenshot(page, 'c8-hotline-types');
      await page.getByRole('tab', { name: '事件类别' }).click();
      await page.getByTestId('category-new').click();
      await page.locator('#category_code').fill('poverty-relief');
      await page.locator('#category_name').fill('脱贫攻坚');
      await page.locator('#category-reason').fill('新增类别');
      await page.getByTestId('config-save').click();
      await page.locator('.ant-modal:visible').getByText('新类别须指定四级（县级）处置部门').waitFor();
      await screenshot(page, 'c9-new-category-refused');
      expect(writes).toHaveLength(3);
      await page
        .locator('.ant-modal:visible')
        .getByRole('button', { name: /取\s*消/ })
        .click();

      const config = await sys.apiAs<IncidentConfig>('admin', 'GET', '/incident-config');
      expect(config.categories.map((c) => c.code)).not.toContain('poverty-relief');
      expect(config.settings.hotlineWeights).toEqual({ response: 0.35, resolution: 0.35, satisfaction: 0.3 });
      expect(config.settings).toMatchObject({ commandCentreUnitId: 'lk.zhzx', callbackSources: ['hotline', 'photo'] });
      const limit = (category: string, urgency: string, level: number) =>
        config.timeLimits.find((l) => l.categoryCode === category && l.urgencyCode === urgency && l.level === level)
          ?.limit;
      expect(limit('environment', 'normal', 2)).toEqual({ unit: 'workday', amount: 2 });
      // Neighbouring cells are untouched.
      expect(limit('environment', 'normal', 3)).toEqual({ unit: 'workday', amount: 7 });
      expect(limit('party-building', 'normal', 2)).toEqual({ unit: 'workday', amount: 3 });
      expect(config.routingRules.find((r) => r.categoryCode === 'law-enforcement' && r.level === 3)).toEqual({
        categoryCode: 'law-enforcement',
        level: 3,
        mode: 'agency',
        target: 'scjgs',
      });
      expect(config.routingRules.find((r) => r.categoryCode === 'law-enforcement' && r.level === 4)).toMatchObject({
        mode: 'unit',
      });
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'an administrator edits a whistle rule and the red-card rule; a condition that does not fit the rule kind is refused by the form',
    async () => {
      const sys = system();
      const { page, context } = await sys.signIn('admin');
      await openMenu(page, '吹哨规则');
      await page.waitForURL(/\/admin\/summons-config$/);
      await expect
        .poll(() => page.getByTestId('rule-condition-multi-department').textContent())
        .toBe('至少召集 2 个部门或派驻机构');
      await screenshot(page, 'd1-whistle-rules');

      const writes = recordWrites(page, '/summons-config');
      await page.getByTestId('rule-edit-multi-department').click();
      const modal = page.locator('.ant-modal:visible');
      await modal.getByText('编辑吹哨规则：需多部门协同处置').waitFor();
      await page.locator('#summons-rule-reason').fill('协同事项须至少三个部门');
      // "至少召集 N 个" states a requirement: it cannot be a forbidden situation.
      await modal.getByText('禁止的情形', { exact: true }).click();
      await page.getByTestId('config-save').click();
      await modal.getByText('该条件不适用于禁止的情形').waitFor();
      expect(writes).toEqual([]);
      await screenshot(page, 'd2-whistle-rule-kind-refused');

      await modal.getByText('允许的事由', { exact: true }).click();
      await page.locator('#summons-rule-min').fill('3');
      await page.getByTestId('config-save').click();
      await expect
        .poll(() => page.getByTestId('rule-condition-multi-department').textContent())
        .toBe('至少召集 3 个部门或派驻机构');
      await screenshot(page, 'd3-whistle-rule-saved');
      expect(writes).toEqual(['PUT /api/v1/summons-config/rules/multi-department']);

      // The red card comes at the third miss from now on.
      await page.getByRole('tab', { name: '报到与反馈时限' }).click();
      await expect.poll(() => page.locator('#summons-red-card').inputValue()).toBe('2');
      await page.locator('#summons-red-card').fill('3');
      await page.locator('#summons-settings-reason').fill('第三次未报到给红牌');
      await page.getByTestId('summons-settings-save').click();
      await expect
        .poll(() => writes)
        .toEqual(['PUT /api/v1/summons-config/rules/multi-department', 'PUT /api/v1/summons-config/settings']);
      await expect.poll(() => page.locator('#summons-settings-reason').inputValue()).toBe('');
      await screenshot(page, 'd4-whistle-settings-saved');

      const config = await sys.apiAs<SummonsConfig>('admin', 'GET', '/summons-config');
      expect(config.settings).toEqual({
        responseLimits: {
          critical: { unit: 'minute', amount: 30 },
          urgent: { unit: 'hour', amount: 2 },
          normal: { unit: 'hour', amount: 24 },
        },
        handlingLimits: { simple: { unit: 'same-workday' }, complex: { unit: 'workday', amount: 10 } },
        redCardAtMiss: 3,
      });
      expect(config.rules.find((r) => r.code === 'multi-department')).toEqual({
        code: 'multi-department',
        kind: 'allowed',
        name: '需多部门协同处置',
        description: '乡镇无法单独解决、需要多个部门协同的问题',
        condition: { type: 'min-units', min: 3 },
        active: true,
        sort: 1,
      });
      expect(config.rules.find((r) => r.code === 'emergency')?.condition).toEqual({
        type: 'urgency-in',
        urgencies: ['urgent', 'critical'],
      });
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'a window clerk cannot reach the admin editors: every admin URL sends them back to their inbox',
    async () => {
      const sys = system();
      const { page, context } = await sys.signIn('t01.window');
      expect(await page.getByRole('menuitem', { name: '事项目录' }).count()).toBe(0);
      expect(await page.getByText('系统管理').count()).toBe(0);
      for (const path of [
        '/admin/matters',
        '/admin/matters/new',
        '/admin/matters/XK-SMALL-CATERING/edit',
        '/admin/incident-config',
        '/admin/summons-config',
      ]) {
        await page.goto(path);
        await page.waitForURL(/\/inbox$/);
        await page.locator('[data-testid="current-user"][data-username="t01.window"]').waitFor();
        expect(await page.getByTestId('matter-submit').count()).toBe(0);
      }
      await screenshot(page, 'e1-non-admin-redirected');
      // The server refuses the same writes on its own.
      const put = await fetch(`${sys.baseUrl}/api/v1/incident-config/time-limits/environment/normal/2`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await sys.t.tokenFor('t01.window')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ limit: { unit: 'workday', amount: 1 }, reason: '越权' }),
      });
      expect(put.status).toBe(403);
      await context.close();
    },
    E2E_TIMEOUT,
  );
});
