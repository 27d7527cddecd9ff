import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system';

/*
 * The worker's workflow sandbox captures no stack frames (workflows/shared/sandbox-setup.ts): the
 * SDK's promise hook builds an Error stack for every promise a workflow creates, which cost about a
 * quarter of the workflow thread's CPU per action; and the hook records no promise. A refused action
 * still carries its bilingual message and code; the stack-trace query still answers, without frames.
 */
const t = useTestSystem('sandbox-stack');
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
const newTask = {
  title: '整改：背街小巷占道经营回潮',
  description: '两周内清理完毕并建立长效机制',
  unitId: 'lk.t01.v01',
  budget: { unit: 'workday', amount: 5 },
};

describe('workflow sandbox stack traces', () => {
  it('keeps no frames or promises in the stack-trace queries, and refusals keep their message and code', async () => {
    const res = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth('t01.supervisor'))
      .send(newTask);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.caseId as string;

    const stacks = await t.deps.temporal.workflow.getHandle(id).query<string>('__stack_trace');
    expect(typeof stacks).toBe('string');
    expect(stacks).not.toMatch(/^\s+at /m);
    const enhanced = await t.deps.temporal.workflow
      .getHandle(id)
      .query<{ stacks: unknown[] }>('__enhanced_stack_trace');
    // The promise hook recorded no promise at all (before the shortcut: one entry without frames).
    expect(enhanced.stacks).toEqual([]);

    const refused = await request(t.app)
      .post(`/api/v1/tasks/${id}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'resume' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('wrong-state');
    expect(refused.body.detail).toMatch(/不能执行此操作/);
  });
});
