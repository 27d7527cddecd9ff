import { COMPLEXITIES, RATINGS, SUMMONS_URGENCIES } from '../../../domain/summons';
import { summonsViewSchema } from '../../../workflows/summons/contract';
import { PART_STATUSES } from '../../../workflows/summons/definitions';
import { text } from '../../admin';
import { z } from '../../zod';

export const unitIdText = text(100);

/** Body of POST /summons (the console types its whistle form with it). */
export const whistleBody = z
  .strictObject({
    title: text(200).openapi({ example: '废品收购站占道堆放、噪声扰民' }),
    description: text(4000),
    reasonCode: text(40).openapi({
      description: '吹哨事由（允许的事由之一，见 /summons-config）/ an allowed reason code',
      example: 'multi-department',
    }),
    urgency: z
      .enum(SUMMONS_URGENCIES)
      .default('normal')
      .openapi({ description: '一般 normal（24 小时报到）/ 紧急 urgent（2 小时）/ 特急 critical（30 分钟）' }),
    complexity: z.enum(COMPLEXITIES).default('simple').openapi({
      description: '简单：当日反馈结果；复杂：10 个工作日内 / simple: same working day; complex: ≤10 working days',
    }),
    unitIds: z
      .array(unitIdText)
      .min(1)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, '不得重复召集同一单位 / no unit twice')
      .openapi({ description: '召集的县直部门或本乡镇派驻机构 / departments or this township’s dispatched agencies' }),
    powerItemCodes: z
      .array(text(40))
      .max(50)
      .default([])
      .openapi({ description: '事项涉及的权责清单编码 / power-list codes the matter falls under' }),
    withinCapacity: z
      .boolean()
      .default(false)
      .openapi({ description: '乡镇是否有能力自行处置 / whether the township can handle it with its own forces' }),
    keyTask: text(200)
      .optional()
      .openapi({ description: '所服务的重点工作（事由为重点工作时必填）/ the key task, for reason key-task' }),
    categoryCode: text(40).optional().openapi({
      description: '事项类别（用于判断是否明显属单一部门日常职责）；从事件吹哨时取事件类别 / incident category',
    }),
    incidentId: text(100).optional().openapi({
      description:
        '从三级（乡镇）事件吹哨：事件等待吹哨结果后继续 / raise from an L3 incident, which waits for the outcome',
    }),
  })
  .openapi('Whistle');

export const partParams = z.strictObject({ id: z.string().min(1).max(100), unitId: unitIdText });

/** One summoned unit's part as stored (the read model behind the inbox and the statistics; instants as ISO strings). */
export const departmentRowSchema = z
  .object({
    caseId: z.string(),
    summonsId: z.string(),
    seq: z.number().int(),
    unitId: z.string(),
    unitKind: z.string(),
    departmentId: z.string(),
    townshipId: z.string(),
    townshipPath: z.string(),
    replacesCaseId: z.string().nullable(),
    status: z.string(),
    outcome: z.string().nullable(),
    urgencyCode: z.string(),
    notifiedAt: z.string(),
    ackDeadline: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    ackOnTime: z.boolean().nullable(),
    onSiteAt: z.string().nullable(),
    resultDeadline: z.string().nullable(),
    resultReportedAt: z.string().nullable(),
    resultOnTime: z.boolean().nullable(),
    sendBacks: z.number().int(),
    acceptedAt: z.string().nullable(),
    missCount: z.number().int(),
    redCard: z.boolean(),
    redCardAt: z.string().nullable(),
    disputeCount: z.number().int(),
    disputedMs: z.number(),
    rating: z.enum(RATINGS).nullable(),
    ratingComment: z.string().nullable(),
    ratedBy: z.string().nullable(),
    ratedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .openapi('SummonsDepartment');

/**
 * GET /summons/:id and the whistle's actions: the whistle with each unit's part as stored. A
 * summoned unit sees only the public part (no approval, summary, history or assignments) and its own part.
 */
export const summonsDetailSchema = summonsViewSchema
  .partial({ whistledBy: true, approval: true, summary: true, history: true, assignments: true })
  .extend({
    departments: z
      .array(departmentRowSchema)
      .openapi({ description: '各单位报到情况（读模型）/ each unit’s part as stored' }),
  })
  .openapi('SummonsDetail', {
    description:
      '吹哨实时状态；被召集单位只看到公开部分和本单位的报到 / live state of a whistle; a summoned unit sees the public part and its own part only',
  });

/** One item of GET /summons/inbox. */
export const inboxItemSchema = z
  .object({
    caseId: z.string(),
    summonsId: z.string(),
    title: z.string(),
    townshipId: z.string(),
    status: z.enum(PART_STATUSES),
    urgency: z.string(),
    notifiedAt: z.string(),
    ackDeadline: z.string().nullable(),
    resultDeadline: z.string().nullable(),
    deadline: z.string().nullable().openapi({ description: '当前计时的期限 / the running limit’s deadline' }),
    remainingMs: z.number().nullable().openapi({
      description: '距当前期限的毫秒数（负数为已超期）/ ms to the running deadline; negative when overdue',
    }),
    colour: z.string(),
    redCard: z.boolean(),
    misses: z.number().int(),
    actions: z.array(z.string()),
  })
  .openapi('SummonsInboxItem');

export const instant = z.iso.datetime({ offset: true });

export const rateSchema = z.number().nullable();

/** Response of GET /summons/stats. */
export const statsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    unitId: z.string(),
    departments: z.array(
      z.object({
        unitId: z.string(),
        unitName: z.string(),
        unitKind: z.string(),
        departmentId: z.string(),
        received: z.number().int(),
        acknowledged: z.number().int(),
        ackOnTime: z.number().int(),
        ackOnTimeRate: rateSchema,
        resultsReported: z.number().int(),
        resultOnTime: z.number().int(),
        resultOnTimeRate: rateSchema,
        accepted: z.number().int(),
        sendBacks: z.number().int(),
        misses: z.number().int(),
        redCards: z.number().int(),
        disputes: z.number().int(),
        disputesUpheld: z.number().int(),
        disputedMs: z.number(),
        disputedHours: z.number(),
        ratings: z.object({ satisfied: z.number().int(), basic: z.number().int(), unsatisfied: z.number().int() }),
        satisfactionRate: rateSchema,
      }),
    ),
    townships: z.array(
      z.object({
        townshipId: z.string(),
        townshipName: z.string(),
        whistles: z.number().int(),
        approved: z.number().int(),
        rejectedByLeader: z.number().int(),
        refusedByRule: z.number().int(),
        closed: z.number().int(),
        fromIncidents: z.number().int(),
        l3Incidents: z.number().int(),
        whistleRate: rateSchema.openapi({ description: '吹哨率：从事件吹哨（已批准）数 / 升至三级的事件数' }),
      }),
    ),
  })
  .openapi('SummonsStats');
