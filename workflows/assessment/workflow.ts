import {
  allHandlersFinished,
  condition,
  continueAsNew,
  ParentClosePolicy,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CalendarFallback } from '../../domain/calendar';
import { caseActivities, projectionActivities } from '../shared/activities';
import { CaseRunner } from '../shared/case-runner';
import { childGenerationMemo, since } from '../shared/generation';
import { AssessmentCycle, type CycleEffects } from './assessment-cycle';
import {
  assessmentActionUpdate,
  type AssessmentActionInput,
  type AssessmentProjection,
  type AssessmentView,
  type StartAssessmentInput,
} from './definitions';

const { snapshotAssessment, allocateCaseNumbers, openScheduledAssessment, carryCycleOutcomes } = caseActivities;
const { recordAssessmentTransition } = projectionActivities;

/** History length after which a cycle continues as new (well inside Temporal's 50k-event limit). */
const DEFAULT_HISTORY_LIMIT = 10_000;
const NOTHING_CHANGED: CycleEffects['changed'] = { scores: [], results: false, appeals: [] };
/**
 * Since this patch a seconded-staff or grid-worker cycle carries out its outcomes (secondments,
 * bars, conversion and handover tasks, pay grades) before it records itself final; cycles that
 * became final before it replay without that activity.
 */
export const CYCLE_OUTCOMES_PATCH = 'assessment-cycle-outcomes';

/** An assessment cycle (考核周期): see workflows/assessment/definitions.ts. */
export async function assessmentCycleWorkflow(input: StartAssessmentInput): Promise<AssessmentView> {
  const cycle = new AssessmentCycle(input, Date.now());
  const runner = new CaseRunner<AssessmentActionInput, AssessmentView, CycleEffects, AssessmentProjection>(cycle, {
    update: assessmentActionUpdate,
    // The read-model delta of each transition, taken when it happened (what changed goes with an
    // action's or timer's first note), written in the recorder's order.
    facts: (seq, effects, index) =>
      cycle.projection(seq, effects && index === 0 ? effects.changed : NOTHING_CHANGED, Date.now()),
    write: (transition, projection) => recordAssessmentTransition({ transition, projection: projection! }),
    seq: cycle.state.seq,
    anchorHash: cycle.state.auditHash ?? null,
  });

  await runner.open(async () => {
    if (input.resume) return;
    await runner.record(cycle.creationNote());
    const { plan } = cycle;
    const snapshot = await snapshotAssessment({
      caseId: plan.caseId,
      definition: plan.definition,
      period: plan.period,
    });
    await runner.perform(cycle.snapshotTaken(snapshot, Date.now()));
  });

  // Not runner.run(): a cycle becomes final in a step of its own, and continues as new on a long history.
  const { changes, recorder, watch } = runner;
  const limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  while (!cycle.finished) {
    if (cycle.finalisable(Date.now())) {
      await changes.step(async () => {
        const due = cycle.rectificationsDue();
        const ids = due.length ? await allocateCaseNumbers({ process: 'task', count: due.length }) : [];
        const decidedAt = Date.now();
        const outcomes = cycle.outcomesInput(decidedAt);
        const carried = outcomes && since(CYCLE_OUTCOMES_PATCH) ? await carryCycleOutcomes(outcomes) : null;
        const { note, tasks } = cycle.finalise(decidedAt, ids, carried);
        await runner.perform({
          notes: [note],
          notices: [],
          rectifications: tasks,
          changed: { ...NOTHING_CHANGED, results: true },
        });
      });
      break;
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > limit) {
      // Not settled() here: with it, an Update sent while the run waited out its 1 ms timer before
      // continuing as new never returned on the time-skipping test server (assessment-cycle.test.ts).
      // Continuing as new is rare (the history limit), so this path keeps ending the run at once.
      await condition(allHandlersFinished);
      cycle.state.seq = recorder.seq;
      cycle.state.auditHash = recorder.anchorHash;
      await continueAsNew<typeof assessmentCycleWorkflow>({
        ...input,
        calendar: cycle.clocks.calendarContext,
        resume: cycle.state,
      });
    }
    await watch.sleep(() => cycle.finished || cycle.finalisable(Date.now()));
    await changes.step(() => runner.perform(cycle.tick(Date.now())));
  }
  await changes.settled();
  return cycle.view(Date.now());
}

/** Started by a scheme's Temporal schedule: open the cycle of the period that just ended. */
export async function assessmentScheduleWorkflow(input: {
  schemeCode: string;
  calendarFallback: CalendarFallback;
}): Promise<string | null> {
  const start = await openScheduledAssessment({
    schemeCode: input.schemeCode,
    at: Date.now(),
    calendarFallback: input.calendarFallback,
  });
  if (!start) return null;
  try {
    await startChild(assessmentCycleWorkflow, {
      workflowId: start.plan.caseId,
      args: [start],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: childGenerationMemo(),
    });
  } catch (err) {
    // Opened already (by hand, or by an earlier run of this schedule): nothing to do.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return start.plan.caseId;
}
