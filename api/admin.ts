import type { Db, Tx } from '../db';
import { appendAudit, lockStream } from '../db/audit';
import type { Principal } from './auth';
import type { AppDeps } from './deps';
import { Problem, type ProblemKind } from './problem';
import { z } from './zod';

/** Shared pieces of the admin (configuration) routes: org tree, calendar, catalogue. */
export const ADMIN_ONLY = { roles: ['admin'] } as const;

const problem =
  (kind: ProblemKind) =>
  (code: string, zh: string, en: string, extra: Record<string, unknown> = {}): Problem =>
    new Problem(kind, { zh, en }, { code, ...extra });
export const notFound = problem('notFound');
export const conflict = problem('conflict');
export const refuse = problem('ruleRefused');

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/** A unique, foreign-key or check violation that slipped past the checks is the caller's conflict, not a 500. */
export function constraintProblem(err: unknown): Problem | undefined {
  const pg = (err instanceof Error && err.cause ? err.cause : err) as { code?: string; constraint?: string };
  const what = pg.constraint ?? '';
  if (pg.code === '23505')
    return conflict(
      'duplicate',
      `与现有记录重复（${what}），请刷新后重试`,
      `Duplicates an existing record (${what}); reload and retry`,
    );
  if (pg.code === '23503')
    return refuse(
      'reference-missing',
      `引用的记录不存在或仍被引用（${what}）`,
      `A referenced record is missing or still referenced (${what})`,
    );
  if (pg.code === '23514')
    return refuse(
      'constraint-violated',
      `数据不符合约束（${what}）`,
      `The data breaks a rule of the database (${what})`,
    );
  return undefined;
}

/**
 * One audited configuration write: serialised on its audit stream, checked and written in a single
 * transaction, and chained into the stream with its before/after. Any refusal `write` throws rolls
 * everything back, so a refused request changes nothing.
 */
export async function auditedWrite<T>(
  ctx: { deps: AppDeps; principal: Principal },
  stream: string,
  action: string,
  reason: string | null,
  write: (tx: Tx) => Promise<{ before: unknown; after: unknown; result: T }>,
): Promise<T> {
  const { principal } = ctx;
  try {
    return await ctx.deps.database.db.transaction(async (tx) => {
      await lockStream(tx, stream);
      const written = await write(tx);
      await appendAudit(
        tx,
        {
          streamId: stream,
          actorId: principal.userId,
          actorUnitId: principal.unitId,
          actorRole: principal.role,
          action,
          reason,
          before: written.before ?? null,
          after: written.after ?? null,
          at: new Date(),
        },
        ctx.deps.auditKey,
      );
      return written.result;
    });
  } catch (err) {
    throw constraintProblem(err) ?? err;
  }
}

export type { Db, Tx };
