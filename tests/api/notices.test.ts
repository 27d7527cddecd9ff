import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { notices } from '../../db/schema';
import { useTestSystem } from '../support/system';

// 督办 produces notices people find in the console's notice centre (issue 15 items 3 and 7).

const t = useTestSystem('notices');

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
type Body = Record<string, unknown>;

async function newTask(budget: { unit: string; amount: number }, title = '整改：河道垃圾清理'): Promise<string> {
  const res = await api()
    .post('/api/v1/tasks')
    .set(await auth('t01.supervisor'))
    .send({ title, description: '一周内清理完毕', unitId: 'lk.t01.v01', budget });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseId as string;
}

const urge = async (username: string, id: string, message: string) =>
  api()
    .post(`/api/v1/tasks/${id}/actions`)
    .set(await auth(username))
    .send({ type: 'urge', message } satisfies Body);

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const v = await read();
    if (done(v) || i >= 300) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const urgesOf = (id: string) =>
  t.tdb.db
    .select()
    .from(notices)
    .where(and(eq(notices.caseId, id), eq(notices.kind, 'urge')));

async function unread(username: string): Promise<number> {
  const res = await api()
    .get('/api/v1/notices/unread-count')
    .set(await auth(username));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.unread as number;
}

describe('manual 督办 on a task', () => {
  it('sends a notice to the responsible unit and its leader, which the unit reads and marks read', async () => {
    const before = await unread('t01.v01.handler');
    const id = await newTask({ unit: 'workday', amount: 5 });
    const res = await urge('t01.supervisor', id, '请本周内办结');
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const [sent] = await eventually(
      () => urgesOf(id),
      (rows) => rows.length > 0,
    );
    expect(sent).toMatchObject({ unitId: 'lk.t01.v01', recipientUserId: 'u.lk.t01.v01.leader', key: 'urge:1' });
    expect(sent?.message).toContain('请本周内办结');

    // The unit's notice centre: listed (filterable by kind, with the case's title), counted, then read.
    const mine = await api()
      .get('/api/v1/notices')
      .query({ mine: 'true', kind: 'urge', caseId: id })
      .set(await auth('t01.v01.handler'));
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        id: sent!.id,
        kind: 'urge',
        caseTitle: '整改：河道垃圾清理',
        process: 'task',
        unitName: expect.any(String),
        readAt: null,
      }),
    ]);
    const infoOnly = await api()
      .get('/api/v1/notices')
      .query({ mine: 'true', kind: 'info', caseId: id })
      .set(await auth('t01.v01.handler'));
    expect(infoOnly.body.items).toEqual([]);
    expect(await unread('t01.v01.handler')).toBe(before + 1);
    expect(await unread('t01.v01.leader')).toBe(before + 1);

    // Someone else's notice cannot be marked read; the unit's own can, once.
    const other = await api()
      .post(`/api/v1/notices/${sent!.id}/read`)
      .set(await auth('t02.v01.handler'));
    expect(other.status).toBe(404);
    const read = await api()
      .post(`/api/v1/notices/${sent!.id}/read`)
      .set(await auth('t01.v01.handler'));
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect(await unread('t01.v01.handler')).toBe(before);
  });
});

describe('a county supervisor 督办 an overdue case in its subtree', () => {
  it('may urge a township’s task once it is overdue, and the board offers the button', async () => {
    // Three seconds: the task is overdue almost at once.
    const id = await newTask({ unit: 'minute', amount: 0.05 }, '整改：占道经营回潮');
    const early = await urge('lk.supervisor', id, '县里督办');
    expect(early.status, JSON.stringify(early.body)).toBe(403);

    await eventually(
      async () =>
        (
          await api()
            .get(`/api/v1/cases/${id}`)
            .set(await auth('lk.supervisor'))
        ).body as { overdue?: boolean },
      (c) => c.overdue === true,
    );
    const board = await api()
      .get('/api/v1/board')
      .query({ unitId: 'lk.t01' })
      .set(await auth('lk.supervisor'));
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    expect(board.body.overdue.find((c: { id: string }) => c.id === id)?.actions).toContain('urge');

    // Another township's supervisor does not oversee it.
    expect((await urge('t02.supervisor', id, '越权')).status).toBe(404);

    const res = await urge('lk.supervisor', id, '县里督办：请今日办结');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [sent] = await eventually(
      () => urgesOf(id),
      (rows) => rows.length > 0,
    );
    expect(sent).toMatchObject({ unitId: 'lk.t01.v01', recipientUserId: 'u.lk.t01.v01.leader' });
    expect(sent?.message).toContain('县里督办：请今日办结');
  });
});
