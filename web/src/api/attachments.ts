import { api } from './client';

// Attachments (api/routes/attachments.ts): upload first, then send the ids with the action
// (`attachmentIds`), which records each file's hash in its audit entry.

export interface Attachment {
  id: string;
  caseId: string | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  uploaderId: string;
  uploaderUnitId: string;
  createdAt: string;
  /** The audit entry of the action that carried it; null until an action does. */
  auditSeq: number | null;
  thumbnail: boolean;
}

/** What the file input offers the phone: photos from the camera or the album, and PDFs. */
export const ACCEPTED_FILES = 'image/jpeg,image/png,image/webp,image/heic,application/pdf';

function form(file: File): FormData {
  const data = new FormData();
  data.append('file', file, file.name);
  return data;
}

/** Upload a file to a case (for the next action on it), or — without a case — for a report about to be made. */
export function uploadAttachment(caseId: string | null, file: File): Promise<Attachment> {
  return api.postForm<Attachment>(
    caseId ? `/cases/${encodeURIComponent(caseId)}/attachments` : '/attachments',
    form(file),
  );
}

export function listAttachments(caseId: string): Promise<Attachment[]> {
  return api.get<Attachment[]>(`/cases/${encodeURIComponent(caseId)}/attachments`);
}

/** Same-origin URLs: the browser sends the session cookie, so they work in <img> and links. */
export const attachmentUrl = (caseId: string, id: string) =>
  `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${id}`;
export const thumbnailUrl = (caseId: string, id: string) => `${attachmentUrl(caseId, id)}/thumbnail`;
