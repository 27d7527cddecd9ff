import { and, count, eq } from 'drizzle-orm';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system';
import { resolveSummonedUnits } from '../../db/summons';
import { PART_WAIT_MS, partActionUpdate, summonsActionUpdate } from '../../workflows/summons/definitions';
import {
  auditLog,
  caseNumberCounters,
  cases,
  notices,
  summonsDepartments,
  summonsDisputes,
  summonsRefusals,
} from '../../db/schema';

const t = useTestSystem('summons', { nextYearCalendar: true });
const from = new Date(Date.now() - 60_000).toISOString();

type Body = Record<string, unknown>;
const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
const dept = (code: string) => `lk.dept.${code}`;
const AGENCY = 'lk.t01.sfs';

const WHISTLE: Body = {
  title: '废品收购站占道堆放、夜间噪声扰民',
  description: '涉及市场监管、环保、城管多部门',
  reasonCode: 'multi-department',
  urgency: 'urgent',
  complexity: 'complex',
};

async function blow(username: string, body: Body): Promise<request.Response> {
  return api()
    .post('/api/v1/summons')
    .set(await auth(username))
    .send({ ...WHISTLE, ...body });
}

async function whistle(body: Body) {
  const res = await blow('t01.dispatcher', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { caseId: string; status: string; parts: { caseId: string }[] };
}

async function act(username: string, id: string, action: Body): Promise<request.Response> {
  return api()
    .post(`/api/v1/summons/${id}/actions`)
    .set(await auth(username))
    .send(action);
}

async function ok(username: string, id: string, action: Body) {
  const res = await act(username, id, action);
  expect(res.status, `${username} ${String(action.type)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

async function partAct(username: string, id: string, unitId: string, action: Body): Promise<request.Response> {
  return api()
    .post(`/api/v1/summons/${id}/departments/${unitId}/actions`)
    .set(await auth(username))
    .send(action);
}

async function partOk(username: string, id: string, unitId: string, action: Body) {
  const res = await partAct(username, id, unitId, action);
  expect(res.status, `${username} ${String(action.type)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Everything a refused whistle must leave as it was. */
async function counts() {
  const db = t.tdb.db;
  const [[c], [a], [n], [d]] = await Promise.all([
    db.select({ n: count() }).from(cases),
    db.select({ n: count() }).from(auditLog),
    db.select({ n: count() }).from(caseNumberCounters),
    db.select({ n: count() }).from(summonsDepartments),
  ]);
  return { cases: c!.n, audit: a!.n, counters: n!.n, parts: d!.n };
}

async function stateOf(id: string) {
  const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
  const [audit] = await t.tdb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.streamId, id));
  return { row, audit: audit!.n };
}

async function refusedPart(username: string, id: string, unitId: string, action: Body, status: number, code?: string) {
  const partId = `${id}.${unitId}`;
  const before = await stateOf(partId);
  const res = await partAct(username, id, unitId, action);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  if (code) expect(res.body.code).toBe(code);
  expect(await stateOf(partId)).toEqual(before);
  return res.body;
}

async function inbox(username: string) {
  const res = await api()
    .get('/api/v1/summons/inbox')
    .set(await auth(username));
  expect(res.status).toBe(200);
  return res.body.items as {
    caseId: string;
    summonsId: string;
    status: string;
    remainingMs: number | null;
    ackDeadline: string | null;
    actions: string[];
  }[];
}

/** Poll until `done` holds (a child's end reaches its parent asynchronously). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const v = await read();
    if (done(v) || i >= 150) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function getSummons(username: string, id: string) {
  return api()
    .get(`/api/v1/summons/${id}`)
    .set(await auth(username));
}

/** Acknowledge, arrive and report for a unit's liaison. */
async function work(liaison: string, id: string, unitId: string, result = '已现场处置完毕') {
  await partOk(liaison, id, unitId, { type: 'acknowledge' });
  await partOk(liaison, id, unitId, { type: 'arrive', note: '已到场' });
  return partOk(liaison, id, unitId, { type: 'report', result, evidence: ['photo:site'] });
}

describe('whistle rules', () => {
  it('refuses a whistle by each forbidden rule, naming the rule, and creates nothing', async () => {
    const before = await counts();
    // On the township's power list (CF-001 占道经营) and within its capacity: handle it yourself.
    const own = await blow('t01.dispatcher', {
      unitIds: [dept('scjg'), dept('cgzf')],
      powerItemCodes: ['CF-001'],
      withinCapacity: true,
    });
    expect(own.status, JSON.stringify(own.body)).toBe(422);
    expect(own.body).toMatchObject({ code: 'whistle-refused-own-power', ruleCode: 'own-power' });
    expect(own.body.i18n['zh-CN'].detail).toContain('属乡镇权责清单内且有能力处置');
    // Clearly one department's routine duty (行政执法 routes to 城管执法局): transfer it instead.
    const routine = await blow('t01.dispatcher', {
      reasonCode: 'key-task',
      keyTask: '城区环境整治',
      categoryCode: 'law-enforcement',
      unitIds: [dept('cgzf')],
    });
    expect(routine.status, JSON.stringify(routine.body)).toBe(422);
    expect(routine.body).toMatchObject({
      code: 'whistle-refused-single-department-routine',
      ruleCode: 'single-department-routine',
    });
    // An allowed reason whose requirement fails names that reason's rule.
    const lonely = await blow('t01.dispatcher', { unitIds: [dept('scjg')] });
    expect(lonely.body).toMatchObject({ status: 422, ruleCode: 'multi-department' });
    expect(await counts()).toEqual(before);
    const refusals = await t.tdb.db.select().from(summonsRefusals).where(eq(summonsRefusals.townshipId, 'lk.t01'));
    expect(refusals.map((r) => r.ruleCode).sort()).toEqual([
      'multi-department',
      'own-power',
      'single-department-routine',
    ]);
  });

  it('only a township dispatcher blows the whistle, and only for departments or its own agencies', async () => {
    expect((await blow('scjg.liaison', { unitIds: [dept('scjg'), dept('sthj')] })).status).toBe(403);
    expect((await blow('zhzx.dispatcher', { unitIds: [dept('scjg'), dept('sthj')] })).body).toMatchObject({
      status: 403,
      code: 'whistle-township-only',
    });
    expect((await blow('t01.dispatcher', { unitIds: ['lk.t02.scjgs', dept('sthj')] })).body).toMatchObject({
      status: 422,
      code: 'summons-unit-invalid',
    });
    expect((await blow('t01.dispatcher', { unitIds: [dept('scjg'), dept('scjg')] })).status).toBe(400);
  });

  it('an administrator edits the rules: a deactivated prohibition no longer refuses', async () => {
    const admin = await auth('admin');
    const config = await api().get('/api/v1/summons-config').set(admin);
    expect(config.status).toBe(200);
    expect(config.body.rules.map((r: { code: string }) => r.code)).toEqual([
      'multi-department',
      'beyond-power',
      'emergency',
      'key-task',
      'own-power',
      'single-department-routine',
    ]);
    expect(config.body.settings.responseLimits).toEqual({
      critical: { unit: 'minute', amount: 30 },
      urgent: { unit: 'hour', amount: 2 },
      normal: { unit: 'hour', amount: 24 },
    });
    const bad = await api()
      .put('/api/v1/summons-config/rules/own-power')
      .set(admin)
      .send({ kind: 'forbidden', name: 'x', description: 'x', condition: { type: 'min-units', min: 2 } });
    expect(bad.body).toMatchObject({ status: 422, code: 'summons-rule-condition-kind' });
    expect(
      (
        await api()
          .put('/api/v1/summons-config/rules/own-power')
          .set(await auth('t01.dispatcher'))
          .send({ kind: 'forbidden', name: 'x', description: 'x', condition: { type: 'own-power-within-capacity' } })
      ).status,
    ).toBe(403);
    const rule = config.body.rules.find((r: { code: string }) => r.code === 'key-task');
    const edited = await api().put('/api/v1/summons-config/rules/key-task').set(admin).send({
      kind: rule.kind,
      name: rule.name,
      description: rule.description,
      condition: rule.condition,
      sort: rule.sort,
      active: false,
      reason: '本年度不再以重点工作名义吹哨',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const refused = await blow('t01.dispatcher', {
      reasonCode: 'key-task',
      keyTask: '黄河滩区迁建',
      unitIds: [dept('scjg')],
    });
    expect(refused.body).toMatchObject({ status: 422, code: 'whistle-reason-unknown' });
    await api().put('/api/v1/summons-config/rules/key-task').set(admin).send({
      kind: rule.kind,
      name: rule.name,
      description: rule.description,
      condition: rule.condition,
      sort: rule.sort,
      active: true,
    });
  });
});

describe('leader approval', () => {
  it('a whistle is not sent before a township leader approves it; a leader may reject it', async () => {
    const s = await whistle({ unitIds: [dept('jtys'), dept('nync')] });
    expect(s).toMatchObject({ status: 'awaiting-approval', parts: [] });
    // The dispatcher and a non-leader supervisor may not approve; nothing changes.
    for (const username of ['t01.dispatcher', 't01.supervisor']) {
      const before = await stateOf(s.caseId);
      const res = await act(username, s.caseId, { type: 'approve' });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(await stateOf(s.caseId)).toEqual(before);
    }
    expect((await act('t01.dispatcher', s.caseId, { type: 'approve' })).body.code).toBe('leader-approval-required');
    // Not sent: no part exists, the summoned department sees nothing.
    expect(await t.tdb.db.select().from(summonsDepartments).where(eq(summonsDepartments.summonsId, s.caseId))).toEqual(
      [],
    );
    expect((await inbox('jtys.liaison')).filter((i) => i.summonsId === s.caseId)).toEqual([]);
    expect((await getSummons('jtys.liaison', s.caseId)).status).toBe(404);
    // The leader has it in the inbox and rejects it.
    const leaderInbox = await api()
      .get('/api/v1/inbox?pageSize=200')
      .set(await auth('t01.leader'));
    expect(leaderInbox.body.items.find((i: { id: string }) => i.id === s.caseId)?.actions).toEqual([
      'approve',
      'reject',
    ]);
    const rejected = await ok('t01.leader', s.caseId, { type: 'reject', reason: '乡镇可自行协调，暂不吹哨' });
    expect(rejected).toMatchObject({
      status: 'rejected',
      approval: { approved: false, by: 'u.lk.t01.leader' },
      parts: [],
    });
    expect((await act('t01.leader', s.caseId, { type: 'approve' })).status).toBe(409);
  });
});

describe('the summons workflow through the API', () => {
  let id = '';
  const [A, B, C] = [dept('scjg'), dept('sthj'), dept('zj')];

  it('approved: each department gets its own part; a department sees and acts on its own only', async () => {
    const s = await whistle({ unitIds: [A, B] });
    id = s.caseId;
    expect(id).toMatch(/^CS-\d{4}-\d{6}$/);
    const approved = await ok('t01.leader', id, { type: 'approve', note: '同意' });
    expect(approved.status).toBe('summoning');
    expect(approved.parts.map((p: { caseId: string }) => p.caseId)).toEqual([`${id}.${A}`, `${id}.${B}`]);
    expect(approved.departments.map((d: { unitId: string; status: string }) => [d.unitId, d.status])).toEqual([
      [A, 'notified'],
      [B, 'notified'],
    ]);

    const [item] = (await inbox('scjg.liaison')).filter((i) => i.summonsId === id);
    expect(item).toMatchObject({ caseId: `${id}.${A}`, status: 'notified', actions: ['acknowledge', 'dispute'] });
    // 紧急: 报到 within 2 hours, counting down.
    expect(Date.parse(item!.ackDeadline!) - Date.now()).toBeGreaterThan(119 * 60_000);
    expect(item!.remainingMs).toBeGreaterThan(119 * 60_000);
    expect(item!.remainingMs).toBeLessThanOrEqual(120 * 60_000);
    expect((await inbox('sthj.liaison')).filter((i) => i.summonsId === id).map((i) => i.caseId)).toEqual([
      `${id}.${B}`,
    ]);
    // The notice summoning the department says its 报到 deadline as people read it (Beijing time), not as an ISO instant.
    const [summonedNotice] = await eventually(
      () =>
        t.tdb.db
          .select()
          .from(notices)
          .where(and(eq(notices.caseId, `${id}.${A}`), eq(notices.key, 'summoned'))),
      (rows) => rows.length > 0,
    );
    expect(summonedNotice?.message).toMatch(/报到期限 (\d{4}年)?\d{1,2}月\d{1,2}日 \d{2}:\d{2}）/);
    expect(summonedNotice?.message).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);

    // Department A cannot see or act on department B's part.
    expect(
      (
        await api()
          .get(`/api/v1/summons/${id}/departments/${B}`)
          .set(await auth('scjg.liaison'))
      ).status,
    ).toBe(404);
    await refusedPart('scjg.liaison', id, B, { type: 'acknowledge' }, 404, 'case-not-found');
    // Of the whistle it sees the public part and its own part only: not B's, nor the approval or history.
    const summoned = await getSummons('scjg.liaison', id);
    expect(summoned.status, JSON.stringify(summoned.body)).toBe(200);
    expect(summoned.body).toMatchObject({
      caseId: id,
      status: 'summoning',
      title: WHISTLE.title,
      reason: { code: 'multi-department' },
      urgency: 'urgent',
      townshipId: 'lk.t01',
    });
    expect(summoned.body.parts.map((p: { caseId: string }) => p.caseId)).toEqual([`${id}.${A}`]);
    expect(summoned.body.departments.map((d: { unitId: string; status: string }) => [d.unitId, d.status])).toEqual([
      [A, 'notified'],
    ]);
    expect(summoned.body).not.toHaveProperty('history');
    expect(summoned.body).not.toHaveProperty('approval');
    expect(JSON.stringify(summoned.body)).not.toContain(B);
    // A unit this whistle did not summon sees nothing of it.
    expect((await getSummons('jtys.liaison', id)).status).toBe(404);
    expect(
      (
        await api()
          .get(`/api/v1/cases/${id}.${B}`)
          .set(await auth('scjg.liaison'))
      ).status,
    ).toBe(404);
    // Its own part it sees; the township sees the whistle with both parts.
    expect(
      (
        await api()
          .get(`/api/v1/summons/${id}/departments/${A}`)
          .set(await auth('scjg.liaison'))
      ).body,
    ).toMatchObject({ status: 'notified', unit: { unitId: A } });
    expect((await getSummons('t01.dispatcher', id)).body.departments).toHaveLength(2);
    // Out of turn: the township cannot accept before a report; a liaison cannot report before arriving.
    await refusedPart('t01.dispatcher', id, A, { type: 'accept' }, 409, 'wrong-state');
    await partOk('scjg.liaison', id, A, { type: 'acknowledge', note: '已派执法人员' });
    await refusedPart(
      'scjg.liaison',
      id,
      A,
      { type: 'report', result: '已处置', evidence: ['photo:1'] },
      422,
      'summons-arrive-first',
    );
  });

  it('a result sent back (事不完、人不撤) and re-reported, then accepted and rated', async () => {
    await partOk('scjg.liaison', id, A, { type: 'arrive' });
    const reported = await partOk('scjg.liaison', id, A, {
      type: 'report',
      result: '已责令清理占道物品',
      evidence: ['photo:after'],
    });
    expect(reported).toMatchObject({ status: 'reported', resultOnTime: true });
    await refusedPart('scjg.liaison', id, A, { type: 'accept' }, 403, 'not-your-action');
    const back = await partOk('t01.dispatcher', id, A, { type: 'send-back', reason: '现场仍有堆放，未清理干净' });
    expect(back).toMatchObject({
      status: 'on-site',
      result: null,
      sendBacks: [expect.objectContaining({ reason: '现场仍有堆放，未清理干净' })],
    });
    expect(back.clocks.map((c: { key: string; state: string }) => [c.key, c.state])).toEqual([
      ['respond-1', 'stopped'],
      ['handle-1', 'stopped'],
      ['handle-2', 'running'],
    ]);
    await partOk('scjg.liaison', id, A, {
      type: 'report',
      result: '已全部清理并拆除违规棚架',
      evidence: ['photo:after-2'],
    });
    const accepted = await partOk('t01.dispatcher', id, A, { type: 'accept', note: '现场复核通过' });
    expect(accepted).toMatchObject({ status: 'accepted', outcome: null });
    // Not closed while a part is open.
    expect((await act('t01.dispatcher', id, { type: 'close', summary: '办结' })).body).toMatchObject({
      status: 422,
      code: 'summons-parts-open',
    });
    const rated = await partOk('t01.dispatcher', id, A, { type: 'rate', rating: 'satisfied', comment: '响应迅速' });
    expect(rated).toMatchObject({
      status: 'closed',
      outcome: 'completed',
      rating: { rating: 'satisfied', comment: '响应迅速' },
    });
  });

  it('a dispute ("not our duty") ruled by the county command centre, which re-summons another department', async () => {
    const disputed = await partOk('sthj.liaison', id, B, {
      type: 'dispute',
      reason: '噪声源为建筑工地，属住建部门职责',
    });
    expect(disputed).toMatchObject({
      status: 'disputed',
      disputes: [expect.objectContaining({ ordinal: 1, ruling: null })],
    });
    expect(disputed.clocks.find((c: { key: string }) => c.key === 'respond-1').state).toBe('paused');
    // Only the county command centre rules; the township may not.
    await refusedPart('t01.dispatcher', id, B, { type: 'rule', upheld: true, note: '成立' }, 403, 'not-your-action');
    expect((await inbox('sthj.liaison')).find((i) => i.caseId === `${id}.${B}`)?.actions).toEqual([]);
    const centreInbox = await api()
      .get('/api/v1/inbox?pageSize=200')
      .set(await auth('zhzx.dispatcher'));
    expect(centreInbox.body.items.find((i: { id: string }) => i.id === `${id}.${B}`)?.actions).toEqual(['rule']);
    await new Promise((r) => setTimeout(r, 300));
    // The disputed time is visible while the ruling is pending.
    const pending = await api()
      .get(`/api/v1/summons/${id}/departments/${B}`)
      .set(await auth('sthj.liaison'));
    expect(pending.body).toMatchObject({ status: 'disputed', ackDeadline: null });
    expect(pending.body.disputedMs).toBeGreaterThanOrEqual(300);
    // Re-summoning a unit already summoned is refused.
    await refusedPart(
      'zhzx.dispatcher',
      id,
      B,
      { type: 'rule', upheld: true, note: '成立', resummonUnitId: A },
      422,
      'summons-unit-already-summoned',
    );
    const ruled = await partOk('zhzx.dispatcher', id, B, {
      type: 'rule',
      upheld: true,
      note: '经核实属建筑施工噪声，改由住建局处置',
      resummonUnitId: C,
    });
    expect(ruled).toMatchObject({
      status: 'closed',
      outcome: 'released',
      disputes: [expect.objectContaining({ ruling: 'upheld', ruledBy: 'u.lk.zhzx.dispatcher', resummonedUnitId: C })],
    });
    expect(ruled.disputedMs).toBeGreaterThanOrEqual(300);
    expect(ruled.disputes[0].disputedMs).toBe(ruled.disputedMs);
    expect(ruled.resummoned).toMatchObject({
      caseId: `${id}.${C}`,
      status: 'notified',
      replaces: `${id}.${B}`,
      unit: { unitId: C },
    });
    const [row] = await t.tdb.db
      .select()
      .from(summonsDisputes)
      .where(eq(summonsDisputes.caseId, `${id}.${B}`));
    expect(row).toMatchObject({ ruling: 'upheld', resummonedUnitId: C, disputedMs: ruled.disputedMs });

    await work('zj.liaison', id, C, '已责令工地停止夜间施工');
    await partOk('t01.dispatcher', id, C, { type: 'accept', rating: 'basic', comment: '处置到位但报到稍慢' });
    const done = await eventually(
      async () => (await getSummons('t01.dispatcher', id)).body,
      (v) => v.parts.every((p: { outcome: unknown }) => p.outcome !== null),
    );
    expect(
      done.parts.map((p: { unit: { unitId: string }; outcome: { outcome: string; rating: string | null } }) => [
        p.unit.unitId,
        p.outcome.outcome,
        p.outcome.rating,
      ]),
    ).toEqual([
      [A, 'completed', 'satisfied'],
      [B, 'released', null],
      [C, 'completed', 'basic'],
    ]);
    const closed = await ok('t01.dispatcher', id, { type: 'close', summary: '占道堆放已清理，工地夜间施工已停止' });
    expect(closed).toMatchObject({ status: 'closed', summary: '占道堆放已清理，工地夜间施工已停止' });
  });
});

describe('an L3 incident blows the whistle', () => {
  it('waits in summoning while the summons runs, and resumes with its outcome once it closes', async () => {
    const reported = await api()
      .post('/api/v1/incidents')
      .set(await auth('t01.dispatcher'))
      .send({
        source: 'patrol',
        categoryCode: 'dispute',
        gridId: 'lk.t01.v01.g01',
        level: 3,
        title: '农田灌溉水源纠纷',
        description: '涉及水利与农业',
        location: { address: '胡寨村' },
        attachments: ['photo:1'],
      });
    expect(reported.status, JSON.stringify(reported.body)).toBe(201);
    const incidentId = reported.body.caseId as string;
    // A village-level event cannot whistle.
    const low = await api()
      .post('/api/v1/incidents')
      .set(await auth('t01.v01.g01.grid'))
      .send({
        source: 'patrol',
        categoryCode: 'dispute',
        gridId: 'lk.t01.v01.g01',
        title: '邻里纠纷',
        description: 'x',
        location: { address: 'x' },
      });
    expect(
      (await blow('t01.dispatcher', { incidentId: low.body.caseId, unitIds: [dept('jtys'), dept('nync')] })).body,
    ).toMatchObject({ status: 422, code: 'whistle-level' });

    // A county department and the township's own dispatched agency (司法所).
    const s = await whistle({
      incidentId,
      unitIds: [dept('jtys'), AGENCY],
      urgency: 'normal',
      complexity: 'simple',
      title: '灌溉水源纠纷吹哨',
    });
    expect(s).toMatchObject({ status: 'awaiting-approval', incidentId });
    const waiting = (
      await api()
        .get(`/api/v1/cases/${incidentId}`)
        .set(await auth('t01.dispatcher'))
    ).body;
    expect(waiting).toMatchObject({
      status: 'summoning',
      live: { status: 'summoning', summonses: [{ caseId: s.caseId, outcome: null }] },
    });
    expect(waiting.clocks.find((c: { key: string }) => c.key === 'level-3').state).toBe('paused');
    // The handler cannot act while the event waits for the summons.
    expect(
      (
        await api()
          .post(`/api/v1/incidents/${incidentId}/actions`)
          .set(await auth('t01.handler'))
          .send({ type: 'sign' })
      ).status,
    ).toBe(409);

    await ok('t01.leader', s.caseId, { type: 'approve' });
    expect((await inbox('t01.sfs.liaison')).map((i) => i.caseId)).toEqual([`${s.caseId}.${AGENCY}`]);
    for (const [liaison, unitId] of [
      ['jtys.liaison', dept('jtys')],
      ['t01.sfs.liaison', AGENCY],
    ] as const) {
      await work(liaison, s.caseId, unitId);
      await partOk('t01.dispatcher', s.caseId, unitId, { type: 'accept', rating: 'satisfied' });
    }
    await eventually(
      async () => (await getSummons('t01.dispatcher', s.caseId)).body.parts,
      (parts: { outcome: unknown }[]) => parts.every((p) => p.outcome !== null),
    );
    await ok('t01.dispatcher', s.caseId, { type: 'close', summary: '水利、农业部门联合调处，纠纷化解' });

    const resumed = await eventually(
      async () =>
        (
          await api()
            .get(`/api/v1/cases/${incidentId}`)
            .set(await auth('t01.dispatcher'))
        ).body,
      (v) => v.status !== 'summoning',
    );
    expect(resumed).toMatchObject({
      status: 'dispatched',
      live: {
        summonses: [{ caseId: s.caseId, outcome: { status: 'closed', summary: '水利、农业部门联合调处，纠纷化解' } }],
      },
    });
    expect(resumed.clocks.find((c: { key: string }) => c.key === 'level-3').state).toBe('running');
    const signed = await api()
      .post(`/api/v1/incidents/${incidentId}/actions`)
      .set(await auth('t01.handler'))
      .send({ type: 'sign' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const resolved = await api()
      .post(`/api/v1/incidents/${incidentId}/actions`)
      .set(await auth('t01.handler'))
      .send({
        type: 'resolve',
        result: '经吹哨联合调处已化解',
        evidence: ['photo:agreement'],
        noPhotoReason: '照片已线下存档',
      });
    expect(resolved.body).toMatchObject({ status: 'verifying', finalLevel: 3 });
  });
});

describe('statistics', () => {
  it('per department and per township figures match what happened above', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await api()
      .get(`/api/v1/summons/stats?from=${from}&to=${to}&unitId=lk`)
      .set(await auth('lk.supervisor'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byUnit = Object.fromEntries(res.body.departments.map((d: { unitId: string }) => [d.unitId, d]));
    expect(Object.keys(byUnit).sort()).toEqual([dept('jtys'), dept('scjg'), dept('sthj'), dept('zj'), AGENCY]);
    expect(byUnit[AGENCY]).toMatchObject({
      unitKind: 'agency',
      departmentId: dept('sfj'),
      received: 1,
      ackOnTime: 1,
      resultOnTime: 1,
      accepted: 1,
    });
    expect(byUnit[dept('scjg')]).toMatchObject({
      received: 1,
      acknowledged: 1,
      ackOnTime: 1,
      ackOnTimeRate: 1,
      resultsReported: 1,
      resultOnTime: 1,
      resultOnTimeRate: 1,
      accepted: 1,
      sendBacks: 1,
      misses: 0,
      redCards: 0,
      disputes: 0,
      ratings: { satisfied: 1, basic: 0, unsatisfied: 0 },
      satisfactionRate: 1,
    });
    expect(byUnit[dept('sthj')]).toMatchObject({
      received: 1,
      acknowledged: 0,
      ackOnTimeRate: null,
      resultsReported: 0,
      accepted: 0,
      disputes: 1,
      disputesUpheld: 1,
      ratings: { satisfied: 0, basic: 0, unsatisfied: 0 },
      satisfactionRate: null,
    });
    const [dispute] = await t.tdb.db
      .select()
      .from(summonsDisputes)
      .where(eq(summonsDisputes.unitId, dept('sthj')));
    expect(byUnit[dept('sthj')].disputedMs).toBe(dispute!.disputedMs);
    expect(dispute!.disputedMs).toBeGreaterThan(0);
    expect(byUnit[dept('zj')]).toMatchObject({
      received: 1,
      acknowledged: 1,
      ackOnTime: 1,
      resultOnTime: 1,
      accepted: 1,
      ratings: { satisfied: 0, basic: 1, unsatisfied: 0 },
      satisfactionRate: 1,
    });
    expect(byUnit[dept('jtys')]).toMatchObject({
      received: 1,
      ackOnTime: 1,
      accepted: 1,
      ratings: { satisfied: 1, basic: 0, unsatisfied: 0 },
    });
    // Whistles of 城关镇: the rejected one, the three-department one, the incident's; three refused by rules (plus the inactive reason).
    const t01 = res.body.townships.find((x: { townshipId: string }) => x.townshipId === 'lk.t01');
    expect(t01).toMatchObject({
      whistles: 3,
      approved: 2,
      rejectedByLeader: 1,
      refusedByRule: 4,
      closed: 2,
      fromIncidents: 1,
      l3Incidents: 1,
      whistleRate: 1,
    });
    expect(res.body.townships.find((x: { townshipId: string }) => x.townshipId === 'lk.t02')).toMatchObject({
      whistles: 0,
      whistleRate: null,
    });

    // A department sees its own figures only; not another department's.
    const own = await api()
      .get(`/api/v1/summons/stats?from=${from}&to=${to}`)
      .set(await auth('scjg.liaison'));
    expect(own.body.departments.map((d: { unitId: string }) => d.unitId)).toEqual([dept('scjg')]);
    expect(
      (
        await api()
          .get(`/api/v1/summons/stats?from=${from}&to=${to}&unitId=${dept('sthj')}`)
          .set(await auth('scjg.liaison'))
      ).status,
    ).toBe(403);
    // The township sees the units it summoned.
    const township = await api()
      .get(`/api/v1/summons/stats?from=${from}&to=${to}`)
      .set(await auth('t01.dispatcher'));
    expect(township.body.departments).toHaveLength(5);
  });
});

describe('closing right after the last part ends', () => {
  const CLOSE = { type: 'close', summary: '两部门已处置完毕' } as const;
  const liaisonOf = (unitId: string) => `${unitId.slice('lk.dept.'.length)}.liaison`;

  /**
   * Two parts end while the whistle is busy: its row in PostgreSQL is held (as an outage or a slow
   * write would), so its workflow is stuck writing part A's end while part B ends and `close` is
   * sent; the engine then hands the whistle B's end and the close together, in one workflow task.
   */
  async function closeAsLastPartEnds<T>(
    units: [string, string],
    close: (id: string) => Promise<T>,
    last: { begin: (id: string, B: string) => Promise<unknown>; end: (id: string, B: string) => Promise<unknown> } = {
      begin: (id, B) => work(liaisonOf(B), id, B),
      end: (id, B) => partOk('t01.dispatcher', id, B, { type: 'accept', rating: 'basic' }),
    },
  ): Promise<T> {
    const [A, B] = units;
    const s = await whistle({ unitIds: [A, B] });
    const id = s.caseId;
    await ok('t01.leader', id, { type: 'approve' });
    await work(liaisonOf(A), id, A);
    await last.begin(id, B);
    const lock = new pg.Client({ connectionString: t.tdb.url });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('select 1 from cases where id = $1 for no key update', [id]);
      await partOk('t01.dispatcher', id, A, { type: 'accept', rating: 'satisfied' });
      const blocked = await eventually(
        async () =>
          (
            await lock.query<{ n: number }>(
              "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
            )
          ).rows[0]!.n,
        (n) => n > 0,
      );
      expect(blocked).toBeGreaterThan(0);
      await last.end(id, B);
      // Both parts show ended to the township, which closes the whistle.
      expect(
        (await getSummons('t01.dispatcher', id)).body.departments
          .filter((d: { unitId: string }) => d.unitId === A || d.unitId === B)
          .map((d: { endedAt: string | null }) => d.endedAt !== null),
      ).toEqual([true, true]);
      const closing = close(id);
      await new Promise((r) => setTimeout(r, 1_000));
      await lock.query('rollback');
      return await closing;
    } finally {
      await lock.end();
    }
  }

  it('a close that reaches the whistle before it has taken in its parts’ ends waits for them instead of being refused', async () => {
    const res = await closeAsLastPartEnds([dept('jtys'), dept('nync')], async (id) => act('t01.dispatcher', id, CLOSE));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', summary: '两部门已处置完毕' });
    expect(res.body.parts.map((p: { outcome: { outcome: string } | null }) => p.outcome?.outcome)).toEqual([
      'completed',
      'completed',
    ]);
  });

  it('the whistle itself takes such a close: one Update, sent once, with no retry by anyone', async () => {
    const actor = { userId: 'u.lk.t01.dispatcher', role: 'dispatcher', unitId: 'lk.t01', unitPath: 'lk/lk.t01' };
    const view = await closeAsLastPartEnds([dept('yjgl'), dept('wjw')], (id) =>
      t.deps.temporal.workflow.getHandle(id).executeUpdate(summonsActionUpdate, { args: [{ actor, action: CLOSE }] }),
    );
    expect(view).toMatchObject({ status: 'closed', summary: '两部门已处置完毕' });
    expect(view.parts.map((p) => p.outcome?.outcome)).toEqual(['completed', 'completed']);
  });

  it('a close while the last part ends by re-summoning another unit is refused at once, naming that unit', async () => {
    const [A, B, C] = [dept('mzj'), dept('sfj'), dept('rsj')];
    let sent = 0;
    const res = await closeAsLastPartEnds(
      [A, B],
      (id) => {
        sent = Date.now();
        return act('t01.dispatcher', id, CLOSE);
      },
      {
        begin: (id, unit) => partOk(liaisonOf(unit), id, unit, { type: 'dispute', reason: '不属本单位职责' }),
        // Straight to the part: the API's ruling would wait for the (held) whistle to start C's part.
        end: async (id, unit) => {
          const resolved = await resolveSummonedUnits(t.tdb.db, { id: 'lk.t01' }, [C]);
          if (!resolved.ok) throw new Error(JSON.stringify(resolved.violation));
          const actor = {
            userId: 'u.lk.zhzx.dispatcher',
            role: 'dispatcher',
            unitId: 'lk.zhzx',
            unitPath: 'lk/lk.zhzx',
          };
          await t.deps.temporal.workflow.getHandle(`${id}.${unit}`).executeUpdate(partActionUpdate, {
            args: [{ actor, action: { type: 'rule', upheld: true, note: '改召', resummon: resolved.units[0]! } }],
          });
        },
      },
    );
    // No wait for B's result: C's part will be open whatever it says.
    expect(Date.now() - sent).toBeLessThan(PART_WAIT_MS);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ code: 'summons-parts-open' });
    expect(res.body.i18n['en'].detail).toContain(`Parts still open (${C})`);
  });

  it('a close with a part really still open is refused at once, and the whistle is as it was', async () => {
    const [A, B] = [dept('jtys'), dept('yjgl')];
    const s = await whistle({ unitIds: [A, B] });
    const id = s.caseId;
    await ok('t01.leader', id, { type: 'approve' });
    await work('jtys.liaison', id, A);
    await partOk('t01.dispatcher', id, A, { type: 'accept', rating: 'satisfied' });
    await eventually(
      async () => (await getSummons('t01.dispatcher', id)).body,
      (v) => v.parts.some((p: { outcome: unknown }) => p.outcome !== null),
    );
    // B has not even acknowledged: no waiting for it.
    const handle = t.deps.temporal.workflow.getHandle(id);
    const updates = async () =>
      (await handle.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    const before = { state: await stateOf(id), updates: await updates() };
    const started = Date.now();
    const res = await act('t01.dispatcher', id, CLOSE);
    // Refused by the validator, not after the whistle's wait for ending parts (PART_WAIT_MS).
    expect(Date.now() - started).toBeLessThan(PART_WAIT_MS);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'summons-parts-open' });
    expect(res.body.i18n['zh-CN'].detail).toContain('事不完、人不撤');
    expect(res.body.i18n['zh-CN'].detail).toContain('的召集尚未验收评价或结束，不能办结');
    expect(res.body.i18n['en'].detail).toContain(`Parts still open (${B})`);
    expect({ state: await stateOf(id), updates: await updates() }).toEqual(before);
  });
});

describe('the order of a whistle’s departments', () => {
  const [A, C] = [dept('scjg'), dept('zj')];

  it('lists its departments in the order the township summoned them, whichever part was notified first', async () => {
    // Summoned against the alphabetical order of their ids, and so of their parts' case ids.
    const s = await whistle({ unitIds: [C, A] });
    const approved = await ok('t01.leader', s.caseId, { type: 'approve' });
    expect(approved.departments.map((d: { unitId: string }) => d.unitId)).toEqual([C, A]);
    // The parts of one approval start in the same workflow task, so either may be notified first:
    // make the second one's instant the earlier.
    const [first] = await t.tdb.db
      .select({ at: summonsDepartments.notifiedAt })
      .from(summonsDepartments)
      .where(eq(summonsDepartments.caseId, `${s.caseId}.${C}`));
    await t.tdb.db
      .update(summonsDepartments)
      .set({ notifiedAt: new Date(first!.at.getTime() - 1000) })
      .where(eq(summonsDepartments.caseId, `${s.caseId}.${A}`));
    const read = await getSummons('t01.dispatcher', s.caseId);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.departments.map((d: { unitId: string }) => d.unitId)).toEqual([C, A]);
    expect(read.body.parts.map((p: { caseId: string }) => p.caseId)).toEqual([`${s.caseId}.${C}`, `${s.caseId}.${A}`]);
  });
});
