import { eq, and } from 'drizzle-orm';
import type { Db } from '../db';
import { notices, type NoticeKind } from '../db/schema/cases';
import { orgUnits, users } from '../db/schema/org';

/** A notice a workflow asks to deliver: to a unit, and to that unit's leader when `toLeader`. */
export interface NoticeRequest {
  caseId: string;
  /** Idempotency key within the case, e.g. `overdue:case` or `urge:7`. */
  key: string;
  kind: NoticeKind;
  unitId: string;
  toLeader: boolean;
  message: string;
  at: string;
}

/** Delivery outside the system (SMS, 政务微信…); the default only records. Tests pass a fake. */
export interface Notifier {
  deliver(notice: { unitId: string; recipientUserId: string | null; phone: string | null; message: string }): Promise<void>;
}

export const recordOnlyNotifier: Notifier = { deliver: async () => {} };

/**
 * Store notices (once per case, key and unit) and hand new ones to the notifier. A retried
 * activity finds the rows already there and delivers nothing twice.
 */
export async function sendNotices(db: Db, notifier: Notifier, requests: NoticeRequest[]): Promise<{ created: number }> {
  let created = 0;
  for (const r of requests) {
    const [leader] = r.toLeader
      ? await db.select({ id: users.id, phone: users.phone }).from(orgUnits).innerJoin(users, eq(users.id, orgUnits.leaderUserId)).where(and(eq(orgUnits.id, r.unitId), eq(users.active, true)))
      : [];
    const rows = await db
      .insert(notices)
      .values({ caseId: r.caseId, key: r.key, kind: r.kind, unitId: r.unitId, recipientUserId: leader?.id ?? null, message: r.message, createdAt: new Date(r.at) })
      .onConflictDoNothing()
      .returning({ id: notices.id });
    if (rows.length === 0) continue;
    created += 1;
    await notifier.deliver({ unitId: r.unitId, recipientUserId: leader?.id ?? null, phone: leader?.phone ?? null, message: r.message });
  }
  return { created };
}
