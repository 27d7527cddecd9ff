// Fault test: a calendar change reaches a live case (the fan-out's calendar-changed signal) at the
// same moment as the user's action that closes it, many times over. The action is carried out or
// refused with a 4xx problem+json — never a 503 because a signal arrived — and the case closes.
//
// Why this raced: the closing action is accepted, written (local activity) and answered in the
// same workflow task that completes the workflow. A signal that reaches the server meanwhile makes
// it refuse that completion (UnhandledCommand), and the server aborts an Update first seen in a
// failed workflow task with "unexpected workflow task failure" (WorkflowNotReady), which the API
// could only answer as 503.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { calendarChangedSignal } from '../../workflows/shared/definitions';
import { pollUntil } from '../support/calendar-oracle';
import { useTestSystem } from '../support/system';

const ROUNDS = 30;
/** The fan-out may tell a case more than once (a walk restarts, a page is retried): a short burst of signals. */
const SIGNALS = 6;
const SIGNAL_SPACING_MS = 8;

const t = useTestSystem('calendar-signal-race', { nextYearCalendar: true });

type Body = Record<string, unknown>;

async function post(username: string, path: string, body: Body): Promise<request.Response> {
  return request(t.app)
    .post(`/api/v1${path}`)
    .set('Authorization', `Bearer ${await t.tokenFor(username)}`)
    .send(body);
}

const describeResponse = (res: request.Response) => `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;

async function openTask(n: number): Promise<string> {
  const created = await post('t01.supervisor', '/tasks', {
    title: `整改：日历信号并发测试 ${n}`,
    description: '日历变更信号与办结同时到达',
    unitId: 'lk.t01.v01',
    budget: { unit: 'workday', amount: 5 },
  });
  expect(created.status, describeResponse(created)).toBe(201);
  return created.body.caseId as string;
}

/** The same signal the calendar fan-out (activities/calendar-recompute.ts) sends each live case, a few times in a row. */
async function calendarSignals(id: string): Promise<void> {
  const handle = t.deps.temporal.workflow.getHandle(id);
  for (let i = 0; i < SIGNALS; i += 1) {
    // A case that has already closed no longer takes signals: the fan-out counts it as closed.
    const sent = await handle.signal(calendarChangedSignal).then(
      () => true,
      () => false,
    );
    if (!sent) return;
    await new Promise((r) => setTimeout(r, SIGNAL_SPACING_MS));
  }
}

/** The case's failed workflow tasks and their causes, to say what went wrong. */
async function failedWorkflowTasks(id: string): Promise<string> {
  const history = await t.deps.temporal.workflow.getHandle(id).fetchHistory();
  const failed = (history.events ?? []).flatMap((e) =>
    e.workflowTaskFailedEventAttributes ? [e.workflowTaskFailedEventAttributes] : [],
  );
  return `failed workflow tasks: ${JSON.stringify(failed.map((f) => ({ cause: f.cause, message: f.failure?.message })))}`;
}

describe('a calendar signal and the closing action arrive at once', () => {
  it(
    `${ROUNDS} rounds: the action succeeds or is refused with a 4xx, never a 503, and the case closes`,
    { timeout: 300_000 },
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < ROUNDS; i += 5) ids.push(...(await Promise.all([1, 2, 3, 4, 5].map((k) => openTask(i + k)))));
      await Promise.all(['t01.supervisor', 't01.v01.handler'].map((u) => t.tokenFor(u)));

      const failures: string[] = [];
      for (const [round, id] of ids.entries()) {
        const [res] = await Promise.all([
          post('t01.v01.handler', `/tasks/${id}/actions`, { type: 'complete', result: `第 ${round + 1} 轮：已整改` }),
          calendarSignals(id),
        ]);
        const problem4xx =
          res.status >= 400 &&
          res.status < 500 &&
          /^application\/problem\+json/.test(res.headers['content-type'] ?? '');
        if (res.status !== 200 && !problem4xx)
          failures.push(`round ${round + 1} (${id}): ${describeResponse(res)}; ${await failedWorkflowTasks(id)}`);
      }
      expect(failures, failures.join('\n')).toEqual([]);

      // Every case closed: an answered action was carried out, and no workflow is stuck.
      for (const id of ids) {
        const read = async () =>
          (
            await request(t.app)
              .get(`/api/v1/cases/${id}`)
              .set('Authorization', `Bearer ${await t.tokenFor('t01.supervisor')}`)
          ).body as { closedAt: string | null };
        expect((await pollUntil(read, (d) => d.closedAt !== null)).closedAt, id).not.toBeNull();
      }
    },
  );
});
