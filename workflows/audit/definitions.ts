import { defineQuery } from '@temporalio/workflow';
import type { ChainBreak, ChainProblem } from '../../domain/audit-verdict';

/**
 * County-wide audit sweep (审计链全面核验): walks every audit stream (every case and every
 * configuration stream) in the background, verifies each against its signatures and, for a case,
 * the anchor its workflow keeps, and reports the broken ones. Started by an admin; polled through
 * {@link auditSweepProgressQuery}.
 */
export interface StartAuditSweepInput {
  requestedBy: string;
  /** Streams verified per activity (default 50). */
  pageSize?: number;
}

/** A stream whose chain is broken, with the first broken entry and how. */
export interface BrokenStream {
  streamId: string;
  brokenAtSeq: number;
  kind: ChainBreak;
  problem: ChainProblem;
  message: { zh: string; en: string };
}

/** What one page of the sweep found. */
export interface AuditSweepPage {
  checked: number;
  /** The last stream id of the page (where the next page starts), null when there was none. */
  last: string | null;
  /** Case streams whose workflow could not answer for its anchor (checked by signature only). */
  unanchored: number;
  broken: BrokenStream[];
}

export interface AuditSweepProgress {
  status: 'running' | 'completed';
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** Streams to walk, counted when the sweep started (null until then). */
  total: number | null;
  checked: number;
  unanchored: number;
  /** Every broken stream found; `broken` keeps the first {@link SWEEP_BROKEN_LIMIT}. */
  brokenCount: number;
  broken: BrokenStream[];
}

/** A sweep's progress before it has walked anything. */
export function sweepStarting(requestedBy: string, startedAt: string): AuditSweepProgress {
  return {
    status: 'running',
    requestedBy,
    startedAt,
    finishedAt: null,
    total: null,
    checked: 0,
    unanchored: 0,
    brokenCount: 0,
    broken: [],
  };
}

/** Broken streams kept in the progress (all are counted). */
export const SWEEP_BROKEN_LIMIT = 500;

/** Workflow ids of sweeps start with this. */
export const AUDIT_SWEEP_ID_PREFIX = 'audit-sweep-';

export const auditSweepProgressQuery = defineQuery<AuditSweepProgress>('auditSweepProgress');
