import type { AuditNote, CaseSnapshot, TransitionRecord } from './case-snapshot';

/**
 * Numbers a case's transitions and writes them to PostgreSQL one at a time, in order, through the
 * projection activity. The sequence is the idempotency key, so it travels across continue-as-new.
 */
export class CaseRecorder {
  private chain: Promise<unknown> = Promise.resolve();
  /** The last sequence written to PostgreSQL. */
  written: number;

  constructor(
    private readonly write: (record: TransitionRecord) => Promise<unknown>,
    public seq = 0,
  ) {
    this.written = seq;
  }

  record(snapshot: CaseSnapshot, audit: AuditNote): Promise<void> {
    this.seq += 1;
    const record: TransitionRecord = { seq: this.seq, snapshot, audit };
    const done = this.chain.then(() => this.write(record)).then(() => void (this.written = Math.max(this.written, record.seq)));
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Forget the numbers handed out after the last transition written (their writes were refused). */
  rewind(): void {
    this.seq = this.written;
  }
}
