import { patched, setHandler, startChild } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import type { AuditNote } from '../shared/case-snapshot';
import { CaseChanges } from '../shared/case-changes';
import { ClockWatch, openCase, serveCaseReads } from '../shared/case-workflow';
import { CaseRecorder } from '../shared/recorder';
import {
  partActionUpdate,
  summonsActionUpdate,
  type PartFactsRecord,
  type PartOutcome,
  type PartView,
  type StartPartInput,
  type StartSummonsInput,
  type SummonsFactsRecord,
  type SummonsOutcome,
  type SummonsView,
} from './definitions';
import { PartCase, type PartEffects } from './part-case';
import { SummonsCase, type SummonsEffects } from './summons-case';

const { loadCalendar, sendNotices } = caseActivities;
const { recordTransition, recordSummonsFacts, recordSummonsPartFacts } = projectionActivities;

/**
 * A recorder that writes the envelope, then the facts as they were at that transition, in order.
 * `facts(seq)` is taken when the transition is recorded.
 */
function recorderWithFacts<F>(write: (f: F) => Promise<unknown>): { recorder: CaseRecorder; record: (note: AuditNote, snapshot: () => Parameters<typeof recordTransition>[0]['snapshot'], facts: (seq: number) => F) => Promise<void> } {
  const pending = new Map<number, F>();
  const recorder = new CaseRecorder(async (transition) => {
    const written = await recordTransition(transition);
    const f = pending.get(transition.seq);
    pending.delete(transition.seq);
    if (f !== undefined) await write(f);
    return written;
  });
  return {
    recorder,
    record: (note, snapshot, facts) => {
      pending.set(recorder.seq + 1, facts(recorder.seq + 1));
      return recorder.record(snapshot(), note);
    },
  };
}

/** A whistle (吹哨): see workflows/summons/definitions.ts. */
export async function summonsWorkflow(input: StartSummonsInput): Promise<SummonsOutcome> {
  const summons = new SummonsCase(input, Date.now());
  const { recorder, record: write } = recorderWithFacts<SummonsFactsRecord>(recordSummonsFacts);
  const record = (note: AuditNote) => write(note, () => summons.snapshot(Date.now()), (seq) => summons.facts(seq));
  const changes = new CaseChanges(summons, recorder, record);
  const watch = new ClockWatch(summons.clocks, changes, loadCalendar);
  const reads = serveCaseReads(() => summons.view());
  const ended: PartOutcome[] = [];

  const startParts = async (parts: StartPartInput[]) => {
    for (const part of parts) {
      const child = await startChild(summonsPartWorkflow, { workflowId: part.caseId, args: [part] });
      // A part terminated by an operator ends as withdrawn, so the whistle can still close.
      const aborted = (): PartOutcome => ({ caseId: part.caseId, unitId: part.unit.unitId, outcome: 'withdrawn', rating: null, resummon: null, endedAt: new Date(Date.now()).toISOString() });
      void child.result().then(
        (o) => void ended.push(o),
        () => void ended.push(aborted()),
      );
    }
  };
  const perform = async (effects: SummonsEffects) => {
    for (const note of effects.notes) await record(note);
    await startParts(effects.start);
  };

  setHandler(
    summonsActionUpdate,
    (action): Promise<SummonsView> =>
      changes.act(async () => {
        await perform(summons.apply(action, Date.now()));
        return summons.view();
      }),
    { validator: (action) => summons.check(action, Date.now()) },
  );

  await openCase(changes, reads, () => record(summons.creationNote()));

  while (!summons.finished) {
    await watch.sleep(() => summons.finished || ended.length > 0);
    await changes.step(async () => {
      while (ended.length > 0) await perform(summons.partEnded(ended.shift()!, Date.now()));
    });
  }
  await changes.settled();
  return summons.outcome();
}

/** One summoned unit's part (部门报到): see workflows/summons/definitions.ts. */
export async function summonsPartWorkflow(input: StartPartInput): Promise<PartOutcome> {
  // Parts started before missed 报到 windows were closed replay with them left running.
  const part = new PartCase(input, Date.now(), { closeMissedWindows: patched('summons-close-missed-windows') });
  const { recorder, record: write } = recorderWithFacts<PartFactsRecord>(recordSummonsPartFacts);
  const record = (note: AuditNote) => write(note, () => part.snapshot(Date.now()), (seq) => part.facts(seq, Date.now()));
  const changes = new CaseChanges(part, recorder, record);
  const watch = new ClockWatch(part.clocks, changes, loadCalendar, (now) => part.snapshot(now));
  const reads = serveCaseReads(() => part.view(Date.now()));
  const perform = async (effects: PartEffects) => {
    for (const note of effects.notes) await record(note);
    if (effects.notices.length) await sendNotices(effects.notices);
  };

  setHandler(
    partActionUpdate,
    (action): Promise<PartView> =>
      changes.act(async () => {
        await perform(part.apply(action, Date.now()));
        return part.view(Date.now());
      }),
    { validator: (action) => part.check(action, Date.now()) },
  );

  await openCase(changes, reads, async () => {
    await record(part.creationNote());
    await sendNotices(part.creationNotices());
  });

  while (!part.finished) {
    await watch.sleep(() => part.finished);
    await changes.step(() => perform(part.tick(Date.now())));
  }
  await changes.settled();
  return part.outcomeRecord();
}
