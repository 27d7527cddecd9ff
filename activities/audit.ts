import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { countAuditStreams, isCaseStream, listAuditStreams, verifyStream } from '../db/audit';
import type { AuditAnchor, AuditKey, ChainVerdict } from '../domain/audit-chain';
import type { AuditSweepPage, BrokenStream } from '../workflows/audit/definitions';
import { auditAnchorQuery } from '../workflows/shared/definitions';

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

/** The activities of the county-wide audit sweep (workflows/audit). */
export function createAuditActivities(deps: { db: Db; auditKey?: AuditKey }) {
  return {
    /** How many streams the sweep will walk. */
    async countAuditStreams(): Promise<number> {
      return countAuditStreams(deps.db);
    },
    /** Verify the next `limit` streams after `after` (the Temporal client is the worker's own). */
    async verifyAuditPage(input: { after: string; limit: number }): Promise<AuditSweepPage> {
      if (!deps.auditKey) throw new Error('the worker has no audit key: verifying would report every entry unsigned');
      const ids = await listAuditStreams(deps.db, input.after, input.limit);
      const target = { db: deps.db, client: Context.current().client, key: deps.auditKey };
      const broken: BrokenStream[] = [];
      let unanchored = 0;
      for (const id of ids) {
        const verdict = await verifyAuditStream(target, id);
        if (verdict.anchor === 'unavailable') unanchored += 1;
        if (!verdict.ok)
          broken.push({
            streamId: id,
            brokenAtSeq: verdict.brokenAtSeq,
            kind: verdict.kind,
            problem: verdict.problem,
            message: verdict.message,
          });
        Context.current().heartbeat(id);
      }
      return { checked: ids.length, last: ids.at(-1) ?? null, unanchored, broken };
    },
  };
}
