import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { asc, count, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadPrincipal } from '../../api/auth';
import { calendarFor, newCaseId, startCase } from '../../api/case-start';
import { actorOf } from '../../api/routes/tasks';
import { findUnit } from '../../db/units';
import { auditLog, cases } from '../../db/schema';
import { taskActionUpdate, taskCase, type StartTaskInput } from '../../workflows/task/definitions';
import { caseStateQuery } from '../../workflows/shared/definitions';
import { Problem } from '../../api/problem';
import { useTestSystem } from '../support/system';

// The second line of defence: a transition the projection can never store (here a lone UTF-16
// surrogate, which the audit hash and PostgreSQL refuse) sent by a client that bypasses the API's
// check — straight to Temporal. The action must be refused at once, leaving the case as it was,
// live, and its audit chain whole; a start must not leave a case running without its row.
const t = useTestSystem('unstorable-actions');

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
const POISON = '\ud83d 督办';

async function openTask(): Promise<string> {
  const res = await api()
    .post('/api/v1/tasks')
    .set(await auth('t01.supervisor'))
    .send({
      title: '整改：占道经营回潮',
      description: '清理并建立台账',
      unitId: 'lk.t01.v01',
      budget: { unit: 'workday', amount: 5 },
    });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseId as string;
}

async function supervisor() {
  const principal = await loadPrincipal(t.tdb.db, 't01.supervisor', 'username');
  return actorOf(principal!);
}

async function readModel(id: string) {
  const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
  const audit = await t.tdb.db
    .select({ seq: auditLog.seq, action: auditLog.action })
    .from(auditLog)
    .where(eq(auditLog.streamId, id))
    .orderBy(asc(auditLog.seq));
  return { row, audit };
}

function failureOf(err: unknown): ApplicationFailure {
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('an action whose transition cannot be stored', () => {
  it('is refused at once, and the case stays as it was, live and verifiable', async () => {
    const id = await openTask();
    const before = await readModel(id);
    const handle = t.deps.temporal.workflow.getHandle(id);
    const stateBefore = await handle.query(caseStateQuery);

    const started = Date.now();
    const err = await handle
      .executeUpdate(taskActionUpdate, {
        args: [{ actor: await supervisor(), action: { type: 'urge', message: POISON } }],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    // Refused as a rule (422 through the API), not retried until the 30 s engine deadline.
    expect(Date.now() - started).toBeLessThan(20_000);
    const failure = failureOf(err);
    expect(failure.type).toBe('RuleRefused');
    expect(failure.details?.[0]).toMatchObject({ code: 'action-not-recordable' });
    expect((failure.details?.[0] as { en: string }).en).toMatch(/lone-surrogate/);

    // Nothing moved: not the workflow's state, not the read model, not the audit log.
    expect(await handle.query(caseStateQuery)).toEqual(stateBefore);
    expect(await readModel(id)).toEqual(before);

    // The case goes on: the next action is applied with the next sequence number, and verifies.
    const urged = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'urge', message: '请尽快整改' });
    expect(urged.status, JSON.stringify(urged.body)).toBe(200);
    expect(urged.body.urgeCount).toBe(1);
    const after = await readModel(id);
    expect(after.audit.map((a) => a.seq)).toEqual([...before.audit.map((a) => a.seq), before.audit.length + 1]);
    expect(after.audit.at(-1)!.action).toBe('task.urge');
    expect(after.row!.projectedSeq).toBe(before.audit.length + 1);
    const verdict = await api()
      .get(`/api/v1/cases/${id}/audit/verify`)
      .set(await auth('t01.supervisor'));
    expect(verdict.body).toMatchObject({ ok: true, entries: before.audit.length + 1 });
  });

  it('a case started with such a title is refused and does not run without its read-model row', async () => {
    const principal = (await loadPrincipal(t.tdb.db, 't01.supervisor', 'username'))!;
    const unit = (await findUnit(t.tdb.db, 'lk.t01.v01'))!;
    const caseId = await newCaseId({ deps: t.deps, idempotency: null }, 'task', Date.now());
    const input: StartTaskInput = {
      caseId,
      title: POISON,
      description: '清理',
      unitId: unit.id,
      budget: { unit: 'workday', amount: 5 },
      ownerUnitId: principal.unitId,
      createdBy: actorOf(principal),
      calendar: await calendarFor(t.deps, unit),
    };
    const started = Date.now();
    const err = await startCase(t.deps, taskCase, caseId, input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(err).toBeInstanceOf(Problem);
    expect(err).toMatchObject({ kind: 'ruleRefused', extra: { code: 'action-not-recordable' } });
    const [rows] = await t.tdb.db.select({ n: count() }).from(cases).where(eq(cases.id, caseId));
    expect(rows!.n).toBe(0);
    // The workflow ended (failed) rather than running on without a row.
    const description = await t.deps.temporal.workflow.getHandle(caseId).describe();
    expect(description.status.name).toBe('FAILED');
  });
});
