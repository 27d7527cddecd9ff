import {
  CHANNELS,
  HANDLING_LEVELS,
  MATTER_CATEGORIES,
  MATTER_KINDS,
  matterShapeSchema,
  STEP_MODES,
  STEP_ROLES,
  type RuleViolation,
} from '../../../domain/catalogue';
import { notFound, text } from '../../admin';
import { Problem } from '../../problem';
import { z } from '../../zod';

/** Every catalogue write is chained in this one audit stream. */
export const AUDIT_STREAM = 'admin:catalogue';

export const SUBMITTING_TOWNSHIP_ZH = '申请人所在乡镇（街道）';

export const matterNotFound = (code: string) =>
  notFound('matter-not-found', `事项不存在：${code}`, `No matter ${code}`);

/** The rules a definition breaks, as one 422: the first rule's code, every rule as an issue. */
export function ruleRefused(violations: RuleViolation[]): Problem {
  const first = violations[0];
  return new Problem(
    'ruleRefused',
    { zh: violations.map((v) => v.zh).join('；'), en: violations.map((v) => v.en).join('; ') },
    {
      code: first?.code ?? 'rule-refused',
      issues: violations.map((v) => ({ path: ['body', ...v.path].join('.'), message: { zh: v.zh, en: v.en } })),
    },
  );
}

// ── request and response schemas ──────────────────────────────────────────────────────────────

export const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};

export const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const codeParam = z.strictObject({ code: z.string().min(1).max(40) });

export const versionParam = codeParam.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });

export const matterBody = matterShapeSchema.extend(reason).openapi('MatterDefinitionInput');

export const matterSummarySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    category: z.enum(MATTER_CATEGORIES),
    categoryLabel: z.string(),
    kind: z.enum(MATTER_KINDS),
    kindLabel: z.string(),
    handlingLevel: z.enum(HANDLING_LEVELS),
    channels: z.array(z.enum(CHANNELS)),
    statutoryLimitDays: z.number().int(),
    promisedLimitDays: z.number().int(),
    stepCount: z.number().int(),
    currentVersion: z.number().int(),
    active: z.boolean(),
  })
  .openapi('MatterSummary');

export const guideStepSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    role: z.enum(STEP_ROLES),
    roleLabel: z.string(),
    mode: z.enum(STEP_MODES),
    modeLabel: z.string(),
    limitDays: z.number().optional(),
    handledBy: z.string().openapi({ description: '办理单位（中文）/ Who holds the step, in Chinese' }),
    units: z.array(z.object({ id: z.string(), name: z.string(), active: z.boolean() })).openapi({
      description:
        '固定办理单位；按申请所在乡镇办理的环节为空 / Fixed units; empty for a step held by the submitting township',
    }),
  })
  .openapi('MatterGuideStep');

export const matterGuideSchema = matterSummarySchema
  .extend({
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    // `extend` makes a copy that has `.openapi` (the domain schema was built before the extension ran).
    definition: matterShapeSchema.extend({}).openapi('MatterDefinition'),
    steps: z.array(guideStepSchema),
  })
  .openapi('MatterGuide', {
    description:
      '办事指南：某一版本的完整定义及各环节办理单位 / The guide of one version: its definition and who holds each step',
  });

export const versionSummarySchema = z
  .object({
    version: z.number().int(),
    name: z.string(),
    stepCount: z.number().int(),
    statutoryLimitDays: z.number().int(),
    promisedLimitDays: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    current: z.boolean(),
  })
  .openapi('MatterVersionSummary');

export type MatterGuide = z.infer<typeof matterGuideSchema>;

// ── reads ─────────────────────────────────────────────────────────────────────────────────────
