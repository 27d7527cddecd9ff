import { count, eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, incidentRoutingRules, incidentTimeLimits } from '../../db/schema';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

async function configAudit(): Promise<number> {
  const [row] = await t.tdb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.streamId, 'admin:incident'));
  return row!.n;
}

describe('incident configuration', () => {
  it('is seeded with the DOMAIN defaults', async () => {
    const res = await api()
      .get('/api/v1/incident-config')
      .set(await auth('zhzx.dispatcher'));
    expect(res.status).toBe(200);
    const { categories, urgencies, timeLimits, routingRules, hotlineTypes, settings } = res.body;
    expect(categories.map((c: { name: string }) => c.name)).toEqual([
      '党的建设',
      '行政执法',
      '安全生产',
      '环境保护',
      '矛盾纠纷',
      '市容环境',
      '民生服务',
    ]);
    expect(urgencies.map((u: { name: string; mayJump: boolean }) => [u.name, u.mayJump])).toEqual([
      ['一般', false],
      ['紧急', false],
      ['特急', true],
    ]);
    expect(timeLimits).toHaveLength(7 * 3 * 4);
    const limit = (urgency: string, level: number) =>
      timeLimits.find(
        (l: { categoryCode: string; urgencyCode: string; level: number }) =>
          l.categoryCode === 'environment' && l.urgencyCode === urgency && l.level === level,
      ).limit;
    expect([1, 2, 3, 4].map((l) => limit('normal', l))).toEqual([
      { unit: 'same-workday' },
      { unit: 'workday', amount: 3 },
      { unit: 'workday', amount: 7 },
      { unit: 'workday', amount: 15 },
    ]);
    expect(limit('urgent', 3)).toEqual({ unit: 'hour', amount: 24 });
    expect(limit('critical', 4)).toEqual({ unit: 'hour', amount: 2 });
    expect(
      routingRules.filter((r: { level: number }) => r.level === 4).every((r: { mode: string }) => r.mode === 'unit'),
    ).toBe(true);
    expect(hotlineTypes.map((h: { code: string; limit: unknown }) => [h.code, h.limit])).toEqual([
      ['complex', { unit: 'day', amount: 15 }],
      ['life-safety', { unit: 'hour', amount: 2 }],
      ['ordinary', { unit: 'day', amount: 7 }],
      ['utilities', { unit: 'hour', amount: 24 }],
    ]);
    expect(settings).toMatchObject({
      commandCentreUnitId: 'lk.zhzx',
      callbackSources: ['hotline', 'photo'],
      hotlineWeights: { response: 0.3, resolution: 0.35, satisfaction: 0.35 },
      disputeWindow: { unit: 'workhour', amount: 2 },
    });
  });

  it('an admin edits a limit and a routing rule, audited', async () => {
    const before = await configAudit();
    const limit = await api()
      .put('/api/v1/incident-config/time-limits/environment/normal/2')
      .set(await auth('admin'))
      .send({ limit: { unit: 'workday', amount: 2 }, reason: '县里压缩村级时限' });
    expect(limit.status, JSON.stringify(limit.body)).toBe(200);
    expect(limit.body.limit).toEqual({ unit: 'workday', amount: 2 });
    const rule = await api()
      .put('/api/v1/incident-config/routing-rules/law-enforcement/3')
      .set(await auth('admin'))
      .send({ mode: 'agency', target: 'scjgs' });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    expect(rule.body).toMatchObject({ mode: 'agency', target: 'scjgs' });
    expect(await configAudit()).toBe(before + 2);
    const [entry] = (await t.tdb.db.select().from(auditLog).where(eq(auditLog.streamId, 'admin:incident'))).slice(-2);
    expect(entry).toMatchObject({
      action: 'incident.time-limit.put',
      reason: '县里压缩村级时限',
      before: expect.objectContaining({ limit: { unit: 'workday', amount: 3 } }),
    });
  });

  it('a new category gets default limits and routing', async () => {
    const res = await api()
      .put('/api/v1/incident-config/categories/poverty-relief')
      .set(await auth('admin'))
      .send({ name: '脱贫攻坚', l4UnitId: 'lk.dept.nync' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const limits = await t.tdb.db
      .select()
      .from(incidentTimeLimits)
      .where(eq(incidentTimeLimits.categoryCode, 'poverty-relief'));
    const rules = await t.tdb.db
      .select()
      .from(incidentRoutingRules)
      .where(eq(incidentRoutingRules.categoryCode, 'poverty-relief'));
    expect(limits).toHaveLength(12);
    expect(rules.find((r) => r.level === 4)).toMatchObject({ mode: 'unit', target: 'lk.dept.nync' });
  });

  it('refuses bad edits and non-admins, changing nothing', async () => {
    const before = await configAudit();
    const rows = await t.tdb.db.select().from(incidentRoutingRules);
    const admin = await auth('admin');
    expect(
      (
        await api()
          .put('/api/v1/incident-config/routing-rules/environment/4')
          .set(admin)
          .send({ mode: 'unit', target: 'lk.t01' })
      ).status,
    ).toBe(422);
    expect(
      (await api().put('/api/v1/incident-config/routing-rules/environment/4').set(admin).send({ mode: 'ancestor' }))
        .status,
    ).toBe(422);
    expect(
      (
        await api()
          .put('/api/v1/incident-config/time-limits/environment/normal/5')
          .set(admin)
          .send({ limit: { unit: 'hour', amount: 2 } })
      ).status,
    ).toBe(400);
    // A limit too large to be a real deadline date, or none at all, is refused at the boundary.
    for (const amount of [2_000_000, 0]) {
      const res = await api()
        .put('/api/v1/incident-config/time-limits/environment/normal/2')
        .set(admin)
        .send({ limit: { unit: 'workday', amount } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.issues[0].path).toBe('body.limit.amount');
    }
    expect(
      (
        await api()
          .put('/api/v1/incident-config/time-limits/nothing/normal/2')
          .set(admin)
          .send({ limit: { unit: 'hour', amount: 2 } })
      ).status,
    ).toBe(404);
    expect(
      (await api().put('/api/v1/incident-config/categories/new-one').set(admin).send({ name: '无部门' })).status,
    ).toBe(422);
    expect(
      (
        await api()
          .put('/api/v1/incident-config/time-limits/environment/normal/2')
          .set(await auth('zhzx.dispatcher'))
          .send({ limit: { unit: 'hour', amount: 2 } })
      ).status,
    ).toBe(403);
    // Reading is for everyone who reports: a grid worker gets the categories and urgencies.
    const read = await api()
      .get('/api/v1/incident-config')
      .set(await auth('t01.v01.g01.grid'));
    expect(read.status).toBe(200);
    expect(read.body.categories.length).toBeGreaterThan(0);
    expect(read.body.urgencies.length).toBeGreaterThan(0);
    expect(await configAudit()).toBe(before);
    expect(await t.tdb.db.select().from(incidentRoutingRules)).toEqual(rows);
  });
});
