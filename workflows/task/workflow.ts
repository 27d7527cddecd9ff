import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CaseRecorder } from '../shared/recorder';
import { calendarChangedSignal, caseOpenedUpdate, caseStateQuery, taskActionUpdate, type StartTaskInput, type TaskView } from './definitions';
import { TaskCase } from './task-case';

const { recordTransition, loadCalendar, sendNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // PostgreSQL may be away for a while: keep retrying, never give up on a projection.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** A rectification task (整改任务): see workflows/task/definitions.ts. */
export async function taskWorkflow(input: StartTaskInput): Promise<TaskView> {
  const task = new TaskCase(input, Date.now());
  const recorder = new CaseRecorder(recordTransition);
  let calendarChanged = false;
  let opened = false;

  setHandler(caseStateQuery, () => task.view(Date.now()));
  setHandler(calendarChangedSignal, () => void (calendarChanged = true));
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => opened);
    return task.view(Date.now());
  });
  setHandler(
    taskActionUpdate,
    async (action) => {
      const note = task.apply(action, Date.now());
      await recorder.record(task.snapshot(Date.now()), note);
      return task.view(Date.now());
    },
    { validator: (action) => task.check(action, Date.now()) },
  );

  await recorder.record(task.snapshot(Date.now()), task.creationNote());
  opened = true;

  while (!task.closed) {
    const seq = recorder.seq;
    const wake = task.clocks.nextWakeupMs(Date.now());
    await condition(() => task.closed || calendarChanged || recorder.seq !== seq, wake === null ? undefined : Math.max(1, wake - Date.now()));
    if (calendarChanged) {
      calendarChanged = false;
      const data = await loadCalendar({ region: input.calendar.region });
      const note = task.recomputeCalendar(data, Date.now());
      if (note) await recorder.record(task.snapshot(Date.now()), note);
    }
    const tick = task.tick(Date.now());
    if (!tick) continue;
    await recorder.record(task.snapshot(Date.now()), tick.note);
    const overdue = task.overdueNotices(tick.changes);
    if (overdue.length) await sendNotices(overdue);
  }
  await condition(allHandlersFinished);
  return task.view(Date.now());
}
