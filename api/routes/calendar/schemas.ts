import { CALENDAR_DAY_KINDS, CALENDAR_SOURCES, NATIONAL_REGION } from '../../../db/schema/calendar';
import { DURATION_UNITS, localDateSchema } from '../../../domain/calendar';
import { dayIndexOf, isLocalDate, weekdayOf } from '../../../domain/time';
import { text } from '../../admin';
import { documented, z } from '../../zod';
import { recomputeLinkSchema } from '../calendar-recomputes';

/** Every calendar write is chained in this one audit stream. */
export const AUDIT_STREAM = 'admin:calendar';

/** The calculator's upper bound: years of working days, far beyond any statutory limit. */
export const MAX_AMOUNT = 1000;

export const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

export const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export const weekdayZh = (date: string) => WEEKDAY_ZH[weekdayOf(dayIndexOf(date))]!;

export const weekdayEn = (date: string) => WEEKDAY_EN[weekdayOf(dayIndexOf(date))]!;

export const isWeekend = (date: string) => [0, 6].includes(weekdayOf(dayIndexOf(date)));

// ── request and response schemas ──────────────────────────────────────────────────────────────

export const regionCode = text(20)
  .regex(/^[A-Za-z0-9-]+$/, { error: '区划代码只能包含字母、数字和 - / letters, digits and - only' })
  .openapi({
    description: `日历区划：${NATIONAL_REGION} 为全国（缺省），其他为地方叠加（如民族自治地方）/ Calendar region: ${NATIONAL_REGION} national (default), any other code a regional overlay`,
    example: '410225',
  });

export const regionQuery = z.strictObject({ region: regionCode.optional() });

export const yearParam = z.strictObject({
  year: z.coerce.number().int().min(1949).max(2200).openapi({ example: 2027 }),
});

export const dateParam = z.strictObject({ date: documented(localDateSchema, { example: '2027-02-08' }) });

export const reason = text(500).openapi({
  description:
    '变更原因（如国务院办公厅通知文号），记入审计日志 / Why (e.g. the State Council notice), recorded in the audit log',
});

export const entrySchema = z
  .strictObject({ date: localDateSchema, name: text(50).openapi({ example: '春节' }) })
  .openapi('CalendarEntryInput');

export const calendarSourceSchema = z.enum(CALENDAR_SOURCES).openapi('CalendarSource');

export const yearBody = z.strictObject({
  holidays: z
    .array(entrySchema)
    .max(366)
    .openapi({ description: '放假日（含落在周末的法定假日）/ Days off, statutory holidays on weekends included' }),
  workdays: z
    .array(entrySchema)
    .max(366)
    .openapi({ description: '调休上班日（周末）/ Make-up working days (weekend days)' }),
  reason,
});

export const dayBody = z.strictObject({
  kind: z.enum(CALENDAR_DAY_KINDS).openapi('CalendarDayKind'),
  name: text(50),
  reason,
});

export const countsSchema = z.object({
  holidays: z.number().int(),
  workdays: z.number().int(),
  adminDays: z.number().int(),
});

export const yearSummarySchema = z
  .object({
    year: z.number().int(),
    covered: z
      .boolean()
      .openapi({ description: '全国数据已录入，可计算期限 / National data present: deadlines can be computed' }),
    source: calendarSourceSchema.nullable(),
    updatedAt: z.string().nullable(),
    ...countsSchema.shape,
    overlay: countsSchema
      .extend({ region: z.string(), source: calendarSourceSchema.nullable() })
      .nullable()
      .optional()
      .openapi({
        description: '查询了地方区划时：该区划当年的叠加数据 / With ?region=: that region’s overlay in the year',
      }),
  })
  .openapi('CalendarYearSummary');

export const dayViewSchema = z
  .object({
    date: z.string(),
    weekday: z.number().int().openapi({ description: '0 = 星期日 … 6 = 星期六' }),
    weekdayName: z.string(),
    working: z.boolean(),
    kind: z.enum(['workday', 'weekend', 'holiday', 'makeup-workday']),
    name: z.string().nullable(),
    source: z
      .string()
      .nullable()
      .openapi({ description: 'national，或地方叠加的区划代码 / national, or the overlay’s region code' }),
    overlay: z.boolean().openapi({ description: '来自地方叠加 / Comes from the regional overlay' }),
    overrides: z
      .object({ kind: z.enum(CALENDAR_DAY_KINDS), name: z.string() })
      .nullable()
      .openapi({ description: '被地方叠加覆盖的全国安排 / The national entry the overlay overrides' }),
    fallback: z.boolean(),
  })
  .openapi('CalendarDayView');

export const yearViewSchema = z
  .object({
    year: z.number().int(),
    region: z.string(),
    source: calendarSourceSchema,
    updatedAt: z.string(),
    overlaySource: calendarSourceSchema.nullable(),
    holidays: z.number().int(),
    workdays: z.number().int(),
    days: z.array(dayViewSchema),
  })
  .openapi('CalendarYear');

/** Every calendar write answers 202: the change is saved, live deadlines are recomputed in the background. */
export const recomputing = { recompute: recomputeLinkSchema };

export const dayRowSchema = z
  .object({ kind: z.enum(CALENDAR_DAY_KINDS), name: z.string(), source: calendarSourceSchema })
  .nullable();

export const dayChangeSchema = z
  .object({
    region: z.string(),
    date: z.string(),
    before: dayRowSchema,
    after: dayRowSchema,
    day: dayViewSchema,
    ...recomputing,
  })
  .openapi('CalendarDayChange');

/** An instant with an explicit zone (a zone-less time would be read in the server's zone); seconds optional. */
export const instantSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    error:
      '须为带时区的 ISO 8601 时刻，如 2025-01-24T10:00+08:00 / must be ISO 8601 with Z or an offset, e.g. 2025-01-24T10:00+08:00',
  })
  .refine((s) => isLocalDate(s.slice(0, 10)) && Number.isFinite(Date.parse(s)), {
    error: '日期或时间不存在 / no such date or time',
  });

export const deadlineQuery = z.strictObject({
  start: documented(instantSchema, {
    description: '起算时刻，ISO 8601 带时区 / Start instant, ISO 8601 with Z or an offset',
    example: '2025-01-24T10:00+08:00',
  }),
  unit: z.enum(DURATION_UNITS).default('workday'),
  amount: z
    .string()
    .regex(/^\d+(\.\d+)?$/, { error: '须为非负数，如 5 或 0.5 / must be a non-negative number such as 5 or 0.5' })
    .transform(Number)
    .pipe(z.number().max(MAX_AMOUNT))
    .openapi({ example: '5' }),
  region: regionCode.optional(),
});

export const deadlineSchema = z
  .object({
    start: z.string(),
    unit: z.enum(DURATION_UNITS),
    amount: z.number(),
    region: z.string(),
    deadline: z.string().openapi({ description: 'UTC', example: '2025-02-05T16:00:00.000Z' }),
    deadlineLocal: z.string().openapi({ description: 'Asia/Shanghai', example: '2025-02-06T00:00:00+08:00' }),
    deadlineText: z.string().openapi({
      description: '北京时间，日终写作 24:00 / Asia/Shanghai, end of day as 24:00',
      example: '2025-02-05 24:00 星期三',
    }),
    workingDays: z
      .array(dayViewSchema.extend({ counted: z.number() }))
      .openapi({ description: '计入的工作日及计入量 / Working days counted, with the amount each contributes' }),
    skippedDays: z.array(dayViewSchema).openapi({ description: '跳过的节假日和周末 / Holidays and weekends skipped' }),
    fallbackYears: z
      .array(z.number().int())
      .openapi({ description: '按周一至周五推定的无数据年份 / Years without data, assumed Mon–Fri' }),
    fallbackPolicy: z.enum(['refuse', 'weekdays']),
  })
  .openapi('DeadlineCalculation');

// ── helpers ───────────────────────────────────────────────────────────────────────────────────
