// The words of an audit verdict, without the hashing (workflows may import these types).

/**
 * A stream's last entry as kept outside the database, by the case's workflow: the sequence it
 * wrote last and, when known, that entry's hash (histories from before the anchor carry none).
 */
export interface AuditAnchor {
  seq: number;
  hash: string | null;
}

/**
 * How a chain was broken: an entry `edited` (no longer matches its hash or its link), an entry
 * `missing` from the middle, the chain `re-chained` (recomputed after an edit: consistent, but its
 * signature or the engine's anchor disagrees), entries `unsigned`, or the stream `truncated`
 * (newest entries deleted: the engine wrote more than the database holds).
 */
export const CHAIN_BREAKS = ['edited', 'missing', 're-chained', 'unsigned', 'truncated'] as const;
export type ChainBreak = (typeof CHAIN_BREAKS)[number];

/** Which check found the break (finer than the kind). */
export type ChainProblem =
  'hash-mismatch' | 'prev-link' | 'seq-gap' | 'bad-signature' | 'no-signature' | 'engine-ahead' | 'engine-hash';

/** Whether the engine's anchor was compared: `compared` (and, when ok, matched), `none` (not given), or `unavailable` (the engine could not say). */
export const ANCHOR_CHECKS = ['compared', 'none', 'unavailable'] as const;
export type AnchorCheck = (typeof ANCHOR_CHECKS)[number];
