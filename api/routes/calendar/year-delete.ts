import { deleteYear } from '../../../db/calendar';
import { NATIONAL_REGION } from '../../../db/schema/calendar';
import { ADMIN_ONLY, notFound } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import { regionQuery, yearParam, reason, recomputing } from './schemas';
import { yearNotFound, requireRegion } from './views';
import { calendarWrite, yearSnapshot, refuseYearInUse } from './writes';

export function registerCalendarYearDeleteRoute(routes: ApiRoutes): void {
  routes.add({
    method: 'delete',
    path: '/calendar/years/:year',
    operationId: 'deleteCalendarYear',
    summary:
      '删除某年全国放假安排（或某区划该年的地方叠加）/ Delete a year’s national schedule (or a region’s overlay in the year)',
    description:
      '仍有在办案件的期限依赖该年（案件从受理到期限的跨度落入该年，或时钟暂停、期限未定）时拒绝（409），全国数据还有地方叠加时也拒绝。删除后在办案件在后台重算（202）。/ ' +
      'Refused (409) while a live case’s deadlines depend on the year (its span from opening to a deadline reaches into the year, or a clock is paused or without a deadline), and for national data while a regional overlay sits on it. Live cases then recompute in the background (202).',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: yearParam,
    query: regionQuery,
    body: z.strictObject({ reason }),
    response: {
      status: 202,
      schema: z
        .object({
          region: z.string(),
          year: z.number().int(),
          deleted: z.object({ holidays: z.number().int(), workdays: z.number().int() }),
          ...recomputing,
        })
        .openapi('CalendarYearDeleted'),
      description: '已删除；在办案件的期限在后台重算 / Deleted; live deadlines are being recomputed',
    },
    errors: [404, 409],
    async handler(ctx) {
      const { year } = ctx.params;
      const region = ctx.query.region ?? NATIONAL_REGION;
      await requireRegion(ctx.deps.database.db, region);
      const { deleted, recompute } = await calendarWrite(
        ctx,
        { action: 'calendar.year.delete', region, reason: ctx.body.reason },
        async (tx) => {
          const before = await yearSnapshot(tx, region, year);
          if (!before.covered && before.holidays.length + before.workdays.length === 0) {
            if (region === NATIONAL_REGION) throw yearNotFound(year);
            throw notFound(
              'calendar-overlay-not-found',
              `${region} 在 ${year} 年没有地方叠加数据`,
              `${region} has no overlay in ${year}`,
              { region, year },
            );
          }
          await refuseYearInUse(tx, region, year);
          await deleteYear(tx, region, year);
          return {
            before,
            after: null,
            result: { deleted: { holidays: before.holidays.length, workdays: before.workdays.length } },
          };
        },
      );
      return { region, year, deleted, recompute };
    },
  });
}
