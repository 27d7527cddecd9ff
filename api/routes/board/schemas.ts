import { CLOCK_KINDS } from '../../../domain/vocabulary';
import { text } from '../../admin';
import { processSchema } from '../../schemas';
import { z } from '../../zod';
import { caseEnvelopeSchema } from '../cases';

export const DAY_MS = 86_400_000;

export const SHANGHAI_MS = 8 * 3_600_000;

export const countsSchema = z
  .object({
    green: z.number().int(),
    blue: z.number().int(),
    yellow: z.number().int(),
    red: z.number().int(),
    total: z.number().int(),
  })
  .openapi('ColourCounts');

export type Counts = z.infer<typeof countsSchema>;

export const boardCaseSchema = caseEnvelopeSchema
  .pick({
    id: true,
    process: true,
    title: true,
    status: true,
    currentStep: true,
    level: true,
    unitId: true,
    ownerUnitId: true,
    colour: true,
    deadline: true,
    caseDeadline: true,
    stepDeadline: true,
    clockKind: true,
    createdAt: true,
  })
  .extend({
    actions: z.array(z.string()).openapi({
      description: '调用者此刻可办理的操作（如 urge 督办、expedite 特事特办）/ what the caller may do now',
    }),
  })
  .openapi('BoardCase');

export const boardSchema = z
  .object({
    unitId: z.string().openapi({ description: '看板聚焦的单位（默认本人单位）/ the focus unit' }),
    generatedAt: z.string(),
    counts: countsSchema,
    byUnit: z
      .array(z.object({ unitId: z.string(), self: z.boolean(), drillable: z.boolean(), counts: countsSchema }))
      .openapi({
        description:
          '按下一级单位汇总（self = 聚焦单位本级）/ rolled up to the focus unit’s children; self = the focus unit itself',
      }),
    byProcess: z.array(z.object({ process: processSchema, counts: countsSchema })),
    byLevel: z.array(z.object({ level: z.number().int().nullable(), counts: countsSchema })),
    byKind: z.array(z.object({ kind: z.enum(CLOCK_KINDS), counts: countsSchema })).openapi({
      description:
        '按时限类别：case 案件时限；pre-acceptance 受理前的受理审查/补正期限（非承诺时限）/ by what the colour follows: the case’s limits, or an approval’s pre-acceptance periods (not its promised limit)',
    }),
    overdue: z
      .array(boardCaseSchema)
      .openapi({ description: '已超期（红），按期限先后 / red, earliest deadline first' }),
    near: z
      .array(boardCaseSchema)
      .openapi({ description: '临近期限（黄、蓝），按期限先后 / yellow and blue, earliest deadline first' }),
    trend: z
      .array(
        z.object({
          date: z.string().openapi({ example: '2026-03-02' }),
          created: z.number().int(),
          onTime: z.number().int(),
          late: z.number().int(),
          onTimeRate: z.number().nullable(),
          escalations: z.number().int(),
          autoEscalations: z.number().int(),
          redCards: z.number().int(),
          urges: z.number().int(),
        }),
      )
      .openapi({
        description:
          '按日（北京时间）：当日受理案件中按期办结与超期（办结时有红色时限或仍在办且超期）件数；当日上报事件的上报次数；当日督办与红牌通知数（不含信息通知）/ per day: on-time vs late among cases opened that day, escalations of events reported that day, 督办 and red-card notices (not information notices)',
      }),
    resolution: z
      .object({
        level1: z.number().int(),
        level2: z.number().int(),
        level3: z.number().int(),
        level4: z.number().int(),
        unresolved: z.number().int(),
        total: z.number().int(),
        disposalRate: z.number().nullable(),
        onTimeRate: z.number().nullable(),
        escalationRate: z.number().nullable(),
      })
      .openapi({
        description:
          '期间内事件按办结层级的分布（一级至四级）/ incidents of the period by the level they were resolved at',
      }),
  })
  .openapi('SlaBoard');

/** What GET /board answers (the console imports this type). */
export type SlaBoard = z.infer<typeof boardSchema>;

export const boardQuery = z.strictObject({
  unitId: text(100)
    .optional()
    .openapi({ description: '下钻到的单位（须在您的辖区内）/ drill down to this unit (within your scope)' }),
  process: processSchema.optional(),
  level: z.coerce.number().int().min(1).max(4).optional(),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .default(30)
    .openapi({ description: '趋势与分级统计的天数 / days covered by the trend and the level split' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: '超期与临近列表的条数上限 / rows per list' }),
});
