import { patched, setHandler } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import { CaseChanges } from '../shared/case-changes';
import { ClockWatch, openCase, serveCaseReads } from '../shared/case-workflow';
import { CaseRecorder } from '../shared/recorder';
import { taskActionUpdate, type StartTaskInput, type TaskView } from './definitions';
import { TaskCase } from './task-case';

const { loadCalendar, sendNotices } = caseActivities;
const { recordTransition } = projectionActivities;

/** A rectification task (整改任务): see workflows/task/definitions.ts. */
export async function taskWorkflow(input: StartTaskInput): Promise<TaskView> {
  const task = new TaskCase(input, Date.now());
  const recorder = new CaseRecorder(recordTransition);
  const changes = new CaseChanges(task, recorder, (note) => recorder.record(task.snapshot(Date.now()), note));
  const watch = new ClockWatch(task.clocks, changes, loadCalendar, (now) => task.snapshot(now));
  const reads = serveCaseReads(() => task.view(Date.now()));

  setHandler(
    taskActionUpdate,
    (action) =>
      changes.act(async () => {
        const note = task.apply(action, Date.now());
        await recorder.record(task.snapshot(Date.now()), note);
        // Histories from before urges sent notices have no such activity after an urge.
        if (action.action.type === 'urge' && patched('task-urge-notice')) await sendNotices(task.urgeNotices(action.action.message, note.at));
        return task.view(Date.now());
      }),
    { validator: (action) => task.check(action, Date.now()) },
  );

  await openCase(changes, reads, () => recorder.record(task.snapshot(Date.now()), task.creationNote()));

  while (!task.closed) {
    await watch.sleep(() => task.closed);
    await changes.step(async () => {
      const tick = task.tick(Date.now());
      if (!tick) return;
      await recorder.record(task.snapshot(Date.now()), tick.note);
      const overdue = task.overdueNotices(tick.changes);
      if (overdue.length) await sendNotices(overdue);
    });
  }
  await changes.settled();
  return task.view(Date.now());
}
