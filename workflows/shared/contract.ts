import { z } from 'zod';
import { calendarDataSchema, durationSchema } from '../../domain/calendar';
import { SLA_LEVELS } from '../../domain/sla-clock';
import { slaLedgerEntrySchema } from '../../domain/sla-clock-schema';

// The pieces every process contract shares. Plain zod with `.meta()` (read by zod-to-openapi): a
// contract is imported by definitions.ts as types only, so none of this runs in the workflow sandbox.

/** Who takes an action, as the API resolved it from the caller's token; checked again by the workflow. */
export const actorSchema = z.object({
  userId: z.string(),
  displayName: z.string().optional(),
  role: z.string(),
  unitId: z.string(),
  unitPath: z.string(),
});

/** The calendar a case computes with: data, region and fallback policy; frozen into the start input. */
export const calendarContextSchema = z.object({
  data: calendarDataSchema,
  region: z.string().optional(),
  fallback: z.enum(['refuse', 'weekdays']),
});

export const clockLevelSchema = z
  .enum(SLA_LEVELS)
  .meta({ id: 'ClockLevel', description: 'green 正常 / blue 临近 / yellow 预警 / red 超期' });

/** One entry of a clock's ledger: start, pause, resume, extend, budget change, colour change, stop. */
export const ledgerEntrySchema = slaLedgerEntrySchema.meta({ id: 'ClockLedgerEntry' });

/** A projected SLA clock with its ledger. */
export const clockSnapshotSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    state: z.string(),
    level: clockLevelSchema,
    deadline: z.string().nullable(),
    budget: durationSchema,
    consumed: z.number(),
    fallbackYears: z.array(z.number().int()),
    ledger: z.array(ledgerEntrySchema),
  })
  .meta({ id: 'Clock' });

/** Who may act now: a named user, or anyone with `role` in `unitId`. */
export const assignmentSnapshotSchema = z
  .object({ unitId: z.string(), role: z.string(), userId: z.string().optional(), actions: z.array(z.string()) })
  .meta({ id: 'Assignment' });

/** Text a caller writes: trimmed, not empty, at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * `schema` or null, where `schema` is a named component: `.nullable()` on it would make the
 * OpenAPI component itself nullable wherever it is used (zod-to-openapi names the wrapper).
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

/** A file an action carries as evidence, as the API resolved it (uploaded to this case, not yet carried by another action). */
export const attachmentRefSchema = z
  .object({ id: z.string(), sha256: z.string(), name: z.string(), contentType: z.string() })
  .meta({ id: 'AttachmentRef' });

/** Uploaded files an action carries, by id (upload first: POST /cases/{caseId}/attachments, or POST /attachments for a new case). */
export const attachmentIdsSchema = z.array(z.uuid()).max(20).optional().meta({
  description:
    '随本次办理提交的附件（先上传：POST /cases/{caseId}/attachments，新案件为 POST /attachments）/ uploaded files this action carries',
});

/**
 * An action that may carry files, in its two forms: as a caller sends it (`attachmentIds`) and as the
 * Update carries it (`files`, resolved and checked by the API). A caller can never send `files` itself.
 */
export const withEvidence = <S extends z.ZodRawShape>(shape: S) => ({
  request: z.strictObject({ ...shape, attachmentIds: attachmentIdsSchema }),
  update: z.strictObject({ ...shape, files: z.array(attachmentRefSchema).optional() }),
});
