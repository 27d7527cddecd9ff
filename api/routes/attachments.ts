import { createHash, randomUUID } from 'node:crypto';
import { attachmentIdsSchema } from '../../workflows/shared/contract';
import { and, asc, eq, inArray } from 'drizzle-orm';
import sharp from 'sharp';
import { attachments, type Attachment } from '../../db/schema/attachments';
import {
  ATTACHMENT_TYPE_LABEL,
  cleanFileName,
  declaredAttachmentType,
  sniffAttachmentType,
} from '../../domain/attachment-types';
import { createAttachmentStore, type AttachmentStore } from '../../runtime/attachment-store';
import type { AttachmentRef } from '../../workflows/shared/attachments';
import type { Principal } from '../auth';
import type { AppDeps } from '../deps';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam } from '../schemas';
import { z } from '../zod';
import { loadVisibleCase } from './cases';

const THUMBNAIL_PX = 320;
const THUMBNAIL_TYPE = 'image/webp';

const stores = new WeakMap<AppDeps['config'], AttachmentStore>();

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

function toJson(row: Attachment) {
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

/** Check the bytes against the allow-list (declared and sniffed type must agree), make a thumbnail for photos, store both. */
async function storeUpload(deps: AppDeps, principal: Principal, file: Express.Multer.File, caseId: string | null) {
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

const fileParams = z.strictObject({ id: idParam.shape.id, attachmentId: z.uuid() });

async function loadCaseFile(
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

function sendStored(
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

const uploadDescription = `一个文件（表单字段 file）：${ATTACHMENT_TYPE_LABEL}；大小上限见 ATTACHMENT_MAX_BYTES（默认 10 MB）/ One file in the form field \`file\``;

export function registerAttachmentRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/cases/:id/attachments',
    operationId: 'uploadCaseAttachment',
    summary:
      '上传案件附件（照片、PDF），再随办理动作提交 / Upload a photo or PDF to a case, then submit it with an action',
    description:
      '可查看该案件的人才能上传。检查声明类型与文件头（JPEG/PNG/WebP/HEIC/PDF），计算 SHA-256，图片生成缩略图。上传后须在办理动作的 attachmentIds 中提交，才记入该动作的审计条目。/ Only those who may see the case may upload. Type checked by declaration and content; SHA-256 computed; a thumbnail for photos. It joins the case record when an action carries it in `attachmentIds`.',
    tags: ['attachments'],
    access: { roles: 'any' },
    params: idParam,
    multipart: { field: 'file', description: uploadDescription },
    response: {
      status: 201,
      schema: attachmentSchema,
      description: '已上传，待随办理动作提交 / Uploaded, to be submitted with an action',
    },
    errors: [404, 409, 413, 415],
    async handler({ params, body, principal, deps }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      if (row.closedAt)
        throw new Problem(
          'conflict',
          { zh: `案件已结束，不能再上传附件：${row.id}`, en: `The case is closed; no more files: ${row.id}` },
          { code: 'case-closed' },
        );
      return storeUpload(deps, principal, body as Express.Multer.File, row.id);
    },
  });

  routes.add({
    method: 'post',
    path: '/attachments',
    operationId: 'uploadNewCaseAttachment',
    summary:
      '为新案件上传附件（上报事件、提交申请前）/ Upload a file for a case about to be made (a report, an application)',
    description:
      '只有上传者本人可在上报事件或提交申请时（attachmentIds）提交它。/ Only its uploader may submit it with a report or application (`attachmentIds`).',
    tags: ['attachments'],
    access: { roles: 'any' },
    multipart: { field: 'file', description: uploadDescription },
    response: { status: 201, schema: attachmentSchema, description: '已上传 / Uploaded' },
    errors: [413, 415],
    async handler({ body, principal, deps }) {
      return storeUpload(deps, principal, body as Express.Multer.File, null);
    },
  });

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
