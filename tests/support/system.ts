import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities';
import { calendarYears, NATIONAL_REGION } from '../../db/schema';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp } from './app';
import { createDevEnvironment } from './temporal';

/**
 * The real system for an API test file: a Temporal dev server, a worker on its own task queue and
 * the app on a fresh seeded database, started before the file's tests and stopped after them.
 * Returns the TestApp (usable once the file's tests run). `nextYearCalendar` marks next year as a
 * complete plain calendar year, for working-day limits that reach past the package's data;
 * `activities` gives the worker's activities other dependencies (a fake notifier, a delivery policy);
 * `env` adds configuration for the app (e.g. DATA_DIR, ATTACHMENT_MAX_BYTES).
 */
export function useTestSystem(
  name: string,
  opts: {
    nextYearCalendar?: boolean;
    activities?: Omit<ActivityDeps, 'db' | 'temporal'>;
    env?: Record<string, string>;
  } = {},
): TestApp {
  let env: TestWorkflowEnvironment | undefined;
  let app: TestApp | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    const taskQueue = `${name}-${randomUUID()}`;
    const [e, bundle] = await Promise.all([createDevEnvironment(), bundleWorkflows()]);
    env = e;
    app = await createTestApp({ temporal: env.client, env: { ...opts.env, TEMPORAL_TASK_QUEUE: taskQueue } });
    if (opts.nextYearCalendar) {
      await app.tdb.db
        .insert(calendarYears)
        .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
        .onConflictDoNothing();
    }
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        ...opts.activities,
        db: app.tdb.db,
        temporal: env.client,
        auditKey: app.deps.auditKey,
      }),
      workflowBundle: bundle,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await app?.close();
    await env?.teardown();
  });
  return new Proxy({} as TestApp, {
    get(_, key) {
      if (!app) throw new Error('the test system is not started yet: use it inside tests or hooks');
      return app[key as keyof TestApp];
    },
  });
}
