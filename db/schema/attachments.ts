import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Photos and documents kept as evidence (随手拍, 整改前后对比). The bytes live in the attachment
 * store (runtime/attachment-store.ts) under `storageKey`; this row says whose they are. An upload
 * starts unbound (`auditSeq` null): for a case that exists (`caseId` set), or — for the report or
 * application that will create one — owned by its uploader alone (`caseId` null). The action that
 * carries it records `{ id, sha256, name }` in its audit entry, and the projection then binds the row
 * to the case and to that entry's sequence; a bound file can never be bound again.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    caseId: text('case_id'),
    uploaderId: text('uploader_id').notNull(),
    uploaderUnitId: text('uploader_unit_id').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The audit entry (of the case's stream) of the action that bound it; null while unbound. */
    auditSeq: integer('audit_seq'),
  },
  (t) => [
    index('attachments_case_idx').on(t.caseId, t.createdAt),
    index('attachments_uploader_idx').on(t.uploaderId, t.createdAt),
  ],
);

export type Attachment = typeof attachments.$inferSelect;
