import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { asc, inArray } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { upsertDay } from '../../db/calendar';
import { queueCalendarRecompute } from '../../db/calendar-recomputes';
import { calendarYears, cases as casesTable, NATIONAL_REGION } from '../../db/schema';
import { DEMO_COUNTY_REGION_CODE } from '../../db/seed/demo-county';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import {
  CALENDAR_RECOMPUTE_WORKFLOW_ID,
  calendarRecomputeProgressQuery,
} from '../../workflows/calendar-recompute/definitions';
import type { calendarRecomputeWorkflow } from '../../workflows/calendar-recompute/workflow';
import { createTestApp, type TestApp } from '../support/app';
import {
  listedDays as listedDaysOf,
  localDate,
  nextWorkingDay,
  pollUntil,
  workdayDeadline,
  type Listed,
} from '../support/calendar-oracle';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createDevEnvironment } from '../support/temporal';

// The calendar fan-out (workflows/calendar-recompute) through the real path: the calendar API,
// a real Temporal dev server and worker, the live cases' workflows and their projection.

const REGION = DEMO_COUNTY_REGION_CODE;
const TASK_QUEUE = `calendar-recompute-${randomUUID()}`;
const CASES = 4;
const BUDGET_DAYS = 5;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let t: TestApp;
const years = [Number(localDate(Date.now()).slice(0, 4)), Number(localDate(Date.now()).slice(0, 4)) + 1];

beforeAll(async () => {
  [env, bundle] = await Promise.all([createDevEnvironment(), bundleWorkflows()]);
  t = await createTestApp({ temporal: env.client, env: { TEMPORAL_TASK_QUEUE: TASK_QUEUE } });
  // Tests run on any date: this year and the next must have data for 5-working-day limits.
  await t.tdb.db
    .insert(calendarYears)
    .values(
      years.map((year) => ({ region: NATIONAL_REGION, year, status: 'complete' as const, source: 'admin' as const })),
    )
    .onConflictDoNothing();
});
afterAll(async () => {
  await t?.close();
  await env?.teardown();
});

type Method = 'get' | 'post' | 'put' | 'delete';
async function call(as: string, method: Method, path: string, body?: object): Promise<request.Response> {
  const req = request(t.app)
    [method](`/api/v1${path}`)
    .set('Authorization', `Bearer ${await t.tokenFor(as)}`);
  return body ? req.send(body) : req;
}
const admin = (method: Method, path: string, body?: object) => call('admin', method, path, body);
const listedDays = () => listedDaysOf((path) => call('t01.window', 'get', path), years, REGION);

/** A worker on the file's task queue whose activities signal through `temporal` (default: straight to the server). */
const newWorker = (temporal: Client = env.client) =>
  createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    activities: createActivities({ db: t.tdb.db, temporal }),
    workflowBundle: bundle,
  });

interface Progress {
  id: string;
  status: 'pending' | 'running' | 'done';
  total: number | null;
  done: number;
  closed: number;
  failures: number;
  lastError: string | null;
  walks: number;
  startedAt: string | null;
  finishedAt: string | null;
}

async function progress(id: string): Promise<Progress> {
  const res = await admin('get', `/calendar/recomputes/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const untilDone = (id: string) =>
  pollUntil(
    () => progress(id),
    (p) => p.status === 'done',
    90_000,
  );

/** Make `date` a national holiday through the API: 202 with the recompute's id. */
async function holiday(date: string): Promise<string> {
  const res = await admin('put', `/calendar/days/${date}`, {
    kind: 'holiday',
    name: '临时放假（测试）',
    reason: '日历变更重算测试',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.headers.location).toBe(`/api/v1/calendar/recomputes/${res.body.recompute.id}`);
  return res.body.recompute.id;
}

interface LiveCase {
  id: string;
  createdAt: number;
}
let cases: LiveCase[] = [];

/** Wait until no fan-out runs (the last one may still be completing its final workflow task). */
async function fanoutIdle(): Promise<void> {
  const running = async () =>
    env.client.workflow
      .getHandle(CALENDAR_RECOMPUTE_WORKFLOW_ID)
      .describe()
      .then((d) => d.status.name === 'RUNNING')
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      });
  expect(await pollUntil(running, (r) => !r)).toBe(false);
}

interface CaseDetail {
  deadline: string;
  live?: { clocks: { deadline: string | null }[] } | null;
}
async function detail(id: string): Promise<CaseDetail> {
  const res = await call('t01.supervisor', 'get', `/cases/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The cases' deadlines in the read model (read straight from PostgreSQL: a case query needs a running worker). */
async function projectedDeadlines(): Promise<string[]> {
  const rows = await t.tdb.db
    .select({ id: casesTable.id, deadline: casesTable.deadline })
    .from(casesTable)
    .where(
      inArray(
        casesTable.id,
        cases.map((c) => c.id),
      ),
    )
    .orderBy(asc(casesTable.id));
  return rows.map((r) => r.deadline?.toISOString() ?? '');
}

/** Every live case's workflow and then its projection reach the oracle's deadline for the calendar as listed now. */
async function expectDeadlinesRecomputed(listed: Listed): Promise<void> {
  for (const c of cases) {
    const want = new Date(workdayDeadline(listed, c.createdAt, BUDGET_DAYS)).toISOString();
    const live = await pollUntil(
      () => detail(c.id),
      (d) => d.live?.clocks[0]?.deadline === want,
    );
    expect(live.live?.clocks[0]?.deadline, `${c.id}: the live workflow recomputed`).toBe(want);
    const projected = await pollUntil(
      () => detail(c.id),
      (d) => d.deadline === want,
    );
    expect(projected.deadline, `${c.id}: the projection follows`).toBe(want);
  }
}

/** The next working day after the latest listed holiday of these tests (or after today), inside every case's window. */
async function nextHolidayDate(listed: Listed): Promise<string> {
  return nextWorkingDay(listed, localDate(Math.max(...cases.map((c) => c.createdAt))));
}

describe('a calendar change fans out to every live case in the background', () => {
  it(
    'answers 202 before any case is told; the progress reaches done with counts; every deadline moves',
    { timeout: 180_000 },
    async () => {
      const opening = await newWorker();
      await opening.runUntil(async () => {
        for (let i = 0; i < CASES; i++) {
          const res = await call('t01.supervisor', 'post', '/tasks', {
            title: `整改：日历重算测试 ${i + 1}`,
            description: '日历变更后期限重算测试',
            unitId: 'lk.t01.v01',
            budget: { unit: 'workday', amount: BUDGET_DAYS },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          const opened = await call('t01.supervisor', 'get', `/cases/${res.body.caseId}`);
          cases.push({ id: res.body.caseId, createdAt: Date.parse(opened.body.createdAt) });
        }
      });
      cases = cases.sort((a, b) => a.id.localeCompare(b.id));
      const listed = await listedDays();
      const before = await projectedDeadlines();
      expect(before).toEqual(
        cases.map((c) => new Date(workdayDeadline(listed, c.createdAt, BUDGET_DAYS)).toISOString()),
      );

      // No worker runs now: the write cannot have waited for a single case, yet it is saved and answered.
      const id = await holiday(await nextHolidayDate(listed));
      expect(await progress(id)).toMatchObject({ status: 'pending', done: 0, total: null, startedAt: null });
      expect(await projectedDeadlines()).toEqual(before);

      const worker = await newWorker();
      await worker.runUntil(async () => {
        const done = await untilDone(id);
        expect(done).toMatchObject({
          status: 'done',
          total: CASES,
          done: CASES,
          closed: 0,
          failures: 0,
          lastError: null,
          walks: 1,
        });
        expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
        await expectDeadlinesRecomputed(await listedDays());
        // The engine's own view of the fan-out: the walk is over.
        const state = await env.client.workflow
          .getHandle(CALENDAR_RECOMPUTE_WORKFLOW_ID)
          .query(calendarRecomputeProgressQuery);
        expect(state).toMatchObject({ walk: null, walksFinished: 1 });
      });
    },
  );

  it('the progress is for admins, and 404 for an unknown id', async () => {
    const res = await call('t01.supervisor', 'get', `/calendar/recomputes/${randomUUID()}`);
    expect(res.status).toBe(403);
    const unknown = await admin('get', `/calendar/recomputes/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('calendar-recompute-not-found');
    expect(unknown.body.i18n.en.detail).toMatch(/No calendar recompute/);
  });
});

describe('a signal that fails is retried until the case takes the change', () => {
  let proxy: TcpProxy;
  let flaky: Client;
  beforeAll(async () => {
    proxy = await startTcpProxy(env.address);
    // No client-side retries: the activity's own retry policy is what must carry the change through.
    flaky = new Client({
      connection: await Connection.connect({ address: proxy.address, interceptors: [] }),
      namespace: 'default',
    });
  });
  afterAll(async () => {
    await flaky?.connection.close();
    await proxy?.close();
  });

  it(
    'signals fail while the link to Temporal is cut, are retried, and a change made meanwhile restarts the walk',
    { timeout: 180_000 },
    async () => {
      const worker = await newWorker(flaky);
      await worker.runUntil(async () => {
        await fanoutIdle();
        proxy.cut();
        const first = await holiday(await nextHolidayDate(await listedDays()));
        const failing = await pollUntil(
          () => progress(first),
          (p) => p.failures > 0,
          60_000,
        );
        expect(failing).toMatchObject({ status: 'running', done: 0, total: CASES });
        expect(failing.lastError).toMatch(/not told of the calendar change/);

        // A second change while the first walk is stuck: it waits, then restarts the walk from the first case.
        const second = await holiday(await nextHolidayDate(await listedDays()));
        expect(await progress(second)).toMatchObject({ status: 'pending', walks: 0 });
        proxy.restore();

        const [a, b] = [await untilDone(first), await untilDone(second)];
        expect(a).toMatchObject({ status: 'done', total: CASES, done: CASES, walks: 2 });
        expect(a.failures).toBeGreaterThan(0);
        expect(b).toMatchObject({ status: 'done', total: CASES, done: CASES, walks: 1 });
        await expectDeadlinesRecomputed(await listedDays());
      });
    },
  );
});

describe('a long walk continues as new with its cursor', () => {
  it(
    'one case per page, two pages per run: every case is told and the progress counts each once',
    { timeout: 180_000 },
    async () => {
      const worker = await newWorker();
      await worker.runUntil(async () => {
        await fanoutIdle();
        // The change as the API saves it, without the API's start: this test starts the fan-out with small pages itself.
        const date = await nextHolidayDate(await listedDays());
        const row = await t.tdb.db.transaction(async (tx) => {
          await upsertDay(tx, NATIONAL_REGION, { date, kind: 'holiday', name: '临时放假（测试）' }, 'admin');
          return queueCalendarRecompute(tx, {
            action: 'calendar.day.put',
            region: NATIONAL_REGION,
            requestedBy: 'admin',
          });
        });
        const workflowId = `calendar-recompute-small-pages-${randomUUID()}`;
        const handle = await env.client.workflow.start<typeof calendarRecomputeWorkflow>('calendarRecomputeWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUE,
          args: [{ pageSize: 1, pagesPerRun: 2 }],
        });
        await handle.result();
        const firstRun = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe();
        expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
        expect(await progress(row.id)).toMatchObject({
          status: 'done',
          total: CASES,
          done: CASES,
          closed: 0,
          failures: 0,
          walks: 1,
        });
        await expectDeadlinesRecomputed(await listedDays());
      });
    },
  );
});
