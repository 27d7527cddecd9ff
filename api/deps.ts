import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Database } from '../db';
import type { AuditKey } from '../domain/audit-chain';
import type { AttachmentStore } from '../runtime/attachment-store';
import type { Authenticator } from './auth';

/** Everything a request handler may use, created once at boot (convention 9). */
export interface AppDeps {
  config: Config;
  database: Database;
  temporal: Client;
  auth: Authenticator;
  logger: Logger;
  metrics: Registry;
  /** Signs and verifies audit entries (runtime/audit-key.ts). */
  auditKey: AuditKey;
  /** The payload codec the Temporal client encrypts with; when set, /codec/encode and /codec/decode serve it (api/codec.ts). */
  payloadCodec?: PayloadCodec;
  /** Where attachment bytes are kept; unset: the store ATTACHMENT_STORE names (api/routes/attachments.ts). */
  attachmentStore?: AttachmentStore;
}
