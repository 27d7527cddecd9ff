import { asc, eq } from 'drizzle-orm';
import { attachments } from '../../../db/schema/attachments';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { z } from '../../zod';
import { loadVisibleCase } from '../cases';
import { THUMBNAIL_TYPE, attachmentStoreOf, attachmentSchema, toJson } from './schemas';
import { fileParams, loadCaseFile, sendStored } from './helpers';

export function registerAttachmentReadRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/cases/:id/attachments',
    operationId: 'listCaseAttachments',
    summary: '案件附件（含其审计条目序号）/ A case’s files, with the audit entry that carried each',
    tags: ['attachments'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: z.array(attachmentSchema), description: '附件 / Files' },
    errors: [404],
    async handler({ params, principal, deps }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      const rows = await deps.database.db
        .select()
        .from(attachments)
        .where(eq(attachments.caseId, row.id))
        .orderBy(asc(attachments.createdAt), asc(attachments.id));
      // Files uploaded but never submitted are the uploader's draft: only bound files, and the caller's own drafts.
      return rows.filter((r) => r.auditSeq !== null || r.uploaderId === principal.userId).map(toJson);
    },
  });

  routes.add({
    method: 'get',
    path: '/cases/:id/attachments/:attachmentId',
    operationId: 'getCaseAttachment',
    summary: '读取案件附件（可查看案件者）/ Read a case’s file (those who may see the case)',
    tags: ['attachments'],
    access: { roles: 'any' },
    params: fileParams,
    response: {
      schema: z.string().openapi({ type: 'string', format: 'binary' }),
      description: '文件内容 / The bytes',
      contentType: 'application/octet-stream',
    },
    errors: [404],
    async handler({ params, principal, deps, res }) {
      const file = await loadCaseFile(deps, principal, params.id, params.attachmentId);
      const bytes = await attachmentStoreOf(deps).get(file.storageKey);
      if (!bytes)
        throw new Problem(
          'notFound',
          { zh: `附件内容缺失：${file.name}`, en: `The file's content is missing: ${file.name}` },
          { code: 'attachment-content-missing' },
        );
      sendStored(res, bytes, file.contentType, file.name);
      return '';
    },
  });

  routes.add({
    method: 'get',
    path: '/cases/:id/attachments/:attachmentId/thumbnail',
    operationId: 'getCaseAttachmentThumbnail',
    summary: '附件缩略图（WebP，图片才有）/ A photo’s thumbnail (WebP)',
    tags: ['attachments'],
    access: { roles: 'any' },
    params: fileParams,
    response: {
      schema: z.string().openapi({ type: 'string', format: 'binary' }),
      description: '缩略图 / Thumbnail',
      contentType: THUMBNAIL_TYPE,
    },
    errors: [404],
    async handler({ params, principal, deps, res }) {
      const file = await loadCaseFile(deps, principal, params.id, params.attachmentId);
      const bytes = file.thumbnailKey ? await attachmentStoreOf(deps).get(file.thumbnailKey) : null;
      if (!bytes)
        throw new Problem(
          'notFound',
          { zh: `该附件没有缩略图：${file.name}`, en: `No thumbnail for ${file.name}` },
          { code: 'thumbnail-not-found' },
        );
      sendStored(res, bytes, THUMBNAIL_TYPE, `${file.name}.webp`);
      return '';
    },
  });
}
