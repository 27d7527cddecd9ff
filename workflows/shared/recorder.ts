import type { AuditNote, CaseSnapshot, TransitionRecord } from './case-snapshot';

/**
 * Numbers a case's transitions and writes them to PostgreSQL one at a time, in order, through the
 * projection activity. The sequence is the idempotency key, so it travels across continue-as-new.
 */
export class CaseRecorder {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly write: (record: TransitionRecord) => Promise<unknown>,
    public seq = 0,
  ) {}

  record(snapshot: CaseSnapshot, audit: AuditNote): Promise<void> {
    this.seq += 1;
    const record: TransitionRecord = { seq: this.seq, snapshot, audit };
    const done = this.chain.then(() => this.write(record));
    this.chain = done.catch(() => undefined);
    return done.then(() => undefined);
  }
}
