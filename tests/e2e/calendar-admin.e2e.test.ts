import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarYears, matters, matterVersions, NATIONAL_REGION } from '../../db/schema';
import { CATALOGUE_TEMPLATES } from '../../db/seed/catalogue';
import { missingCalendarYears } from '../../domain/calendar-warning';
import { screenshot, systemPerFile } from './harness';

// Calendar administration in headless Chromium against the real system: the missing-year banner,
// importing a year from an ICS file, the recompute it starts, an application the missing year had
// refused now accepted, and a withdrawal refused while that application's deadline depends on it.

const system = systemPerFile();
const E2E_TIMEOUT = 180_000;

/** A plausible schedule (test data, not the State Council's): all-day events, 休 days off, 班 make-up workdays. */
function icsFor(year: number): string {
  const ev = (uid: number, start: string, end: string | null, summary: string) => [
    'BEGIN:VEVENT',
    `UID:${uid}@test`,
    `DTSTART;VALUE=DATE:${year}${start}`,
    ...(end ? [`DTEND;VALUE=DATE:${year}${end}`] : []),
    `SUMMARY:${summary}`,
    'END:VEVENT',
  ];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//中国节假日//CN',
    ...ev(1, '0101', '0104', '元旦 休'),
    ...ev(2, '0205', '0213', '春节 休'),
    ...ev(3, '0131', null, '春节 班'),
    ...ev(4, '0220', null, '春节 班'),
    ...ev(5, '0403', '0406', '清明节 休'),
    ...ev(6, '0501', '0506', '劳动节 休'),
    ...ev(7, '0425', null, '劳动节 班'),
    ...ev(8, '0508', null, '劳动节 班'),
    ...ev(9, '0609', '0610', '端午节 休'),
    ...ev(10, '0915', '0916', '中秋节 休'),
    ...ev(11, '1001', '1008', '国庆节 休'),
    ...ev(12, '0926', null, '国庆节 班'),
    ...ev(13, '1009', null, '国庆节 班'),
    'END:VCALENDAR',
  ].join('\r\n');
}

describe('calendar administration (Playwright + headless Chromium, real system)', () => {
  it(
    'an admin imports next year from an ICS file; a refused application now succeeds; withdrawing the year is refused naming it',
    async () => {
      const sys = system();
      const db = sys.t.tdb.db;
      const covered = (
        await db
          .select({ year: calendarYears.year })
          .from(calendarYears)
          .where(eq(calendarYears.region, NATIONAL_REGION))
      ).map((r) => r.year);
      const target = Math.max(...covered) + 1;
      // A matter whose 60-working-day promise reaches from today into the first year without data.
      const catering = CATALOGUE_TEMPLATES.find((m) => m.code === 'XK-SMALL-CATERING')!;
      const long = {
        ...catering,
        code: 'XK-E2E-LONG',
        name: '长时限测试事项',
        statutoryLimitDays: 60,
        promisedLimitDays: 60,
      };
      await db.insert(matters).values({
        code: long.code,
        name: long.name,
        category: long.category,
        kind: long.kind,
        currentVersion: 1,
        active: true,
      });
      await db.insert(matterVersions).values({ code: long.code, version: 1, definition: long, createdBy: 'test' });
      const apply = async () => {
        const res = await fetch(`${sys.baseUrl}/api/v1/approvals`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await sys.t.tokenFor('t01.window')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            matterCode: long.code,
            channel: 'window',
            materials: [
              'business-licence',
              'operator-id',
              'premises-layout',
              'food-safety-rules',
              'health-certificates',
            ],
            applicant: { name: '李秀英', idNumber: '410225198801011234', phone: '13800000000' },
          }),
        });
        return {
          status: res.status,
          body: (await res.json()) as { code?: string; year?: number; caseId?: string; detail?: string },
        };
      };
      const refused = await apply();
      expect(refused).toMatchObject({ status: 422, body: { code: 'calendar-year-missing', year: target } });

      // The admin is warned on any page (from October 1 for next year; all year for a current year without data).
      const admin = await sys.signIn('admin');
      const page = admin.page;
      const warned = missingCalendarYears(Date.now(), (y) => covered.includes(y)).some((m) => m.year === target);
      if (warned) {
        const banner = page.locator(`[data-testid="calendar-missing-banner"][data-year="${target}"]`);
        await banner.waitFor();
        expect(await banner.textContent()).toContain(`${target} 年全国节假日安排尚未录入`);
        await screenshot(page, 'cal1-missing-year-banner');
        await banner.locator('[data-action="enter-missing-year"]').click();
      } else {
        await page.goto('/admin/calendar');
        await page.locator('[data-action="enter-year"]').click();
      }

      // The year form, filled from the ICS file, with the notice as its reference.
      const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('year-periods') });
      await modal.waitFor();
      expect(await modal.getByTestId('year-input').inputValue()).toBe(String(target));
      await modal
        .locator('input[type=file]')
        .setInputFiles({ name: `${target}.ics`, mimeType: 'text/calendar', buffer: Buffer.from(icsFor(target)) });
      await modal.getByTestId('import-note').waitFor();
      await expect.poll(() => modal.getByTestId('year-summary').textContent()).toBe('合计：放假 28 天，调休上班 6 天');
      await modal.getByTestId('year-reference').fill(`国务院办公厅关于${target}年部分节假日安排的通知（测试数据）`);
      await screenshot(page, 'cal2-year-imported');
      await modal.getByTestId('year-save').click();
      await modal.waitFor({ state: 'hidden' });

      // The change recomputes live deadlines in the background; the page follows it to the end.
      await page.locator('[data-testid="recompute"][data-status="done"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('calendar-days').getByText(`${target}-02-05`).waitFor();
      expect(await page.locator(`[data-testid="calendar-missing-banner"][data-year="${target}"]`).count()).toBe(0);
      await screenshot(page, 'cal3-year-saved-recomputed');

      // The application the missing year refused is accepted now, its deadline in that year.
      const accepted = await apply();
      expect(accepted.status).toBe(201);
      const caseId = accepted.body.caseId!;
      // Accepted at the window, its promised deadline (60 working days) runs in that year.
      await sys.apiAs('t01.window', 'POST', `/approvals/${caseId}/actions`, { type: 'accept' });
      for (let i = 0; ; i += 1) {
        const live = await sys.apiAs<{ items: { id: string; caseDeadline: string | null }[] }>(
          'admin',
          'GET',
          `/calendar/years/${target}/live-cases`,
        );
        const mine = live.items.find((c) => c.id === caseId);
        if (mine?.caseDeadline?.startsWith(String(target))) break;
        if (i >= 150) throw new Error(`case ${caseId} never showed a deadline in ${target}: ${JSON.stringify(live)}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      // Withdrawing the year is refused while that case's deadline depends on it, naming the case.
      await page.reload();
      await page.locator(`[data-testid="calendar-years"] tr[data-year="${target}"]`).click();
      await page.getByTestId('live-cases').getByText('长时限测试事项').first().waitFor();
      await page.locator('[data-action="withdraw-year"]').click();
      const withdraw = page.locator('.ant-modal').filter({ has: page.getByTestId('delete-reason') });
      await withdraw.getByTestId('delete-reason').fill('误录，撤回');
      await withdraw.getByTestId('delete-confirm').click();
      const problem = withdraw.getByTestId('server-problem');
      await problem.waitFor();
      expect(await problem.getAttribute('data-code')).toBe('calendar-year-in-use');
      expect(await problem.textContent()).toContain(caseId);
      await withdraw.getByTestId('blocking-cases').getByRole('link', { name: caseId }).waitFor();
      await screenshot(page, 'cal4-withdraw-refused');
      const still = await sys.apiAs<{ year: number; holidays: number }>('admin', 'GET', `/calendar/years/${target}`);
      expect(still.holidays).toBe(28);
      await admin.context.close();
    },
    E2E_TIMEOUT,
  );
});
