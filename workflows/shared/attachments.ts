import type { z } from 'zod';
import type { attachmentRefSchema } from './contract';

/**
 * A file carried by an action as evidence (a photo of the scene, a signed document): checked and
 * resolved by the API (it belongs to the case, or to the uploader of a new case, and is unbound).
 * The action's audit entry lists it under `after.attachments`, so the entry's hash covers the
 * file's SHA-256, and the projection binds the file to that entry.
 */
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

/** `after` with the action's files under `attachments` (unchanged when it carries none). */
export function withAttachments(after: unknown, files: readonly AttachmentRef[] | undefined): unknown {
  if (!files?.length) return after;
  return {
    ...(after !== null && typeof after === 'object' ? after : { value: after }),
    attachments: files.map(({ id, sha256, name, contentType }) => ({ id, sha256, name, contentType })),
  };
}

/** Whether any of the files is a photo. */
export const hasPhoto = (files: readonly AttachmentRef[] | undefined): boolean =>
  (files ?? []).some((f) => f.contentType.startsWith('image/'));
