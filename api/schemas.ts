import { CLOCK_LEVELS, PROCESS_TYPES } from '../db/schema/cases';
import { ORG_UNIT_KINDS, ROLES } from '../db/schema/org';
import { z } from './zod';

/** Shared response and query schemas; request bodies live next to their routes. */
export const roleSchema = z.enum(ROLES).openapi('Role');
export const processSchema = z.enum(PROCESS_TYPES).openapi('ProcessType');
export const clockLevelSchema = z.enum(CLOCK_LEVELS).openapi('ClockLevel', { description: 'green 正常 / blue 临近 / yellow 预警 / red 超期' });

export const principalSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: roleSchema,
    unitId: z.string(),
    unitPath: z.string(),
    unitKind: z.enum(ORG_UNIT_KINDS),
    isLeader: z.boolean(),
  })
  .openapi('Principal');

export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const idParam = z.strictObject({ id: z.string().min(1).max(100) });

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }).openapi(name);
}

/** A projected SLA clock with its ledger (start, pause, resume, extend, colour changes, stop). */
export const clockWithLedgerSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    state: z.string(),
    level: clockLevelSchema,
    deadline: z.string().nullable(),
    budget: z.object({ unit: z.string(), amount: z.number() }),
    consumed: z.number(),
    fallbackYears: z.array(z.number().int()),
    ledger: z.array(z.unknown()),
  })
  .openapi('Clock');
