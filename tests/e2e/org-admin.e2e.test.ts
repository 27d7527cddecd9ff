import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { OrgUnit, Page as ListPage, PowerListItem, User } from '../../web/src/api/types';
import type { AdminAuditPage, PersonSecondments, Secondment } from '../../web/src/pages/admin/admin-types';
import { openMenu, pickOption, screenshot, systemPerFile } from './harness';

// User and org administration, secondments and the admin audit log, clicked through in a real
// headless Chromium against the real system (API + Temporal dev server + worker + PostgreSQL).
// Every change made by clicking is checked through the API; every refusal is checked to show the
// server's rule in the console and to have changed nothing.

const system = systemPerFile();

const E2E_TIMEOUT = 180_000;

/** Fill the audit reason of the open form and save it. */
async function save(page: Page, formName: string, reason: string): Promise<void> {
  await page.locator(`#${formName}-reason`).fill(reason);
  await page.getByTestId('config-save').click();
}

/** Save, wait for the form to close (the server accepted it). */
async function saveAccepted(page: Page, formName: string, reason: string): Promise<void> {
  await save(page, formName, reason);
  await page.locator('.ant-modal:visible').waitFor({ state: 'hidden' });
}

/** Pick a unit in a unit picker by its id. */
const pickUnit = (page: Page, field: string, id: string) =>
  pickOption(page, page.locator(field), `· ${id}）`, { search: id });

describe('user and org administration (Playwright + headless Chromium, real system)', () => {
  it(
    'unit create → rename → close refused while it has a user; user create → move → deactivate → reactivate; a power-list item edited; all in the admin audit log',
    async () => {
      const sys = system();
      const admin = <T>(method: string, path: string, body?: unknown) => sys.apiAs<T>('admin', method, path, body);
      const { page, context } = await sys.signIn('admin');

      // A new village under 东坝头镇, then renamed.
      await openMenu(page, '组织机构');
      await pickUnit(page, '#unit-find', 'lk.t02');
      await page.getByTestId('unit-detail').locator('.ant-card-head-title', { hasText: '东坝头镇' }).waitFor();
      await page.getByTestId('unit-add-child').click();
      await page.locator('#unit_new_id').fill('lk.t02.v09');
      await page.locator('#unit_new_name').fill('新庄村');
      await saveAccepted(page, 'unit_new', '新设行政村');
      expect(await admin<OrgUnit>('GET', '/org-units/lk.t02.v09')).toMatchObject({
        parentId: 'lk.t02',
        kind: 'village',
        path: 'lk/lk.t02/lk.t02.v09',
        name: '新庄村',
      });

      await pickUnit(page, '#unit-find', 'lk.t02.v09');
      await page.getByTestId('unit-edit').click();
      await page.locator('#unit_edit_name').fill('新庄社区村');
      await saveAccepted(page, 'unit_edit', '村名调整');
      await page.getByTestId('unit-detail').locator('.ant-card-head-title', { hasText: '新庄社区村' }).waitFor();
      expect((await admin<OrgUnit>('GET', '/org-units/lk.t02.v09')).name).toBe('新庄社区村');

      // A user placed in the new village.
      await openMenu(page, '用户');
      await page.getByTestId('user-new').click();
      await page.locator('#user_new_username').fill('t02.v09.handler');
      await page.locator('#user_new_displayName').fill('郑新农');
      await pickOption(page, page.locator('#user_new_role'), '处置人');
      await pickUnit(page, '#user_new_unitId', 'lk.t02.v09');
      await saveAccepted(page, 'user_new', '新村配备处置人');
      const created = await admin<User>('GET', '/users/u.t02.v09.handler');
      expect(created).toMatchObject({ unitId: 'lk.t02.v09', role: 'handler', active: true });

      // Closing the village is refused while he works there: the refusal names him.
      await openMenu(page, '组织机构');
      await pickUnit(page, '#unit-find', 'lk.t02.v09');
      await page.getByTestId('unit-active').click();
      await save(page, 'unit_active', '撤并');
      const refusal = page.getByTestId('server-problem');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-code')).toBe('unit-has-active-members');
      expect(await page.getByTestId('server-problem-detail').textContent()).toContain('郑新农');
      await screenshot(page, 'o1-unit-close-refused');
      await page.keyboard.press('Escape');
      expect((await admin<OrgUnit>('GET', '/org-units/lk.t02.v09')).active).toBe(true);

      // Move him to 张庄村, deactivate, reactivate.
      await openMenu(page, '用户');
      await page.locator('#user-search').fill('t02.v09.handler');
      await page.locator('#user-search').press('Enter');
      await page.getByTestId('users-table').locator('tr', { hasText: '郑新农' }).waitFor();
      await page.getByTestId('user-move-t02.v09.handler').click();
      await pickUnit(page, '#user_move_unitId', 'lk.t02.v01');
      await saveAccepted(page, 'user_move', '调往张庄村');
      expect((await admin<User>('GET', '/users/u.t02.v09.handler')).unitId).toBe('lk.t02.v01');

      await page.getByTestId('user-active-t02.v09.handler').click();
      await saveAccepted(page, 'user_active', '离岗');
      await page.getByTestId('users-table').locator('tr', { hasText: '郑新农' }).getByText('启用').waitFor();
      expect((await admin<User>('GET', '/users/u.t02.v09.handler')).active).toBe(false);
      await screenshot(page, 'o2-user-deactivated');
      await page.getByTestId('user-active-t02.v09.handler').click();
      await saveAccepted(page, 'user_active', '返岗');
      await page.getByTestId('users-table').locator('tr', { hasText: '郑新农' }).getByText('停用').waitFor();
      expect((await admin<User>('GET', '/users/u.t02.v09.handler')).active).toBe(true);

      // The emptied village now closes.
      await openMenu(page, '组织机构');
      await pickUnit(page, '#unit-find', 'lk.t02.v09');
      await page.getByTestId('unit-active').click();
      await saveAccepted(page, 'unit_active', '撤并');
      // antd spaces out a two-character Chinese button label (恢 复).
      await page
        .getByTestId('unit-active')
        .filter({ hasText: /恢\s?复/ })
        .waitFor();
      expect((await admin<OrgUnit>('GET', '/org-units/lk.t02.v09')).active).toBe(false);

      // A power-list item of 东坝头镇 edited.
      await pickUnit(page, '#unit-find', 'lk.t02');
      const [item] = await admin<PowerListItem[]>('GET', '/org-units/lk.t02/power-list');
      await page.getByTestId(`power-edit-${item!.code}`).click();
      await page.locator('#power_name').fill(`${item!.name}（修订）`);
      await page.locator('#power_legalBasis').fill('《河南省乡镇综合行政执法条例》');
      await saveAccepted(page, 'power', '依据调整');
      const edited = (await admin<PowerListItem[]>('GET', '/org-units/lk.t02/power-list')).find(
        (p) => p.id === item!.id,
      );
      expect(edited).toMatchObject({ name: `${item!.name}（修订）`, legalBasis: '《河南省乡镇综合行政执法条例》' });
      await page.getByTestId('power-list').getByText(`${item!.name}（修订）`).waitFor();
      await screenshot(page, 'o3-org-power-list');

      // The admin audit log shows every change: who, what, why, before → after.
      await openMenu(page, '配置变更日志');
      await pickOption(page, page.locator('#audit-stream'), '组织机构与用户');
      const table = page.getByTestId('admin-audit-table');
      for (const [what, why] of [
        ['新建单位', '新设行政村'],
        ['修改单位', '村名调整'],
        ['新建用户', '新村配备处置人'],
        ['修改用户', '调往张庄村'],
        ['修改用户', '离岗'],
        ['修改用户', '返岗'],
        ['修改单位', '撤并'],
        ['修改权责事项', '依据调整'],
      ] as const) {
        await table
          .locator('tr', { hasText: why })
          .filter({ hasText: what })
          .filter({ hasText: '系统管理员' })
          .first()
          .waitFor();
      }
      const renamed = table.locator('tr', { hasText: '村名调整' });
      expect(await renamed.textContent()).toContain('新庄村');
      expect(await renamed.textContent()).toContain('新庄社区村');
      await screenshot(page, 'o4-admin-audit');
      const log = await admin<AdminAuditPage>('GET', '/admin-audit?stream=admin:org&pageSize=20');
      expect(log.items.slice(0, 8).map((e) => e.reason)).toEqual([
        '依据调整',
        '撤并',
        '返岗',
        '离岗',
        '调往张庄村',
        '新村配备处置人',
        '村名调整',
        '新设行政村',
      ]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  it(
    'an admin records a secondment and ends it as converted; a barred person is refused with the rule and the day the bar ends, shown on the person too; payroll grades export',
    async () => {
      const sys = system();
      const admin = <T>(method: string, path: string, body?: unknown) => sys.apiAs<T>('admin', method, path, body);
      // The bar as a final seconded-staff cycle leaves it (db/secondment.ts): returned, barred for a year.
      const barred = 'u.lk.t02.v02.handler';
      const until = `${new Date().getFullYear() + 1}-06-30`;
      const pool = sys.t.deps.database.pool;
      await pool.query(
        `insert into assessment_cycles (case_id, scheme_code, scheme_version, scheme_name, direction, period, period_key, period_label, period_start, period_end, owner_unit_id, phase, opened_by, final_at)
         values ('KH-E2E-000001', 'seconded-annual', 1, '选派人员年度考核', 'down', 'year', '2025', '2025年度', '2025-01-01', '2026-01-01', 'lk.zzb', 'final', 'u.lk.assessor', now())`,
      );
      await pool.query(
        `insert into secondment_outcomes (case_id, user_id, effect, total, grade, grade_label, decided_at, bar_until, note) values ('KH-E2E-000001', $1, 'return', 52, 'fail', '不合格', now(), $2, '退回原单位，一年内不得再选派')`,
        [barred, until],
      );

      const { page, context } = await sys.signIn('admin');
      await openMenu(page, '选派人员');
      await page.getByTestId('secondments-table').locator('tr', { hasText: 't01.v01.handler' }).waitFor();

      // Record: 市场监管局's handler seconded to 范场村.
      await page.getByTestId('secondment-new').click();
      await pickOption(page, page.locator('#secondment_new_userId'), 'scjg.handler', { search: 'scjg.handler' });
      await pickUnit(page, '#secondment_new_hostUnitId', 'lk.t01.v02');
      await pickUnit(page, '#secondment_new_originUnitId', 'lk.dept.scjg');
      await page.locator('#secondment_new_startDate').fill('2026-01-05');
      await page.locator('#secondment_new_plannedEndDate').fill('2028-01-04');
      await saveAccepted(page, 'secondment_new', '选派至范场村');
      const row = page.getByTestId('secondments-table').locator('tr', { hasText: 'scjg.handler' });
      await row.getByText('选派中').waitFor();
      const [recorded] = (await admin<ListPage<Secondment>>('GET', '/secondments?userId=u.lk.scjg.handler')).items;
      expect(recorded).toMatchObject({
        status: 'active',
        hostUnitId: 'lk.t01.v02',
        origin: { unitId: 'lk.dept.scjg' },
        startDate: '2026-01-05',
      });

      // Filtered by township: 城关镇 shows him, 东坝头镇 does not.
      await pickUnit(page, '#secondment-township', 'lk.t02');
      await page.getByTestId('secondments-table').locator('tr', { hasText: 't02.v01.handler' }).waitFor();
      expect(await page.getByTestId('secondments-table').locator('tr', { hasText: 'scjg.handler' }).count()).toBe(0);
      await pickUnit(page, '#secondment-township', 'lk.t01');
      await row.waitFor();

      // End it: converted into the township's staff.
      await page.getByTestId('secondment-end-scjg.handler').click();
      await page.getByText('已转为乡镇在编', { exact: true }).click();
      await saveAccepted(page, 'secondment_end', '年度考核优秀，已办理转编');
      await row.getByText('已转为乡镇在编').waitFor();
      expect(
        (await admin<ListPage<Secondment>>('GET', '/secondments?userId=u.lk.scjg.handler')).items[0],
      ).toMatchObject({ status: 'converted', endReason: '年度考核优秀，已办理转编' });
      await screenshot(page, 's1-secondments');

      // The barred person: refused with the rule and the day the bar ends; nothing recorded.
      await page.getByTestId('secondment-new').click();
      await pickOption(page, page.locator('#secondment_new_userId'), 't02.v02.handler', { search: 't02.v02.handler' });
      await pickUnit(page, '#secondment_new_hostUnitId', 'lk.t02.v03');
      await page.getByText('系统外单位', { exact: true }).click();
      await page.locator('#secondment_new_originName').fill('兰考县水利局');
      await page.locator('#secondment_new_startDate').fill('2026-12-01');
      await page.locator('#secondment_new_plannedEndDate').fill('2027-11-30');
      await save(page, 'secondment_new', '再次选派');
      const refusal = page.getByTestId('server-problem');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-code')).toBe('secondment-barred');
      const detail = (await page.getByTestId('server-problem-detail').textContent()) ?? '';
      expect(detail).toContain('一年内不得再选派');
      expect(detail).toContain(`禁止期至 ${until} 止`);
      await screenshot(page, 's2-secondment-barred');
      await page.keyboard.press('Escape');
      expect((await admin<ListPage<Secondment>>('GET', `/secondments?userId=${barred}`)).total).toBe(0);

      // The person's page shows the bar.
      await openMenu(page, '用户');
      await page.locator('#user-search').fill('t02.v02.handler');
      await page.locator('#user-search').press('Enter');
      const person = (await admin<PersonSecondments>('GET', `/users/${barred}/secondments`)).name;
      await page.getByTestId('users-table').getByText(person, { exact: true }).click();
      const bar = page.getByTestId('secondment-bar');
      await bar.waitFor();
      expect(await bar.textContent()).toContain(until);
      await page.locator('.ant-drawer-content-wrapper:not([class*="motion"])').waitFor();
      await screenshot(page, 's3-person-bar');
      await page.keyboard.press('Escape');

      // Payroll: a township's month shown and exported.
      await openMenu(page, '绩效工资核算');
      await pickUnit(page, '#payroll_townshipId', 'lk.t01');
      await page.getByTestId('payroll-query').click();
      await page.getByTestId('payroll-csv').and(page.locator(':enabled')).waitFor();
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payroll-csv').click()]);
      expect(file.suggestedFilename()).toMatch(/^pay-grades-lk\.t01-\d{4}-\d{2}\.csv$/);
      await context.close();
    },
    E2E_TIMEOUT,
  );
});
