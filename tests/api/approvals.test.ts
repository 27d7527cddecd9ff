import { and, count, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system';
import { auditLog, cases, matters, matterVersions, notices } from '../../db/schema';
import { CATALOGUE_TEMPLATES } from '../../db/seed/catalogue';

// Long promises (duty admission from December, the 45-working-day 重大执法决定) reach next year.
const t = useTestSystem('approvals', { nextYearCalendar: true });

type Body = Record<string, unknown>;
const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

const CATERING_MATERIALS = [
  'business-licence',
  'operator-id',
  'premises-layout',
  'food-safety-rules',
  'health-certificates',
];
const applicant = { name: '李秀英', idNumber: '410225198801011234', phone: '13800000000' };

async function submit(username: string, body: Body): Promise<request.Response> {
  return api()
    .post('/api/v1/approvals')
    .set(await auth(username))
    .send({ applicant, ...body });
}

/** Submit and return the case id, failing loudly on anything but 201. */
async function open(username: string, body: Body): Promise<string> {
  const res = await submit(username, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseId as string;
}

async function act(username: string, id: string, action: Body): Promise<request.Response> {
  return api()
    .post(`/api/v1/approvals/${id}/actions`)
    .set(await auth(username))
    .send(action);
}

/** Act and expect success; returns the view. */
async function ok(username: string, id: string, action: Body) {
  const res = await act(username, id, action);
  expect(res.status, `${username} ${String(action.type)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** The projection row and the audit count of a case: a refused action must change neither. */
async function stateOf(id: string) {
  const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
  const [audit] = await t.tdb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.streamId, id));
  return { row, audit: audit!.n };
}

/** Expect an action to be refused with `status` (and `code`), leaving the case exactly as it was. */
async function refused(username: string, id: string, action: Body, status: number, code?: string) {
  const before = await stateOf(id);
  const res = await act(username, id, action);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  if (code) expect(res.body.code).toBe(code);
  expect(await stateOf(id)).toEqual(before);
  return res.body;
}

async function detail(username: string, id: string) {
  const res = await api()
    .get(`/api/v1/cases/${id}`)
    .set(await auth(username));
  expect(res.status).toBe(200);
  return res.body;
}

/** The actions `username` has on case `id` in their inbox; null when it is not in their inbox. */
async function inboxActions(username: string, id: string): Promise<string[] | null> {
  const res = await api()
    .get('/api/v1/inbox?pageSize=200')
    .set(await auth(username));
  expect(res.status).toBe(200);
  const mine = (res.body.items as { id: string; actions: string[] }[]).filter((i) => i.id === id);
  expect(mine.length).toBeLessThanOrEqual(1);
  return mine[0]?.actions ?? null;
}

async function auditActions(id: string): Promise<string[]> {
  const res = await api()
    .get(`/api/v1/cases/${id}/audit`)
    .set(await auth('lk.supervisor'));
  return (res.body as { action: string }[]).map((e) => e.action);
}

/** An accepted small-catering permit, at its first step (受理审查 by the t01 window). */
async function acceptedCatering(): Promise<string> {
  const id = await open('t01.window', {
    matterCode: 'XK-SMALL-CATERING',
    channel: 'window',
    materials: CATERING_MATERIALS,
  });
  await ok('t01.window', id, { type: 'accept' });
  return id;
}

/** A small-catering permit moved on to its `review` step (审核, held by scjg approvers). */
async function cateringAtReview(): Promise<string> {
  const id = await acceptedCatering();
  await ok('t01.window', id, { type: 'approve', opinion: '材料齐全' });
  await ok('scjg.handler', id, { type: 'approve', opinion: '现场符合要求' });
  return id;
}

const STEP_ACTIONS = ['approve', 'reject', 'transfer', 'suspend', 'request-extension'];
const LATER_STEP_ACTIONS = ['approve', 'reject', 'return', 'transfer', 'suspend', 'request-extension'];

describe('templates end to end through the API', () => {
  it('XK-SMALL-CATERING: window → 4 steps → conclude → rating, with inboxes, projection and audit', async () => {
    const res = await submit('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: CATERING_MATERIALS,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.caseId as string;
    expect(id).toMatch(/^SP-\d{4}-\d{6}$/);
    expect(res.body).toMatchObject({
      status: 'submitted',
      matter: { code: 'XK-SMALL-CATERING', version: 1 },
      applicant: { name: '李秀英', idNumber: '4102**********1234' },
    });

    // Read-your-write: the projection is there at once, owned by the township; only the window's
    // §32 pre-check period runs before acceptance (the promised limit has not started).
    const submitted = await detail('t01.window', id);
    expect(submitted).toMatchObject({
      process: 'approval',
      status: 'submitted',
      currentStep: '受理',
      unitId: 'lk.t01',
      ownerUnitId: 'lk.t01',
    });
    expect(submitted.clocks).toEqual([
      expect.objectContaining({
        key: 'precheck',
        label: '受理审查期限',
        state: 'running',
        budget: { unit: 'workday', amount: 5 },
      }),
    ]);
    expect(submitted.deadline).toBe(res.body.precheckDeadline);
    expect(submitted.units).toEqual(
      expect.arrayContaining([
        { unitId: 'lk.dept.scjg', relation: 'step' },
        { unitId: 'lk.t01', relation: 'step' },
      ]),
    );
    expect(submitted.data).toMatchObject({
      matter: { code: 'XK-SMALL-CATERING', name: '小餐饮经营许可', version: 1 },
      applicant: { name: '李秀英' },
    });
    expect(JSON.stringify(submitted.data)).not.toContain('13800000000');
    expect(await inboxActions('t01.window', id)).toEqual([
      'accept',
      'notify-missing',
      'refuse',
      'supplement',
      'withdraw',
    ]);
    expect(await inboxActions('scjg.handler', id)).toBeNull();

    const accepted = await ok('t01.window', id, { type: 'accept' });
    expect(accepted).toMatchObject({ status: 'in-progress', receiptNo: `SL-${id}`, currentStep: '受理审查' });
    const caseClock = accepted.clocks.find((c: { key: string }) => c.key === 'case');
    expect(caseClock).toMatchObject({ label: '承诺时限', state: 'running', budget: { unit: 'workday', amount: 10 } });
    expect(accepted.clocks.map((c: { key: string }) => c.key).sort()).toEqual(['case', 'precheck', 'step:accept']);
    expect(accepted.clocks.find((c: { key: string }) => c.key === 'precheck')).toMatchObject({ state: 'stopped' });

    // Each step's holders see it in their inbox with exactly their actions; nobody else's step is listed.
    const users = ['t01.window', 'scjg.handler', 'scjg.approver', 'scjg.leader'];
    const chain: [string, string, Record<string, string[] | null>][] = [
      [
        't01.window',
        '受理审查',
        {
          't01.window': [...STEP_ACTIONS, 'urge', 'withdraw'],
          'scjg.handler': null,
          'scjg.approver': null,
          'scjg.leader': null,
        },
      ],
      [
        'scjg.handler',
        '现场核查',
        {
          't01.window': ['urge', 'withdraw'],
          'scjg.handler': LATER_STEP_ACTIONS,
          'scjg.approver': null,
          'scjg.leader': null,
        },
      ],
      [
        'scjg.approver',
        '审核',
        {
          't01.window': ['urge', 'withdraw'],
          'scjg.handler': null,
          'scjg.approver': LATER_STEP_ACTIONS,
          'scjg.leader': LATER_STEP_ACTIONS,
        },
      ],
      [
        'scjg.leader',
        '审批决定',
        {
          't01.window': ['urge', 'withdraw'],
          'scjg.handler': null,
          'scjg.approver': LATER_STEP_ACTIONS,
          'scjg.leader': LATER_STEP_ACTIONS,
        },
      ],
    ];
    for (const [username, step, inboxes] of chain) {
      const row = await detail('lk.supervisor', id);
      expect(row).toMatchObject({
        currentStep: step,
        colour: 'green',
        status: 'in-progress',
        unitId: username === 't01.window' ? 'lk.t01' : 'lk.dept.scjg',
      });
      for (const user of users) expect(await inboxActions(user, id), `${user} at ${step}`).toEqual(inboxes[user]);
      expect(await inboxActions('lk.supervisor', id)).toEqual(['expedite']);
      await ok(username, id, { type: 'approve', opinion: `${step}：同意` });
    }

    const awaiting = await detail('t01.window', id);
    expect(awaiting).toMatchObject({ status: 'awaiting-conclusion', currentStep: '办结', unitId: 'lk.t01' });
    expect(await inboxActions('t01.window', id)).toEqual(['conclude', 'withdraw']);
    await refused('t01.window', id, { type: 'conclude', result: '准予许可' }, 422, 'certificate-required');
    const done = await ok('t01.window', id, { type: 'conclude', result: '准予许可', certificateNo: 'JY34102250001' });
    expect(done).toMatchObject({
      status: 'concluded',
      conclusion: { result: '准予许可', certificateNo: 'JY34102250001' },
      handlingUnitId: 'lk.dept.scjg',
    });
    expect(done.clocks.every((c: { state: string }) => c.state === 'stopped')).toBe(true);

    const closed = await detail('lk.supervisor', id);
    expect(closed.closedAt).not.toBeNull();
    expect(closed.data.history.map((h: { action: string }) => h.action)).toEqual([
      'submit',
      'accept',
      'approve',
      'approve',
      'approve',
      'approve',
      'conclude',
    ]);
    expect(closed.data.history[3]).toMatchObject({
      actorId: 'u.lk.scjg.handler',
      unitId: 'lk.dept.scjg',
      step: 'inspect',
      opinion: expect.stringContaining('现场核查：同意'),
    });

    const rated = await ok('t01.window', id, { type: 'rate', score: 5, comment: '很满意' });
    expect(rated.rating).toMatchObject({ score: 5, rectificationCaseId: null });
    expect(await auditActions(id)).toEqual([
      'approval.submit',
      'approval.accept',
      'approval.approve',
      'approval.approve',
      'approval.approve',
      'approval.approve',
      'approval.conclude',
      'approval.rate',
    ]);
    const verdict = await api()
      .get(`/api/v1/cases/${id}/audit/verify`)
      .set(await auth('t01.window'));
    expect(verdict.body).toMatchObject({ ok: true, entries: 8 });
  });

  it('JB-ELDER-CARD (即办件): a village agent submits, the window accepts and concludes in one action', async () => {
    const id = await open('t01.v01.agent', {
      matterCode: 'JB-ELDER-CARD',
      channel: 'agent',
      materials: ['id-card', 'photo'],
    });
    const row = await detail('t01.v01.agent', id);
    expect(row).toMatchObject({ ownerUnitId: 'lk.t01', status: 'submitted' });
    expect(await inboxActions('t01.v01.agent', id)).toEqual(['supplement', 'withdraw']);

    await refused('t01.window', id, { type: 'accept' }, 422, 'instant-needs-conclusion');
    const done = await ok('t01.window', id, {
      type: 'accept',
      conclude: { result: '已发放老年人优待证', certificateNo: 'YD-0001' },
    });
    expect(done).toMatchObject({
      status: 'concluded',
      receiptNo: `SL-${id}`,
      conclusion: { result: '已发放老年人优待证', certificateNo: 'YD-0001' },
    });
    expect(done.clocks).toEqual([]);
    expect(await auditActions(id)).toEqual(['approval.submit', 'approval.accept']);
    // The agent rates on the applicant's behalf.
    const rated = await ok('t01.v01.agent', id, { type: 'rate', score: 4 });
    expect(rated.rating).toMatchObject({ score: 4, by: 'u.lk.t01.v01.agent' });
  });

  it('GG-TEMP-RELIEF: survey → township review → county approval, with a return to the previous step', async () => {
    const id = await open('t01.window', {
      matterCode: 'GG-TEMP-RELIEF',
      channel: 'window',
      materials: ['application', 'applicant-id', 'hardship-proof', 'income-statement'],
    });
    await ok('t01.window', id, { type: 'accept' });
    expect(await inboxActions('t01.handler', id)).toEqual(STEP_ACTIONS);
    await refused('t01.handler', id, { type: 'return', reason: '退回' }, 409, 'first-step');
    await ok('t01.handler', id, { type: 'approve', opinion: '入户调查属实' });
    await ok('t01.approver', id, { type: 'approve', opinion: '同意救助 2000 元' });
    expect(await inboxActions('mzj.approver', id)).toEqual(LATER_STEP_ACTIONS);

    const back = await ok('mzj.approver', id, { type: 'return', reason: '救助金额依据不足，请补充说明' });
    expect(back).toMatchObject({ status: 'in-progress', currentStep: '乡镇审核' });
    expect(back.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'current', 'pending']);
    expect(back.steps[1].signatures).toEqual([]);
    expect(await inboxActions('mzj.approver', id)).toBeNull();
    expect(await inboxActions('t01.approver', id)).toEqual(LATER_STEP_ACTIONS);

    await ok('t01.approver', id, { type: 'approve', opinion: '已补充医疗费用清单，同意救助 2000 元' });
    await ok('mzj.approver', id, { type: 'approve', opinion: '同意' });
    const done = await ok('t01.window', id, { type: 'conclude', result: '发放临时救助金 2000 元' });
    expect(done.status).toBe('concluded');
    expect(done.history.map((h: { action: string }) => h.action)).toEqual([
      'submit',
      'accept',
      'approve',
      'approve',
      'return',
      'approve',
      'approve',
      'conclude',
    ]);
    expect(done.history[4]).toMatchObject({
      actorId: 'u.lk.mzj.approver',
      unitId: 'lk.dept.mzj',
      step: 'county-approval',
      opinion: expect.stringContaining('救助金额依据不足'),
    });
  });

  it('ZZ-DUTY-ADMISSION: online by a department, department → county 编办 → city 编办 → county office', async () => {
    const channelRefused = await submit('zj.liaison', {
      matterCode: 'ZZ-DUTY-ADMISSION',
      channel: 'window',
      materials: ['application', 'duty-list-comparison'],
    });
    expect(channelRefused.status).toBe(403);
    const noTownship = await submit('zj.liaison', {
      matterCode: 'ZZ-DUTY-ADMISSION',
      channel: 'online',
      materials: ['application', 'duty-list-comparison'],
    });
    expect(noTownship.status).toBe(400);
    expect(noTownship.body.code).toBe('township-required');

    const id = await open('zj.liaison', {
      matterCode: 'ZZ-DUTY-ADMISSION',
      channel: 'online',
      townshipId: 'lk.t01',
      materials: ['application', 'duty-list-comparison', 'resources-plan'],
    });
    expect(await inboxActions('zj.liaison', id)).toEqual(['supplement', 'withdraw']);
    await ok('t01.window', id, { type: 'accept' });
    for (const [username, step] of [
      ['zj.approver', 'department-application'],
      ['bb.approver', 'county-bb-review'],
      ['sbb.approver', 'city-bb-review'],
      ['office.approver', 'county-approval'],
    ] as const) {
      expect(
        (await detail('lk.supervisor', id)).data.steps.find((s: { state: string }) => s.state === 'current').key,
      ).toBe(step);
      await ok(username, id, { type: 'approve', opinion: '同意', step });
    }
    const done = await ok('t01.window', id, { type: 'conclude', result: '准予将该事项纳入城关镇职责清单' });
    expect(done).toMatchObject({ status: 'concluded', handlingUnitId: 'lk.office' });
    // The online submitter rates it themselves.
    await refused('t01.v01.agent', id, { type: 'rate', score: 5 }, 404);
    expect((await ok('zj.liaison', id, { type: 'rate', score: 5 })).rating.by).toBe('u.lk.zj.liaison');
  });

  it('ZF-MAJOR-DECISION: 立案 → 调查 → 法制审核 (司法局) → 决定', async () => {
    const id = await open('t01.window', {
      matterCode: 'ZF-MAJOR-DECISION',
      channel: 'window',
      materials: ['case-source', 'inspection-record', 'recording'],
    });
    await ok('t01.window', id, { type: 'accept' });
    await ok('t01.approver', id, { type: 'approve', opinion: '符合立案条件，予以立案', step: 'file' });
    await ok('t01.handler', id, { type: 'approve', opinion: '调查终结，证据确凿', step: 'investigate' });
    expect(await inboxActions('sfj.approver', id)).toEqual(LATER_STEP_ACTIONS);
    await ok('sfj.approver', id, {
      type: 'approve',
      opinion: '法制审核通过：事实清楚，适用依据正确，程序合法',
      step: 'legal-review',
    });
    await ok('t01.approver', id, { type: 'approve', opinion: '经集体讨论，决定给予罚款处罚', step: 'decide' });
    const done = await ok('t01.window', id, { type: 'conclude', result: '作出行政处罚决定并送达' });
    expect(done.steps.map((s: { signatures: { actorId: string }[] }) => s.signatures[0]?.actorId)).toEqual([
      'u.lk.t01.approver',
      'u.lk.t01.handler',
      'u.lk.sfj.approver',
      'u.lk.t01.approver',
    ]);
  });
});

describe('step actions', () => {
  it('reject (不予许可) ends the case with the reason; later actions are 409', async () => {
    const id = await acceptedCatering();
    await ok('t01.window', id, { type: 'approve', opinion: '材料齐全' });
    const rejected = await ok('scjg.handler', id, { type: 'reject', reason: '经营场所与住宅未有效隔离，不符合要求' });
    expect(rejected).toMatchObject({
      status: 'rejected',
      closeReason: '经营场所与住宅未有效隔离，不符合要求',
      handlingUnitId: 'lk.dept.scjg',
    });
    const row = await detail('t01.window', id);
    expect(row).toMatchObject({ status: 'rejected', currentStep: null });
    expect(row.closedAt).not.toBeNull();
    expect(row.assignments).toEqual([{ unitId: 'lk.t01', role: 'window_staff', userId: '', actions: ['rate'] }]);
    await refused('scjg.approver', id, { type: 'approve', opinion: '同意' }, 409, 'wrong-state');
    await refused('t01.window', id, { type: 'withdraw', reason: '不办了' }, 409, 'wrong-state');
  });

  it('transfer (转交) within the unit: the assignment becomes the named colleague', async () => {
    const id = await cateringAtReview();
    await refused('scjg.approver', id, { type: 'transfer', toUser: 'mzj.approver' }, 422, 'transfer-other-unit');
    await refused('scjg.approver', id, { type: 'transfer', toUser: 'scjg.liaison' }, 422, 'transfer-other-role');
    await refused('scjg.approver', id, { type: 'transfer', toUser: 'nobody' }, 422, 'unknown-user');
    const moved = await ok('scjg.approver', id, { type: 'transfer', toUser: 'scjg.leader', reason: '本人出差' });
    expect(moved.steps[2].transfers).toEqual({
      'lk.dept.scjg': expect.objectContaining({ userId: 'u.lk.scjg.leader' }),
    });
    const row = await detail('scjg.leader', id);
    expect(row.assignments).toContainEqual({
      unitId: 'lk.dept.scjg',
      role: 'approver',
      userId: 'u.lk.scjg.leader',
      actions: LATER_STEP_ACTIONS,
    });
    expect(await inboxActions('scjg.approver', id)).toBeNull();
    expect(await inboxActions('scjg.leader', id)).toEqual(LATER_STEP_ACTIONS);
    await refused('scjg.approver', id, { type: 'approve', opinion: '同意' }, 403, 'transferred');
    const next = await ok('scjg.leader', id, { type: 'approve', opinion: '同意' });
    expect(next.currentStep).toBe('审批决定');
    // The next step is held by the unit's approvers again, not by the colleague alone.
    expect(await inboxActions('scjg.approver', id)).toEqual(LATER_STEP_ACTIONS);
  });

  it('two approvers on the same single-sign step at once: exactly one succeeds, the other gets 409', async () => {
    const id = await cateringAtReview();
    const before = await stateOf(id);
    const [a, b] = await Promise.all([
      act('scjg.approver', id, { type: 'approve', opinion: '同意（甲）' }),
      act('scjg.leader', id, { type: 'approve', opinion: '同意（乙）' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('not-current-step');
    const after = await detail('lk.supervisor', id);
    expect(after.currentStep).toBe('审批决定');
    expect(after.data.steps[2].signatures).toHaveLength(1);
    expect((await stateOf(id)).audit).toBe(before.audit + 1);
  });

  it('会签 (all): every unit must sign, a unit cannot sign twice', async () => {
    const id = await open('t01.window', {
      matterCode: 'XK-ROAD-OCCUPATION',
      channel: 'window',
      materials: ['application', 'site-plan', 'applicant-id'],
    });
    await ok('t01.window', id, { type: 'accept' });
    await ok('t01.window', id, { type: 'approve', opinion: '受理审查通过' });
    expect(await inboxActions('cgzf.approver', id)).toEqual(LATER_STEP_ACTIONS);
    expect(await inboxActions('gaj.approver', id)).toEqual(LATER_STEP_ACTIONS);

    const first = await ok('cgzf.approver', id, { type: 'approve', opinion: '城管同意' });
    expect(first).toMatchObject({ currentStep: '城管、公安交管会签' });
    expect(first.steps[1].pendingUnitIds).toEqual(['lk.dept.gaj']);
    expect(await inboxActions('cgzf.approver', id)).toBeNull();
    await refused('cgzf.approver', id, { type: 'approve', opinion: '再次同意' }, 409, 'already-signed');
    await refused('cgzf.leader', id, { type: 'approve', opinion: '同意' }, 409, 'already-signed');

    const second = await ok('gaj.approver', id, { type: 'approve', opinion: '交管同意' });
    expect(second.currentStep).toBe('审批决定');
    expect(second.steps[1].signatures.map((s: { unitId: string }) => s.unitId)).toEqual([
      'lk.dept.cgzf',
      'lk.dept.gaj',
    ]);
    expect(await inboxActions('t01.approver', id)).toEqual(LATER_STEP_ACTIONS);
  });

  it('会签 among people: every member of a review panel (named users and a role, in one unit) signs in person', async () => {
    const panelStep = (signers: object[], extra: object = {}) => ({
      key: 'panel-review',
      name: '评审组会签',
      role: 'approver',
      unitRule: { kind: 'units', unitIds: ['lk.dept.scjg'] },
      mode: 'all',
      signers,
      ...extra,
    });
    const catering = CATALOGUE_TEMPLATES.find((m) => m.code === 'XK-SMALL-CATERING')!;
    const matter = (steps: object[]) => ({
      ...catering,
      code: 'XK-PANEL-REVIEW',
      name: '大型餐饮评审（评审组会签）',
      steps: [
        { key: 'accept', name: '受理审查', role: 'window_staff', unitRule: { kind: 'submitting-township' } },
        ...steps,
      ],
    });
    const panel = [{ userId: 'u.lk.scjg.approver' }, { userId: 'u.lk.scjg.leader' }, { role: 'handler' }];
    const define = async (steps: object[]) =>
      api()
        .post('/api/v1/matters')
        .set(await auth('admin'))
        .send(matter(steps));
    // The catalogue's validator: a panel only on a 会签 step, in one unit, of that unit's staff, nobody twice.
    for (const [steps, code] of [
      [[panelStep(panel, { mode: 'single' })], 'signers-not-joint'],
      [[panelStep([...panel, { role: 'handler' }])], 'signers-duplicate'],
      [
        [panelStep(panel, { unitRule: { kind: 'units', unitIds: ['lk.dept.scjg', 'lk.dept.mzj'] } })],
        'signers-one-unit',
      ],
      [[panelStep([{ userId: 'u.lk.mzj.approver' }, { role: 'handler' }])], 'signer-not-in-unit'],
    ] as const) {
      const res = await define([...steps]);
      expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([422, code]);
    }
    const created = await define([panelStep(panel)]);
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const id = await open('t01.window', {
      matterCode: 'XK-PANEL-REVIEW',
      channel: 'window',
      materials: CATERING_MATERIALS,
    });
    await ok('t01.window', id, { type: 'accept' });
    await ok('t01.window', id, { type: 'approve', opinion: '受理审查通过' });
    const panelActions = LATER_STEP_ACTIONS.filter((a) => a !== 'transfer');
    for (const member of ['scjg.approver', 'scjg.leader', 'scjg.handler'])
      expect(await inboxActions(member, id), member).toEqual(panelActions);
    expect(await inboxActions('scjg.liaison', id)).toBeNull();
    expect((await detail('scjg.leader', id)).assignments).toEqual(
      expect.arrayContaining([
        { unitId: 'lk.dept.scjg', role: 'approver', userId: 'u.lk.scjg.approver', actions: panelActions },
        { unitId: 'lk.dept.scjg', role: 'approver', userId: 'u.lk.scjg.leader', actions: panelActions },
        { unitId: 'lk.dept.scjg', role: 'handler', userId: '', actions: panelActions },
      ]),
    );

    // Two approvers of one unit are two signatures here, not one.
    const first = await ok('scjg.approver', id, { type: 'approve', opinion: '同意（评审组成员甲）' });
    expect(first.currentStep).toBe('评审组会签');
    expect(await inboxActions('scjg.approver', id)).toBeNull();
    await refused('scjg.approver', id, { type: 'approve', opinion: '再次同意' }, 409, 'already-signed');
    await refused('scjg.leader', id, { type: 'transfer', toUser: 'scjg.approver' }, 422, 'panel-no-transfer');
    const second = await ok('scjg.leader', id, { type: 'approve', opinion: '同意（评审组组长）' });
    expect(second.currentStep).toBe('评审组会签');
    expect(
      second.steps[1].signers.map((g: { key: string; signature: { actorId: string } | null }) => [
        g.key,
        g.signature?.actorId ?? null,
      ]),
    ).toEqual([
      ['user:u.lk.scjg.approver', 'u.lk.scjg.approver'],
      ['user:u.lk.scjg.leader', 'u.lk.scjg.leader'],
      ['role:handler', null],
    ]);
    expect(await inboxActions('scjg.handler', id)).toEqual(panelActions);

    const done = await ok('scjg.handler', id, { type: 'approve', opinion: '现场核查意见：同意' });
    expect(done.status).toBe('awaiting-conclusion');
    expect(done.steps[1].signers[2]).toMatchObject({
      key: 'role:handler',
      role: 'handler',
      userId: null,
      signature: { actorId: 'u.lk.scjg.handler', signer: 'role:handler', role: 'handler' },
    });
    expect(done.steps[1].signatures).toHaveLength(3);
  });

  it('或签 (any): the first unit to sign completes the step', async () => {
    const id = await open('t01.window', {
      matterCode: 'GG-EMPLOYMENT-CARD',
      channel: 'window',
      materials: ['id-card', 'photo'],
    });
    await ok('t01.window', id, { type: 'accept' });
    await ok('t01.window', id, { type: 'approve', opinion: '受理' });
    expect(await inboxActions('zwfw.approver', id)).toEqual(LATER_STEP_ACTIONS);
    expect(await inboxActions('rsj.approver', id)).toEqual(LATER_STEP_ACTIONS);
    const done = await ok('rsj.approver', id, { type: 'approve', opinion: '审核通过' });
    expect(done.status).toBe('awaiting-conclusion');
    expect(await inboxActions('zwfw.approver', id)).toBeNull();
    await refused('zwfw.approver', id, { type: 'approve', opinion: '同意' }, 409, 'wrong-state');
  });

  it('403 for someone who holds no step, 409 for a holder of another step', async () => {
    const id = await acceptedCatering();
    await ok('t01.window', id, { type: 'approve', opinion: '材料齐全' });
    await refused('t01.approver', id, { type: 'approve', opinion: '同意' }, 403, 'not-your-action');
    await refused('scjg.approver', id, { type: 'approve', opinion: '同意' }, 409, 'not-current-step');
    await refused('scjg.handler', id, { type: 'approve', opinion: '同意', step: 'review' }, 409, 'not-current-step');
    await refused('t01.window', id, { type: 'conclude', result: 'x', certificateNo: 'x' }, 409, 'wrong-state');
    await refused('scjg.handler', id, { type: 'urge', message: '快' }, 403, 'not-your-action');
  });
});

describe('pre-check: 一次性告知, 补正, 容缺受理, refuse', () => {
  it('a one-time notice must list every missing key material and nothing provided; supplement completes it', async () => {
    const id = await open('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: ['business-licence', 'premises-layout', 'food-safety-rules'],
    });
    await refused(
      't01.window',
      id,
      { type: 'notify-missing', missing: ['health-certificates'] },
      422,
      'notice-incomplete',
    );
    await refused(
      't01.window',
      id,
      { type: 'notify-missing', missing: ['operator-id', 'business-licence'] },
      422,
      'notice-lists-provided',
    );
    await refused(
      't01.window',
      id,
      { type: 'notify-missing', missing: ['operator-id', 'no-such-thing'] },
      422,
      'unknown-material',
    );
    await refused('t01.window', id, { type: 'accept' }, 422, 'key-material-missing');

    const notified = await ok('t01.window', id, {
      type: 'notify-missing',
      missing: ['operator-id', 'health-certificates'],
      note: '请于 5 个工作日内补正',
    });
    expect(notified).toMatchObject({
      status: 'awaiting-supplement',
      materials: { notified: ['operator-id', 'health-certificates'] },
    });
    expect(notified.supplementDeadline).not.toBeNull();
    expect(notified.clocks).toEqual([
      expect.objectContaining({ key: 'precheck', state: 'stopped' }),
      expect.objectContaining({
        key: 'supplement',
        label: '补正期限',
        state: 'running',
        budget: { unit: 'workday', amount: 5 },
      }),
    ]);
    expect((await detail('t01.window', id)).deadline).toBe(notified.supplementDeadline);
    await refused('t01.window', id, { type: 'notify-missing', missing: ['operator-id'] }, 409, 'notice-given');

    const partly = await ok('t01.window', id, { type: 'supplement', materials: ['operator-id'] });
    expect(partly.status).toBe('awaiting-supplement');
    await refused('t01.window', id, { type: 'supplement', materials: ['operator-id'] }, 422, 'nothing-new');
    const complete = await ok('t01.window', id, { type: 'supplement', materials: ['health-certificates'] });
    expect(complete).toMatchObject({ status: 'submitted', materials: { missing: [] } });
    expect(complete.clocks.find((c: { key: string }) => c.key === 'supplement')).toMatchObject({ state: 'stopped' });
    expect(await inboxActions('t01.window', id)).toEqual(['accept', 'refuse', 'supplement', 'withdraw']);
    expect((await ok('t01.window', id, { type: 'accept' })).status).toBe('in-progress');
  });

  it('a one-time notice that leaves out any missing material is refused, naming it; a complete one can always be followed to acceptance', async () => {
    const id = await open('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: ['business-licence'],
    });
    const partial = { type: 'notify-missing', missing: ['operator-id', 'premises-layout'] };
    const zh = await refused('t01.window', id, partial, 422, 'notice-incomplete');
    expect(zh.detail).toContain('“食品安全管理制度”、“从业人员健康证明”');
    expect(zh.detail).toContain('第三十二条');
    const en = await api()
      .post(`/api/v1/approvals/${id}/actions`)
      .set(await auth('t01.window'))
      .set('accept-language', 'en')
      .send(partial);
    expect(en.status).toBe(422);
    expect(en.body.detail).toBe(
      'A one-time notice must list every missing material at once (Administrative Licensing Law §32); it leaves out: food-safety-rules, health-certificates',
    );

    const all = ['operator-id', 'premises-layout', 'food-safety-rules', 'health-certificates'];
    await ok('t01.window', id, { type: 'notify-missing', missing: all });
    // Whatever the applicant has handed in so far, someone can move the case on.
    for (const material of all) {
      expect(await inboxActions('t01.window', id)).toEqual(expect.arrayContaining(['accept', 'refuse', 'supplement']));
      await ok('t01.window', id, { type: 'supplement', materials: [material] });
    }
    expect(await inboxActions('t01.window', id)).toEqual(['accept', 'refuse', 'supplement', 'withdraw']);
    expect((await ok('t01.window', id, { type: 'accept' })).status).toBe('in-progress');
  });

  it('容缺受理: a non-key material may be tolerated with a catch-up period ≤ the promised limit; the supplement stops that clock', async () => {
    const id = await open('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: CATERING_MATERIALS.filter((m) => m !== 'health-certificates'),
    });
    await refused('t01.window', id, { type: 'accept' }, 422, 'materials-missing');
    await refused('t01.window', id, { type: 'accept', tolerate: ['operator-id'] }, 422, 'not-tolerable');
    await refused(
      't01.window',
      id,
      { type: 'accept', tolerate: ['health-certificates'], catchUpDays: 11 },
      422,
      'catch-up-above-promise',
    );
    const accepted = await ok('t01.window', id, { type: 'accept', tolerate: ['health-certificates'], catchUpDays: 5 });
    expect(accepted).toMatchObject({
      status: 'in-progress',
      materials: { tolerated: ['health-certificates'], outstanding: ['health-certificates'] },
    });
    expect(accepted.catchUpDeadline).not.toBeNull();
    expect(Date.parse(accepted.catchUpDeadline)).toBeLessThan(
      Date.parse(accepted.clocks.find((c: { key: string }) => c.key === 'case').deadline),
    );
    expect(await inboxActions('t01.window', id)).toEqual([...STEP_ACTIONS, 'urge', 'supplement', 'withdraw']);

    const caughtUp = await ok('t01.window', id, { type: 'supplement', materials: ['health-certificates'] });
    expect(caughtUp.materials.outstanding).toEqual([]);
    expect(caughtUp.clocks.find((c: { key: string }) => c.key === 'catch-up')).toMatchObject({ state: 'stopped' });
    expect(caughtUp.status).toBe('in-progress');
  });

  it('不予受理 with a reason closes the case; the applicant may withdraw before conclusion', async () => {
    const id = await open('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: CATERING_MATERIALS,
    });
    const refusedCase = await ok('t01.window', id, { type: 'refuse', reason: '不属于本机关职权范围' });
    expect(refusedCase).toMatchObject({ status: 'refused', closeReason: '不属于本机关职权范围' });

    const other = await cateringAtReview();
    await refused('scjg.approver', other, { type: 'withdraw', reason: 'x' }, 403, 'not-your-action');
    const withdrawn = await ok('t01.window', other, { type: 'withdraw', reason: '申请人决定暂不开业' });
    expect(withdrawn).toMatchObject({ status: 'withdrawn' });
    expect(withdrawn.clocks.every((c: { state: string }) => c.state === 'stopped')).toBe(true);
    // The workflow has ended (a moment after its last answer): nothing more can happen to the case.
    await t.deps.temporal.workflow.getHandle(other).result();
    await refused('scjg.approver', other, { type: 'approve', opinion: '同意' }, 409, 'case-closed');
    expect(await inboxActions('scjg.approver', other)).toBeNull();
  });
});

describe('supervision: suspension, extension, urge, 特事特办, rating', () => {
  it('suspend (§45) pauses the clocks; resume restarts them; the extension needs a county supervisor', async () => {
    const id = await cateringAtReview();
    const suspended = await ok('scjg.approver', id, { type: 'suspend', kind: 'expert-review', reason: '组织专家评审' });
    expect(suspended.status).toBe('suspended');
    expect(
      suspended.clocks
        .filter((c: { state: string }) => c.state === 'paused')
        .map((c: { key: string }) => c.key)
        .sort(),
    ).toEqual(['case', 'step:review']);
    expect((await detail('lk.supervisor', id)).deadline).toBeNull();
    expect(await inboxActions('scjg.approver', id)).toEqual(['resume']);
    await refused('scjg.approver', id, { type: 'approve', opinion: '同意' }, 409, 'wrong-state');
    const resumed = await ok('scjg.approver', id, { type: 'resume', reason: '评审结束' });
    expect(resumed.status).toBe('in-progress');

    await refused(
      'scjg.approver',
      id,
      { type: 'request-extension', days: 25, reason: '情况复杂' },
      422,
      'extension-too-long',
    );
    const requested = await ok('scjg.approver', id, { type: 'request-extension', days: 5, reason: '需补充检测' });
    expect(requested.pendingExtension).toMatchObject({ days: 5, step: 'review', by: 'u.lk.scjg.approver' });
    await refused(
      'scjg.approver',
      id,
      { type: 'request-extension', days: 2, reason: '再延' },
      409,
      'extension-pending',
    );
    expect(await inboxActions('lk.supervisor', id)).toEqual(['expedite', 'decide-extension']);
    await refused('t01.supervisor', id, { type: 'decide-extension', approve: true }, 403, 'not-your-action');
    const before = resumed.clocks.find((c: { key: string }) => c.key === 'case');
    const approved = await ok('lk.supervisor', id, { type: 'decide-extension', approve: true, reason: '同意延期' });
    const after = approved.clocks.find((c: { key: string }) => c.key === 'case');
    expect(after.budget).toEqual({ unit: 'workday', amount: 15 });
    expect(Date.parse(after.deadline)).toBeGreaterThan(Date.parse(before.deadline));
    expect(approved.pendingExtension).toBeNull();
  });

  it('urge (催办) records a notice to the current step’s unit', async () => {
    const id = await cateringAtReview();
    const urged = await ok('t01.window', id, { type: 'urge', message: '申请人多次来电询问' });
    expect(urged.urgeCount).toBe(1);
    const sent = await t.tdb.db
      .select()
      .from(notices)
      .where(and(eq(notices.caseId, id), eq(notices.kind, 'urge')));
    expect(sent).toEqual([expect.objectContaining({ unitId: 'lk.dept.scjg', key: 'urge:1' })]);
    expect(sent[0]!.message).toContain('审核');
  });

  it('特事特办: a county supervisor replaces the remaining limit with natural hours', async () => {
    const id = await cateringAtReview();
    await refused(
      't01.window',
      id,
      { type: 'expedite', budget: { unit: 'hour', amount: 2 }, reason: '抢险' },
      403,
      'not-your-action',
    );
    const now = Date.now();
    const expedited = await ok('lk.supervisor', id, {
      type: 'expedite',
      budget: { unit: 'hour', amount: 2 },
      reason: '重点招商项目，特事特办',
    });
    const clock = expedited.clocks.find((c: { key: string }) => c.key === 'expedite');
    expect(clock).toMatchObject({ label: '特事特办时限', state: 'running', budget: { unit: 'hour', amount: 2 } });
    expect(Math.abs(Date.parse(clock.deadline) - (now + 2 * 3_600_000))).toBeLessThan(60_000);
    expect(expedited.clocks.find((c: { key: string }) => c.key === 'case').state).toBe('stopped');
    expect((await detail('lk.supervisor', id)).deadline).toBe(clock.deadline);
    await refused(
      'scjg.approver',
      id,
      { type: 'request-extension', days: 2, reason: '延期' },
      422,
      'expedited-no-extension',
    );
  });

  it('特事特办: a township supervisor expedites its own township’s application, not another township’s', async () => {
    const id = await cateringAtReview();
    expect(await inboxActions('t01.supervisor', id)).toEqual(['expedite']);
    expect(await inboxActions('t02.supervisor', id)).toBeNull();
    await refused(
      't02.supervisor',
      id,
      { type: 'expedite', budget: { unit: 'hour', amount: 2 }, reason: '抢险' },
      404,
      'case-not-found',
    );
    const expedited = await ok('t01.supervisor', id, {
      type: 'expedite',
      budget: { unit: 'hour', amount: 4 },
      reason: '防汛物资保障，特事特办',
    });
    expect(expedited.expedited).toMatchObject({ by: 'u.lk.t01.supervisor', budget: { unit: 'hour', amount: 4 } });
    expect(expedited.clocks.find((c: { key: string }) => c.key === 'expedite')).toMatchObject({ state: 'running' });
    // Once expedited, neither supervisor is offered it again.
    expect(await inboxActions('t01.supervisor', id)).toBeNull();
    await refused(
      'lk.supervisor',
      id,
      { type: 'expedite', budget: { unit: 'hour', amount: 1 }, reason: '再次' },
      409,
      'wrong-state',
    );
  });

  it('a bad rating opens a rectification task for the handling unit, visible in its case list', async () => {
    const id = await cateringAtReview();
    await ok('scjg.approver', id, { type: 'approve', opinion: '同意' });
    await ok('scjg.leader', id, { type: 'approve', opinion: '准予许可' });
    await ok('t01.window', id, { type: 'conclude', result: '准予许可', certificateNo: 'JY34102250002' });
    const rated = await ok('t01.window', id, { type: 'rate', score: 1, comment: '多次往返，办事太慢' });
    const taskId = rated.rating.rectificationCaseId as string;
    expect(taskId).toMatch(/^RW-\d{4}-\d{6}$/);
    await t.deps.temporal.workflow.getHandle(id).result();
    await refused('t01.window', id, { type: 'rate', score: 5 }, 409, 'case-closed');

    let listed: { id: string; unitId: string }[] = [];
    for (let i = 0; i < 50 && listed.length === 0; i += 1) {
      const res = await api()
        .get('/api/v1/cases?process=task')
        .set(await auth('scjg.handler'));
      listed = (res.body.items as { id: string; unitId: string }[]).filter((c) => c.id === taskId);
      if (listed.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toEqual([expect.objectContaining({ id: taskId, unitId: 'lk.dept.scjg' })]);
    const task = await detail('lk.supervisor', taskId);
    expect(task).toMatchObject({ process: 'task', ownerUnitId: 'lk', status: 'open' });
    expect(task.clocks[0]).toMatchObject({ budget: { unit: 'workday', amount: 15 } });
    expect(await inboxActions('scjg.handler', taskId)).toEqual(['complete']);
  });
  it('refused ratings use up no case numbers: the rectification task is numbered right after the last task', async () => {
    const id = await cateringAtReview();
    const task = await api()
      .post('/api/v1/tasks')
      .set(await auth('lk.supervisor'))
      .send({ title: '整改：窗口服务', description: '核查', unitId: 'lk.t01', budget: { unit: 'workday', amount: 5 } });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const [, year, last] = /^RW-(\d{4})-(\d{6})$/.exec(task.body.caseId as string)!;
    // Ten bad ratings before the case is concluded (409), ten by someone who may not rate (403).
    for (let i = 0; i < 10; i += 1)
      await refused('t01.window', id, { type: 'rate', score: 1, comment: `太慢 ${i}` }, 409);
    await ok('scjg.approver', id, { type: 'approve', opinion: '同意' });
    await ok('scjg.leader', id, { type: 'approve', opinion: '准予许可' });
    await ok('t01.window', id, { type: 'conclude', result: '准予许可', certificateNo: 'JY34102250003' });
    for (let i = 0; i < 10; i += 1) await refused('scjg.leader', id, { type: 'rate', score: 2 }, 403);
    const rated = await ok('t01.window', id, { type: 'rate', score: 1, comment: '多次往返' });
    expect(rated.rating.rectificationCaseId).toBe(`RW-${year}-${String(Number(last) + 1).padStart(6, '0')}`);
  });
});

describe('deadlines: the promised limit, the current step’s limit and the pre-acceptance clocks', () => {
  /** Open approvals on the township board, per clock kind. */
  async function boardKinds(): Promise<Record<string, number>> {
    const res = await api()
      .get('/api/v1/board')
      .query({ process: 'approval' })
      .set(await auth('t01.supervisor'));
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body.byKind as { kind: string; counts: { total: number } }[]).map((k) => [k.kind, k.counts.total]),
    );
  }
  const clock = (view: { clocks: { key: string; deadline: string | null }[] }, key: string) =>
    view.clocks.find((c) => c.key === key)?.deadline;

  it('exposes the case deadline and the step deadline separately; before acceptance only the pre-check clock runs, as its own kind', async () => {
    const before = await boardKinds();
    const id = await open('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: CATERING_MATERIALS,
    });
    const submitted = await detail('t01.window', id);
    expect(submitted).toMatchObject({
      clockKind: 'pre-acceptance',
      caseDeadline: null,
      stepDeadline: null,
      deadline: clock(submitted, 'precheck'),
    });
    expect(submitted.live).toMatchObject({ caseDeadline: null, stepDeadline: null });
    expect(await boardKinds()).toEqual({ ...before, 'pre-acceptance': (before['pre-acceptance'] ?? 0) + 1 });

    const accepted = await ok('t01.window', id, { type: 'accept' });
    const promised = clock(accepted, 'case')!;
    const firstStep = clock(accepted, 'step:accept')!;
    expect(Date.parse(firstStep)).toBeLessThan(Date.parse(promised));
    expect(accepted).toMatchObject({ caseDeadline: promised, stepDeadline: firstStep });
    // `deadline` keeps its meaning (the nearest running deadline: here the step's); the promised limit is caseDeadline.
    expect(await detail('lk.supervisor', id)).toMatchObject({
      clockKind: 'case',
      caseDeadline: promised,
      stepDeadline: firstStep,
      deadline: firstStep,
    });
    expect(await boardKinds()).toEqual({ ...before, case: (before.case ?? 0) + 1 });
    const listed = await api()
      .get('/api/v1/cases?process=approval&pageSize=200')
      .set(await auth('t01.window'));
    expect(listed.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({
      caseDeadline: promised,
      stepDeadline: firstStep,
      clockKind: 'case',
    });

    const next = await ok('t01.window', id, { type: 'approve', opinion: '材料齐全' });
    expect(next).toMatchObject({ caseDeadline: promised, stepDeadline: clock(next, 'step:inspect') });
    expect(await detail('t01.window', id)).toMatchObject({
      caseDeadline: promised,
      stepDeadline: clock(next, 'step:inspect'),
    });
  });
});

describe('scope and submission rules', () => {
  it('a clerk of another township can neither see nor act on the case', async () => {
    const id = await acceptedCatering();
    const before = await stateOf(id);
    expect(
      (
        await api()
          .get(`/api/v1/cases/${id}`)
          .set(await auth('t02.window'))
      ).status,
    ).toBe(404);
    const list = await api()
      .get('/api/v1/cases?process=approval')
      .set(await auth('t02.window'));
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    for (const action of [
      { type: 'approve', opinion: '同意' },
      { type: 'withdraw', reason: 'x' },
      { type: 'urge', message: 'x' },
    ]) {
      const res = await act('t02.window', id, action);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('case-not-found');
    }
    expect(await inboxActions('t02.window', id)).toBeNull();
    expect(await stateOf(id)).toEqual(before);
  });

  it('online applications only from an applicant identity: own-township window or agent, or a department for its own matter; other staff 403', async () => {
    const before = await t.tdb.db.select({ n: count() }).from(cases);
    const refusals = [
      ['t02.v01.g01.grid', 'JB-ELDER-CARD', []],
      ['t01.v01.g01.grid', 'JB-ELDER-CARD', []],
      ['scjg.liaison', 'XK-SMALL-CATERING', CATERING_MATERIALS],
      // 职责准入 of the 住建局 template: another department is not its applicant.
      ['scjg.liaison', 'ZZ-DUTY-ADMISSION', ['application', 'duty-list-comparison']],
      ['t01.supervisor', 'JB-ELDER-CARD', []],
      ['t01.approver', 'JB-ELDER-CARD', []],
      ['t02.window', 'JB-ELDER-CARD', []],
      ['t02.v01.agent', 'JB-ELDER-CARD', []],
    ] as const;
    for (const [username, matterCode, materials] of refusals) {
      const res = await submit(username, { matterCode, channel: 'online', townshipId: 'lk.t01', materials });
      expect(res.status, `${username} ${matterCode}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'online-applicant-forbidden',
        detail: expect.stringContaining('网上申请只能由本乡镇的窗口人员、村代办员代为提交'),
      });
    }
    const en = await api()
      .post('/api/v1/approvals')
      .set(await auth('t02.v01.g01.grid'))
      .set('accept-language', 'en')
      .send({ applicant, matterCode: 'JB-ELDER-CARD', channel: 'online', townshipId: 'lk.t01', materials: [] });
    expect(en.status).toBe(403);
    expect(en.body.detail).toMatch(/only that township's window clerks and village agents/);
    expect(await t.tdb.db.select({ n: count() }).from(cases)).toEqual(before);

    // On a resident's behalf in their own township: the window and the village agent.
    const byWindow = await open('t01.window', {
      matterCode: 'JB-ELDER-CARD',
      channel: 'online',
      townshipId: 'lk.t01',
      materials: [],
    });
    expect((await detail('t01.window', byWindow)).data).toMatchObject({
      channel: 'online',
      townshipId: 'lk.t01',
      submittedBy: 'u.lk.t01.window',
    });
    await open('t01.v01.agent', {
      matterCode: 'JB-ELDER-CARD',
      channel: 'online',
      townshipId: 'lk.t01',
      materials: [],
    });
  });

  it("who read an applicant's ID number is in the access audit, for the auditor only", async () => {
    const id = await open('t01.window', {
      matterCode: 'JB-ELDER-CARD',
      channel: 'window',
      materials: ['id-card', 'photo'],
    });
    const seen = await api()
      .get(`/api/v1/cases/${id}`)
      .set(await auth('t01.supervisor'))
      .set('x-request-id', `read-${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.live.applicant).toEqual({ name: '李秀英', phone: '13800000000', idNumber: '4102**********1234' });
    const audit = await api()
      .get('/api/v1/access-audit')
      .query({ kind: 'personal-data-read', subject: id })
      .set(await auth('lk.auditor'));
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        userId: 'u.lk.t01.supervisor',
        role: 'supervisor',
        unitId: 'lk.t01',
        method: 'GET',
        path: `/api/v1/cases/${id}`,
        requestId: `read-${id}`,
        subject: id,
        detail: { fields: ['applicant.name', 'applicant.phone', 'applicant.idNumber'], idNumber: '4102**********1234' },
      }),
    ]);
    // A case that cannot be seen is not read: nothing recorded for the other township's clerk.
    expect(
      (
        await api()
          .get(`/api/v1/cases/${id}`)
          .set(await auth('t02.window'))
      ).status,
    ).toBe(404);
    let again = await api()
      .get('/api/v1/access-audit')
      .query({ kind: 'personal-data-read', subject: id })
      .set(await auth('lk.auditor'));
    expect(again.body.total).toBe(1);
    // An action's answer shows the applicant too.
    await ok('t01.window', id, { type: 'accept', conclude: { result: '当场发放优待证' } });
    again = await api()
      .get('/api/v1/access-audit')
      .query({ kind: 'personal-data-read', subject: id })
      .set(await auth('lk.auditor'));
    expect(again.body.items.map((e: { userId: string; method: string }) => [e.userId, e.method])).toEqual([
      ['u.lk.t01.window', 'POST'],
      ['u.lk.t01.supervisor', 'GET'],
    ]);
    expect(
      (
        await api()
          .get('/api/v1/access-audit')
          .set(await auth('t01.supervisor'))
      ).status,
    ).toBe(403);
  });

  it('refuses unknown or inactive matters, a promise the calendar cannot count, disallowed channels, unknown materials and bad bodies', async () => {
    const catering = CATALOGUE_TEMPLATES.find((m) => m.code === 'XK-SMALL-CATERING')!;
    const fixtures = [
      { ...catering, code: 'XK-TEST-INACTIVE', name: '已停用的测试事项' },
      // 300 working days always reach a year beyond the calendar data.
      { ...catering, code: 'XK-TEST-LONG', name: '超长时限测试事项', statutoryLimitDays: 300, promisedLimitDays: 300 },
    ];
    await t.tdb.db.insert(matters).values(
      fixtures.map((d) => ({
        code: d.code,
        name: d.name,
        category: d.category,
        kind: d.kind,
        currentVersion: 1,
        active: d.code !== 'XK-TEST-INACTIVE',
      })),
    );
    await t.tdb.db
      .insert(matterVersions)
      .values(fixtures.map((definition) => ({ code: definition.code, version: 1, definition, createdBy: 'test' })));
    const before = await t.tdb.db.select({ n: count() }).from(cases);

    expect((await submit('t01.window', { matterCode: 'NO-SUCH', channel: 'window', materials: [] })).status).toBe(404);
    expect(
      (await submit('t01.window', { matterCode: 'XK-TEST-INACTIVE', channel: 'window', materials: CATERING_MATERIALS }))
        .status,
    ).toBe(404);
    const long = await submit('t01.window', {
      matterCode: 'XK-TEST-LONG',
      channel: 'window',
      materials: CATERING_MATERIALS,
    });
    expect(long.status).toBe(422);
    expect(long.body).toMatchObject({
      code: 'calendar-year-missing',
      detail: expect.stringContaining('节假日数据尚未录入'),
    });
    expect(await t.tdb.db.select({ n: count() }).from(cases)).toEqual(before);
    const channel = await submit('t01.window', { matterCode: 'ZZ-DUTY-ADMISSION', channel: 'window', materials: [] });
    expect(channel.status).toBe(422);
    expect(channel.body.code).toBe('channel-not-allowed');
    const material = await submit('t01.window', {
      matterCode: 'XK-SMALL-CATERING',
      channel: 'window',
      materials: ['no-such-thing'],
    });
    expect(material.status).toBe(422);
    expect(material.body.code).toBe('unknown-material');
    const agentWindow = await submit('t01.v01.agent', {
      matterCode: 'JB-ELDER-CARD',
      channel: 'window',
      materials: [],
    });
    expect(agentWindow.status).toBe(403);
    const otherTownship = await submit('t01.window', {
      matterCode: 'JB-ELDER-CARD',
      channel: 'window',
      materials: [],
      townshipId: 'lk.t02',
    });
    expect(otherTownship.status).toBe(422);
    const bad = await submit('t01.window', { matterCode: 'JB-ELDER-CARD', channel: 'fax', materials: [] });
    expect(bad.status).toBe(400);
    const id = await acceptedCatering();
    const badAction = await act('t01.window', id, { type: 'approve', opinion: '同意', extra: 1 });
    expect(badAction.status).toBe(400);
  });
});
