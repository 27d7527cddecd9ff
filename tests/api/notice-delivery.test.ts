import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Notifier } from '../../activities/notices';
import { notices } from '../../db/schema';
import { ensureNoticeDelivery } from '../../worker/notice-delivery';
import { useTestSystem } from '../support/system';

/**
 * The SMS gateway outside the system: refuses while `down` names a unit (or always for
 * `broken` units), and records what it accepted.
 */
class FlakyGateway implements Notifier {
  readonly failuresLeft = new Map<string, number>();
  readonly broken = new Set<string>();
  readonly delivered: { unitId: string; message: string }[] = [];
  async deliver(n: { unitId: string; message: string }): Promise<void> {
    const left = this.failuresLeft.get(n.unitId) ?? 0;
    if (this.broken.has(n.unitId) || left > 0) {
      this.failuresLeft.set(n.unitId, left - 1);
      throw new Error(`短信网关不可用 / SMS gateway unavailable (${n.unitId})`);
    }
    this.delivered.push({ unitId: n.unitId, message: n.message });
  }
}

const gateway = new FlakyGateway();
const t = useTestSystem('notice-delivery', {
  activities: {
    notifier: gateway,
    deliveryPolicy: { maxAttempts: 4, backoffMs: 200, maxBackoffMs: 400, leaseMs: 3_000 },
  },
});

beforeAll(async () => {
  // The outbox sweeper, as the worker and `npm start` run it, on a short interval.
  await ensureNoticeDelivery(t.deps.temporal, t.config.temporal.taskQueue, { intervalMs: 250, batch: 20 });
  // Started twice (a second worker booting): still one sweeper.
  await ensureNoticeDelivery(t.deps.temporal, t.config.temporal.taskQueue, { intervalMs: 250, batch: 20 });
});

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
const CATERING_MATERIALS = [
  'business-licence',
  'operator-id',
  'premises-layout',
  'food-safety-rules',
  'health-certificates',
];

async function ok(username: string, path: string, body: Record<string, unknown>, status = 200) {
  const res = await api()
    .post(`/api/v1${path}`)
    .set(await auth(username))
    .send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** A catering permit at its review step (held by 市场监管局), urged by the window: one 催办 notice to lk.dept.scjg. */
async function urgedCase(): Promise<string> {
  const { caseId } = await ok(
    't01.window',
    '/approvals',
    {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      applicant: { name: '王建国' },
      materials: CATERING_MATERIALS,
    },
    201,
  );
  await ok('t01.window', `/approvals/${caseId}/actions`, { type: 'accept' });
  await ok('t01.window', `/approvals/${caseId}/actions`, { type: 'approve', opinion: '材料齐全' });
  await ok('scjg.handler', `/approvals/${caseId}/actions`, { type: 'approve', opinion: '现场符合要求' });
  await ok('t01.window', `/approvals/${caseId}/actions`, { type: 'urge', message: `请尽快审核 ${caseId}` });
  return caseId as string;
}

const noticeOf = async (caseId: string) =>
  (
    await t.tdb.db
      .select()
      .from(notices)
      .where(and(eq(notices.caseId, caseId), eq(notices.kind, 'urge')))
  )[0];

/** Poll until the case's urge notice has `status` (generous deadline: the CI machine is loaded). */
async function until(caseId: string, status: string) {
  await expect
    .poll(async () => (await noticeOf(caseId))?.deliveryStatus, { timeout: 60_000, interval: 200 })
    .toBe(status);
  return (await noticeOf(caseId))!;
}

describe('notice delivery (outbox swept by a workflow)', () => {
  it('a delivery the gateway refuses is tried again until it succeeds; attempts and the last error stay on the notice', async () => {
    gateway.failuresLeft.set('lk.dept.scjg', 2);
    const id = await urgedCase();
    const delivered = await until(id, 'delivered');
    expect(delivered).toMatchObject({
      attempts: 3,
      lastError: expect.stringContaining('SMS gateway unavailable'),
      nextAttemptAt: null,
    });
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    expect(gateway.delivered.filter((d) => d.message.includes(id))).toHaveLength(1);
  });

  it('a delivery that keeps failing is marked failed after its attempts, listed for admins, and sent again on request', async () => {
    gateway.broken.add('lk.dept.scjg');
    const id = await urgedCase();
    const pendingNow = await api()
      .get('/api/v1/notice-deliveries')
      .query({ caseId: id })
      .set(await auth('admin'));
    expect(pendingNow.status).toBe(200);
    expect(pendingNow.body.items).toHaveLength(1);
    const failed = await until(id, 'failed');
    expect(failed).toMatchObject({ attempts: 4, nextAttemptAt: null, deliveredAt: null });

    const listed = await api()
      .get('/api/v1/notice-deliveries')
      .query({ status: 'failed' })
      .set(await auth('admin'));
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: failed.id,
        caseId: id,
        unitId: 'lk.dept.scjg',
        deliveryStatus: 'failed',
        attempts: 4,
        lastError: expect.stringContaining('SMS gateway unavailable'),
      }),
    ]);
    for (const username of ['lk.supervisor', 'scjg.handler', 'lk.auditor']) {
      expect(
        (
          await api()
            .get('/api/v1/notice-deliveries')
            .set(await auth(username))
        ).status,
      ).toBe(403);
    }
    // Nothing more is tried on its own.
    const tries = gateway.delivered.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await noticeOf(id))!.attempts).toBe(4);

    // The gateway is repaired; the admin sends it again.
    gateway.broken.delete('lk.dept.scjg');
    expect((await ok('admin', `/notice-deliveries/${failed.id}/retry`, {})).deliveryStatus).toBe('pending');
    await until(id, 'delivered');
    expect(gateway.delivered.length).toBe(tries + 1);
    const again = await api()
      .post(`/api/v1/notice-deliveries/${failed.id}/retry`)
      .set(await auth('admin'))
      .send({});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('notice-not-failed');
    expect(
      (
        await api()
          .get('/api/v1/notice-deliveries')
          .query({ caseId: id })
          .set(await auth('admin'))
      ).body.items,
    ).toEqual([]);
  });
});
