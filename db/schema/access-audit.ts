import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** What an access-audit entry records (api/access-audit.ts). */
export const ACCESS_KINDS = ['login', 'login-failed', 'unauthenticated', 'forbidden', 'personal-data-read'] as const;
/** One of {@link ACCESS_KINDS}. */
export type AccessKind = (typeof ACCESS_KINDS)[number];

/**
 * Access audit (等保 2.0 安全审计): sign-ins, failed sign-ins, 401/403 refusals and reads of personal
 * data (who read which applicant's ID number), apart from the case audit log. Append-only, enforced
 * by a trigger like `audit_log`; read by the `auditor` role through GET /access-audit.
 */
export const accessAudit = pgTable(
  'access_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind').$type<AccessKind>().notNull(),
    /** The signed-in user, when known (a refused token has none). */
    userId: text('user_id'),
    /** The username a sign-in named, or the user's. */
    username: text('username'),
    role: text('role'),
    unitId: text('unit_id'),
    ip: text('ip'),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    requestId: text('request_id'),
    /** What was read or refused: a case id, `users`… */
    subject: text('subject'),
    /** The problem code of a refusal, or the personal fields read (and the masked ID number). */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('access_audit_at_idx').on(t.at),
    index('access_audit_user_idx').on(t.userId, t.at),
    index('access_audit_kind_idx').on(t.kind, t.at),
    index('access_audit_subject_idx').on(t.subject, t.at),
  ],
);
