import type { listSecondments } from '../../../db/secondment';
import type { OrgUnitKind } from '../../../db/schema/org';
import { localDateSchema } from '../../../domain/calendar';
import { SECONDMENT_STATUSES } from '../../../domain/secondment';
import { documented, z } from '../../zod';

export const HOST_KINDS: readonly OrgUnitKind[] = ['township', 'street', 'village', 'community'];

/** Who may read a person's secondments besides the person: these roles within their scope. */
export const READER_ROLES = ['admin', 'assessor', 'supervisor'] as const;

export const date = documented(localDateSchema, { description: 'YYYY-MM-DD（北京时间）', example: '2026-03-01' });

export const secondmentSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    username: z.string(),
    name: z.string(),
    origin: z.object({
      inSystem: z
        .boolean()
        .openapi({ description: '原单位是否在本系统组织树中 / whether the original unit is in the org tree' }),
      unitId: z.string().nullable(),
      name: z.string().nullable(),
      role: z
        .string()
        .nullable()
        .openapi({ description: '在原单位的角色（退回时恢复）/ the role held there, restored on return' }),
    }),
    hostUnitId: z.string(),
    hostUnitName: z.string(),
    startDate: z.string(),
    plannedEndDate: z.string(),
    status: z.enum(SECONDMENT_STATUSES),
    statusLabel: z.string(),
    endDate: z.string().nullable(),
    endReason: z.string().nullable(),
    endedBy: z.string().nullable(),
    endCycleId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Secondment');

export const outcomeSchema = z
  .object({
    caseId: z.string().openapi({ description: '考核周期 / the cycle' }),
    effect: z.enum(['convert', 'return', 'continue']),
    effectLabel: z.string(),
    total: z.number(),
    gradeLabel: z.string(),
    decidedAt: z.string(),
    barUntil: z
      .string()
      .nullable()
      .openapi({ description: '退回：此日前不得再选派 / returned: barred before this day' }),
    taskCaseId: z
      .string()
      .nullable()
      .openapi({ description: '组织部门的转编或交接任务 / the organisation department’s conversion or handover task' }),
    note: z.string(),
  })
  .openapi('SecondmentOutcome');

export type Listed = Awaited<ReturnType<typeof listSecondments>>[number];
