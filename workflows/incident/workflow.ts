import { startChild } from '@temporalio/workflow';
import { childGenerationMemo, since } from '../shared/generation';
import { projectionActivities } from '../shared/activities';
import { CaseRunner, thenFacts } from '../shared/case-runner';
import type { SummonsOutcome } from '../summons/definitions';
import type { summonsWorkflow } from '../summons/workflow';
import {
  incidentActionUpdate,
  type IncidentActionInput,
  type IncidentFactsRecord,
  type IncidentView,
  type StartIncidentInput,
} from './definitions';
import { IncidentCase, type IncidentEffects } from './incident-case';

const { recordIncidentFacts } = projectionActivities;

/** A grid incident or 12345 order (四级处置): see workflows/incident/definitions.ts. */
export async function incidentWorkflow(input: StartIncidentInput): Promise<IncidentView> {
  // Events started before these rules replay without them: no 督办 to late units below L4, and a
  // 12345 order's disputes decided by the level's dispatcher rather than the order's sender.
  const incident = new IncidentCase(input, Date.now(), {
    lateUnitNotices: since('incident-late-unit-notices'),
    senderDecides: since('incident-order-sender-decides'),
  });
  const runner = new CaseRunner<IncidentActionInput, IncidentView, IncidentEffects, IncidentFactsRecord>(incident, {
    update: incidentActionUpdate,
    // The envelope, then the statistics facts as they were at that transition, in the recorder's order.
    facts: (seq) => incident.facts(seq),
    write: thenFacts('incident', recordIncidentFacts),
    extra: async ({ summons }) => {
      if (!summons) return;
      // The whistle runs as a child: the event waits for its outcome and resumes with it.
      const caseId = summons.caseId;
      const child = await startChild<typeof summonsWorkflow>('summonsWorkflow', {
        workflowId: caseId,
        args: [summons],
        memo: childGenerationMemo(),
      });
      const ended = (outcome: SummonsOutcome) => runner.arrive((now) => incident.summonsEnded(outcome, now));
      void child.result().then(ended, () => ended({ caseId, status: 'aborted', summary: null, parts: [] }));
    },
  });
  await runner.open();
  await runner.run();
  return incident.view(Date.now());
}
