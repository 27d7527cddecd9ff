import type { Config } from '../config';
import { createAuditKey, type AuditKey } from '../domain/audit-chain';
import { readOrCreateSecret } from './secret-file';

/**
 * The key that signs audit entries: AUDIT_HMAC_KEY when configured (required in production), else
 * one generated once and kept in the data folder (like the dev sign-in key pair), so the embedded
 * default's worker and API, and every restart, sign with the same key. Never stored in the database.
 */
export function loadAuditKey(audit: Config['audit']): AuditKey {
  if (audit.hmacKey) return createAuditKey(audit.hmacKey);
  return createAuditKey(readOrCreateSecret(audit.keyFile));
}
