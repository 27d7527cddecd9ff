import { since } from '../shared/generation';
import { caseActivities } from '../shared/activities';
import { CaseRunner } from '../shared/case-runner';
import { taskActionUpdate, type StartTaskInput, type TaskView } from './definitions';
import { TaskCase } from './task-case';

const { sendNotices } = caseActivities;

/** A rectification task (整改任务): see workflows/task/definitions.ts. */
export async function taskWorkflow(input: StartTaskInput): Promise<TaskView> {
  const task = new TaskCase(input, Date.now());
  const runner = new CaseRunner(task, {
    update: taskActionUpdate,
    extra: async ({ urge }) => {
      // Histories from before urges sent notices have no such activity after an urge.
      if (urge && since('task-urge-notice')) await sendNotices(task.urgeNotices(urge.message, urge.at));
    },
  });
  await runner.open();
  await runner.run();
  return task.view(Date.now());
}
