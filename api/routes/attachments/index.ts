import type { ApiRoutes } from '../../route';
import { registerAttachmentUploadRoutes } from './upload';
import { registerAttachmentReadRoutes } from './download';

export { attachmentStoreOf, attachmentSchema } from './schemas';
export { attachmentIdsField, evidenceFiles } from './helpers';

export function registerAttachmentRoutes(routes: ApiRoutes): void {
  registerAttachmentUploadRoutes(routes);
  registerAttachmentReadRoutes(routes);
}
