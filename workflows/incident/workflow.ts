import { patched, setHandler, startChild } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import type { AuditNote } from '../shared/case-snapshot';
import { CaseChanges } from '../shared/case-changes';
import { ClockWatch, openCase, serveCaseReads } from '../shared/case-workflow';
import { CaseRecorder } from '../shared/recorder';
import type { SummonsOutcome } from '../summons/definitions';
import type { summonsWorkflow } from '../summons/workflow';
import { incidentActionUpdate, type IncidentFactsRecord, type IncidentView, type StartIncidentInput } from './definitions';
import { IncidentCase, type IncidentEffects } from './incident-case';

const { loadCalendar, sendNotices } = caseActivities;
const { recordTransition, recordIncidentFacts } = projectionActivities;

/** A grid incident or 12345 order (四级处置): see workflows/incident/definitions.ts. */
export async function incidentWorkflow(input: StartIncidentInput): Promise<IncidentView> {
  // Events started before these rules replay without them: no 督办 to late units below L4, and a
  // 12345 order's disputes decided by the level's dispatcher rather than the order's sender.
  const incident = new IncidentCase(input, Date.now(), { lateUnitNotices: patched('incident-late-unit-notices'), senderDecides: patched('incident-order-sender-decides') });
  // The envelope, then the statistics facts as they were at that transition, in the recorder's order.
  const facts = new Map<number, IncidentFactsRecord>();
  const recorder = new CaseRecorder(async (transition) => {
    const written = await recordTransition(transition);
    const f = facts.get(transition.seq);
    facts.delete(transition.seq);
    if (f) await recordIncidentFacts(f);
    return written;
  });
  const record = (note: AuditNote) => {
    facts.set(recorder.seq + 1, incident.facts(recorder.seq + 1));
    return recorder.record(incident.snapshot(Date.now()), note);
  };
  const changes = new CaseChanges(incident, recorder, record);
  const watch = new ClockWatch(incident.clocks, changes, loadCalendar, (now) => incident.snapshot(now));
  const reads = serveCaseReads(() => incident.view(Date.now()));
  const summonsEnded: SummonsOutcome[] = [];
  const perform = async (effects: IncidentEffects) => {
    for (const note of effects.notes) await record(note);
    if (effects.notices.length) await sendNotices(effects.notices);
    if (effects.summons) {
      // The whistle runs as a child: the event waits for its outcome and resumes with it.
      const caseId = effects.summons.caseId;
      const child = await startChild<typeof summonsWorkflow>('summonsWorkflow', { workflowId: caseId, args: [effects.summons] });
      void child.result().then(
        (outcome) => void summonsEnded.push(outcome),
        () => void summonsEnded.push({ caseId, status: 'aborted', summary: null, parts: [] }),
      );
    }
  };

  setHandler(
    incidentActionUpdate,
    (action) =>
      changes.act(async () => {
        await perform(incident.apply(action, Date.now()));
        return incident.view(Date.now());
      }),
    { validator: (action) => incident.check(action, Date.now()) },
  );

  await openCase(changes, reads, () => record(incident.creationNote()));

  while (!incident.finished) {
    await watch.sleep(() => incident.finished || summonsEnded.length > 0);
    await changes.step(async () => {
      while (summonsEnded.length > 0) await perform(incident.summonsEnded(summonsEnded.shift()!, Date.now()));
      await perform(incident.tick(Date.now()));
    });
  }
  await changes.settled();
  return incident.view(Date.now());
}
