import { createHash, randomUUID } from 'node:crypto';
import { attachmentIdsSchema } from '../../../workflows/shared/contract';
import { and, eq, inArray } from 'drizzle-orm';
import sharp from 'sharp';
import { attachments, type Attachment } from '../../../db/schema/attachments';
import {
  ATTACHMENT_TYPE_LABEL,
  cleanFileName,
  declaredAttachmentType,
  sniffAttachmentType,
} from '../../../domain/attachment-types';
import type { AttachmentRef } from '../../../workflows/shared/attachments';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { z } from '../../zod';
import { loadVisibleCase } from '../cases';
import { THUMBNAIL_PX, THUMBNAIL_TYPE, attachmentStoreOf, toJson } from './schemas';

/** Check the bytes against the allow-list (declared and sniffed type must agree), make a thumbnail for photos, store both. */
export async function storeUpload(
  deps: AppDeps,
  principal: Principal,
  file: Express.Multer.File,
  caseId: string | null,
) {
  const sniffed = sniffAttachmentType(file.buffer);
  const declared = declaredAttachmentType(file.mimetype);
  if (!sniffed || !declared) {
    throw new Problem(
      'unsupportedType',
      {
        zh: `不支持的文件类型（${file.mimetype || '未知'}）：只接受 ${ATTACHMENT_TYPE_LABEL.split(' / ')[0]}`,
        en: `Unsupported file type (${file.mimetype || 'unknown'}): only ${ATTACHMENT_TYPE_LABEL.split(' / ')[1]}`,
      },
      {
        code: 'attachment-type-not-allowed',
        allowed: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'],
      },
    );
  }
  if (sniffed !== declared) {
    throw new Problem(
      'unsupportedType',
      {
        zh: `文件内容（${sniffed}）与声明的类型（${file.mimetype}）不符`,
        en: `The file's content (${sniffed}) does not match its declared type (${file.mimetype})`,
      },
      { code: 'attachment-type-mismatch' },
    );
  }
  let thumbnail: Buffer | null = null;
  if (sniffed.startsWith('image/')) {
    try {
      thumbnail = await sharp(file.buffer, { failOn: 'error' })
        .rotate()
        .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer();
    } catch (err) {
      // HEIC decoding depends on the platform's libheif; such photos are kept without a thumbnail.
      if (sniffed !== 'image/heic') {
        throw new Problem(
          'badRequest',
          { zh: '图片已损坏或无法读取', en: 'The image is damaged or cannot be read' },
          { code: 'attachment-unreadable', reason: err instanceof Error ? err.message : String(err) },
        );
      }
    }
  }
  const id = randomUUID();
  const month = new Date().toISOString().slice(0, 7).replace('-', '/');
  const storageKey = `${month}/${id}`;
  const thumbnailKey = thumbnail ? `${storageKey}.thumb.webp` : null;
  const store = attachmentStoreOf(deps);
  await store.put(storageKey, file.buffer, sniffed);
  if (thumbnail && thumbnailKey) await store.put(thumbnailKey, thumbnail, THUMBNAIL_TYPE);
  const ext = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'image/heic': 'heic',
    'application/pdf': 'pdf',
  }[sniffed];
  const [row] = await deps.database.db
    .insert(attachments)
    .values({
      id,
      caseId,
      uploaderId: principal.userId,
      uploaderUnitId: principal.unitId,
      name: cleanFileName(file.originalname, `file.${ext}`),
      contentType: sniffed,
      size: file.size,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      storageKey,
      thumbnailKey,
    })
    .returning();
  return toJson(row!);
}

/** Ids of uploaded files an action carries (`attachmentIds` on its body). */
/** Uploaded files an action carries, by id (one schema with the process contracts). */
export const attachmentIdsField = attachmentIdsSchema;

/**
 * The files an action may carry: each uploaded to this case (or, by the caller, for a case not yet
 * made) and not yet carried by another action. `caseId` null: a report or application that creates
 * the case, which only the caller's own uploads for a new case may join.
 */
export async function evidenceFiles(
  deps: AppDeps,
  principal: Principal,
  caseId: string | null,
  ids: readonly string[] | undefined,
): Promise<AttachmentRef[] | undefined> {
  if (!ids?.length) return undefined;
  const unique = [...new Set(ids)];
  const rows = await deps.database.db.select().from(attachments).where(inArray(attachments.id, unique));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const refs: AttachmentRef[] = [];
  for (const id of unique) {
    const row = byId.get(id);
    const ours = row && (row.caseId === null ? row.uploaderId === principal.userId : row.caseId === caseId);
    if (!row || !ours) {
      throw new Problem(
        'ruleRefused',
        {
          zh: caseId ? `附件不属于本案件：${id}` : `附件不存在或不是您为新案件上传的：${id}`,
          en: caseId ? `The file does not belong to this case: ${id}` : `No file ${id} uploaded by you for a new case`,
        },
        { code: 'attachment-not-of-case' },
      );
    }
    if (row.auditSeq !== null) {
      throw new Problem(
        'conflict',
        {
          zh: `附件已随其他办理动作提交：${row.name}`,
          en: `The file was already submitted with another action: ${row.name}`,
        },
        { code: 'attachment-already-bound' },
      );
    }
    refs.push({ id: row.id, sha256: row.sha256, name: row.name, contentType: row.contentType });
  }
  return refs;
}

export const fileParams = z.strictObject({ id: idParam.shape.id, attachmentId: z.uuid() });

export async function loadCaseFile(
  deps: AppDeps,
  principal: Principal,
  caseId: string,
  attachmentId: string,
): Promise<Attachment> {
  const row = await loadVisibleCase(deps, principal, caseId);
  const [file] = await deps.database.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, attachmentId), eq(attachments.caseId, row.id)));
  if (!file)
    throw new Problem(
      'notFound',
      { zh: `附件不存在：${attachmentId}`, en: `No file ${attachmentId} on case ${caseId}` },
      { code: 'attachment-not-found' },
    );
  return file;
}

export function sendStored(
  res: Parameters<Parameters<ApiRoutes['add']>[0]['handler']>[0]['res'],
  bytes: Buffer,
  type: string,
  name: string,
): void {
  res
    .status(200)
    .set({
      'content-type': type,
      'content-length': String(bytes.length),
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
      'x-content-type-options': 'nosniff',
      // A file never changes under its id; only the signed-in reader's browser may keep it.
      'cache-control': 'private, max-age=86400',
    })
    .send(bytes);
}

export const uploadDescription = `一个文件（表单字段 file）：${ATTACHMENT_TYPE_LABEL}；大小上限见 ATTACHMENT_MAX_BYTES（默认 10 MB）/ One file in the form field \`file\``;
