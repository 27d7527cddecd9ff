import canonicalize from 'canonicalize';
import { eq } from 'drizzle-orm';
import { matters } from '../../../db/schema/catalogue';
import { ADMIN_ONLY, auditedWrite, conflict } from '../../admin';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import { AUDIT_STREAM, reason, codeParam, matterBody, matterGuideSchema } from './schemas';
import {
  guideOf,
  loadMatter,
  loadVersion,
  checkDefinition,
  matterView,
  currentGuide,
  one,
  insertVersion,
  versionWritten,
} from './helpers';

export function registerMatterWriteRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/matters',
    operationId: 'createMatter',
    summary: '新建事项（第 1 版）/ Create a matter (version 1)',
    description:
      '审批环节 1–4 个；承诺时限不超过法定时限；即办件承诺时限为 0；固定办理单位须存在、在用且有相应角色的在岗人员。/ ' +
      'A chain has 1–4 steps; the promised limit may not exceed the statutory one; an instant matter promises 0 days; fixed units must exist, be active and have an active user with the step role.',
    tags: ['catalogue'],
    access: ADMIN_ONLY,
    body: matterBody,
    response: { status: 201, schema: matterGuideSchema, description: '新事项的办事指南 / The new matter’s guide' },
    errors: [409, 422],
    handler: (ctx) => {
      const { reason: why, ...definition } = ctx.body;
      return auditedWrite(ctx, AUDIT_STREAM, 'catalogue.matter.create', why ?? null, async (tx) => {
        const [existing] = await tx
          .select({ code: matters.code })
          .from(matters)
          .where(eq(matters.code, definition.code));
        if (existing)
          throw conflict(
            'matter-exists',
            `事项编码已存在：${definition.code}`,
            `A matter with code ${definition.code} already exists`,
          );
        await checkDefinition(tx, definition);
        return versionWritten(tx, null, await insertVersion(tx, definition, 1, ctx.principal.userId));
      });
    },
  });

  routes.add({
    method: 'put',
    path: '/matters/:code',
    operationId: 'updateMatter',
    summary: '修改事项：保存为新版本并设为当前版本 / Edit a matter: saved as a new version that becomes current',
    description:
      '已有版本不变，办理中的案件沿用其开始时的版本；与当前版本相同的定义不产生新版本。/ ' +
      'Existing versions never change and running cases keep theirs; a definition identical to the current one adds no version.',
    tags: ['catalogue'],
    access: ADMIN_ONLY,
    params: codeParam,
    body: matterBody,
    response: { schema: matterGuideSchema, description: '当前版本的办事指南 / The guide of the current version' },
    errors: [404, 422],
    async handler(ctx) {
      const { reason: why, ...definition } = ctx.body;
      if (definition.code !== ctx.params.code) {
        throw new Problem(
          'badRequest',
          {
            zh: `请求体中的编码 ${definition.code} 与路径中的 ${ctx.params.code} 不一致`,
            en: `The body's code ${definition.code} does not match the path's ${ctx.params.code}`,
          },
          { code: 'code-mismatch' },
        );
      }
      const db = ctx.deps.database.db;
      const matter = await loadMatter(db, definition.code);
      const current = await loadVersion(db, matter.code, matter.currentVersion);
      if (canonicalize(current.definition) === canonicalize(definition)) return guideOf(db, matter, current);
      return auditedWrite(ctx, AUDIT_STREAM, 'catalogue.matter.version', why ?? null, async (tx) => {
        const before = await loadMatter(tx, matter.code);
        const previous = await loadVersion(tx, matter.code, before.currentVersion);
        await checkDefinition(tx, definition);
        return versionWritten(
          tx,
          { ...matterView(before), definition: previous.definition },
          await insertVersion(tx, definition, before.currentVersion + 1, ctx.principal.userId),
        );
      });
    },
  });

  routes.add({
    method: 'patch',
    path: '/matters/:code',
    operationId: 'setMatterActive',
    summary:
      '启用或停用事项（停用后不再受理新申请，办理中的案件不受影响）/ Activate or deactivate a matter (no new applications; running cases go on)',
    tags: ['catalogue'],
    access: ADMIN_ONLY,
    params: codeParam,
    body: z.strictObject({ active: z.boolean(), ...reason }),
    response: { schema: matterGuideSchema, description: '当前版本的办事指南 / The guide of the current version' },
    errors: [404, 422],
    async handler(ctx) {
      const { active, reason: why } = ctx.body;
      const db = ctx.deps.database.db;
      const current = await loadMatter(db, ctx.params.code);
      if (current.active === active) return currentGuide(db, current);
      return auditedWrite(
        ctx,
        AUDIT_STREAM,
        active ? 'catalogue.matter.activate' : 'catalogue.matter.deactivate',
        why ?? null,
        async (tx) => {
          const before = await loadMatter(tx, current.code);
          const version = await loadVersion(tx, current.code, before.currentVersion);
          if (active) await checkDefinition(tx, version.definition);
          const matter = one(
            await tx.update(matters).set({ active }).where(eq(matters.code, current.code)).returning(),
          );
          return { before: matterView(before), after: matterView(matter), result: await guideOf(tx, matter, version) };
        },
      );
    },
  });
}
