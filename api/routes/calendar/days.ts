import { coverageOf, deleteDay, findDay, upsertDay } from '../../../db/calendar';
import { NATIONAL_REGION } from '../../../db/schema/calendar';
import { CalendarYearMissingError } from '../../../domain/calendar';
import { dayStartMs, formatShanghai, localDateOf, localDayIndex } from '../../../domain/time';
import { ADMIN_ONLY, notFound } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import {
  regionQuery,
  dateParam,
  reason,
  dayBody,
  dayViewSchema,
  dayChangeSchema,
  deadlineQuery,
  deadlineSchema,
} from './schemas';
import {
  type Entry,
  refuseIssues,
  makeupIssue,
  MAKEUP_SUMMARY,
  yearNotFound,
  requireRegion,
  calendarYearMissingProblem,
  calendarFor,
  dayView,
} from './views';
import { dayWrite, yearOfDate, localText } from './writes';

export function registerCalendarDayRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'put',
    path: '/calendar/days/:date',
    operationId: 'putCalendarDay',
    summary: '单日更正：设为放假日或调休上班日 / Correct one day: make it a holiday or a make-up workday',
    description:
      '该年须已有全国数据（否则请先整年录入）。/ The year must already have national data (import the whole year first).',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: dateParam,
    query: regionQuery,
    body: dayBody,
    response: {
      status: 202,
      schema: dayChangeSchema,
      description: '更正结果；在办案件的期限在后台重算 / The change; live deadlines are being recomputed',
    },
    errors: [404, 422],
    handler: (ctx) =>
      dayWrite(ctx, 'calendar.day.put', async (tx, region) => {
        const { date } = ctx.params;
        const entry: Entry = { date, kind: ctx.body.kind, name: ctx.body.name, path: 'body.kind' };
        const national = region === NATIONAL_REGION ? undefined : await findDay(tx, NATIONAL_REGION, date);
        const cancels = new Set(national?.kind === 'holiday' ? [date] : []);
        refuseIssues(
          'makeup-workday-not-weekend',
          MAKEUP_SUMMARY,
          [makeupIssue(entry, cancels)].filter((i) => i !== null),
        );
        return upsertDay(tx, region, entry, 'admin');
      }),
  });

  routes.add({
    method: 'delete',
    path: '/calendar/days/:date',
    operationId: 'deleteCalendarDay',
    summary:
      '单日更正：删除该日的放假/调休记录，恢复按星期计 / Correct one day: remove its entry, so the day of the week decides',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: dateParam,
    query: regionQuery,
    body: z.strictObject({ reason }),
    response: {
      status: 202,
      schema: dayChangeSchema,
      description: '更正结果；在办案件的期限在后台重算 / The change; live deadlines are being recomputed',
    },
    errors: [404, 422],
    handler: (ctx) =>
      dayWrite(ctx, 'calendar.day.delete', async (tx, region, before) => {
        const { date } = ctx.params;
        if (!before)
          throw notFound(
            'calendar-day-not-found',
            `${region} 在 ${date} 没有放假或调休记录`,
            `${region} has no calendar entry on ${date}`,
            { region, date },
          );
        await deleteDay(tx, region, date);
        return undefined;
      }),
  });

  routes.add({
    method: 'get',
    path: '/calendar/deadline',
    operationId: 'calculateDeadline',
    summary: '期限计算器：起算时刻 + 时限 → 截止时刻 / Deadline calculator: a start and a time limit give the deadline',
    description:
      '按工作日计时，起算当日不计，截止为最后一个工作日的 24:00（行政许可法 §82）；列出计入的工作日和跳过的节假日。无数据年份按服务器配置拒绝（422）或按周一至周五推定并在 fallbackYears 中标明。/ ' +
      'Working days exclude the start day and end at 24:00 of the last working day; lists the days counted and the holidays skipped. A year without data is refused (422) or assumed Mon–Fri and listed in fallbackYears, as the server is configured.',
    tags: ['calendar'],
    access: { roles: 'any' },
    query: deadlineQuery,
    response: { schema: deadlineSchema, description: '计算结果 / The calculation' },
    errors: [404, 422],
    async handler({ query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      const calendar = await calendarFor(deps.database.db, region, deps);
      const startMs = Date.parse(query.start);
      try {
        const { value: deadline, fallbackYears } = calendar.deadline(query.unit, startMs, query.amount);
        const end = deadline.getTime();
        const workingDays: (ReturnType<typeof dayView> & { counted: number })[] = [];
        const skippedDays: ReturnType<typeof dayView>[] = [];
        if (query.unit === 'workday' || query.unit === 'workhour') {
          // The start day itself is not counted for working days (行政许可法 §82).
          const from = query.unit === 'workday' ? dayStartMs(localDayIndex(startMs) + 1) : startMs;
          for (let day = localDayIndex(from); end > from && day <= localDayIndex(end - 1); day++) {
            const described = calendar.describeDay(localDateOf(day));
            const counted = calendar.measure(
              query.unit,
              Math.max(from, dayStartMs(day)),
              Math.min(end, dayStartMs(day + 1)),
            ).value;
            const view = dayView(described, undefined, region);
            if (counted > 0) workingDays.push({ ...view, counted });
            else if (!described.working) skippedDays.push(view);
          }
        }
        return {
          start: new Date(startMs).toISOString(),
          unit: query.unit,
          amount: query.amount,
          region,
          deadline: deadline.toISOString(),
          deadlineLocal: formatShanghai(deadline),
          deadlineText: localText(end),
          workingDays,
          skippedDays,
          fallbackYears,
          fallbackPolicy: deps.config.calendarFallback,
        };
      } catch (err) {
        if (err instanceof CalendarYearMissingError) throw calendarYearMissingProblem(err);
        throw err;
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/calendar/days/:date',
    operationId: 'getCalendarDay',
    summary:
      '某一天按日历如何认定：工作日、周末、放假或调休上班 / How the calendar sees one day: workday, weekend, holiday or make-up workday',
    description:
      '指定 region 时按该区划的日历（含地方叠加）。该年尚无全国数据时 404。/ With ?region= the region’s calendar, overlay included. 404 when the year has no national data.',
    tags: ['calendar'],
    access: { roles: 'any' },
    params: dateParam,
    query: regionQuery,
    response: { schema: dayViewSchema, description: '该日 / The day' },
    errors: [404],
    async handler({ params, query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      const db = deps.database.db;
      await requireRegion(db, region);
      const year = yearOfDate(params.date);
      if (!(await coverageOf(db, NATIONAL_REGION, year))) throw yearNotFound(year);
      const [calendar, national] = await Promise.all([
        calendarFor(db, region, deps),
        findDay(db, NATIONAL_REGION, params.date),
      ]);
      return dayView(calendar.describeDay(params.date), national, region);
    },
  });
}
