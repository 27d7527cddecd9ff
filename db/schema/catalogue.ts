import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { MATTER_CATEGORIES, MATTER_KINDS, type MatterDefinition } from '../../domain/catalogue';

export const matterCategoryEnum = pgEnum('matter_category', MATTER_CATEGORIES);
export const matterKindEnum = pgEnum('matter_kind', MATTER_KINDS);

/**
 * The matter catalogue 事项清单: one row per matter. `name`, `category` and `kind` mirror the current
 * version's definition so lists can filter without reading JSON; `currentVersion` names the version
 * new cases start with. An inactive matter accepts no new cases; running cases keep their version.
 */
export const matters = pgTable(
  'matters',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    category: matterCategoryEnum('category').notNull(),
    kind: matterKindEnum('kind').notNull(),
    currentVersion: integer('current_version').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [check('matters_current_version_positive', sql`${t.currentVersion} >= 1`)],
);

/**
 * Every version of a matter's definition (办事指南 + approval chain), immutable once written (a
 * trigger in the migration refuses UPDATE and DELETE): an edit adds version n+1. `createdBy` is the
 * admin's user id, or `seed`.
 */
export const matterVersions = pgTable(
  'matter_versions',
  {
    code: text('code')
      .notNull()
      .references(() => matters.code),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<MatterDefinition>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'matter_versions_pkey', columns: [t.code, t.version] }),
    check('matter_versions_version_positive', sql`${t.version} >= 1`),
    check('matter_versions_code_matches', sql`${t.definition}->>'code' = ${t.code}`),
  ],
);

/** Row of {@link matters} as read. */
export type Matter = typeof matters.$inferSelect;
/** Row of {@link matterVersions} as read. */
export type MatterVersion = typeof matterVersions.$inferSelect;
