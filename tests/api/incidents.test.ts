import { and, count, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system';
import { auditLog, caseNumberCounters, cases, incidentFacts, notices } from '../../db/schema';

const t = useTestSystem('incidents', { nextYearCalendar: true });
const startedAt = new Date(Date.now() - 60_000).toISOString();

type Body = Record<string, unknown>;
const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

const GRID = 'lk.t01.v01.g01';
const GRID_WORKER = 't01.v01.g01.grid';
const VILLAGE = 't01.v01.handler';
const DISPATCHER = 't01.dispatcher';

async function reportAs(username: string, body: Body = {}): Promise<request.Response> {
  return api()
    .post('/api/v1/incidents')
    .set(await auth(username))
    .send({
      source: 'patrol',
      categoryCode: 'city-appearance',
      gridId: GRID,
      title: '占道经营',
      description: '主街早市摊点占道',
      location: { address: '城关镇胡寨村主街' },
      attachments: ['photo:1'],
      ...body,
    });
}

/** Report and return the view, failing loudly on anything but 201. */
async function open(username: string, body: Body = {}) {
  const res = await reportAs(username, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { caseId: string; status: string; level: number; assignee: { unitId: string } };
}

/** An event the township dispatcher sends to the grid (L1, 小事不出格): the grid worker signs for it and handles it. */
const atGrid = (body: Body = {}) => open(DISPATCHER, { level: 1, ...body });

async function act(username: string, id: string, action: Body): Promise<request.Response> {
  return api()
    .post(`/api/v1/incidents/${id}/actions`)
    .set(await auth(username))
    .send(action);
}

async function ok(username: string, id: string, action: Body) {
  const res = await act(username, id, action);
  expect(res.status, `${username} ${String(action.type)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Everything a refused request must leave as it was. */
async function counts() {
  const db = t.tdb.db;
  const [[c], [a], [f], [n]] = await Promise.all([
    db.select({ n: count() }).from(cases),
    db.select({ n: count() }).from(auditLog),
    db.select({ n: count() }).from(incidentFacts),
    db.select({ n: count() }).from(caseNumberCounters),
  ]);
  return { cases: c!.n, audit: a!.n, facts: f!.n, counters: n!.n };
}

async function stateOf(id: string) {
  const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
  const [audit] = await t.tdb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.streamId, id));
  return { row, audit: audit!.n };
}

async function refused(username: string, id: string, action: Body, status: number, code?: string) {
  const before = await stateOf(id);
  const res = await act(username, id, action);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  if (code) expect(res.body.code).toBe(code);
  expect(await stateOf(id)).toEqual(before);
  return res.body;
}

async function inboxActions(username: string, id: string): Promise<string[] | null> {
  const res = await api()
    .get('/api/v1/inbox?pageSize=200')
    .set(await auth(username));
  expect(res.status).toBe(200);
  return (res.body.items as { id: string; actions: string[] }[]).find((i) => i.id === id)?.actions ?? null;
}

async function facts(id: string) {
  const [row] = await t.tdb.db.select().from(incidentFacts).where(eq(incidentFacts.caseId, id));
  return row!;
}

/** Sign, resolve with evidence, and verify (by `verifier`) an event held by `handler`. */
async function signResolveVerify(handler: string, id: string, verifier: string) {
  await ok(handler, id, { type: 'sign' });
  await ok(handler, id, {
    type: 'resolve',
    result: '已处置',
    evidence: ['photo:after'],
    noPhotoReason: '照片已线下存档',
  });
  return ok(verifier, id, { type: 'verify', passed: true, note: '现场核查属实' });
}

describe('four levels through the API', () => {
  it('resolved at L1: dispatched to the grid, the grid worker signs and resolves, the village verifies on site (E1)', async () => {
    const e = await atGrid();
    expect(e.caseId).toMatch(/^SJ-\d{4}-\d{6}$/);
    expect(e).toMatchObject({ status: 'dispatched', level: 1, assignee: { unitId: GRID } });
    expect(await inboxActions(GRID_WORKER, e.caseId)).toEqual(['sign', 'dispute', 'escalate']);
    // A unit acts only on events assigned to it: another village cannot even see it.
    expect((await act('t01.v02.handler', e.caseId, { type: 'sign' })).status).toBe(404);
    await ok(GRID_WORKER, e.caseId, { type: 'sign' });
    const resolved = await ok(GRID_WORKER, e.caseId, {
      type: 'resolve',
      result: '已劝离摊点',
      evidence: ['photo:after'],
      noPhotoReason: '照片已线下存档',
    });
    expect(resolved).toMatchObject({ status: 'verifying', finalLevel: 1 });
    expect(await inboxActions(VILLAGE, e.caseId)).toEqual(['verify']);
    await refused(
      GRID_WORKER,
      e.caseId,
      { type: 'verify', passed: true, note: '自己核查自己' },
      403,
      'not-your-action',
    );
    const closed = await ok(VILLAGE, e.caseId, { type: 'verify', passed: true, note: '现场已恢复' });
    expect(closed).toMatchObject({ status: 'closed', finalLevel: 1, lateUnits: [] });
    const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, e.caseId));
    expect(row).toMatchObject({ process: 'incident', status: 'closed', level: 1 });
    expect(row!.closedAt).not.toBeNull();
    expect(await facts(e.caseId)).toMatchObject({ finalLevel: 1, onTime: true, escalations: 0, status: 'closed' });
    // The village that verified keeps sight of the closed event; another village still does not see it.
    expect(
      (
        await api()
          .get(`/api/v1/cases/${e.caseId}`)
          .set(await auth(VILLAGE))
      ).status,
    ).toBe(200);
    expect(
      (
        await api()
          .get(`/api/v1/cases/${e.caseId}`)
          .set(await auth('t01.v02.handler'))
      ).status,
    ).toBe(404);
  });

  it('resolved at L2 after a manual escalation (上报) with a reason (E2)', async () => {
    const e = await atGrid({ categoryCode: 'dispute', title: '邻里宅基地纠纷' });
    await ok(GRID_WORKER, e.caseId, { type: 'sign' });
    const up = await ok(GRID_WORKER, e.caseId, { type: 'escalate', reason: '涉及宅基地边界，网格无法调解' });
    expect(up).toMatchObject({ status: 'dispatched', level: 2, assignee: { unitId: 'lk.t01.v01', role: 'handler' } });
    expect(up.escalations).toEqual([
      expect.objectContaining({ from: 1, to: 2, automatic: false, reason: '涉及宅基地边界，网格无法调解' }),
    ]);
    // The grid no longer holds it: signing for it is not theirs.
    await refused(GRID_WORKER, e.caseId, { type: 'sign' }, 403, 'not-your-action');
    const closed = await signResolveVerify(VILLAGE, e.caseId, GRID_WORKER);
    expect(closed).toMatchObject({ status: 'closed', finalLevel: 2 });
    expect(closed.clocks.map((c: { key: string; state: string }) => [c.key, c.state])).toEqual([
      ['level-1', 'stopped'],
      ['level-2', 'stopped'],
    ]);
  });

  it('resolved at L3, one level at a time (E3)', async () => {
    const e = await atGrid({ categoryCode: 'environment', title: '秸秆焚烧' });
    await ok(GRID_WORKER, e.caseId, { type: 'escalate', reason: '超出网格能力' });
    await ok(VILLAGE, e.caseId, { type: 'sign' });
    // 一般 events may not skip a level.
    await refused(VILLAGE, e.caseId, { type: 'escalate', reason: '直接报县', toLevel: 4 }, 422, 'escalation-one-level');
    const up = await ok(VILLAGE, e.caseId, { type: 'escalate', reason: '需乡镇执法' });
    expect(up).toMatchObject({ level: 3, assignee: { unitId: 'lk.t01', role: 'handler' } });
    expect(await signResolveVerify('t01.handler', e.caseId, GRID_WORKER)).toMatchObject({
      status: 'closed',
      finalLevel: 3,
    });
  });

  it('resolved at L4 by the routed county department; escalating past L4 is refused and changes nothing (E4)', async () => {
    const e = await atGrid({ categoryCode: 'work-safety', title: '加油站安全隐患' });
    await ok(GRID_WORKER, e.caseId, { type: 'escalate', reason: '需村里协调' });
    await ok(VILLAGE, e.caseId, { type: 'escalate', reason: '需乡镇处理' });
    const l4 = await ok('t01.handler', e.caseId, { type: 'escalate', reason: '需县应急管理局执法' });
    expect(l4).toMatchObject({ level: 4, assignee: { unitId: 'lk.dept.yjgl', role: 'handler' } });
    await ok('yjgl.handler', e.caseId, { type: 'sign' });
    const before = await counts();
    await refused('yjgl.handler', e.caseId, { type: 'escalate', reason: '再往上报' }, 422, 'escalation-past-top');
    expect(await counts()).toEqual(before);
    // A level beyond 4 is not even a valid request.
    expect((await act('yjgl.handler', e.caseId, { type: 'escalate', reason: 'x', toLevel: 5 })).status).toBe(400);
    await ok('yjgl.handler', e.caseId, {
      type: 'resolve',
      result: '已责令停业整改',
      evidence: ['doc:order'],
      noPhotoReason: '照片已线下存档',
    });
    expect(await ok(GRID_WORKER, e.caseId, { type: 'verify', passed: true, note: '已整改' })).toMatchObject({
      status: 'closed',
      finalLevel: 4,
    });
  });

  it('特急 may jump straight to L4 (E5)', async () => {
    const e = await atGrid({ urgencyCode: 'critical', title: '广告牌松动将坠落' });
    const jumped = await ok(GRID_WORKER, e.caseId, {
      type: 'escalate',
      reason: '危及行人，需县城管立即处置',
      toLevel: 4,
    });
    expect(jumped).toMatchObject({ level: 4, assignee: { unitId: 'lk.dept.cgzf' } });
    expect(jumped.clocks.find((c: { key: string }) => c.key === 'level-4').budget).toEqual({ unit: 'hour', amount: 2 });
    expect(await signResolveVerify('cgzf.handler', e.caseId, GRID_WORKER)).toMatchObject({
      status: 'closed',
      finalLevel: 4,
    });
  });
});

describe('dispatch, dispute, reopen and callbacks', () => {
  it('a dispatched unit disputes (派单异议) and the township dispatcher re-dispatches to its agency (E6)', async () => {
    const e = await open('t01.dispatcher', {
      source: 'iot',
      categoryCode: 'law-enforcement',
      gridId: 'lk.t01.v02.g01',
      level: 3,
      title: '无证经营食品小作坊',
    });
    expect(e).toMatchObject({ level: 3, assignee: { unitId: 'lk.t01' } });
    const disputed = await ok('t01.handler', e.caseId, { type: 'dispute', reason: '属市场监管职责' });
    expect(disputed).toMatchObject({
      status: 'disputed',
      disputes: [expect.objectContaining({ unitId: 'lk.t01', reason: '属市场监管职责' })],
    });
    await refused('t01.handler', e.caseId, { type: 'sign' }, 409, 'wrong-state');
    await refused('t01.dispatcher', e.caseId, { type: 'dispatch', unitId: 'lk.t01' }, 422, 'dispatch-same-unit');
    // A dispatcher dispatches only inside its area.
    expect((await act('t01.dispatcher', e.caseId, { type: 'dispatch', unitId: 'lk.t02.scjgs' })).status).toBe(403);
    const redispatched = await ok('t01.dispatcher', e.caseId, {
      type: 'dispatch',
      unitId: 'lk.t01.scjgs',
      note: '改派市场监管所',
    });
    expect(redispatched).toMatchObject({
      status: 'dispatched',
      level: 3,
      assignee: { unitId: 'lk.t01.scjgs', role: 'handler' },
    });
    expect(await signResolveVerify('t01.scjgs.handler', e.caseId, 't01.v02.g01.grid')).toMatchObject({
      status: 'closed',
      finalLevel: 3,
    });
  });

  it('failed verification reopens (重办) the event at the level that resolved it (E7)', async () => {
    const e = await atGrid({ categoryCode: 'livelihood', title: '路灯不亮' });
    await ok(GRID_WORKER, e.caseId, { type: 'sign' });
    await ok(GRID_WORKER, e.caseId, {
      type: 'resolve',
      result: '已报修',
      evidence: ['photo:1'],
      noPhotoReason: '照片已线下存档',
    });
    const reopened = await ok(VILLAGE, e.caseId, { type: 'verify', passed: false, note: '路灯仍不亮' });
    expect(reopened).toMatchObject({
      status: 'handling',
      level: 1,
      reopens: 1,
      finalLevel: null,
      assignee: { unitId: GRID },
    });
    expect(reopened.clocks.map((c: { key: string; state: string }) => [c.key, c.state])).toEqual([
      ['level-1', 'stopped'],
      ['level-1-r1', 'running'],
    ]);
    await ok(GRID_WORKER, e.caseId, {
      type: 'resolve',
      result: '已更换灯泡',
      evidence: ['photo:2'],
      noPhotoReason: '照片已线下存档',
    });
    expect(await ok(VILLAGE, e.caseId, { type: 'verify', passed: true, note: '已亮' })).toMatchObject({
      status: 'closed',
      reopens: 1,
      finalLevel: 1,
    });
  });

  it('an unsatisfied callback (回访) reopens a resident photo report; a satisfied one closes it (E8)', async () => {
    const e = await atGrid({ source: 'photo', title: '垃圾堆放（随手拍）' });
    await ok(GRID_WORKER, e.caseId, { type: 'sign' });
    await ok(GRID_WORKER, e.caseId, {
      type: 'resolve',
      result: '已清运',
      evidence: ['photo:1'],
      noPhotoReason: '照片已线下存档',
    });
    const verified = await ok(VILLAGE, e.caseId, { type: 'verify', passed: true, note: '已清理' });
    expect(verified).toMatchObject({ status: 'awaiting-callback' });
    expect(await inboxActions('t01.dispatcher', e.caseId)).toEqual(['callback']);
    const reopened = await ok('t01.dispatcher', e.caseId, {
      type: 'callback',
      satisfaction: 'unsatisfied',
      resolved: false,
      note: '又堆起来了',
    });
    expect(reopened).toMatchObject({ status: 'handling', reopens: 1, closedAt: null });
    await ok(GRID_WORKER, e.caseId, {
      type: 'resolve',
      result: '清运并设置围挡',
      evidence: ['photo:2'],
      noPhotoReason: '照片已线下存档',
    });
    await ok(VILLAGE, e.caseId, { type: 'verify', passed: true, note: '已清理' });
    const done = await ok('t01.dispatcher', e.caseId, { type: 'callback', satisfaction: 'satisfied', resolved: true });
    expect(done).toMatchObject({ status: 'closed', reopens: 1 });
    expect(done.callbacks.map((c: { satisfaction: string }) => c.satisfaction)).toEqual(['unsatisfied', 'satisfied']);
    expect(await facts(e.caseId)).toMatchObject({ satisfaction: 'satisfied', reopens: 1, finalLevel: 1 });
  });

  it('a 12345 order: the first receiver may only formally dispute; signed, resolved, called back (E9)', async () => {
    const e = await open('zhzx.dispatcher', {
      source: 'hotline',
      categoryCode: 'livelihood',
      gridId: 'lk.t01.v01.g02',
      level: 3,
      title: '小区停水',
      hotline: { orderType: 'ordinary', orderNo: '12345-0001', requester: { name: '张女士', phone: '13900000000' } },
    });
    expect(e).toMatchObject({
      level: 3,
      assignee: { unitId: 'lk.t01' },
      hotline: expect.objectContaining({ orderType: 'ordinary', limit: { unit: 'day', amount: 7 } }),
    });
    await refused(
      't01.handler',
      e.caseId,
      { type: 'dispute', reason: '不归我们管' },
      422,
      'hotline-dispute-needs-basis',
    );
    const signed = await ok('t01.handler', e.caseId, { type: 'sign' });
    expect(signed.firstReceiverUnitId).toBe('lk.t01');
    const extended = await ok('zhzx.dispatcher', e.caseId, { type: 'extend', amount: 2, reason: '需协调供水公司' });
    expect(extended.clocks.find((c: { key: string }) => c.key === 'order').budget).toEqual({ unit: 'day', amount: 9 });
    await ok('t01.handler', e.caseId, {
      type: 'resolve',
      result: '已协调恢复供水',
      evidence: ['doc:1'],
      noPhotoReason: '照片已线下存档',
    });
    await ok('t01.v01.g02.grid', e.caseId, { type: 'verify', passed: true, note: '已恢复' });
    const done = await ok('zhzx.dispatcher', e.caseId, { type: 'callback', satisfaction: 'satisfied', resolved: true });
    expect(done).toMatchObject({ status: 'closed', finalLevel: 3 });
    expect(await facts(e.caseId)).toMatchObject({
      hotlineType: 'ordinary',
      hotlineResponded: true,
      hotlineResolved: true,
      satisfaction: 'satisfied',
    });
  });

  it('an event left open counts as unresolved (E10)', async () => {
    const e = await open(GRID_WORKER, { title: '井盖缺失' });
    expect(await facts(e.caseId)).toMatchObject({ status: 'dispatched', startLevel: 2, finalLevel: null });
  });
});

describe('bad input changes nothing', () => {
  it('unknown category → 422', async () => {
    const before = await counts();
    const res = await reportAs(GRID_WORKER, { categoryCode: 'no-such-category' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('incident-category-unknown');
    expect(await counts()).toEqual(before);
  });

  it('a grid worker reporting outside its grid → 403', async () => {
    const before = await counts();
    const res = await reportAs(GRID_WORKER, { gridId: 'lk.t01.v02.g01' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('grid-forbidden');
    expect(await counts()).toEqual(before);
  });

  it('a grid worker cannot enter a 12345 order; a handler cannot report at all', async () => {
    const before = await counts();
    const hotline = { source: 'hotline', hotline: { orderType: 'ordinary', requester: { name: '王先生' } } };
    expect((await reportAs(GRID_WORKER, hotline)).status).toBe(422);
    expect((await reportAs('t01.handler', {})).status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe('statistics', () => {
  it('match the events created above (hand-computed)', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const get = async (unitId: string, username = 'lk.supervisor') => {
      const res = await api()
        .get('/api/v1/incidents/stats')
        .query({ unitId, from: startedAt, to })
        .set(await auth(username));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const township = await get('lk.t01', 't01.supervisor');
    // E1 E7 E8 at L1; E2 at L2; E3 E6 E9 at L3; E4 E5 at L4; E10 open.
    expect(township).toMatchObject({
      total: 10,
      byFinalLevel: { level1: 3, level2: 1, level3: 3, level4: 2, unresolved: 1 },
      disposed: 9,
      disposalRate: 0.9,
      onTimeRate: 1,
      escalationRate: 0.4, // E2 E3 E4 E5
      satisfactionRate: 1, // E8 (finally satisfied), E9
      redCards: 0,
      hotline: { orders: 1, responseRate: 1, resolutionRate: 1, satisfactionRate: 1, score: 100 },
    });
    expect(township.byCategory).toEqual([
      { code: 'law-enforcement', name: '行政执法', count: 1 },
      { code: 'work-safety', name: '安全生产', count: 1 },
      { code: 'environment', name: '环境保护', count: 1 },
      { code: 'dispute', name: '矛盾纠纷', count: 1 },
      { code: 'city-appearance', name: '市容环境', count: 4 },
      { code: 'livelihood', name: '民生服务', count: 2 },
    ]);
    // A village sees its territory; a department the events it held.
    expect(await get('lk.t01.v02')).toMatchObject({ total: 1, byFinalLevel: { level3: 1 } });
    expect(await get('lk.dept.cgzf')).toMatchObject({ total: 1, byFinalLevel: { level4: 1 }, escalationRate: 1 });
    // Outside one's scope: refused.
    const res = await api()
      .get('/api/v1/incidents/stats')
      .query({ unitId: 'lk.t02', from: startedAt, to })
      .set(await auth('t01.supervisor'));
    expect(res.status).toBe(403);
  });
});

// After the statistics above, so this event does not change their hand-computed counts.
describe('a grid worker’s own report (DOMAIN §5: grid → village)', () => {
  it('goes to the village to sign for (待签收 there), not back to the grid worker who filed it; the grid worker verifies the result', async () => {
    const e = await open(GRID_WORKER, { title: '路面塌陷' });
    expect(e).toMatchObject({ status: 'dispatched', level: 2, assignee: { unitId: 'lk.t01.v01', role: 'handler' } });
    // The reporter has nothing to act on; the village has it to sign for.
    expect(await inboxActions(GRID_WORKER, e.caseId)).toBeNull();
    expect(await inboxActions(VILLAGE, e.caseId)).toEqual(['sign', 'dispute', 'escalate']);
    const inbox = await api()
      .get('/api/v1/inbox?pageSize=200')
      .set(await auth(VILLAGE));
    expect(inbox.body.items.find((i: { id: string }) => i.id === e.caseId)).toMatchObject({
      status: 'dispatched',
      currentStep: '待签收',
      level: 2,
    });
    await refused(GRID_WORKER, e.caseId, { type: 'sign' }, 403, 'not-your-action');
    // The reporter still sees the event it filed.
    expect(
      (
        await api()
          .get(`/api/v1/cases/${e.caseId}`)
          .set(await auth(GRID_WORKER))
      ).status,
    ).toBe(200);
    expect(await ok(VILLAGE, e.caseId, { type: 'sign' })).toMatchObject({ status: 'handling', level: 2 });
    await ok(VILLAGE, e.caseId, {
      type: 'resolve',
      result: '已设置围挡并报修',
      evidence: ['photo:after'],
      noPhotoReason: '照片已线下存档',
    });
    expect(await inboxActions(GRID_WORKER, e.caseId)).toEqual(['verify']);
    expect(await ok(GRID_WORKER, e.caseId, { type: 'verify', passed: true, note: '现场已修复' })).toMatchObject({
      status: 'closed',
      finalLevel: 2,
    });
  });
});

// After the statistics above, so these events do not change their hand-computed counts.
describe('督办 (urging) by supervisors', () => {
  const urges = (id: string) =>
    t.tdb.db
      .select()
      .from(notices)
      .where(and(eq(notices.caseId, id), eq(notices.kind, 'urge')));

  it('the township supervisor urges the holder of an event in the township; a supervisor elsewhere and the holder cannot', async () => {
    const e = await atGrid({ title: '垃圾堆放未清运' });
    expect(await inboxActions('t01.supervisor', e.caseId)).toEqual(['urge']);
    expect(await inboxActions('lk.supervisor', e.caseId)).toEqual(['urge']);
    await refused(GRID_WORKER, e.caseId, { type: 'urge', message: '快' }, 403, 'not-your-action');
    await refused('t02.supervisor', e.caseId, { type: 'urge', message: '快' }, 404);
    await refused('t01.supervisor', e.caseId, { type: 'urge', message: '' }, 400);

    const urged = await ok('t01.supervisor', e.caseId, { type: 'urge', message: '请今日内清运完毕' });
    expect(urged).toMatchObject({ status: 'dispatched', level: 1, urgeCount: 1 });
    expect(urged.history.at(-1)).toMatchObject({
      action: 'urge',
      actorId: 'u.lk.t01.supervisor',
      note: '请今日内清运完毕',
    });
    const sent = await urges(e.caseId);
    expect(sent).toEqual([expect.objectContaining({ unitId: GRID, key: 'urge:1' })]);
    expect(sent[0]!.message).toMatch(/^【督办】事件“垃圾堆放未清运”.*一级.*待签收.*请今日内清运完毕$/);

    // Resolved: the event now waits for the village's on-site verification, and the 督办 goes there, to its leader too.
    await ok(GRID_WORKER, e.caseId, { type: 'sign' });
    await ok(GRID_WORKER, e.caseId, {
      type: 'resolve',
      result: '已清运',
      evidence: ['photo:after'],
      noPhotoReason: '照片已线下存档',
    });
    await ok('lk.supervisor', e.caseId, { type: 'urge', message: '请尽快核查' });
    const second = (await urges(e.caseId)).find((n) => n.key === 'urge:2');
    expect(second).toMatchObject({ unitId: 'lk.t01.v01', recipientUserId: 'u.lk.t01.v01.leader' });

    // Closed (no callback due for a patrol report, so its workflow has ended): nothing to urge.
    await ok(VILLAGE, e.caseId, { type: 'verify', passed: true, note: '已清运' });
    await t.deps.temporal.workflow.getHandle(e.caseId).result();
    const closed = await refused('t01.supervisor', e.caseId, { type: 'urge', message: '快' }, 409, 'case-closed');
    expect(closed.detail).toBe(`案件已结束，不能再办理：${e.caseId}`);
  });

  it('at L4 (a county department) only the county supervisor urges', async () => {
    const e = await atGrid({ urgencyCode: 'critical', title: '广告牌松动' });
    await ok(GRID_WORKER, e.caseId, { type: 'escalate', reason: '危及行人', toLevel: 4 });
    await refused('t01.supervisor', e.caseId, { type: 'urge', message: '快' }, 403, 'not-your-action');
    expect(await ok('lk.supervisor', e.caseId, { type: 'urge', message: '两小时内处置' })).toMatchObject({
      urgeCount: 1,
    });
    expect(await urges(e.caseId)).toEqual([
      expect.objectContaining({ unitId: 'lk.dept.cgzf', recipientUserId: 'u.lk.cgzf.leader' }),
    ]);
  });
});

// After the statistics above, so these orders do not change their hand-computed counts.
describe('12345 disputes (派单异议): the sender decides, within the dispute window', () => {
  const ORDER: Body = {
    source: 'hotline',
    categoryCode: 'livelihood',
    gridId: 'lk.t01.v01.g02',
    level: 3,
    title: '小区门口违规搭建',
    hotline: { orderType: 'ordinary', requester: { name: '李先生' } },
  };

  it('a disputed 12345 order is decided by its sender: the county command centre re-assigns it to a department; the first receiver stays the township (E11)', async () => {
    const e = await open('zhzx.dispatcher', ORDER);
    expect(e).toMatchObject({
      assignee: { unitId: 'lk.t01' },
      firstReceiverUnitId: 'lk.t01',
      hotline: expect.objectContaining({ sender: { unitId: 'lk.zhzx', role: 'dispatcher' } }),
    });
    expect(Date.parse((e as unknown as { disputeDeadline: string }).disputeDeadline)).toBeGreaterThan(Date.now());
    const disputed = await ok('t01.handler', e.caseId, {
      type: 'dispute',
      reason: '违建查处属住建部门职责',
      basis: '《城乡规划法》第六十四条',
    });
    expect(disputed).toMatchObject({ status: 'disputed', disputeDeadline: null });
    expect(await inboxActions('zhzx.dispatcher', e.caseId)).toEqual(['dispatch', 'extend']);
    // The township's dispatcher neither decides the dispute nor dispatches to a county department.
    await refused('t01.dispatcher', e.caseId, { type: 'dispatch', unitId: 'lk.t01.scjgs' }, 403, 'not-your-action');
    await refused('t01.dispatcher', e.caseId, { type: 'dispatch', unitId: 'lk.dept.zj' }, 403, 'unit-forbidden');
    const reassigned = await ok('zhzx.dispatcher', e.caseId, {
      type: 'dispatch',
      unitId: 'lk.dept.zj',
      note: '异议成立，改派住建局',
    });
    expect(reassigned).toMatchObject({
      status: 'dispatched',
      level: 3,
      assignee: { unitId: 'lk.dept.zj', role: 'handler' },
      firstReceiverUnitId: 'lk.t01',
    });
    expect(reassigned.disputes).toEqual([
      expect.objectContaining({ unitId: 'lk.t01', ruling: 'upheld', ruledBy: 'u.lk.zhzx.dispatcher' }),
    ]);
    const signed = await ok('zj.handler', e.caseId, { type: 'sign' });
    expect(signed).toMatchObject({ status: 'handling', firstReceiverUnitId: 'lk.t01' });
  });

  it('the sender may rule a 12345 dispute unfounded: the order goes back to the township, which may not dispute it again (E12)', async () => {
    const e = await open('zhzx.dispatcher', ORDER);
    await ok('t01.handler', e.caseId, { type: 'dispute', reason: '不属乡镇职责', basis: '乡镇权责清单无此项' });
    const back = await ok('zhzx.dispatcher', e.caseId, {
      type: 'dispatch',
      unitId: 'lk.t01',
      note: '属乡镇属地管理职责',
    });
    expect(back).toMatchObject({ status: 'dispatched', assignee: { unitId: 'lk.t01' }, firstReceiverUnitId: 'lk.t01' });
    expect(back.disputes).toEqual([expect.objectContaining({ ruling: 'rejected', ruledBy: 'u.lk.zhzx.dispatcher' })]);
    await refused(
      't01.handler',
      e.caseId,
      { type: 'dispute', reason: '仍不属乡镇职责', basis: '同上' },
      422,
      'dispute-already-ruled',
    );
    expect(await ok('t01.handler', e.caseId, { type: 'sign' })).toMatchObject({ status: 'handling' });
  });

  it('a dispute after the configured dispute window is refused naming the rule, in the caller’s language (E13)', async () => {
    const admin = await auth('admin');
    const config = await api().get('/api/v1/incident-config').set(admin);
    const settings = config.body.settings as Body;
    expect(settings.disputeWindow).toEqual({ unit: 'workhour', amount: 2 });
    const put = (disputeWindow: unknown) =>
      api()
        .put('/api/v1/incident-config/settings')
        .set(admin)
        .send({ ...settings, disputeWindow, reason: '测试派单异议期限' });
    expect((await put({ unit: 'minute', amount: 0 })).status).toBe(400);
    expect((await put({ unit: 'minute', amount: 0.02 })).status).toBe(200);
    try {
      const e = await open('zhzx.dispatcher', ORDER);
      const deadline = Date.parse((e as unknown as { disputeDeadline: string }).disputeDeadline);
      expect(deadline - Date.now()).toBeLessThanOrEqual(1_200);
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 200));
      const zh = await refused(
        't01.handler',
        e.caseId,
        { type: 'dispute', reason: '不属乡镇职责', basis: '乡镇权责清单无此项' },
        422,
        'dispute-window-passed',
      );
      expect(zh.detail).toContain('派单异议须在派单后');
      expect(zh.detail).toContain('规则：派单异议期限');
      const en = await api()
        .post(`/api/v1/incidents/${e.caseId}/actions`)
        .set(await auth('t01.handler'))
        .set('accept-language', 'en')
        .send({ type: 'dispute', reason: 'not ours', basis: 'power list' });
      expect(en.body).toMatchObject({
        status: 422,
        code: 'dispute-window-passed',
        detail: expect.stringContaining('rule: dispute window'),
      });
      // Past the window the first receiver signs and handles it.
      expect(await ok('t01.handler', e.caseId, { type: 'sign' })).toMatchObject({ status: 'handling' });
    } finally {
      expect((await put(settings.disputeWindow)).status).toBe(200);
    }
  });
});
