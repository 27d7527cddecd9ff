import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { caseClocks, cases, notices, summonsDepartments, summonsFacts, summonsMisses } from '../../db/schema';
import { seedDemoCounty } from '../../db/seed/seed';
import { planWhistle } from '../../db/summons';
import { findUnit } from '../../db/units';
import type { CalendarData } from '../../domain/calendar';
import type { SlaLedgerEntry } from '../../domain/sla-clock';
import type { SummonsUrgency } from '../../domain/summons';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import type { Actor } from '../../domain/vocabulary';
import {
  caseStateQuery,
  partActionUpdate,
  partCaseId,
  summonsActionUpdate,
  type PartAction,
  type PartView,
  type StartSummonsInput,
} from '../../workflows/summons/definitions';
import type { summonsWorkflow } from '../../workflows/summons/workflow';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTimeSkippingEnvironment } from '../support/temporal';

const MINUTE = 60_000;
const SH = 8 * 3_600_000;
const localDate = (ms: number) => new Date(ms + SH).toISOString().slice(0, 10);

/** Plain Mon–Fri for this year and the next. */
function weekdayCalendar(now: number): CalendarData {
  const year = Number(localDate(now).slice(0, 4));
  return {
    years: { [String(year)]: { holidays: [], workdays: [] }, [String(year + 1)]: { holidays: [], workdays: [] } },
  };
}

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, tdb, bundle] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase(), bundleWorkflows()]);
  await seedDemoCounty(tdb.db);
});
afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

const actor = (username: string, role: string, unitPath: string): Actor => ({
  userId: `u.lk.${username}`,
  role,
  unitId: unitPath.split('/').at(-1)!,
  unitPath,
});
const dispatcher = actor('t01.dispatcher', 'dispatcher', 'lk/lk.t01');
const leader = actor('t01.leader', 'supervisor', 'lk/lk.t01');
const liaison = (dept: string) => actor(`${dept}.liaison`, 'dept_liaison', `lk/lk.dept.${dept}`);

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `summons-${randomUUID()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db: tdb.db, temporal: env.client }),
    workflowBundle: bundle,
  });
  return worker.runUntil(fn(taskQueue));
}

/** The input the API would build from the seeded configuration. */
/**
 * `complexity` 'simple' gives a same-day result limit (24:00 local), 'complex' one in working days:
 * a test that is not about the result deadline uses 'complex', so it cannot cross midnight.
 */
async function inputFor(
  caseId: string,
  now: number,
  depts: string[],
  urgency: SummonsUrgency,
  complexity: 'simple' | 'complex' = 'simple',
): Promise<StartSummonsInput> {
  const township = (await findUnit(tdb.db, 'lk.t01'))!;
  const planned = await planWhistle(tdb.db, {
    township,
    reasonCode: 'multi-department',
    urgency,
    complexity,
    unitIds: depts.map((d) => `lk.dept.${d}`),
    powerItemCodes: [],
    withinCapacity: false,
    keyTask: null,
    categoryCode: null,
  });
  if (!planned.ok) throw new Error(planned.violation.en);
  const { plan } = planned;
  return {
    caseId,
    title: '废品站占道堆放、噪声扰民',
    description: '时限测试',
    reason: plan.reason,
    urgency,
    complexity,
    keyTask: null,
    powerItemCodes: [],
    withinCapacity: false,
    township: { unitId: township.id, path: township.path, name: township.name },
    incidentId: null,
    units: plan.units,
    dispatcher: { unitId: township.id, role: 'dispatcher' },
    approvers: plan.approvers,
    arbiter: plan.arbiter,
    limits: plan.limits,
    whistledBy: dispatcher,
    calendar: { data: weekdayCalendar(now), fallback: 'refuse' },
  };
}

/** Query until `done` holds: after `env.sleep` the timer fired, but the workflow may still be recording it. */
async function settled<T>(query: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const v = await query();
    if (done(v) || i >= 100) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The failure a refused Update carries (its type and message), or a test failure when it was not refused. */
async function refusal(p: Promise<unknown>): Promise<{ type?: string; message?: string }> {
  try {
    await p;
  } catch (err) {
    return (err as { cause?: { type?: string; message?: string } }).cause ?? {};
  }
  throw new Error('expected the update to be refused');
}

/**
 * Terminate a whistle and its parts: their later timers, with no worker left to run them, would
 * stop the time-skipping server from skipping in the next test (it does not apply the parent-close
 * policy to the parts itself).
 */
async function stopAll(caseId: string, depts: string[]): Promise<void> {
  for (const id of [caseId, ...depts.map((d) => partCaseId(caseId, `lk.dept.${d}`))]) {
    await env.client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  }
}

async function rowsWhere<T>(read: () => Promise<T[]>, n: number): Promise<T[]> {
  return settled(read, (rows) => rows.length >= n);
}

describe('summons timers on the time-skipping server', () => {
  it('three departments: one acknowledges on time, one late (督办), one never (red card at the second miss)', async () => {
    const start = await env.currentTimeMs();
    const caseId = `CS-T-${randomUUID().slice(0, 8)}`;
    const input = await inputFor(caseId, start, ['scjg', 'sthj', 'zj'], 'critical', 'complex');
    const [onTime, late, never] = ['scjg', 'sthj', 'zj'].map((d) => partCaseId(caseId, `lk.dept.${d}`)) as [
      string,
      string,
      string,
    ];
    const views = await withWorker(async (taskQueue) => {
      const whistle = await env.client.workflow.start<typeof summonsWorkflow>('summonsWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [input],
      });
      // Not sent before the leader approves: no part exists yet.
      await expect(env.client.workflow.getHandle(onTime).query(caseStateQuery)).rejects.toThrow();
      expect(
        await refusal(
          whistle.executeUpdate(summonsActionUpdate, { args: [{ actor: dispatcher, action: { type: 'approve' } }] }),
        ),
      ).toMatchObject({ type: 'Forbidden', message: expect.stringMatching(/approval of a township leader/) });
      const approved = await whistle.executeUpdate(summonsActionUpdate, {
        args: [{ actor: leader, action: { type: 'approve', note: '同意吹哨' } }],
      });
      expect(approved.status).toBe('summoning');
      expect(approved.parts.map((p) => p.caseId)).toEqual([onTime, late, never]);

      const part = (id: string) => env.client.workflow.getHandle(id);
      const view = async (id: string) => (await part(id).query(caseStateQuery)) as PartView;
      const act = (id: string, who: Actor, action: PartAction) =>
        part(id).executeUpdate(partActionUpdate, { args: [{ actor: who, action }] });
      const first = await settled(
        () => view(never),
        (v) => v.ackDeadline !== null,
      );
      const deadline1 = Date.parse(first.ackDeadline!);
      expect(deadline1 - Date.parse(first.notifiedAt)).toBe(30 * MINUTE);

      await act(onTime, liaison('scjg'), { type: 'acknowledge', note: '已派员' });
      // Another department's liaison may not acknowledge for it.
      expect(await refusal(act(late, liaison('scjg'), { type: 'acknowledge' }))).toMatchObject({ type: 'Forbidden' });

      await env.sleep(deadline1 - (await env.currentTimeMs()) + 1000);
      const lateMissed = await settled(
        () => view(late),
        (v) => v.misses.length === 1,
      );
      expect(lateMissed).toMatchObject({ status: 'notified', ackOnTime: false, redCard: false });
      // The missed window is respond-1; ackDeadline is now that of the window that runs (respond-2).
      const missedWindow = lateMissed.clocks.find((c) => c.key === 'respond-1')!.deadline;
      expect(lateMissed.misses).toEqual([
        expect.objectContaining({ ordinal: 1, kind: 'acknowledge', deadline: missedWindow, redCard: false }),
      ]);
      expect(Date.parse(lateMissed.misses[0]!.at)).toBeGreaterThanOrEqual(Date.parse(missedWindow!));
      await act(late, liaison('sthj'), { type: 'acknowledge', note: '迟到报到' });

      const second = await settled(
        () => view(never),
        (v) => v.misses.length === 1,
      );
      const deadline2 = Date.parse(second.clocks.find((c) => c.key === 'respond-2')!.deadline!);
      expect(deadline2 - Date.parse(second.misses[0]!.at)).toBe(30 * MINUTE);
      await env.sleep(deadline2 - (await env.currentTimeMs()) + 1000);
      const red = await settled(
        () => view(never),
        (v) => v.redCard,
      );
      const result = { onTime: await view(onTime), late: await view(late), never: red };
      await stopAll(caseId, ['scjg', 'sthj', 'zj']);
      return result;
    });

    expect(views.onTime).toMatchObject({ status: 'acknowledged', ackOnTime: true, misses: [], redCard: false });
    expect(views.late).toMatchObject({ status: 'acknowledged', ackOnTime: false, redCard: false });
    expect(views.never).toMatchObject({ status: 'notified', ackOnTime: false, redCard: true });
    expect(views.never.misses.map((m) => [m.ordinal, m.kind, m.redCard])).toEqual([
      [1, 'acknowledge', false],
      [2, 'acknowledge', true],
    ]);

    // 督办 to the late department's leader and the county command centre; a red card for the one that never came.
    const sent = await rowsWhere(
      () =>
        tdb.db
          .select()
          .from(notices)
          .where(inArray(notices.caseId, [onTime, late, never]))
          .orderBy(asc(notices.id)),
      10,
    );
    const summary = sent
      .filter((n) => n.kind !== 'info')
      .map((n) => [n.caseId, n.key, n.kind, n.unitId, n.recipientUserId]);
    expect(summary).toEqual(
      expect.arrayContaining([
        [late, 'miss:1', 'overdue', 'lk.dept.sthj', 'u.lk.sthj.leader'],
        [late, 'miss:1', 'overdue', 'lk.zhzx', 'u.lk.zhzx.leader'],
        [never, 'miss:1', 'overdue', 'lk.dept.zj', 'u.lk.zj.leader'],
        [never, 'miss:1', 'overdue', 'lk.zhzx', 'u.lk.zhzx.leader'],
        [never, 'miss:2', 'red-card', 'lk.dept.zj', 'u.lk.zj.leader'],
        [never, 'miss:2', 'red-card', 'lk.zhzx', 'u.lk.zhzx.leader'],
      ]),
    );
    expect(summary.filter((s) => s[0] === onTime)).toEqual([]);
    expect(
      sent
        .filter((n) => n.kind === 'info')
        .map((n) => n.unitId)
        .sort(),
    ).toEqual(['lk.dept.scjg', 'lk.dept.sthj', 'lk.dept.zj']);

    // The facts the assessment reads: timeliness, misses with their ordinal, the red card.
    const facts = await settled(
      () =>
        tdb.db
          .select()
          .from(summonsDepartments)
          .where(eq(summonsDepartments.summonsId, caseId))
          .orderBy(asc(summonsDepartments.unitId)),
      (rows) => rows.find((r) => r.unitId === 'lk.dept.zj')?.redCard === true,
    );
    expect(facts.map((r) => [r.unitId, r.ackOnTime, r.missCount, r.redCard, r.acknowledgedAt !== null])).toEqual([
      ['lk.dept.scjg', true, 0, false, true],
      ['lk.dept.sthj', false, 1, false, true],
      ['lk.dept.zj', false, 2, true, false],
    ]);
    const misses = await tdb.db
      .select()
      .from(summonsMisses)
      .where(inArray(summonsMisses.caseId, [late, never]))
      .orderBy(asc(summonsMisses.caseId), asc(summonsMisses.ordinal));
    expect(misses.map((m) => [m.unitId, m.ordinal, m.kind, m.redCard])).toEqual([
      ['lk.dept.sthj', 1, 'acknowledge', false],
      ['lk.dept.zj', 1, 'acknowledge', false],
      ['lk.dept.zj', 2, 'acknowledge', true],
    ]);
    const [whistle] = await tdb.db.select().from(summonsFacts).where(eq(summonsFacts.caseId, caseId));
    expect(whistle).toMatchObject({
      status: 'summoning',
      approvedBy: 'u.lk.t01.leader',
      unitCount: 3,
      townshipId: 'lk.t01',
    });
  });

  it('a missed 报到 window closes (red, then stopped): the case, inbox row and board follow the window that runs now', async () => {
    const start = await env.currentTimeMs();
    const caseId = `CS-T-${randomUUID().slice(0, 8)}`;
    const input = await inputFor(caseId, start, ['sthj', 'zj'], 'critical', 'complex');
    const [late, never] = ['sthj', 'zj'].map((d) => partCaseId(caseId, `lk.dept.${d}`)) as [string, string];
    const envelope = (id: string) => async () => (await tdb.db.select().from(cases).where(eq(cases.id, id)))[0];
    const projectedClocks = async (id: string) =>
      (await tdb.db.select().from(caseClocks).where(eq(caseClocks.caseId, id)).orderBy(asc(caseClocks.key))).map(
        (c) => [c.key, c.state, c.level],
      );
    const respondStates = (v: PartView) =>
      v.clocks.filter((c) => c.key.startsWith('respond-')).map((c) => [c.key, c.state]);
    const tail = (v: PartView, key: string) =>
      (v.clocks.find((c) => c.key === key)!.ledger.slice(-2) as SlaLedgerEntry[]).map((e) =>
        e.kind === 'level' ? `level:${e.to}` : e.kind,
      );
    await withWorker(async (taskQueue) => {
      const whistle = await env.client.workflow.start<typeof summonsWorkflow>('summonsWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [input],
      });
      await whistle.executeUpdate(summonsActionUpdate, { args: [{ actor: leader, action: { type: 'approve' } }] });
      const view = async (id: string) => (await env.client.workflow.getHandle(id).query(caseStateQuery)) as PartView;
      const act = (id: string, who: Actor, action: PartAction) =>
        env.client.workflow.getHandle(id).executeUpdate(partActionUpdate, { args: [{ actor: who, action }] });
      const first = await settled(
        () => view(late),
        (v) => v.ackDeadline !== null,
      );
      await env.sleep(Date.parse(first.ackDeadline!) - (await env.currentTimeMs()) + 1000);

      // First miss: window 1 is closed (breached, then stopped); window 2 runs and is what everyone counts down to.
      const missed = await settled(
        () => view(late),
        (v) => v.misses.length === 1,
      );
      expect(respondStates(missed)).toEqual([
        ['respond-1', 'stopped'],
        ['respond-2', 'running'],
      ]);
      expect(tail(missed, 'respond-1')).toEqual(['level:red', 'stop']);
      const window2 = missed.clocks.find((c) => c.key === 'respond-2')!.deadline!;
      expect(missed.ackDeadline).toBe(window2);
      const afterMiss = await settled(envelope(late), (r) => r?.deadline?.toISOString() === window2);
      expect(afterMiss).toMatchObject({ colour: 'green', status: 'notified' });
      const [inboxRow] = await settled(
        () => tdb.db.select().from(summonsDepartments).where(eq(summonsDepartments.caseId, late)),
        (rows) => rows[0]?.missCount === 1,
      );
      expect(inboxRow!.ackDeadline?.toISOString()).toBe(window2);

      // A late 报到: both 报到 windows are closed and the part follows its (green) result clock.
      const acked = await act(late, liaison('sthj'), { type: 'acknowledge', note: '迟到报到' });
      expect(respondStates(acked)).toEqual([
        ['respond-1', 'stopped'],
        ['respond-2', 'stopped'],
      ]);
      const afterAck = await settled(envelope(late), (r) => r?.status === 'acknowledged');
      expect(afterAck).toMatchObject({ colour: 'green' });
      expect(afterAck!.deadline?.toISOString()).toBe(acked.resultDeadline);
      expect(await projectedClocks(late)).toEqual([
        ['handle-1', 'running', 'green'],
        ['respond-1', 'stopped', 'red'],
        ['respond-2', 'stopped', 'green'],
      ]);

      // The second miss is a red card: that window closes too and none runs; the part stays red, with no countdown.
      const second = await settled(
        () => view(never),
        (v) => v.misses.length === 1,
      );
      await env.sleep(Date.parse(second.ackDeadline!) - (await env.currentTimeMs()) + 1000);
      const red = await settled(
        () => view(never),
        (v) => v.redCard,
      );
      expect(respondStates(red)).toEqual([
        ['respond-1', 'stopped'],
        ['respond-2', 'stopped'],
      ]);
      expect(tail(red, 'respond-2')).toEqual(['level:red', 'stop']);
      expect(red.ackDeadline).toBe(second.ackDeadline);
      const afterRed = await settled(envelope(never), (r) => r?.colour === 'red');
      expect(afterRed).toMatchObject({ colour: 'red', deadline: null, status: 'notified' });
      // Still answerable: a 报到 after the red card starts the result clock.
      const ackedAfterRed = await act(never, liaison('zj'), { type: 'acknowledge' });
      expect(ackedAfterRed).toMatchObject({ status: 'acknowledged', ackOnTime: false, redCard: true });
      const afterLateAck = await settled(envelope(never), (r) => r?.status === 'acknowledged');
      expect(afterLateAck).toMatchObject({ colour: 'green' });
      await stopAll(caseId, ['sthj', 'zj']);
    });
  });

  it('a dispute pauses the 报到 clock until the ruling; a missed result deadline is a miss with 督办', async () => {
    const start = await env.currentTimeMs();
    const caseId = `CS-T-${randomUUID().slice(0, 8)}`;
    const input = await inputFor(caseId, start, ['scjg', 'sthj'], 'urgent');
    const partId = partCaseId(caseId, 'lk.dept.sthj');
    const centre = actor('zhzx.dispatcher', 'dispatcher', 'lk/lk.zhzx');
    const final = await withWorker(async (taskQueue) => {
      const whistle = await env.client.workflow.start<typeof summonsWorkflow>('summonsWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [input],
      });
      await whistle.executeUpdate(summonsActionUpdate, { args: [{ actor: leader, action: { type: 'approve' } }] });
      const part = env.client.workflow.getHandle(partId);
      const view = async () => (await part.query(caseStateQuery)) as PartView;
      const act = (who: Actor, action: PartAction) =>
        part.executeUpdate(partActionUpdate, { args: [{ actor: who, action }] });
      await settled(view, (v) => v.ackDeadline !== null);
      const disputed = await act(liaison('sthj'), { type: 'dispute', reason: '不属本局职责' });
      expect(disputed.status).toBe('disputed');
      // Three hours in dispute: longer than the 2-hour 报到 limit, but the clock is paused.
      await env.sleep(3 * 60 * MINUTE);
      const waiting = await view();
      expect(waiting).toMatchObject({ status: 'disputed', misses: [] });
      const ruled = await act(centre, { type: 'rule', upheld: false, note: '属环保职责范围，须报到处置' });
      expect(ruled).toMatchObject({ status: 'notified', disputes: [expect.objectContaining({ ruling: 'rejected' })] });
      expect(ruled.disputes[0]!.disputedMs).toBeGreaterThanOrEqual(3 * 60 * MINUTE);
      const respond = ruled.clocks.find((c) => c.key === 'respond-1')!;
      expect(respond.state).toBe('running');
      // The deadline moved by the time in dispute.
      expect(Date.parse(respond.deadline!) - Date.parse(ruled.notifiedAt)).toBe(
        2 * 60 * MINUTE + ruled.disputes[0]!.disputedMs!,
      );
      const acked = await act(liaison('sthj'), { type: 'acknowledge' });
      expect(acked.ackOnTime).toBe(true);
      await act(liaison('sthj'), { type: 'arrive' });
      const resultDeadline = Date.parse(acked.resultDeadline!);
      await env.sleep(resultDeadline - (await env.currentTimeMs()) + 1000);
      const missed = await settled(view, (v) => v.misses.length === 1);
      expect(missed.misses).toEqual([
        expect.objectContaining({ ordinal: 1, kind: 'result', deadline: acked.resultDeadline, redCard: false }),
      ]);
      expect(missed).toMatchObject({ status: 'on-site', resultOnTime: false, redCard: false });
      const reported = await act(liaison('sthj'), { type: 'report', result: '已处置', evidence: ['photo:1'] });
      await stopAll(caseId, ['scjg', 'sthj']);
      return reported;
    });
    expect(final).toMatchObject({ status: 'reported', resultOnTime: false, ackOnTime: true });
    const sent = await rowsWhere(() => tdb.db.select().from(notices).where(eq(notices.caseId, partId)), 3);
    expect(
      sent
        .filter((n) => n.kind === 'overdue')
        .map((n) => [n.key, n.unitId])
        .sort(),
    ).toEqual([
      ['miss:1', 'lk.dept.sthj'],
      ['miss:1', 'lk.zhzx'],
    ]);
    const [row] = await settled(
      () => tdb.db.select().from(summonsDepartments).where(eq(summonsDepartments.caseId, partId)),
      (rows) => rows[0]?.status === 'reported',
    );
    expect(row).toMatchObject({ ackOnTime: true, resultOnTime: false, missCount: 1, disputeCount: 1, redCard: false });
    expect(row!.disputedMs).toBeGreaterThanOrEqual(3 * 60 * MINUTE);
  });
});
