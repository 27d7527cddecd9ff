import { Context } from '@temporalio/activity';
import type { Db } from '../db';
import { countAuditStreams, listAuditStreams } from '../db/audit';
import { verifyAuditStream } from '../db/audit-verify';
import type { AuditKey } from '../domain/audit-chain';
import type { AuditSweepPage, BrokenStream } from '../workflows/audit/definitions';

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
