import { condition, getExternalWorkflowHandle, setHandler, startChild } from '@temporalio/workflow';
import { childGenerationMemo, since } from '../shared/generation';
import { caseActivities, projectionActivities } from '../shared/activities';
import { CaseRunner, thenFacts } from '../shared/case-runner';
import { CaseErrorType, caseError } from '../shared/errors';
import {
  PART_WAIT_MS,
  partActionUpdate,
  partEndingSignal,
  partStartedUpdate,
  summonsActionUpdate,
  type PartActionInput,
  type PartFactsRecord,
  type PartOutcome,
  type PartView,
  type StartPartInput,
  type StartSummonsInput,
  type SummonsActionInput,
  type SummonsFactsRecord,
  type SummonsOutcome,
  type SummonsView,
} from './definitions';
import { PartCase, type PartEffects } from './part-case';
import { SummonsCase, type SummonsEffects } from './summons-case';

const { sendNotices } = caseActivities;
const { recordSummonsFacts, recordSummonsPartFacts } = projectionActivities;

/**
 * Since this patch a part tells its whistle it is ending (partEndingSignal) before it writes its
 * end; parts that ended before it replay without the signal.
 */
export const PART_ENDING_PATCH = 'summons-part-ending-signal';
/**
 * Since this patch a whistle starts the parts of its departments at once (one workflow task); before
 * it, one after the other, each start confirmed before the next was asked for.
 */
export const PARALLEL_PART_STARTS_PATCH = 'summons-parallel-part-starts';
/**
 * Since this patch the notice that summons a unit is stored and sent by the local activity that
 * writes its part's first transition; before it, by a local activity of its own after that one.
 */
export const PART_OPENING_NOTICES_PATCH = 'summons-part-opening-notices';

/** A whistle (吹哨): see workflows/summons/definitions.ts. */
export async function summonsWorkflow(input: StartSummonsInput): Promise<SummonsOutcome> {
  // What parts told the whistle they are ending with, until their results arrive.
  const ending = new Map<string, PartOutcome>();
  const started = new Set<string>();
  setHandler(partEndingSignal, (outcome) => void ending.set(outcome.caseId, outcome));
  const summons = new SummonsCase(input, Date.now(), (caseId) => ending.get(caseId));
  // The API asks once after a ruling that re-summons a unit (that part starts when the ruled part's result arrives).
  setHandler(
    partStartedUpdate,
    async (caseId) => started.has(caseId) || condition(() => started.has(caseId), PART_WAIT_MS),
    {
      validator: (caseId) => {
        if (!caseId.startsWith(`${input.caseId}.`))
          throw caseError(
            CaseErrorType.InvalidState,
            'wrong-state',
            `不是本吹哨的部门报到：${caseId}`,
            `${caseId} is not a part of this whistle`,
          );
      },
    },
  );
  const runner = new CaseRunner<SummonsActionInput, SummonsView, SummonsEffects, SummonsFactsRecord>(summons, {
    update: summonsActionUpdate,
    facts: (seq) => summons.facts(seq),
    write: thenFacts('summons', recordSummonsFacts),
    // A calendar change moves no deadline of the whistle's own (its parts keep theirs).
    projectCalendarChanges: false,
    // The validator let a close through whose open parts all told the whistle they are ending: it
    // waits for their results (a part writes its end before its result reaches the whistle). Should
    // one not come in time, the close is refused as before, and those parts count open again.
    ready: ({ action }) => {
      if (action.type !== 'close' || summons.openParts.length === 0) return undefined;
      return condition(() => summons.openParts.length === 0, PART_WAIT_MS).then((arrived) => {
        if (!arrived) summons.openParts.forEach((p) => ending.delete(p.caseId));
      });
    },
    extra: async ({ start }) => {
      const startPart = (part: StartPartInput) =>
        startChild(summonsPartWorkflow, { workflowId: part.caseId, args: [part], memo: childGenerationMemo() });
      const watch = (part: StartPartInput, child: Awaited<ReturnType<typeof startPart>>) => {
        started.add(part.caseId);
        // A part terminated by an operator ends as withdrawn, so the whistle can still close.
        const aborted = (): PartOutcome => ({
          caseId: part.caseId,
          unitId: part.unit.unitId,
          outcome: 'withdrawn',
          rating: null,
          resummon: null,
          endedAt: new Date(Date.now()).toISOString(),
        });
        const ended = (outcome: PartOutcome) => runner.arrive((now) => summons.partEnded(outcome, now));
        void child.result().then(ended, () => ended(aborted()));
      };
      if (since(PARALLEL_PART_STARTS_PATCH)) {
        // Every part's start in one workflow task: the approval answers after one round trip to the
        // server, not one per department. A part that failed to start fails the action as before,
        // once the others have started and are watched.
        const results = await Promise.allSettled(start.map(startPart));
        results.forEach((r, i) => r.status === 'fulfilled' && watch(start[i]!, r.value));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        return;
      }
      for (const part of start) watch(part, await startPart(part));
    },
  });
  await runner.open();
  await runner.run();
  return summons.outcome();
}

/** One summoned unit's part (部门报到): see workflows/summons/definitions.ts. */
export async function summonsPartWorkflow(input: StartPartInput): Promise<PartOutcome> {
  // Parts started before missed 报到 windows were closed replay with them left running.
  const part = new PartCase(input, Date.now(), { closeMissedWindows: since('summons-close-missed-windows') });
  const runner = new CaseRunner<PartActionInput, PartView, PartEffects, PartFactsRecord>(part, {
    update: partActionUpdate,
    facts: (seq) => part.facts(seq, Date.now()),
    write: thenFacts('summons-part', recordSummonsPartFacts),
    // Tell the whistle before the end is written, so once any record shows the part ended the
    // whistle knows (its result arrives later, when this workflow has completed). A whistle that
    // is gone (terminated) changes nothing here.
    beforeRecord: ({ ending }) => {
      if (!ending || !since(PART_ENDING_PATCH)) return undefined;
      return getExternalWorkflowHandle(input.summonsId)
        .signal(partEndingSignal, ending)
        .catch(() => undefined);
    },
  });
  await runner.open(async () => {
    // The notice summoning the unit travels with the part's first transition: one local activity.
    if (since(PART_OPENING_NOTICES_PATCH)) return runner.record(part.creationNote(), null, 0, part.creationNotices());
    await runner.record(part.creationNote());
    await sendNotices(part.creationNotices());
  });
  await runner.run();
  return part.outcomeRecord();
}
