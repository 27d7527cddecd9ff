import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/create-worker';
import { useTestSystem } from '../support/system';
import { and, eq } from 'drizzle-orm';
import { auditLog, incidentFacts, notices } from '../../db/schema';
import { GENERATION_MEMO, WORKFLOW_GENERATION } from '../../workflows/shared/definitions';

/*
 * A case started by the API carries the current workflow generation in its memo
 * (workflows/shared/generation.ts), and so does every child it starts: such a workflow runs every
 * patch's code without asking `patched()`, so its history has no patch markers and no upserts of
 * the TemporalChangeVersion search attribute (which cost the server a cluster-metadata and a
 * namespace read each). Histories recorded before generations replay through `patched()`
 * (tests/workflows/replay.test.ts, `approval-patch-markers`).
 */
const t = useTestSystem('generation');
type Body = Record<string, unknown>;
const auth = async (u: string) => ({ authorization: `Bearer ${await t.tokenFor(u)}` });
const post = async (u: string, path: string, body: Body) => {
  const res = await request(t.app)
    .post(path)
    .set(await auth(u))
    .send(body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body as Record<string, unknown>;
};

async function historyOf(id: string) {
  const handle: WorkflowHandle = t.deps.temporal.workflow.getHandle(id);
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    memo: (await handle.describe()).memo,
    markers: events.flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? []),
    upserts: events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length,
    updates: events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).length,
  };
}

describe('the workflow generation', () => {
  it('an approval opened and advanced through the API records no patch marker and no search-attribute upsert', async () => {
    const opened = await post('t01.window', '/api/v1/approvals', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: ['business-licence', 'operator-id', 'premises-layout', 'food-safety-rules', 'health-certificates'],
      applicant: { name: '王晓明', phone: '13800000000' },
    });
    const id = opened.caseId as string;
    await post('t01.window', `/api/v1/approvals/${id}/actions`, { type: 'accept' });
    const accepted = await post('t01.window', `/api/v1/approvals/${id}/actions`, {
      type: 'approve',
      step: 'accept',
      opinion: '材料齐全',
    });
    expect(accepted.currentStep).toBe('现场核查');

    const h = await historyOf(id);
    expect(h.memo).toEqual({ [GENERATION_MEMO]: WORKFLOW_GENERATION });
    expect(h.updates).toBe(3);
    // The projection still runs as a local activity: the patched code, without its marker.
    expect(h.markers.filter((m) => m === 'core_local_activity')).toHaveLength(3);
    expect(h.markers.filter((m) => m === 'core_patch')).toEqual([]);
    expect(h.upserts).toBe(0);

    // Its history replays with the current workflows: the generation comes from the start event's memo.
    const history = await t.deps.temporal.workflow.getHandle(id).fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowBundle: await bundleWorkflows() }, history, id),
    ).resolves.toBeUndefined();
  });

  it("an incident's statistics facts travel with each transition: one local activity per transition, facts as of the last", async () => {
    const opened = await post('t01.dispatcher', '/api/v1/incidents', {
      source: 'patrol',
      categoryCode: 'dispute',
      gridId: 'lk.t01.v01.g01',
      level: 1,
      title: '邻里纠纷',
      description: '楼上漏水引发争执',
      location: { address: '城关镇胡寨村' },
      attachments: [],
    });
    const id = opened.caseId as string;
    await post('t01.v01.g01.grid', `/api/v1/incidents/${id}/actions`, { type: 'sign' });
    await post('t01.v01.g01.grid', `/api/v1/incidents/${id}/actions`, { type: 'escalate', reason: '网格无法调解' });

    const entries = await t.tdb.db
      .select({ seq: auditLog.seq })
      .from(auditLog)
      .where(eq(auditLog.streamId, id))
      .orderBy(auditLog.seq);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const h = await historyOf(id);
    // Before, each transition's facts were a local activity of their own: twice as many markers.
    expect(h.markers.filter((m) => m === 'core_local_activity')).toHaveLength(entries.length);
    expect(h.markers.filter((m) => m === 'core_patch')).toEqual([]);
    const [facts] = await t.tdb.db.select().from(incidentFacts).where(eq(incidentFacts.caseId, id));
    expect(facts).toMatchObject({ seq: entries.at(-1)!.seq, currentLevel: 2, escalations: 1 });
  });

  it('a summons passes its generation to the part it starts for each department', async () => {
    const units = ['lk.dept.scjg', 'lk.dept.sthj'];
    const s = await post('t01.dispatcher', '/api/v1/summons', {
      title: '废品收购站占道堆放、夜间噪声扰民',
      description: '涉及市场监管、环保多部门',
      reasonCode: 'multi-department',
      urgency: 'urgent',
      complexity: 'complex',
      unitIds: units,
    });
    const id = s.caseId as string;
    const approved = await post('t01.leader', `/api/v1/summons/${id}/actions`, { type: 'approve', note: '同意' });
    const parts = (approved.parts as { caseId: string }[]).map((p) => p.caseId);
    expect(parts).toEqual(units.map((u) => `${id}.${u}`));
    for (const caseId of [id, ...parts]) {
      const h = await historyOf(caseId);
      expect(h.memo, caseId).toEqual({ [GENERATION_MEMO]: WORKFLOW_GENERATION });
      expect(
        h.markers.filter((m) => m === 'core_patch'),
        caseId,
      ).toEqual([]);
      expect(h.upserts, caseId).toBe(0);
    }
    // Both parts were asked for in one workflow task (PARALLEL_PART_STARTS_PATCH): their start
    // commands come one after the other, before the server confirmed either (one after the
    // other, each confirmed in a workflow task of its own, before it).
    const events = (await t.deps.temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
    const initiated = events.flatMap((e, i) => (e.startChildWorkflowExecutionInitiatedEventAttributes ? [i] : []));
    expect(initiated).toHaveLength(2);
    expect(initiated[1]).toBe(initiated[0]! + 1);
    // A part's opening is one local activity, its first transition with the notice summoning the
    // unit (PART_OPENING_NOTICES_PATCH; before, the notice was a second one).
    for (const caseId of parts) {
      const h = await historyOf(caseId);
      const entries = await t.tdb.db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.streamId, caseId));
      expect(entries, caseId).toHaveLength(1);
      expect(
        h.markers.filter((m) => m === 'core_local_activity'),
        caseId,
      ).toHaveLength(1);
      const stored = await t.tdb.db
        .select({ key: notices.key })
        .from(notices)
        .where(and(eq(notices.caseId, caseId), eq(notices.key, 'summoned')));
      expect(stored, caseId).toHaveLength(1);
    }
  });
});
