import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Requests sent with an `Idempotency-Key` header (POST only): a retried request with the same key
 * from the same user gets the first answer again instead of doing the work twice (api/idempotency.ts).
 * `status` is null while the first request is still running.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    /** `POST /api/v1/…` as the first request named it. */
    request: text('request').notNull(),
    /** SHA-256 of the canonical JSON of the method, path and body. */
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** The case number a start request allocated: a retry opens that case, never a second one. */
    caseId: text('case_id'),
    /** Set when an attempt ended without an answer to keep (e.g. 503) but had allocated `caseId`: the next retry takes over. */
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
