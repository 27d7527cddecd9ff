import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  ServiceError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseErrorDetail } from '../workflows/shared/errors';
import { Problem, type ProblemKind } from './problem';
import { timeStage } from '../runtime/stage-timing';

const KIND_BY_TYPE: Record<string, ProblemKind> = {
  Forbidden: 'forbidden',
  InvalidState: 'conflict',
  RuleRefused: 'ruleRefused',
};

function findApplicationFailure(err: unknown): ApplicationFailure | null {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i += 1) {
    if (e instanceof ApplicationFailure) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Turn what Temporal threw into a Problem the caller can act on: a refused Update keeps the
 * workflow's own bilingual message and its status; Temporal being away is a 503, never a 500.
 */
export function temporalProblem(err: unknown, caseId: string): Problem | null {
  if (err instanceof WorkflowNotFoundError) {
    // An action on a case whose workflow has ended (e.g. an incident closed without a callback).
    if (/already completed/i.test(err.message)) {
      return new Problem(
        'conflict',
        { zh: `案件已结束，不能再办理：${caseId}`, en: `Case ${caseId} has ended; no further action is possible` },
        { code: 'case-closed' },
      );
    }
    return new Problem(
      'notFound',
      { zh: `案件不存在：${caseId}`, en: `No case ${caseId}` },
      { code: 'case-not-found' },
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new Problem(
      'conflict',
      { zh: `案件已存在：${caseId}`, en: `Case ${caseId} already exists` },
      { code: 'case-exists' },
    );
  }
  const failure = findApplicationFailure(err);
  if (failure && (err instanceof WorkflowUpdateFailedError || failure.type)) {
    const detail = failure.details?.[0] as CaseErrorDetail | undefined;
    const kind = KIND_BY_TYPE[failure.type ?? ''] ?? 'conflict';
    return new Problem(
      kind,
      { zh: detail?.zh ?? failure.message, en: detail?.en ?? failure.message },
      { code: detail?.code ?? failure.type ?? 'refused' },
    );
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return new Problem(
      'conflict',
      { zh: `操作未被接受：${err.message}`, en: `Action refused: ${err.message}` },
      { code: 'update-failed' },
    );
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    // The engine did not answer in time (overloaded, or the worker is restarting): the action may
    // still be carried out. Retrying with the same Idempotency-Key is safe.
    return new Problem(
      'unavailable',
      {
        zh: '流程引擎繁忙，未能及时确认；请稍后用相同的 Idempotency-Key 重试',
        en: 'The workflow engine did not confirm in time; retry shortly with the same Idempotency-Key',
      },
      { code: 'temporal-timeout' },
    );
  }
  if (err instanceof Error && /Workflow Task in failed state/i.test(err.message)) {
    // The case's workflow task is being retried (e.g. its worker was killed mid-task): transient.
    return new Problem(
      'unavailable',
      {
        zh: '流程引擎正在恢复该案件，请稍后用相同的 Idempotency-Key 重试',
        en: 'The workflow engine is recovering this case; retry shortly with the same Idempotency-Key',
      },
      { code: 'temporal-recovering' },
    );
  }
  if (err instanceof ServiceError) {
    return new Problem(
      'unavailable',
      { zh: '流程引擎暂不可用，请稍后重试', en: 'The workflow engine is unavailable; retry shortly' },
      { code: 'temporal-unavailable' },
    );
  }
  return null;
}

/** Run a Temporal call for a case, mapping its failures to Problems. */
export async function withTemporal<T>(caseId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw temporalProblem(err, caseId) ?? err;
  }
}

export type { Client };

/**
 * How long a request waits for the engine to carry out a start or an action. Past it the answer is
 * a 503 to retry with the same Idempotency-Key (the engine may still carry it out; the retry then
 * gets that outcome rather than doing it again), never a request hanging until the client gives up.
 */
export const ENGINE_ANSWER_TIMEOUT_MS = 30_000;

/** Run `call` (a start or an update) with the engine's answer deadline. */
export function withEngineDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + ENGINE_ANSWER_TIMEOUT_MS, call);
}

/**
 * Send an action (an Update) to a case's workflow and return its answer. With an `updateId` (from
 * the request's Idempotency-Key, `IdempotentRun.updateId`) a retry after no answer is the same
 * Update to the engine: carried out once, its outcome returned again.
 */
export function actOnCase<Ret, Arg>(
  client: Client,
  caseId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<Ret> {
  const handle = client.workflow.getHandle(caseId);
  return timeStage('api.update', () =>
    withTemporal(caseId, () =>
      withEngineDeadline(client, () =>
        handle.executeUpdate(update, { args: [arg], ...(updateId ? { updateId } : {}) }),
      ),
    ),
  );
}
