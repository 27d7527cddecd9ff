import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUnavailable } from '../../api/problem';
import { temporalProblem } from '../../api/temporal';

/* What the API answers when a dependency fails: never a bare 500 for something the caller can retry. */
describe('temporalProblem', () => {
  it('an update the engine did not confirm in time is a 503 to retry with the same Idempotency-Key', () => {
    const p = temporalProblem(
      new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out or cancelled waiting for Workflow Update'),
      'RW-2026-000001',
    );
    expect(p).toMatchObject({ status: 503, extra: { code: 'temporal-timeout' } });
    expect(p!.detail.zh).toContain('Idempotency-Key');
  });

  it('an update refused because the case’s workflow task is failing (its worker died mid-task) is a 503 to retry, not a 500', () => {
    // As the server answers update-with-start then (seen in fault worker-kill at 500 cases in flight).
    const err = Object.assign(
      new Error('Unable to perform workflow execution update due to Workflow Task in failed state.'),
      { code: 9 },
    );
    expect(temporalProblem(err, 'SJ-2026-000001')).toMatchObject({
      status: 503,
      extra: { code: 'temporal-recovering' },
    });
  });

  it('unknown and existing cases', () => {
    expect(temporalProblem(new WorkflowNotFoundError('gone', 'RW-1', undefined), 'RW-1')).toMatchObject({
      status: 404,
      extra: { code: 'case-not-found' },
    });
    // What the server says when an Update reaches a workflow that has ended.
    expect(
      temporalProblem(new WorkflowNotFoundError('workflow execution already completed', 'RW-1', undefined), 'RW-1'),
    ).toMatchObject({ status: 409, extra: { code: 'case-closed' } });
    expect(
      temporalProblem(new WorkflowExecutionAlreadyStartedError('exists', 'RW-1', 'taskWorkflow'), 'RW-1'),
    ).toMatchObject({ status: 409, extra: { code: 'case-exists' } });
    expect(temporalProblem(new Error('something else'), 'RW-1')).toBeNull();
  });
});

describe('databaseUnavailable', () => {
  it('recognises a real refused PostgreSQL connection, not an ordinary error', async () => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: 1,
      user: 'x',
      database: 'x',
      connectionTimeoutMillis: 2000,
    });
    const err = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(databaseUnavailable(err)).toBe(true);
    expect(databaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(
      databaseUnavailable(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })),
    ).toBe(true);
  });
});
