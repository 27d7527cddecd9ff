import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { createAuditKey, type AuditKey } from '../domain/audit-chain';

/**
 * The key that signs audit entries: AUDIT_HMAC_KEY when configured (required in production), else
 * one generated once and kept in the data folder (like the dev sign-in key pair), so the embedded
 * default's worker and API, and every restart, sign with the same key. Never stored in the database.
 */
export function loadAuditKey(audit: Config['audit']): AuditKey {
  if (audit.hmacKey) return createAuditKey(audit.hmacKey);
  return createAuditKey(readOrCreateSecret(audit.keyFile));
}

function readOrCreateSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written whole to a private temporary file, then linked into place: a worker and an API
    // starting together cannot read a half-written key or end up with two different ones.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return readFileSync(file, 'utf8').trim();
}
