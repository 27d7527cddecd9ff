import { z } from 'zod';
import { durationSchema } from './calendar';
import { SLA_LEVELS, slaThresholdsSchema } from './sla-clock';

/*
 * The zod schemas of an SLA clock and its ledger, for the API's contracts and for tests. Kept apart
 * from domain/sla-clock.ts, whose functions the workflows run: a workflow evaluates its modules on
 * every start and replay, and building these twenty-odd schemas each time cost it more than the
 * clock arithmetic itself (issue 19). The types are exported from domain/sla-clock.ts too.
 */

const isoInstant = z.iso.datetime({ offset: true });
const actor = z.string().optional();

/** An entry of the clock's ledger; see {@link slaClockSchema}. */
export const slaLedgerEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), at: isoInstant, budget: durationSchema, reason: z.string().optional(), actor }),
  z.object({ kind: z.literal('pause'), at: isoInstant, reason: z.string(), actor }),
  z.object({ kind: z.literal('resume'), at: isoInstant, reason: z.string().optional(), actor }),
  z.object({
    kind: z.literal('extend'),
    at: isoInstant,
    amount: z.number().positive(),
    reason: z.string(),
    approvedBy: z.string(),
  }),
  z.object({
    kind: z.literal('budget-change'),
    at: isoInstant,
    from: durationSchema,
    to: durationSchema,
    reason: z.string(),
    actor,
  }),
  z.object({ kind: z.literal('level'), at: isoInstant, from: z.enum(SLA_LEVELS), to: z.enum(SLA_LEVELS) }),
  z.object({ kind: z.literal('stop'), at: isoInstant, reason: z.string().optional(), actor }),
]);
/** See {@link slaLedgerEntrySchema}. */
export type SlaLedgerEntry = z.infer<typeof slaLedgerEntrySchema>;

/**
 * An SLA clock as plain JSON data (it lives in workflow state). Never mutated: every operation
 * returns a new clock. `budget` is the base budget, `extensions` add to it in the same unit.
 * `recordedLevel` is the last level written to the ledger by `recordLevelTransitions` (domain/sla-clock.ts).
 * The `ledger` is append-only, so an entry's index is a stable sequence number.
 */
export const slaClockSchema = z.object({
  budget: durationSchema,
  startedAt: isoInstant,
  thresholds: slaThresholdsSchema,
  pauses: z.array(z.object({ from: isoInstant, to: isoInstant.optional(), reason: z.string() })),
  extensions: z.array(
    z.object({ amount: z.number().positive(), at: isoInstant, reason: z.string(), approvedBy: z.string() }),
  ),
  stoppedAt: isoInstant.nullable(),
  recordedLevel: z.enum(SLA_LEVELS),
  ledger: z.array(slaLedgerEntrySchema),
});
/** See {@link slaClockSchema}. */
export type SlaClock = z.infer<typeof slaClockSchema>;
