import { and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { matters, matterVersions } from '../../../db/schema/catalogue';
import { CHANNELS, MATTER_CATEGORIES, MATTER_KINDS } from '../../../domain/catalogue';
import { text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import {
  boolQuery,
  codeParam,
  versionParam,
  matterSummarySchema,
  matterGuideSchema,
  versionSummarySchema,
} from './schemas';
import { summaryOf, guideOf, loadMatter, loadVersion, currentGuide } from './helpers';

export function registerMatterReadRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/matters',
    operationId: 'listMatters',
    summary:
      '事项清单：按类别、办件类型、渠道、名称、状态筛选 / The matter catalogue, filtered by category, kind, channel, name and status',
    tags: ['catalogue'],
    access: { roles: 'any' },
    query: z.strictObject({
      category: z.enum(MATTER_CATEGORIES).optional(),
      kind: z.enum(MATTER_KINDS).optional(),
      channel: z.enum(CHANNELS).optional(),
      q: text(100).optional().openapi({ description: '名称或编码包含 / Name or code contains' }),
      active: boolQuery.optional(),
    }),
    response: {
      schema: z.array(matterSummarySchema),
      description: '事项（当前版本），按编码排序 / Matters at their current version, in code order',
    },
    async handler({ query, deps }) {
      const pattern = query.q === undefined ? undefined : `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
      const rows = await deps.database.db
        .select({ matter: matters, definition: matterVersions.definition })
        .from(matters)
        .innerJoin(
          matterVersions,
          and(eq(matterVersions.code, matters.code), eq(matterVersions.version, matters.currentVersion)),
        )
        .where(
          and(
            query.category && eq(matters.category, query.category),
            query.kind && eq(matters.kind, query.kind),
            query.active === undefined ? undefined : eq(matters.active, query.active),
            query.channel &&
              sql`${matterVersions.definition} -> 'channels' @> ${JSON.stringify([query.channel])}::jsonb`,
            pattern ? or(ilike(matters.name, pattern), ilike(matters.code, pattern)) : undefined,
          ),
        )
        .orderBy(asc(matters.code));
      return rows.map((r) => summaryOf(r.matter, r.definition));
    },
  });

  routes.add({
    method: 'get',
    path: '/matters/:code',
    operationId: 'getMatter',
    summary: '办事指南（当前版本）/ The guide of a matter at its current version',
    tags: ['catalogue'],
    access: { roles: 'any' },
    params: codeParam,
    response: { schema: matterGuideSchema, description: '办事指南 / Guide' },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      return currentGuide(db, await loadMatter(db, params.code));
    },
  });

  routes.add({
    method: 'get',
    path: '/matters/:code/versions',
    operationId: 'listMatterVersions',
    summary: '事项的全部版本（新的在前）/ Every version of a matter, newest first',
    tags: ['catalogue'],
    access: { roles: 'any' },
    params: codeParam,
    response: { schema: z.array(versionSummarySchema), description: '版本 / Versions' },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const matter = await loadMatter(db, params.code);
      const rows = await db
        .select()
        .from(matterVersions)
        .where(eq(matterVersions.code, matter.code))
        .orderBy(desc(matterVersions.version));
      return rows.map(({ version, definition: d, createdBy, createdAt }) => ({
        version,
        name: d.name,
        stepCount: d.steps.length,
        statutoryLimitDays: d.statutoryLimitDays,
        promisedLimitDays: d.promisedLimitDays,
        createdBy,
        createdAt: createdAt.toISOString(),
        current: version === matter.currentVersion,
      }));
    },
  });

  routes.add({
    method: 'get',
    path: '/matters/:code/versions/:version',
    operationId: 'getMatterVersion',
    summary:
      '某一版本的办事指南（办理中的案件沿用其开始时的版本）/ The guide of one version (a running case keeps the version it started with)',
    tags: ['catalogue'],
    access: { roles: 'any' },
    params: versionParam,
    response: { schema: matterGuideSchema, description: '办事指南 / Guide' },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const matter = await loadMatter(db, params.code);
      return guideOf(db, matter, await loadVersion(db, matter.code, params.version));
    },
  });
}
