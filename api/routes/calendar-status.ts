import { asc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { coverageRows } from '../../db/calendar';
import { casesDependingOnYear } from '../../db/calendar-recomputes';
import { NATIONAL_REGION } from '../../db/schema/calendar';
import { cases, notices } from '../../db/schema/cases';
import { missingCalendarYears, NEXT_YEAR_WARNING_MONTH, type MissingCalendarYear } from '../../domain/calendar-warning';
import { shanghaiDate } from '../../domain/time';
import { ADMIN_ONLY } from '../admin';
import type { Principal } from '../auth';
import type { ApiRoutes } from '../route';
import { z } from '../zod';

/*
 * What the console's calendar administration needs beyond the calendar itself (DOMAIN §3, §9):
 * whether a year that deadlines run into has no national data (from October 1 next year's), with a
 * notice to each admin once per missing year; and which live cases a year's change would move.
 */

/** How many live cases a year's impact lists by name (the count covers them all). */
const LIVE_CASES_LISTED = 50;

/** The notices row of a missing year: one per admin and year (unique on case, key and unit). */
const noticeCaseId = (year: number) => `calendar:${year}`;

function missingYearMessage(m: MissingCalendarYear): string {
  return m.why === 'current'
    ? `${m.year} 年全国节假日安排尚未录入，期限计算缺少当年数据：请立即在“工作日历”中录入或导入 ${m.year} 年放假安排`
    : `${m.year} 年全国节假日安排尚未录入：国务院办公厅公布后，请在“工作日历”中录入或导入，否则期限跨入 ${m.year} 年的申请将被拒绝`;
}

/** Record the missing-year notice for this admin, once per year (a later read finds it and adds nothing). */
async function noticeAdmin(
  db: Db,
  principal: Principal,
  missing: readonly MissingCalendarYear[],
  now: Date,
): Promise<void> {
  if (missing.length === 0) return;
  await db
    .insert(notices)
    .values(
      missing.map((m) => ({
        caseId: noticeCaseId(m.year),
        key: `calendar-year-missing:${principal.userId}`,
        kind: 'info' as const,
        unitId: principal.unitId,
        recipientUserId: principal.userId,
        message: missingYearMessage(m),
        createdAt: now,
      })),
    )
    .onConflictDoNothing();
}

const missingYearSchema = z.object({
  year: z.number().int(),
  why: z.enum(['current', 'next']).openapi({
    description:
      'current 本年无数据；next 10 月 1 日起次年尚无数据 / current: this year has none; next: from October 1, next year has none',
  }),
  message: z.string(),
  liveCases: z
    .number()
    .int()
    .openapi({ description: '期限已跨入该年的在办案件数 / Live cases whose deadlines reach into the year' }),
});

const liveCaseSchema = z.object({
  id: z.string(),
  process: z.string(),
  title: z.string(),
  status: z.string(),
  unitId: z.string(),
  deadline: z.string().nullable(),
  caseDeadline: z.string().nullable(),
});

async function liveCasesOf(db: Db, year: number) {
  const { count, caseIds } = await casesDependingOnYear(db, year, LIVE_CASES_LISTED);
  const rows = caseIds.length
    ? await db
        .select({
          id: cases.id,
          process: cases.process,
          title: cases.title,
          status: cases.status,
          unitId: cases.unitId,
          deadline: cases.deadline,
          caseDeadline: cases.caseDeadline,
        })
        .from(cases)
        .where(inArray(cases.id, caseIds))
        .orderBy(asc(sql`coalesce(${cases.caseDeadline}, ${cases.deadline})`), asc(cases.id))
    : [];
  return {
    count,
    items: rows.map((r) => ({
      ...r,
      deadline: r.deadline?.toISOString() ?? null,
      caseDeadline: r.caseDeadline?.toISOString() ?? null,
    })),
  };
}

export function registerCalendarStatusRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/calendar/status',
    operationId: 'calendarStatus',
    summary:
      '日历是否缺少年份（10 月 1 日起提醒录入次年放假安排）/ Whether a year lacks national data (next year’s from October 1)',
    description:
      `本年尚无全国数据，或 ${NEXT_YEAR_WARNING_MONTH} 月 1 日（北京时间）起次年尚无全国数据时列出该年；管理员查看时，每人每个缺失年份收到一条通知。/ ` +
      `Lists this year when it has no national data, and from October 1 (Asia/Shanghai) next year when it has none; each admin who reads it gets one notice per missing year.`,
    tags: ['calendar'],
    access: ADMIN_ONLY,
    response: {
      schema: z
        .object({ today: z.string(), coveredYears: z.array(z.number().int()), missing: z.array(missingYearSchema) })
        .openapi('CalendarStatus'),
      description: '状态 / The status',
    },
    async handler({ principal, deps }) {
      const db = deps.database.db;
      const now = new Date();
      const covered = new Set((await coverageRows(db, [NATIONAL_REGION])).map((c) => c.year));
      const missing = missingCalendarYears(now.getTime(), (y) => covered.has(y));
      await noticeAdmin(db, principal, missing, now);
      const counted = await Promise.all(
        missing.map(async (m) => ({
          ...m,
          message: missingYearMessage(m),
          liveCases: (await casesDependingOnYear(db, m.year, 0)).count,
        })),
      );
      return { today: shanghaiDate(now), coveredYears: [...covered].sort((a, b) => a - b), missing: counted };
    },
  });

  routes.add({
    method: 'get',
    path: '/calendar/years/:year/live-cases',
    operationId: 'calendarYearLiveCases',
    summary: '期限依赖某年日历的在办案件（修改或删除该年会改变其期限）/ Live cases whose deadlines depend on a year',
    description: `从受理到期限的跨度落入该年，或时钟暂停、期限未定的在办案件；最多列出 ${LIVE_CASES_LISTED} 件，count 为总数。/ At most ${LIVE_CASES_LISTED} listed; count is the total.`,
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: z.strictObject({ year: z.coerce.number().int().min(1949).max(2200) }),
    response: {
      schema: z
        .object({ year: z.number().int(), count: z.number().int(), items: z.array(liveCaseSchema) })
        .openapi('CalendarYearLiveCases'),
      description: '在办案件 / Live cases',
    },
    async handler({ params, deps }) {
      return { year: params.year, ...(await liveCasesOf(deps.database.db, params.year)) };
    },
  });
}
