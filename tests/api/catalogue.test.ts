import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../../db/audit';
import { getMatterVersion, resolveStepUnits } from '../../db/catalogue';
import { users } from '../../db/schema/org';
import { CATALOGUE_TEMPLATES } from '../../db/seed/catalogue';
import type { MatterDefinition } from '../../domain/catalogue';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Method = 'get' | 'post' | 'put' | 'patch';

async function call(as: string | null, method: Method, path: string, body?: object): Promise<request.Response> {
  const req = request(t.app)[method](`/api/v1${path}`);
  if (as) req.set('Authorization', `Bearer ${await t.tokenFor(as)}`);
  return body ? req.send(body) : req;
}
const admin = (method: Method, path: string, body?: object) => call('admin', method, path, body);
const clerk = (path: string) => call('t01.window', 'get', path);

/** The catalogue tables and the audit log, to prove a refused write changed nothing. */
async function snapshot(): Promise<unknown> {
  const { rows } = await t.deps.database.pool.query(
    `select (select json_agg(m order by code) from matters m) matters, (select count(*) from matter_versions) versions, (select count(*) from audit_log) audit`,
  );
  return rows[0];
}

async function refused(status: number, code: string, send: () => Promise<request.Response>): Promise<request.Response> {
  const before = await snapshot();
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({
    code,
    i18n: { 'zh-CN': { detail: expect.any(String) }, en: { detail: expect.any(String) } },
  });
  expect(await snapshot()).toEqual(before);
  return res;
}

const template = (code: string): MatterDefinition => {
  const found = CATALOGUE_TEMPLATES.find((d) => d.code === code);
  if (!found) throw new Error(`no template ${code}`);
  return found;
};

const step = (key: string, unitIds = ['lk.dept.mzj'], role = 'approver') => ({
  key,
  name: `环节${key}`,
  role,
  unitRule: { kind: 'units', unitIds },
});
const newMatter = {
  code: 'GG-DISABILITY-SUBSIDY',
  name: '困难残疾人生活补贴申请',
  category: 'public_service',
  handlingLevel: 'township',
  legalBasis: '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》',
  materials: [
    { key: 'id-card', name: '居民身份证', form: 'copy', isKey: true },
    { key: 'disability-card', name: '残疾人证', form: 'copy', isKey: true },
  ],
  statutoryLimitDays: 20,
  promisedLimitDays: 15,
  kind: 'promise',
  channels: ['window', 'agent'],
  steps: [
    { key: 'accept', name: '受理', role: 'window_staff', unitRule: { kind: 'submitting-township' } },
    step('approve'),
  ],
  reason: '新增事项',
};

describe('reading the catalogue', () => {
  it('needs a token', async () => {
    await refused(401, 'unauthenticated', () => call(null, 'get', '/matters'));
  });

  it('lists every template to a window clerk, with limits and step counts', async () => {
    const res = await clerk('/matters');
    expect(res.status).toBe(200);
    expect(res.body.map((m: { code: string }) => m.code)).toEqual(CATALOGUE_TEMPLATES.map((d) => d.code).sort());
    expect(res.body.find((m: { code: string }) => m.code === 'XK-SMALL-CATERING')).toEqual({
      code: 'XK-SMALL-CATERING',
      name: '小餐饮经营许可',
      category: 'permit',
      categoryLabel: '行政许可',
      kind: 'promise',
      kindLabel: '承诺件',
      handlingLevel: 'county',
      channels: ['window', 'online'],
      statutoryLimitDays: 20,
      promisedLimitDays: 10,
      stepCount: 4,
      currentVersion: 1,
      active: true,
    });
  });

  it.each([
    ['category=permit', ['XK-ROAD-OCCUPATION', 'XK-SMALL-CATERING']],
    ['kind=instant', ['JB-ELDER-CARD']],
    ['channel=agent&category=public_service', ['GG-EMPLOYMENT-CARD', 'GG-TEMP-RELIEF', 'JB-ELDER-CARD']],
    [`q=${encodeURIComponent('救助')}`, ['GG-TEMP-RELIEF']],
    ['q=zz-duty', ['ZZ-DUTY-ADMISSION']],
    ['q=%25', []],
    ['active=false', []],
  ])('filters by %s', async (query, codes) => {
    const res = await clerk(`/matters?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.map((m: { code: string }) => m.code)).toEqual(codes);
  });

  it('shows the 办事指南 with each step’s units by name', async () => {
    const res = await clerk('/matters/ZZ-DUTY-ADMISSION');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 'ZZ-DUTY-ADMISSION',
      version: 1,
      currentVersion: 1,
      createdBy: 'seed',
      definition: template('ZZ-DUTY-ADMISSION'),
    });
    expect(res.body.steps.map((s: { handledBy: string }) => s.handledBy)).toEqual([
      '兰考县住房和城乡建设局',
      '中共兰考县委机构编制委员会办公室',
      '开封市委编办（上级审核对接）',
      '兰考县委县政府办公室',
    ]);
    const catering = await clerk('/matters/XK-SMALL-CATERING');
    expect(catering.body.steps[0]).toEqual({
      key: 'accept',
      name: '受理审查',
      role: 'window_staff',
      roleLabel: '窗口人员',
      mode: 'single',
      modeLabel: '单人审批',
      limitDays: 1,
      handledBy: '申请人所在乡镇（街道）',
      units: [],
    });
    const road = await clerk('/matters/XK-ROAD-OCCUPATION');
    expect(road.body.steps[1]).toMatchObject({
      mode: 'all',
      modeLabel: '会签',
      handledBy: '兰考县城市管理综合执法局、兰考县公安局',
    });
  });

  it('answers 404 for an unknown matter or version', async () => {
    await refused(404, 'matter-not-found', () => clerk('/matters/NOPE'));
    await refused(404, 'matter-not-found', () => clerk('/matters/NOPE/versions'));
    await refused(404, 'matter-version-not-found', () => clerk('/matters/JB-ELDER-CARD/versions/2'));
    await refused(400, 'validation-failed', () => clerk('/matters/JB-ELDER-CARD/versions/zero'));
  });
});

describe('admin writes', () => {
  it('creates a matter as version 1, audited', async () => {
    const res = await admin('post', '/matters', newMatter);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      code: newMatter.code,
      version: 1,
      currentVersion: 1,
      active: true,
      stepCount: 2,
      createdBy: 'u.lk.admin',
    });
    expect(res.body.definition).toMatchObject({
      fees: '不收费',
      supplementDays: 5,
      steps: [{ mode: 'single' }, { mode: 'single' }],
    });
    expect(res.body.definition).not.toHaveProperty('reason');
    const listed = await clerk(`/matters?q=${encodeURIComponent('残疾人')}`);
    expect(listed.body.map((m: { code: string }) => m.code)).toEqual([newMatter.code]);
  });

  it('edits it into version 2 while version 1 stays readable', async () => {
    const v2 = {
      ...newMatter,
      promisedLimitDays: 10,
      steps: [...newMatter.steps.slice(0, 1), step('review', ['lk.dept.mzj']), step('approve', ['lk.office'])],
      reason: '增加审核环节',
    };
    const res = await admin('put', `/matters/${newMatter.code}`, v2);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: 2, currentVersion: 2, promisedLimitDays: 10, stepCount: 3 });

    const versions = await clerk(`/matters/${newMatter.code}/versions`);
    expect(
      versions.body.map((v: { version: number; current: boolean; stepCount: number }) => [
        v.version,
        v.current,
        v.stepCount,
      ]),
    ).toEqual([
      [2, true, 3],
      [1, false, 2],
    ]);
    const v1 = await clerk(`/matters/${newMatter.code}/versions/1`);
    expect(v1.body).toMatchObject({ version: 1, currentVersion: 2, promisedLimitDays: 15, stepCount: 2 });
    expect((await clerk(`/matters/${newMatter.code}`)).body.version).toBe(2);

    // An identical definition adds no version and no audit entry.
    const before = await snapshot();
    const same = await admin('put', `/matters/${newMatter.code}`, v2);
    expect(same.body).toMatchObject({ version: 2, currentVersion: 2 });
    expect(await snapshot()).toEqual(before);
  });

  it('deactivates and reactivates it; a running case can still read its version', async () => {
    const off = await admin('patch', `/matters/${newMatter.code}`, { active: false, reason: '暂停受理' });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ active: false, version: 2 });
    expect(await getMatterVersion(t.deps.database.db, newMatter.code)).toBeNull();
    expect(await getMatterVersion(t.deps.database.db, newMatter.code, 1)).toMatchObject({
      version: 1,
      definition: { promisedLimitDays: 15 },
    });
    expect((await clerk('/matters?active=false')).body.map((m: { code: string }) => m.code)).toEqual([newMatter.code]);
    const on = await admin('patch', `/matters/${newMatter.code}`, { active: true });
    expect(on.body).toMatchObject({ active: true });
    expect(await getMatterVersion(t.deps.database.db, newMatter.code)).toMatchObject({
      version: 2,
      definition: { promisedLimitDays: 10 },
    });
  });

  it('chains every write on the admin:catalogue audit stream', async () => {
    expect(await verifyStream(t.deps.database.db, 'admin:catalogue')).toMatchObject({ ok: true, entries: 4 });
    const { rows } = await t.deps.database.pool.query(
      `select action, actor_id, reason, before, after from audit_log where stream_id = 'admin:catalogue' order by seq`,
    );
    expect(rows.map((r) => [r.action, r.reason])).toEqual([
      ['catalogue.matter.create', '新增事项'],
      ['catalogue.matter.version', '增加审核环节'],
      ['catalogue.matter.deactivate', '暂停受理'],
      ['catalogue.matter.activate', null],
    ]);
    expect(rows[1]).toMatchObject({
      actor_id: 'u.lk.admin',
      before: { currentVersion: 1, definition: { promisedLimitDays: 15 } },
      after: { currentVersion: 2, definition: { promisedLimitDays: 10 } },
    });
  });

  it('refuses a 5-step chain (create or edit) with the rule, writing nothing', async () => {
    const five = { ...newMatter, code: 'GG-FIVE', steps: ['a', 'b', 'c', 'd', 'e'].map((k) => step(k)) };
    const res = await refused(422, 'too-many-steps', () => admin('post', '/matters', five));
    expect(res.body.i18n['zh-CN'].detail).toBe('审批环节最多 4 个，当前定义了 5 个');
    expect(res.body.issues).toEqual([
      {
        path: 'body.steps',
        message: '审批环节最多 4 个，当前定义了 5 个',
        message_en: 'An approval chain has at most 4 steps; this one has 5',
      },
    ]);
    await refused(422, 'too-many-steps', () =>
      admin('put', `/matters/${newMatter.code}`, { ...five, code: newMatter.code }),
    );
  });

  it.each<[string, string, object]>([
    ['a promised limit above the statutory one', 'promise-above-statutory', { promisedLimitDays: 25 }],
    ['an unknown unit', 'step-unit-unresolvable', { steps: [step('a', ['lk.dept.nope'])] }],
    [
      'a unit without staff in the role',
      'step-without-staff',
      { steps: [step('a', ['lk.dept.scjg'], 'window_staff')] },
    ],
    [
      '会签 with a unit without staff',
      'step-without-staff',
      { steps: [{ ...step('a', ['lk.bb', 'lk.zhzx']), mode: 'all' }] },
    ],
  ])('refuses %s', async (_name, code, change) => {
    await refused(422, code, () => admin('post', '/matters', { ...newMatter, code: 'GG-REFUSED', ...change }));
    await refused(422, code, () => admin('put', `/matters/${newMatter.code}`, { ...newMatter, ...change }));
  });

  it('refuses a duplicate code, a non-admin, malformed bodies and a code mismatch', async () => {
    await refused(409, 'matter-exists', () => admin('post', '/matters', { ...newMatter, code: 'XK-SMALL-CATERING' }));
    await refused(403, 'role-forbidden', () =>
      call('t01.window', 'post', '/matters', { ...newMatter, code: 'GG-OTHER' }),
    );
    await refused(403, 'role-forbidden', () =>
      call('scjg.approver', 'patch', '/matters/XK-SMALL-CATERING', { active: false }),
    );
    await refused(400, 'validation-failed', () =>
      admin('post', '/matters', { ...newMatter, code: 'GG-OTHER', steps: 'all of them' }),
    );
    await refused(400, 'validation-failed', () =>
      admin('post', '/matters', { ...newMatter, code: 'GG-OTHER', steps: [] }),
    );
    await refused(400, 'validation-failed', () =>
      admin('post', '/matters', { ...newMatter, code: 'GG-OTHER', unknownField: 1 }),
    );
    await refused(400, 'validation-failed', () =>
      admin('post', '/matters', {
        ...newMatter,
        code: 'GG-OTHER',
        steps: [{ ...step('a'), mode: 'all', unitRule: { kind: 'submitting-township' } }],
      }),
    );
    await refused(400, 'code-mismatch', () =>
      admin('put', `/matters/${newMatter.code}`, { ...newMatter, code: 'GG-OTHER' }),
    );
    await refused(404, 'matter-not-found', () => admin('put', '/matters/GG-OTHER', { ...newMatter, code: 'GG-OTHER' }));
    await refused(404, 'matter-not-found', () => admin('patch', '/matters/GG-OTHER', { active: false }));
  });
});

describe('getMatterVersion and resolveStepUnits against the seeded county', () => {
  const db = () => t.deps.database.db;

  it('reads the current version of an active matter, or an exact version', async () => {
    expect(await getMatterVersion(db(), 'XK-SMALL-CATERING')).toEqual({
      code: 'XK-SMALL-CATERING',
      version: 1,
      definition: template('XK-SMALL-CATERING'),
    });
    expect(await getMatterVersion(db(), 'XK-SMALL-CATERING', 1)).toMatchObject({ version: 1 });
    expect(await getMatterVersion(db(), 'XK-SMALL-CATERING', 2)).toBeNull();
    expect(await getMatterVersion(db(), 'NOPE')).toBeNull();
  });

  it('resolves the submitting township and the fixed units', async () => {
    const res = await resolveStepUnits(db(), template('XK-SMALL-CATERING'), 'lk.t01');
    expect(res.ok && res.steps.map((s) => [s.key, s.unitIds])).toEqual([
      ['accept', ['lk.t01']],
      ['inspect', ['lk.dept.scjg']],
      ['review', ['lk.dept.scjg']],
      ['decide', ['lk.dept.scjg']],
    ]);
    const road = await resolveStepUnits(db(), template('XK-ROAD-OCCUPATION'), 'lk.t03');
    expect(road.ok && road.steps[1]).toMatchObject({ mode: 'all', unitIds: ['lk.dept.cgzf', 'lk.dept.gaj'] });
  });

  it('resolves every template in every township and street', async () => {
    for (const d of CATALOGUE_TEMPLATES) {
      for (const township of ['lk.t01', 'lk.t02', 'lk.t03']) {
        const res = await resolveStepUnits(db(), d, township);
        expect(res.ok, `${d.code} @ ${township}: ${JSON.stringify(res)}`).toBe(true);
      }
    }
  });

  it.each<[string, string | null, string]>([
    ['no township', null, 'step-unit-unresolvable'],
    ['an unknown township', 'lk.t99', 'step-unit-unresolvable'],
    ['a department instead of a township', 'lk.dept.scjg', 'step-unit-unresolvable'],
  ])('refuses %s', async (_name, township, code) => {
    const res = await resolveStepUnits(db(), template('XK-SMALL-CATERING'), township);
    expect(res).toMatchObject({
      ok: false,
      violation: { code, path: ['steps', 0, 'unitRule'], zh: expect.stringContaining('受理审查') },
    });
  });

  it('refuses a step whose unit has no active staff in the role', async () => {
    const sbb = 'u.lk.sbb.approver';
    await db().update(users).set({ active: false }).where(eq(users.id, sbb));
    try {
      const res = await resolveStepUnits(db(), template('ZZ-DUTY-ADMISSION'), null);
      expect(res).toMatchObject({
        ok: false,
        violation: {
          code: 'step-without-staff',
          path: ['steps', 2, 'unitRule'],
          zh: '环节「市委编办审核」的办理单位「开封市委编办（上级审核对接）」没有在岗的审核/审批人',
        },
      });
    } finally {
      await db().update(users).set({ active: true }).where(eq(users.id, sbb));
    }
  });
});
