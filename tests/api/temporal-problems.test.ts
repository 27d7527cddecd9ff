import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { temporalProblem } from '../../api/temporal';

/* What the API answers when Temporal throws: never a bare 500 for something the caller can act on. */
describe('temporalProblem', () => {
  it('an update the engine did not confirm in time is a 503 to retry with the same Idempotency-Key', () => {
    const p = temporalProblem(new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out or cancelled waiting for Workflow Update'), 'RW-2026-000001');
    expect(p).toMatchObject({ status: 503, extra: { code: 'temporal-timeout' } });
    expect(p!.detail.zh).toContain('Idempotency-Key');
  });

  it('unknown and existing cases', () => {
    expect(temporalProblem(new WorkflowNotFoundError('gone', 'RW-1', undefined), 'RW-1')).toMatchObject({ status: 404, extra: { code: 'case-not-found' } });
    expect(temporalProblem(new WorkflowExecutionAlreadyStartedError('exists', 'RW-1', 'taskWorkflow'), 'RW-1')).toMatchObject({ status: 409, extra: { code: 'case-exists' } });
    expect(temporalProblem(new Error('something else'), 'RW-1')).toBeNull();
  });
});
