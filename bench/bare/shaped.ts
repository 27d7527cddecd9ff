// The bare workflow with, one by one, the things a case does besides its own logic, so the bench can
// say what each costs the Temporal server (bench/temporal-shapes.ts): `timer` restarts an SLA-like
// timer after every update, `result` answers each update with a case-sized view and starts with a
// case-sized input, `patches` calls patched() four times at the start (each upserts
// TemporalChangeVersion), `local` runs a no-op local activity per update (a projection's marker).
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  patched,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';

export type Shape = 'timer' | 'result' | 'patches' | 'local';
export const SHAPES: readonly Shape[] = ['timer', 'result', 'patches', 'local'];

export interface ShapedInput {
  shapes: Shape[];
  /** Padding carried in the start input (`result`). */
  padding?: string;
}

export const shapedOpenedUpdate = defineUpdate<unknown, []>('shapedOpened');
export const shapedActionUpdate = defineUpdate<unknown, [{ last: boolean }]>('shapedAction');

const { noop } = proxyLocalActivities<{ noop(seq: number): Promise<number> }>({
  startToCloseTimeout: '10 seconds',
});

/** A view the size of a case's answer (about 5 KB of JSON) that grows with each update, like a history. */
const view = (seq: number) => ({
  seq,
  steps: Array.from({ length: 4 }, (_, i) => ({ key: `step-${i}`, name: '环节名称', state: 'pending', signers: [] })),
  history: Array.from({ length: seq + 1 }, (_, i) => ({
    at: new Date(0).toISOString(),
    actorId: `u.${i}`,
    action: 'approve',
    opinion: '同意，材料齐全，现场符合要求'.repeat(4),
  })),
  clocks: [
    { key: 'case', label: '承诺时限', ledger: Array.from({ length: 4 }, () => ({ kind: 'start', reason: '收件' })) },
  ],
  padding: 'x'.repeat(2500),
});

export async function shapedWorkflow(input: ShapedInput): Promise<void> {
  const has = new Set(input.shapes);
  if (has.has('patches')) for (const id of ['p-one', 'p-two', 'p-three', 'p-four']) patched(id);
  let done = false;
  let seq = 0;
  setHandler(shapedOpenedUpdate, () => (has.has('result') ? view(0) : null));
  setHandler(
    shapedActionUpdate,
    async ({ last }) => {
      seq += 1;
      if (has.has('local')) await noop(seq);
      if (last) done = true;
      return has.has('result') ? view(seq) : null;
    },
    { validator: (_action: { last: boolean }) => {} },
  );
  while (!done) {
    const at = seq;
    // A deadline a day away, restarted after every update as the SLA loop does.
    if (has.has('timer')) await condition(() => done || seq !== at, 86_400_000 + seq);
    else await condition(() => done);
  }
  await condition(allHandlersFinished);
}
