import { randomUUID } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system';
import { Client, Connection } from '@temporalio/client';
import { Registry } from 'prom-client';
import { auditLog, cases, idempotencyKeys } from '../../db/schema';
import { createApp } from '../../api/app';
import { startCase } from '../../api/case-start';
import { actOnCase } from '../../api/temporal';
import { taskActionUpdate, taskCase, type StartTaskInput } from '../../workflows/task/definitions';

const t = useTestSystem('smoke');

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
const newTask = {
  title: '整改：背街小巷占道经营回潮',
  description: '两周内清理完毕并建立长效机制',
  unitId: 'lk.t01.v01',
  budget: { unit: 'workday', amount: 5 },
};

async function counts() {
  const [c] = await t.tdb.db.select({ n: count() }).from(cases);
  const [a] = await t.tdb.db.select({ n: count() }).from(auditLog);
  return { cases: c!.n, audit: a!.n };
}

async function openTask(): Promise<string> {
  const res = await api()
    .post('/api/v1/tasks')
    .set(await auth('t01.supervisor'))
    .send(newTask);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseId as string;
}

describe('end to end: API → Temporal → activity → PostgreSQL → API', () => {
  it('opens, urges and completes a task, with projection, live state and a verified audit chain', async () => {
    const id = await openTask();
    expect(id).toMatch(/^RW-\d{4}-\d{6}$/);

    // Read-your-write: the projection is there as soon as the create call answers.
    const detail = await api()
      .get(`/api/v1/cases/${id}`)
      .set(await auth('t01.supervisor'));
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id,
      process: 'task',
      status: 'open',
      unitId: 'lk.t01.v01',
      ownerUnitId: 'lk.t01',
      colour: 'green',
      overdue: false,
    });
    expect(detail.body.live).toMatchObject({ caseId: id, status: 'open' });
    expect(detail.body.clocks[0]).toMatchObject({
      key: 'task',
      state: 'running',
      budget: { unit: 'workday', amount: 5 },
    });
    expect(detail.body.deadline).toBe(detail.body.clocks[0].deadline);

    // The village handler sees it in their inbox with exactly the action they may take.
    const inbox = await api()
      .get('/api/v1/inbox')
      .set(await auth('t01.v01.handler'));
    expect(inbox.status, JSON.stringify(inbox.body)).toBe(200);
    expect(inbox.body.items).toEqual([expect.objectContaining({ id, actions: ['complete'] })]);

    const urged = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'urge', message: '请加快进度' });
    expect(urged.status).toBe(200);
    expect(urged.body.urgeCount).toBe(1);

    const done = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.v01.handler'))
      .send({ type: 'complete', result: '已清理，建立巡查台账' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');

    const after = await api()
      .get(`/api/v1/cases/${id}`)
      .set(await auth('t01.supervisor'));
    expect(after.body).toMatchObject({ status: 'done', data: { result: '已清理，建立巡查台账', urgeCount: 1 } });
    expect(after.body.closedAt).not.toBeNull();
    expect(after.body.assignments).toEqual([]);

    const audit = await api()
      .get(`/api/v1/cases/${id}/audit`)
      .set(await auth('t01.supervisor'));
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(['task.create', 'task.urge', 'task.complete']);
    expect(audit.body[2]).toMatchObject({
      actorId: 'u.lk.t01.v01.handler',
      actorUnitId: 'lk.t01.v01',
      reason: '已清理，建立巡查台账',
    });
    const verdict = await api()
      .get(`/api/v1/cases/${id}/audit/verify`)
      .set(await auth('t01.supervisor'));
    expect(verdict.body).toMatchObject({ ok: true, entries: 3 });

    const list = await api()
      .get('/api/v1/cases?process=task&open=false')
      .set(await auth('lk.supervisor'));
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);
  });

  it('detects a tampered audit row', async () => {
    const id = await openTask();
    await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'urge', message: '第一次督办' });
    // Someone with superuser rights goes around the append-only trigger and rewrites the reason.
    await t.tdb.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await t.tdb.db
      .update(auditLog)
      .set({ reason: '无需督办' })
      .where(sql`${auditLog.streamId} = ${id} and ${auditLog.seq} = 2`);
    await t.tdb.db.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    const verdict = await api()
      .get(`/api/v1/cases/${id}/audit/verify`)
      .set(await auth('t01.supervisor'));
    expect(verdict.body).toMatchObject({ ok: false, brokenAtSeq: 2, problem: 'hash-mismatch' });
  });
});

describe('overdue work', () => {
  it('turns red when its time is up and sends a 督办 notice to the unit, visible only in scope', async () => {
    const res = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .send({ ...newTask, budget: { unit: 'minute', amount: 0.05 } });
    expect(res.status).toBe(201);
    const id = res.body.caseId as string;
    let body: { colour: string; overdue: boolean } = { colour: 'green', overdue: false };
    // Real time on the dev server: the clock fires after 3 s; allow a loaded machine up to 30 s.
    for (const until = Date.now() + 30_000; Date.now() < until && body.colour !== 'red';) {
      await new Promise((r) => setTimeout(r, 250));
      body = (
        await api()
          .get(`/api/v1/cases/${id}`)
          .set(await auth('t01.supervisor'))
      ).body;
    }
    expect(body).toMatchObject({ colour: 'red', overdue: true });
    const mine = await api()
      .get(`/api/v1/notices?caseId=${id}`)
      .set(await auth('t01.v01.handler'));
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        caseId: id,
        kind: 'overdue',
        unitId: 'lk.t01.v01',
        recipientUserId: 'u.lk.t01.v01.leader',
      }),
    ]);
    const supervisor = await api()
      .get(`/api/v1/notices?caseId=${id}`)
      .set(await auth('lk.supervisor'));
    expect(supervisor.body.total).toBe(1);
    const otherTownship = await api()
      .get(`/api/v1/notices?caseId=${id}`)
      .set(await auth('t02.supervisor'));
    expect(otherTownship.body.total).toBe(0);
    const red = await api()
      .get(`/api/v1/cases?colour=red&overdue=true`)
      .set(await auth('t01.supervisor'));
    expect(red.body.items.map((c: { id: string }) => c.id)).toContain(id);
  });
});

describe('authentication and authorisation', () => {
  it('401 without a token or with a forged one', async () => {
    const none = await api().get('/api/v1/cases');
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.body).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      i18n: { en: { detail: expect.any(String) } },
    });
    const forged = await api()
      .get('/api/v1/cases')
      .set({ authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.x' });
    expect(forged.status).toBe(401);
  });

  it("403 on another unit's work, 404 for a case outside the caller's scope; nothing changes", async () => {
    const id = await openTask();
    const before = await counts();
    const otherTownship = await api()
      .post('/api/v1/tasks')
      .set(await auth('t02.supervisor'))
      .send(newTask);
    expect(otherTownship.status).toBe(403);
    expect(otherTownship.body.code).toBe('unit-forbidden');

    const wrongRole = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.window'))
      .send({ type: 'urge', message: 'x' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.code).toBe('role-forbidden');

    const notTheirStep = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.v01.handler'))
      .send({ type: 'urge', message: 'x' });
    expect(notTheirStep.status).toBe(403);
    expect(notTheirStep.body.code).toBe('not-your-action');

    const hidden = await api()
      .get(`/api/v1/cases/${id}`)
      .set(await auth('t02.supervisor'));
    expect(hidden.status).toBe(404);
    const hiddenAction = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t02.v01.handler'))
      .send({ type: 'complete', result: 'x' });
    expect(hiddenAction.status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('409 for an action the state does not allow, and the case is exactly as it was', async () => {
    const id = await openTask();
    const [before] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
    const res = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'resume' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'wrong-state', detail: expect.stringContaining('办理中') });
    const [after] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
    expect(after).toEqual(before);
    const live = await api()
      .get(`/api/v1/cases/${id}`)
      .set(await auth('t01.supervisor'));
    expect(live.body.live.history).toHaveLength(1);
  });
});

describe('bad input: 400 with a useful message, nothing written', () => {
  it('malformed JSON', async () => {
    const before = await counts();
    const res = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .set('content-type', 'application/json')
      .send('{"title": "x",');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'malformed-json', detail: expect.stringContaining('JSON') });
    expect(await counts()).toEqual(before);
  });

  it('unknown fields and wrong types name the field, in Chinese by default and in English on request', async () => {
    const before = await counts();
    const unknown = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .send({ ...newTask, priority: 'high' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('validation-failed');
    expect(unknown.body.issues.map((i: { path: string }) => i.path)).toContain('body');
    expect(unknown.body.detail).toContain('priority');

    const wrongType = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .set('accept-language', 'en-US')
      .send({ ...newTask, budget: { unit: 'fortnight', amount: '5' } });
    expect(wrongType.status).toBe(400);
    const paths = wrongType.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.budget.unit', 'body.budget.amount']));
    expect(wrongType.body.detail).toMatch(/Invalid request body/);
    expect(wrongType.body.i18n['zh-CN'].detail).toMatch(/请求体校验未通过/);

    // PostgreSQL cannot store U+0000: refused at the boundary, wherever it hides.
    const nul = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .send({ ...newTask, title: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({
      code: 'nul-character',
      issues: [expect.objectContaining({ path: 'body.title' })],
    });

    // A time limit of nothing is bad input, not a case that cannot start.
    const zero = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .send({ ...newTask, budget: { unit: 'workday', amount: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.body.issues).toEqual([
      expect.objectContaining({ path: 'body.budget.amount', message: expect.stringContaining('大于 0') }),
    ]);
    const endless = await api()
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .send({ ...newTask, budget: { unit: 'day', amount: 1e300 } });
    expect(endless.status).toBe(400);
    expect(endless.body.issues).toEqual([expect.objectContaining({ path: 'body.budget.amount' })]);
    expect(await counts()).toEqual(before);
  });

  it('a case number that does not exist is a 404, an unknown route is a problem+json 404', async () => {
    const res = await api()
      .get('/api/v1/cases/RW-1999-000001')
      .set(await auth('t01.supervisor'));
    expect(res.status).toBe(404);
    const nowhere = await api().get('/api/v1/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('system endpoints', () => {
  it('healthz, readyz (PostgreSQL and Temporal), metrics, OpenAPI and docs', async () => {
    expect((await api().get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual([
      { name: 'postgres', ok: true },
      { name: 'temporal', ok: true },
    ]);
    const doc = await api().get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/tasks', '/api/v1/tasks/{id}/actions', '/api/v1/cases/{id}', '/api/v1/inbox']),
    );
    expect((await api().get('/docs')).text).toContain('swagger-ui');
    expect((await api().get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    const metrics = await api().get('/metrics');
    expect(metrics.text).toContain('http_request_duration_seconds');
  });
});

describe('Idempotency-Key on POST', () => {
  const post = async (path: string, body: unknown, key?: string, username = 't01.supervisor') => {
    const r = api()
      .post(`/api/v1${path}`)
      .set(await auth(username));
    return (key ? r.set('idempotency-key', key) : r).send(body as object);
  };

  it('a retried case start opens one case and answers the first answer again', async () => {
    const key = randomUUID();
    const before = await counts();
    const first = await post('/tasks', newTask, key);
    expect(first.status).toBe(201);
    const again = await post('/tasks', newTask, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await counts()).cases).toBe(before.cases + 1);

    // Without a key, the same body is a new request.
    expect((await post('/tasks', newTask)).body.caseId).not.toBe(first.body.caseId);
    // Keys belong to their user: another supervisor's identical key is a different request.
    const other = await post('/tasks', { ...newTask, unitId: 'lk.t02.v01' }, key, 't02.supervisor');
    expect(other.status).toBe(201);
    expect(other.body.caseId).not.toBe(first.body.caseId);
  });

  it('a retried action is applied once; reusing a key for another request is refused', async () => {
    const id = await openTask();
    const key = randomUUID();
    const urge = { type: 'urge', message: '请加快办理' };
    const first = await post(`/tasks/${id}/actions`, urge, key);
    expect(first.status).toBe(200);
    const audit = (await counts()).audit;
    const again = await post(`/tasks/${id}/actions`, urge, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await counts()).audit).toBe(audit);

    const reused = await post(`/tasks/${id}/actions`, { ...urge, message: '另一条' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency-key-reused' });
    expect((await counts()).audit).toBe(audit);
  });

  it('a key whose answer has expired (24 h) is claimed afresh in one statement: the request runs again, not replayed', async () => {
    const id = await openTask();
    const key = randomUUID();
    const urge = { type: 'urge', message: '请加快办理' };
    const first = await post(`/tasks/${id}/actions`, urge, key);
    expect(first.status).toBe(200);
    await t.tdb.db
      .update(idempotencyKeys)
      .set({ createdAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(eq(idempotencyKeys.key, key));
    const audit = (await counts()).audit;
    const again = await post(`/tasks/${id}/actions`, urge, key);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    // Run again, with the same Update id: the engine still carries the action out once.
    expect((await counts()).audit).toBe(audit);
    const [kept] = await t.tdb.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(kept!.status).toBe(200);
    expect(Date.now() - kept!.createdAt.getTime()).toBeLessThan(3_600_000);
  });

  it('a start whose engine did not answer keeps its case number: the retry with the same key opens that case, once', async () => {
    // The same API and database, but the workflow engine unreachable: the start allocates a number, then answers 503.
    const away = createApp({
      ...t.deps,
      metrics: new Registry(),
      temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    });
    const key = randomUUID();
    const before = await counts();
    const first = await request(away)
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .set('idempotency-key', key)
      .send(newTask);
    expect(first.status, JSON.stringify(first.body)).toBe(503);
    const [kept] = await t.tdb.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(kept).toMatchObject({ status: null, caseId: expect.stringMatching(/^RW-\d{4}-\d{6}$/) });
    expect(kept!.releasedAt).not.toBeNull();

    // An attempt that died without letting go (its process, or the database, went away) blocks retries for a while…
    await t.tdb.db.update(idempotencyKeys).set({ releasedAt: null }).where(eq(idempotencyKeys.key, key));
    expect((await post('/tasks', newTask, key)).body).toMatchObject({ status: 409, code: 'request-in-progress' });
    // …then the next retry takes over, still with that attempt's case number.
    await t.tdb.db
      .update(idempotencyKeys)
      .set({ createdAt: new Date(Date.now() - 120_000) })
      .where(eq(idempotencyKeys.key, key));
    const again = await post('/tasks', newTask, key);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.caseId).toBe(kept!.caseId);
    expect((await counts()).cases).toBe(before.cases + 1);
    // Answered now: a third attempt replays that answer.
    const third = await post('/tasks', newTask, key);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(third.body.caseId).toBe(kept!.caseId);
  });

  it('starting a running case again joins it and gets its opening answer; nothing is recorded twice', async () => {
    const id = await openTask();
    const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
    const audit = (await counts()).audit;
    // The start input is not needed to join: a running workflow with this id is used as it is.
    const view = await startCase(t.deps, taskCase, id, { ignored: true } as unknown as StartTaskInput);
    expect(view).toMatchObject({ caseId: id, status: row!.status });
    expect((await counts()).audit).toBe(audit);
  });

  it('an action sent again with the same Update id (a retry after no answer) is carried out once, with the same answer', async () => {
    const id = await openTask();
    const audit = (await counts()).audit;
    const retry = `idem-${randomUUID()}`;
    const urge = {
      actor: { userId: 'u.lk.t01.supervisor', role: 'supervisor', unitId: 'lk.t01', unitPath: 'lk/t01' },
      action: { type: 'urge' as const, message: '请加快办理' },
    };
    const first = await actOnCase(t.deps.temporal, id, taskActionUpdate, urge, retry);
    const again = await actOnCase(t.deps.temporal, id, taskActionUpdate, urge, retry);
    expect(first.urgeCount).toBe(1);
    expect(again).toEqual(first);
    expect((await counts()).audit).toBe(audit + 1);
    // A different id is a new action.
    expect((await actOnCase(t.deps.temporal, id, taskActionUpdate, urge)).urgeCount).toBe(2);
  });

  it('concurrent duplicates open one case; a refused request keeps no answer; a malformed key is a 400', async () => {
    const key = randomUUID();
    const before = await counts();
    const answers = await Promise.all([
      post('/tasks', newTask, key),
      post('/tasks', newTask, key),
      post('/tasks', newTask, key),
    ]);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status !== 201))
      expect(a.body).toMatchObject({ status: 409, code: 'request-in-progress' });
    expect(new Set(answers.filter((a) => a.status === 201).map((a) => a.body.caseId)).size).toBe(1);
    expect((await counts()).cases).toBe(before.cases + 1);

    // Refused (another township's village): nothing kept, so the same request is refused again, not replayed.
    const refusedKey = randomUUID();
    const outside = { ...newTask, unitId: 'lk.t02.v01' };
    expect((await post('/tasks', outside, refusedKey)).status).toBe(403);
    const retried = await post('/tasks', outside, refusedKey);
    expect(retried.status).toBe(403);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();

    const bad = await post('/tasks', newTask, 'has spaces in it');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad-idempotency-key');
  });
});

describe('notices on the answer path', () => {
  it('an urge stores its 督办 through a local activity: no activity task, no second workflow task', async () => {
    const id = await openTask();
    const urged = await api()
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'urge', message: '请加快办理' });
    expect(urged.status, JSON.stringify(urged.body)).toBe(200);
    const [stored] = (
      await t.tdb.db.execute<{ n: number }>(
        sql`select count(*)::int as n from notices where case_id = ${id} and kind = 'urge'`,
      )
    ).rows;
    expect(stored!.n).toBeGreaterThan(0);
    const history = await t.deps.temporal.workflow.getHandle(id).fetchHistory();
    const scheduled = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotices',
    );
    const markers = (history.events ?? []).filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(scheduled).toHaveLength(0);
    expect(markers.length).toBeGreaterThan(0);
  });
});

describe('what a new case carries', () => {
  it('the calendar from the year before its opening on, not every year on record', async () => {
    const { rows } = await t.tdb.db.execute<{ year: number }>(
      sql`select distinct year from calendar_years where region = 'CN' order by year`,
    );
    const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    // The seeded national data reaches back further than a case needs: what the trim removes.
    expect(rows[0]!.year).toBeLessThan(thisYear - 1);

    const id = await openTask();
    const history = await t.deps.temporal.workflow.getHandle(id).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started!.input!.payloads![0]!.data!).toString('utf8')) as StartTaskInput;
    const years = Object.keys(input.calendar.data.years).map(Number);
    expect(Math.min(...years)).toBe(thisYear - 1);
    expect(years).toContain(thisYear);
    for (const entries of Object.values(input.calendar.data.overlays ?? {}))
      for (const day of [...entries.holidays, ...entries.workdays])
        expect(Number(day.date.slice(0, 4))).toBeGreaterThanOrEqual(thisYear - 1);
  });
});
