import { PROCESS_TYPES } from '../domain/vocabulary';
import { ORG_UNIT_KINDS, ROLES } from '../db/schema/org';
import { z } from './zod';

/** Shared response and query schemas; request bodies live next to their routes. */
export const roleSchema = z.enum(ROLES).openapi('Role');
export const processSchema = z.enum(PROCESS_TYPES).openapi('ProcessType');
export { clockLevelSchema } from '../workflows/shared/contract';

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
  return z
    .object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
    .openapi(name);
}

/**
 * A page whose `total` is counted only up to a cap (LIST_COUNT_CAP, or further when the page asked
 * for lies beyond it): a list of a county's cases answers fast however many match.
 */
export function cappedPageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      page: z.number().int(),
      pageSize: z.number().int(),
      total: z.number().int().openapi({
        description:
          '匹配的条数；totalIsLowerBound 为真时只数到此数，实际更多 / Rows matched; when totalIsLowerBound, counted only this far and more match',
      }),
      totalIsLowerBound: z.boolean().openapi({
        description:
          '为真：匹配的条数多于 total（显示为“total+”，翻页可继续）/ True: more than `total` rows match (shown as “total+”; later pages still load)',
      }),
    })
    .openapi(name);
}

/** A projected SLA clock with its ledger (start, pause, resume, extend, colour changes, stop). */
export { clockSnapshotSchema as clockWithLedgerSchema } from '../workflows/shared/contract';
