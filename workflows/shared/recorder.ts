import { setHandler } from '@temporalio/workflow';
import type { AuditNote, CaseSnapshot, TransitionRecord } from './case-snapshot';
import type { AuditAnchor } from '../../domain/audit-verdict';
import type { NoticeRequest } from '../../domain/vocabulary';
import { auditAnchorQuery } from './definitions';

/** The hash a projection write answers (`{ hash }`), if it answered one (older histories did not). */
const hashOf = (written: unknown): string | null => {
  const hash = (written as { hash?: unknown } | null | undefined)?.hash;
  return typeof hash === 'string' ? hash : null;
};

/**
 * Numbers a case's transitions and writes them to PostgreSQL one at a time, in order, through the
 * projection activity. The sequence is the idempotency key, so it travels across continue-as-new.
 * It also keeps the audit anchor (the last written entry's sequence and hash, answered by the
 * projection) and answers {@link auditAnchorQuery} with it.
 */
export class CaseRecorder {
  private chain: Promise<unknown> = Promise.resolve();
  private anchor: AuditAnchor;

  constructor(
    private readonly write: (record: TransitionRecord) => Promise<unknown>,
    public seq = 0,
    anchorHash: string | null = null,
  ) {
    this.anchor = { seq, hash: anchorHash };
    setHandler(auditAnchorQuery, () => this.anchor);
  }

  /** The last sequence written to PostgreSQL. */
  get written(): number {
    return this.anchor.seq;
  }

  /** The last written entry's hash (carried across continue-as-new with `seq`). */
  get anchorHash(): string | null {
    return this.anchor.hash;
  }

  /** Write the next transition; `notices` go with it (sent by the same activity after it is written). */
  record(snapshot: CaseSnapshot, audit: AuditNote, notices?: NoticeRequest[]): Promise<void> {
    this.seq += 1;
    const record: TransitionRecord = { seq: this.seq, snapshot, audit, ...(notices ? { notices } : {}) };
    const done = this.chain
      .then(() => this.write({ ...record, prev: this.anchor }))
      .then((written) => {
        if (record.seq > this.anchor.seq) this.anchor = { seq: record.seq, hash: hashOf(written) };
      });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Forget the numbers handed out after the last transition written (their writes were refused). */
  rewind(): void {
    this.seq = this.anchor.seq;
  }
}
