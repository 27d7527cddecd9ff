import { replaceYear } from '../../../db/calendar';
import { NATIONAL_REGION } from '../../../db/schema/calendar';
import { ADMIN_ONLY } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import { regionQuery, yearParam, yearBody, yearSummarySchema, yearViewSchema, recomputing } from './schemas';
import { entriesOf, checkYearEntries, requireNationalYear, requireRegion, yearView, yearSummaries } from './views';
import { calendarWrite, yearSnapshot, nationalHolidaysIn } from './writes';

export function registerCalendarYearRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/calendar/years',
    operationId: 'listCalendarYears',
    summary:
      '已录入节假日数据的年份及放假/调休天数 / Years with holiday data, with counts of holidays and make-up workdays',
    tags: ['calendar'],
    access: { roles: 'any' },
    query: regionQuery,
    response: {
      schema: z.object({ region: z.string(), years: z.array(yearSummarySchema) }).openapi('CalendarYearList'),
      description: '按年份排序 / In year order',
    },
    errors: [404],
    async handler({ query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      return { region, years: await yearSummaries(deps.database.db, region) };
    },
  });

  routes.add({
    method: 'get',
    path: '/calendar/years/:year',
    operationId: 'getCalendarYear',
    summary:
      '某年的放假日和调休上班日（按日历实际认定）/ A year’s holidays and make-up workdays as the calendar sees them',
    description:
      '指定 region 时同时显示该区划的地方叠加，并标明其覆盖的全国安排。/ With ?region= the regional overlay is included, marked as such with the national entry it overrides.',
    tags: ['calendar'],
    access: { roles: 'any' },
    params: yearParam,
    query: regionQuery,
    response: { schema: yearViewSchema, description: '该年日历 / The year' },
    errors: [404],
    async handler({ params, query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      return yearView(deps, region, params.year);
    },
  });

  routes.add({
    method: 'put',
    path: '/calendar/years/:year',
    operationId: 'replaceCalendarYear',
    summary:
      '录入或替换某年全国放假安排（或某区划的地方叠加）/ Enter or replace a year’s national schedule (or a region’s overlay)',
    description:
      '国务院公布放假安排后由管理员整年录入：日期须在该年内、不得重复、同一天不能既放假又上班、调休上班日须为周末（地方叠加可用以取消全国假日）。保存后所有在办案件在后台重新计算期限（202，进度见 Location）。/ ' +
      'Entered by an admin once the State Council announces the year: dates in the year, none twice, never both holiday and workday, make-up workdays on weekends (an overlay may also cancel a national holiday). Every live case then recomputes its deadlines in the background (202; follow Location for the progress).',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: yearParam,
    query: regionQuery,
    body: yearBody,
    response: {
      status: 202,
      schema: yearViewSchema.extend(recomputing).openapi('CalendarYearReplaced'),
      description:
        '保存后的该年日历；在办案件的期限在后台重算 / The year as saved; live deadlines are being recomputed',
    },
    errors: [404, 422],
    async handler(ctx) {
      const { params, query, body, deps } = ctx;
      const { year } = params;
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      const entries = entriesOf(body);
      const { recompute } = await calendarWrite(
        ctx,
        { action: 'calendar.year.replace', region, reason: body.reason },
        async (tx) => {
          if (region !== NATIONAL_REGION)
            await requireNationalYear(tx, year, {
              zh: `录入 ${region} 的地方叠加`,
              en: `enter the overlay of ${region}`,
            });
          checkYearEntries(year, region, entries, await nationalHolidaysIn(tx, region, year));
          const before = await yearSnapshot(tx, region, year);
          await replaceYear(
            tx,
            region,
            year,
            entries.map(({ path: _p, ...e }) => e),
            'admin',
          );
          return { before, after: await yearSnapshot(tx, region, year), result: {} };
        },
      );
      return { ...(await yearView(deps, region, year)), recompute };
    },
  });
}
