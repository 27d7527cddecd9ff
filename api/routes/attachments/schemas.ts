import type { Attachment } from '../../../db/schema/attachments';
import { createAttachmentStore, type AttachmentStore } from '../../../runtime/attachment-store';
import type { AppDeps } from '../../deps';
import { z } from '../../zod';

export const THUMBNAIL_PX = 320;

export const THUMBNAIL_TYPE = 'image/webp';

export const stores = new WeakMap<AppDeps['config'], AttachmentStore>();

/** The process's attachment store: the one given at boot, else the one the configuration names (made once). */
export function attachmentStoreOf(deps: AppDeps): AttachmentStore {
  if (deps.attachmentStore) return deps.attachmentStore;
  let store = stores.get(deps.config);
  if (!store) {
    store = createAttachmentStore(deps.config.attachments.store);
    stores.set(deps.config, store);
  }
  return store;
}

export const attachmentSchema = z
  .object({
    id: z.string(),
    caseId: z.string().nullable().openapi({
      description:
        '所属案件；为空表示尚未随上报/申请提交 / the case; null until the report or application that carries it is made',
    }),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string().openapi({
      description:
        '文件内容的 SHA-256（十六进制），随办理动作记入审计日志 / SHA-256 of the bytes, recorded in the audit entry of the action that carried it',
    }),
    uploaderId: z.string(),
    uploaderUnitId: z.string(),
    createdAt: z.string(),
    auditSeq: z.number().int().nullable().openapi({
      description:
        '随之提交的办理动作在审计日志中的序号；为空表示尚未随动作提交 / the audit entry of the action that carried it; null while unbound',
    }),
    thumbnail: z.boolean().openapi({ description: '是否有缩略图（图片）/ whether a thumbnail exists (images)' }),
  })
  .openapi('Attachment');

export function toJson(row: Attachment) {
  return {
    id: row.id,
    caseId: row.caseId,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    uploaderId: row.uploaderId,
    uploaderUnitId: row.uploaderUnitId,
    createdAt: row.createdAt.toISOString(),
    auditSeq: row.auditSeq,
    thumbnail: row.thumbnailKey !== null,
  };
}
