// The floor Temporal sets: a workflow with no-op handlers and no activities. The bench starts it the
// way the API starts a case (update-with-start) and sends it the same number of updates.
import { allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** Answers the start, like `caseOpened`. */
export const bareOpenedUpdate = defineUpdate<null, []>('bareOpened');
/** One no-op action; `last` ends the workflow, like a case's final step. */
export const bareActionUpdate = defineUpdate<null, [{ last: boolean }]>('bareAction');

export async function bareWorkflow(): Promise<void> {
  let done = false;
  setHandler(bareOpenedUpdate, () => null);
  setHandler(
    bareActionUpdate,
    ({ last }) => {
      if (last) done = true;
      return null;
    },
    // Our case updates all have a validator; so does the floor.
    { validator: (_action: { last: boolean }) => {} },
  );
  await condition(() => done);
  await condition(allHandlersFinished);
}
export * from './shaped';
