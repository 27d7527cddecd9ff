import { ANCHOR_CHECKS, CHAIN_BREAKS } from '../../../domain/audit-verdict';
import { CLOCK_KINDS, CLOCK_LEVELS } from '../../../domain/vocabulary';
import { approvalViewSchema } from '../../../workflows/approval/contract-views';
import { assessmentViewSchema } from '../../../workflows/assessment/contract';
import { incidentViewSchema } from '../../../workflows/incident/contract';
import { partViewSchema, summonsViewSchema } from '../../../workflows/summons/contract';
import { taskViewSchema } from '../../../workflows/task/contract';
import { clockLevelSchema, clockWithLedgerSchema, pageQuery, processSchema } from '../../schemas';
import { z } from '../../zod';

export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const caseEnvelopeSchema = z
  .object({
    id: z.string().openapi({ example: 'RW-2026-000001' }),
    process: processSchema,
    title: z.string(),
    status: z.string(),
    currentStep: z.string().nullable(),
    level: z.number().int().nullable(),
    unitId: z.string(),
    ownerUnitId: z.string(),
    colour: clockLevelSchema,
    deadline: z.string().nullable().openapi({
      description:
        '最近的在计时期限（当前环节时限、受理审查期限等），颜色按它计 / the nearest running deadline (a step limit, a pre-check period, …), which the colour follows',
    }),
    caseDeadline: z.string().nullable().openapi({
      description:
        '案件本身的期限：审批为承诺期限（受理前为空），其他流程同 deadline / the case’s own deadline: an approval’s promised limit (null before acceptance); other processes: as deadline',
    }),
    stepDeadline: z.string().nullable().openapi({ description: '当前环节时限 / the current step’s own limit' }),
    clockKind: z.enum(CLOCK_KINDS).openapi({
      description:
        'deadline 与颜色所依据的时限类别：case 案件时限；pre-acceptance 受理前的受理审查/补正期限 / what deadline and colour follow: the case’s limits, or an approval’s pre-acceptance periods',
    }),
    overdue: z.boolean(),
    calendarWarnings: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('CaseEnvelope');

export const caseDetailBase = caseEnvelopeSchema.extend({
  data: z.record(z.string(), z.unknown()).openapi({
    description:
      '投影中的流程摘要（随流程不同；完整状态见 live）/ the projection’s process summary; the typed state is `live`',
  }),
  clocks: z.array(clockWithLedgerSchema),
  assignments: z.array(
    z.object({ unitId: z.string(), role: z.string(), userId: z.string(), actions: z.array(z.string()) }),
  ),
  units: z.array(z.object({ unitId: z.string(), relation: z.string() })),
  liveError: z.string().optional(),
});

export const liveOf = <T extends z.ZodType>(view: T) =>
  view.nullable().openapi({ description: '工作流实时状态（查询）/ live workflow state from a Temporal query' });

/** A case with its live state, typed by its process (a summons case is a whistle or one unit's part). */
export const caseDetailSchema = z
  .discriminatedUnion('process', [
    caseDetailBase.extend({ process: z.literal('task'), live: liveOf(taskViewSchema) }),
    caseDetailBase.extend({ process: z.literal('approval'), live: liveOf(approvalViewSchema) }),
    caseDetailBase.extend({ process: z.literal('incident'), live: liveOf(incidentViewSchema) }),
    caseDetailBase.extend({
      process: z.literal('summons'),
      live: liveOf(z.union([summonsViewSchema, partViewSchema])),
    }),
    caseDetailBase.extend({ process: z.literal('assessment'), live: liveOf(assessmentViewSchema) }),
  ])
  .openapi('CaseDetail');

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    actorId: z.string(),
    actorUnitId: z.string().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    reason: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    at: z.string(),
    prevHash: z.string(),
    hash: z.string(),
    mac: z.string().nullable().openapi({
      description:
        '条目哈希的签名（HMAC-SHA256，密钥不在数据库中）/ Signature of the hash (HMAC-SHA256, key not in the database)',
    }),
  })
  .openapi('AuditEntry');

/** The answer of an audit verify (domain/audit-chain.ts `ChainVerdict`). */
export const auditVerdictSchema = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    head: z.string().optional(),
    brokenAtSeq: z
      .number()
      .int()
      .optional()
      .openapi({ description: '第一条出问题的记录序号 / The first broken entry' }),
    kind: z.enum(CHAIN_BREAKS).optional().openapi({ description: '破坏类型 / Kind of break' }),
    problem: z.string().optional().openapi({ description: '发现问题的校验项 / Which check found it' }),
    signed: z.boolean().openapi({ description: '是否校验了签名 / Whether signatures were checked' }),
    anchor: z
      .enum(ANCHOR_CHECKS)
      .openapi({ description: '与流程引擎的锚点比对 / Comparison with the engine’s anchor' }),
    message: z.object({ zh: z.string(), en: z.string() }),
  })
  .openapi('AuditVerdict');

export const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuery = z.strictObject({
  process: processSchema.optional(),
  status: z.string().max(50).optional(),
  unitId: z.string().max(100).optional(),
  colour: z.enum(CLOCK_LEVELS).optional(),
  overdue: boolQuery.optional(),
  open: boolQuery.optional(),
  ...pageQuery,
});
