import { ApplicationFailure, log } from '@temporalio/activity';
import { findUnstorableText } from '../domain/text';
import { PROJECTION_REJECTED } from '../domain/vocabulary';

/**
 * PostgreSQL errors that the same write will meet again on every retry: data exceptions (22…:
 * untranslatable character, invalid text, value too long, out of range), integrity violations
 * other than a unique one (23…: not null, foreign key, check) and program limits (54…: index row
 * too large). A unique violation, a lost connection or a deadlock may pass on a retry.
 */
const DETERMINISTIC_SQLSTATE = /^(22|23(?!505)|54)/;
/** What the audit hash (RFC 8785 `canonicalize`) throws for values it cannot encode. */
const CANONICALIZE_REFUSAL = /^(Lone surrogate|NaN|Infinity) is not allowed$|^Circular reference detected$/;

function deterministicCause(err: unknown): string | null {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i += 1
  ) {
    const message = typeof e.message === 'string' ? e.message : '';
    if (typeof e.code === 'string' && DETERMINISTIC_SQLSTATE.test(e.code)) return `PostgreSQL ${e.code}: ${message}`;
    if (CANONICALIZE_REFUSAL.test(message)) return `audit hash: ${message}`;
  }
  return null;
}

/**
 * Run a projection write of `value` (a transition or its facts) for `caseId`. Data that can never
 * be stored — text PostgreSQL or the audit hash refuses, found before the write, or a write that
 * fails deterministically — is a non-retryable `ProjectionRejected` failure naming what was
 * refused, logged once; anything else (the database away, a deadlock) is thrown to be retried.
 */
export async function guardProjection<T>(
  caseId: string,
  what: string,
  value: unknown,
  write: () => Promise<T>,
): Promise<T> {
  const unstorable = findUnstorableText(value, what, 5);
  if (unstorable.length > 0) {
    const where = unstorable.map((u) => `${u.path} (${u.reason})`).join(', ');
    throw rejected(caseId, `text that cannot be stored at ${where}`, { fields: unstorable.map((u) => u.path) });
  }
  try {
    return await write();
  } catch (err) {
    const cause = deterministicCause(err);
    if (cause) throw rejected(caseId, cause, {});
    throw err;
  }
}

function rejected(caseId: string, reason: string, extra: Record<string, unknown>): ApplicationFailure {
  log.error('projection rejected: the transition can never be stored', { caseId, reason, ...extra });
  return ApplicationFailure.create({
    type: PROJECTION_REJECTED,
    message: `Case ${caseId}: ${reason}`,
    nonRetryable: true,
    details: [{ caseId, reason, ...extra }],
  });
}
