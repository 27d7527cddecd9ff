import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { loadVisibleCase } from '../cases';
import { attachmentSchema } from './schemas';
import { storeUpload, uploadDescription } from './helpers';

export function registerAttachmentUploadRoutes(routes: ApiRoutes): void {
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
}
