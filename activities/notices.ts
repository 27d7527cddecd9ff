import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { notices } from '../db/schema/cases';
import type { NoticeRequest } from '../domain/vocabulary';
import { orgUnits, users } from '../db/schema/org';

/** Delivery outside the system (SMS, 政务微信…); the default only records. Tests pass a fake. */
export interface Notifier {
  deliver(notice: {
    unitId: string;
    recipientUserId: string | null;
    phone: string | null;
    message: string;
  }): Promise<void>;
}

export const recordOnlyNotifier: Notifier = { deliver: async () => {} };

/**
 * How hard delivery tries: up to `maxAttempts` attempts, waiting `backoffMs` × 2^(attempt − 1)
 * (at most `maxBackoffMs`) between them; a claimed notice is left alone by other sweepers for
 * `leaseMs`. The defaults keep trying for about a day before a notice is marked failed.
 */
export interface DeliveryPolicy {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  leaseMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 12,
  backoffMs: 30_000,
  maxBackoffMs: 4 * 3_600_000,
  leaseMs: 120_000,
};

type NoticeRow = typeof notices.$inferSelect;

/**
 * Store notices (once per case, key and unit) and try to deliver the new ones at once. A notice
 * that fails (or whose attempt is cut short by a crash) stays `pending` in the table, which is the
 * outbox {@link deliverDueNotices} sweeps; a retried activity finds the rows already there and
 * delivers nothing twice. Delivery never fails the activity: the case goes on whatever the SMS
 * gateway does.
 */
export async function sendNotices(
  db: Db,
  notifier: Notifier,
  requests: NoticeRequest[],
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): Promise<{ created: number }> {
  let created = 0;
  for (const r of requests) {
    const [leader] = r.toLeader
      ? await db
          .select({ id: users.id })
          .from(orgUnits)
          .innerJoin(users, eq(users.id, orgUnits.leaderUserId))
          .where(and(eq(orgUnits.id, r.unitId), eq(users.active, true)))
      : [];
    // Claimed for this attempt: the sweeper takes it only if this activity dies before it records the outcome.
    const rows = await db
      .insert(notices)
      .values({
        caseId: r.caseId,
        key: r.key,
        kind: r.kind,
        unitId: r.unitId,
        recipientUserId: leader?.id ?? null,
        message: r.message,
        createdAt: new Date(r.at),
        nextAttemptAt: new Date(Date.now() + policy.leaseMs),
      })
      .onConflictDoNothing()
      .returning();
    const row = rows[0];
    if (!row) continue;
    created += 1;
    await attemptDelivery(db, notifier, row, policy);
  }
  return { created };
}

/** One delivery attempt, its outcome recorded on the notice: delivered, pending with the next attempt's time, or failed. */
async function attemptDelivery(
  db: Db,
  notifier: Notifier,
  row: NoticeRow,
  policy: DeliveryPolicy,
): Promise<'delivered' | 'pending' | 'failed'> {
  const attempts = row.attempts + 1;
  try {
    const [recipient] = row.recipientUserId
      ? await db.select({ phone: users.phone }).from(users).where(eq(users.id, row.recipientUserId))
      : [];
    await notifier.deliver({
      unitId: row.unitId,
      recipientUserId: row.recipientUserId,
      phone: recipient?.phone ?? null,
      message: row.message,
    });
  } catch (err) {
    const failed = attempts >= policy.maxAttempts;
    const wait = Math.min(policy.backoffMs * 2 ** (attempts - 1), policy.maxBackoffMs);
    await db
      .update(notices)
      .set({
        attempts,
        lastError: (err instanceof Error ? err.message : String(err)).slice(0, 1000),
        deliveryStatus: failed ? 'failed' : 'pending',
        nextAttemptAt: failed ? null : new Date(Date.now() + wait),
      })
      .where(eq(notices.id, row.id));
    return failed ? 'failed' : 'pending';
  }
  await db
    .update(notices)
    .set({ attempts, deliveryStatus: 'delivered', deliveredAt: new Date(), nextAttemptAt: null })
    .where(eq(notices.id, row.id));
  return 'delivered';
}

/**
 * The outbox sweep: claim up to `limit` pending notices whose time has come (skipping rows another
 * sweeper holds) and try each once more. Run by `noticeDeliveryWorkflow` on a timer.
 */
export async function deliverDueNotices(
  db: Db,
  notifier: Notifier,
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
  limit = 100,
): Promise<{ delivered: number; pending: number; failed: number }> {
  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: notices.id })
      .from(notices)
      .where(and(eq(notices.deliveryStatus, 'pending'), lte(notices.nextAttemptAt, new Date())))
      .orderBy(asc(notices.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    return tx
      .update(notices)
      .set({ nextAttemptAt: sql`now() + ${`${policy.leaseMs} milliseconds`}::interval` })
      .where(
        inArray(
          notices.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
  const out = { delivered: 0, pending: 0, failed: 0 };
  for (const row of claimed) out[await attemptDelivery(db, notifier, row, policy)] += 1;
  return out;
}
