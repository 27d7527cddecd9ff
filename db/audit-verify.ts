import type { Client } from '@temporalio/client';
import type { AuditAnchor, AuditKey, ChainVerdict } from '../domain/audit-chain';
import { auditAnchorQuery } from '../workflows/shared/definitions';
import { isCaseStream, verifyStream } from './audit';
import type { Db } from './index';

// Verify as both the API (GET /cases/:id/audit/verify) and the worker's audit sweep do it: the rows
// from PostgreSQL, the anchor from the engine through the caller's own Temporal client.

/** How long verify waits for the engine's anchor before it checks by signature alone. */
const ANCHOR_QUERY_TIMEOUT_MS = 10_000;

/**
 * A case's audit anchor as its workflow keeps it, or null when the engine cannot say (the workflow
 * is gone past its retention, or Temporal is away): verify then relies on the signatures alone.
 */
export async function queryAuditAnchor(client: Client, caseId: string): Promise<AuditAnchor | null> {
  try {
    return await client.withDeadline(Date.now() + ANCHOR_QUERY_TIMEOUT_MS, () =>
      client.workflow.getHandle(caseId).query(auditAnchorQuery),
    );
  } catch {
    return null;
  }
}

/**
 * Verify one stream: its chain, its signatures under `key`, and, for a case, against the anchor its
 * workflow keeps. The anchor is read before the rows (the database is never behind it).
 */
export async function verifyAuditStream(
  deps: { db: Db; client: Client; key: AuditKey },
  streamId: string,
): Promise<ChainVerdict> {
  const anchor = isCaseStream(streamId) ? await queryAuditAnchor(deps.client, streamId) : undefined;
  return verifyStream(deps.db, streamId, { key: deps.key, anchor });
}
