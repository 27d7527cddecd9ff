import { patched, startChild } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import { CaseRunner, thenFacts } from '../shared/case-runner';
import {
  partActionUpdate,
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

/** A whistle (吹哨): see workflows/summons/definitions.ts. */
export async function summonsWorkflow(input: StartSummonsInput): Promise<SummonsOutcome> {
  const summons = new SummonsCase(input, Date.now());
  const runner = new CaseRunner<SummonsActionInput, SummonsView, SummonsEffects, SummonsFactsRecord>(summons, {
    update: summonsActionUpdate,
    facts: (seq) => summons.facts(seq),
    write: thenFacts(recordSummonsFacts),
    // A calendar change moves no deadline of the whistle's own (its parts keep theirs).
    projectCalendarChanges: false,
    extra: async ({ start }) => {
      for (const part of start) {
        const child = await startChild(summonsPartWorkflow, { workflowId: part.caseId, args: [part] });
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
      }
    },
  });
  await runner.open();
  await runner.run();
  return summons.outcome();
}

/** One summoned unit's part (部门报到): see workflows/summons/definitions.ts. */
export async function summonsPartWorkflow(input: StartPartInput): Promise<PartOutcome> {
  // Parts started before missed 报到 windows were closed replay with them left running.
  const part = new PartCase(input, Date.now(), { closeMissedWindows: patched('summons-close-missed-windows') });
  const runner = new CaseRunner<PartActionInput, PartView, PartEffects, PartFactsRecord>(part, {
    update: partActionUpdate,
    facts: (seq) => part.facts(seq, Date.now()),
    write: thenFacts(recordSummonsPartFacts),
  });
  await runner.open(async () => {
    await runner.record(part.creationNote());
    await sendNotices(part.creationNotices());
  });
  await runner.run();
  return part.outcomeRecord();
}
