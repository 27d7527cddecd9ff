import { readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { AesGcmPayloadCodec } from '../../runtime/payload-codec';
import { bundleWorkflows } from '../../worker/create-worker';

/*
 * Running cases must survive a deploy: histories recorded by an earlier version of the workflows
 * replay without a non-determinism error. The fixtures in tests/fixtures/histories were recorded
 * before the projection writes became local activities (`LOCAL_PROJECTION_PATCH` in
 * workflows/shared/activities.ts): they schedule recordTransition / recordIncidentFacts as regular
 * activities, which the patched code must still do when it replays them. `assessment-seconded-final`
 * is a seconded-staff cycle that became final before its outcomes were carried out
 * (`CYCLE_OUTCOMES_PATCH` in workflows/assessment/workflow.ts): it replays without that activity.
 * `task-closed-by-action` is a task whose `complete` action was answered in the workflow task that
 * closed it, from before cases answered their actions before closing (`ANSWER_BEFORE_CLOSE_PATCH` in
 * workflows/shared/case-changes.ts): it replays without the 1 ms timer. The `summons-*` histories were
 * recorded (at 9add872) before a part told its whistle it was ending (`PART_ENDING_PATCH` in
 * workflows/summons/workflow.ts), while the API still retried a whistle's close and polled for a
 * re-summoned part: a whistle closed after both parts ended, a part ended by its rating, and a
 * whistle (with its ruled part) whose upheld dispute re-summoned another unit. The parts replay
 * without the signal (they fail without patched()); the whistles without waiting in their close.
 * `approval-patch-markers` was recorded (at e74d248) before workflows carried a generation
 * (workflows/shared/generation.ts): an approval driven through every step with a marker for each
 * patch and no generation in its memo, which must replay through `patched()` as recorded.
 * `task-overdue-notice-activity` is a generation-1 task (recorded at 69d6e72 on the time-skipping
 * server) that turned blue, yellow and red, its 督办 sent by a `sendNotices` local activity of its own
 * after the red transition was written. `incident-facts-activity`, `summons-facts-activity` and
 * `summons-part-facts-activity` are generation-2 cases (recorded at 942b430 through the API, driven
 * as `bench:throughput` drives them) that wrote each transition's statistics facts by a local
 * activity of their own after it (`FACTS_WITH_TRANSITION` in workflows/shared/case-runner.ts): they
 * replay through `patched()` with that activity. `summons-facts-activity` also starts its two parts one
 * after the other, each confirmed in a workflow task of its own, from before a whistle started them at
 * once (`PARALLEL_PART_STARTS_PATCH` in workflows/summons/workflow.ts); it replays through `patched()`
 * on the old path. (The SDK's replay matches commands to events across workflow tasks, so it would
 * also replay on the new path: the patch keeps a whistle running at the deploy on the path it took.)
 * The parts among them (`summons-part-rated`, `summons-part-resummon-ruled`,
 * `summons-part-facts-activity`) also store the notice summoning their unit by a `sendNotices` local
 * activity of its own after their first transition (`PART_OPENING_NOTICES_PATCH`): they fail without
 * `patched()` there.
 */
const fixture = (name: string) =>
  historyFromJSON(JSON.parse(readFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), 'utf8')));

describe('replay of histories from earlier versions', () => {
  let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;
  beforeAll(async () => {
    workflowBundle = await bundleWorkflows();
  });

  it.each([
    'approval-regular-activities',
    'approval-patch-markers',
    'incident-regular-activities',
    'assessment-seconded-final',
    'task-closed-by-action',
    'summons-closed-after-parts-ended',
    'summons-part-rated',
    'summons-resummon-ruling',
    'summons-part-resummon-ruled',
    'task-overdue-notice-activity',
    'incident-facts-activity',
    'summons-facts-activity',
    'summons-part-facts-activity',
  ])('%s replays with the current workflows', async (name) => {
    await expect(Worker.runReplayHistory({ workflowBundle }, fixture(name), name)).resolves.toBeUndefined();
  });

  // A deployment that turned on payload encryption (runtime/payload-codec.ts) still replays the
  // cases recorded before: plain payloads pass through the codec unchanged.
  it.each(['approval-regular-activities', 'task-closed-by-action'])(
    '%s replays through the payload codec',
    async (name) => {
      const dataConverter = { payloadCodecs: [new AesGcmPayloadCodec([{ id: 'k1', key: randomBytes(32) }])] };
      await expect(
        Worker.runReplayHistory({ workflowBundle, dataConverter }, fixture(name), name),
      ).resolves.toBeUndefined();
    },
  );
});
