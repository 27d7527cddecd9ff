import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../../db/audit';
import { DEMO_POWER_LISTS, DEMO_UNITS, DEMO_USERS } from '../../db/seed/demo-county';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Method = 'get' | 'post' | 'patch';

/** A request through the real HTTP path, signed in as `as` (or anonymous when null). */
async function call(as: string | null, method: Method, path: string, body?: object): Promise<request.Response> {
  const req = request(t.app)[method](`/api/v1${path}`);
  if (as) req.set('Authorization', `Bearer ${await t.tokenFor(as)}`);
  return body ? req.send(body) : req;
}
const admin = (method: Method, path: string, body?: object) => call('admin', method, path, body);

async function counts(): Promise<Record<string, string>> {
  const { rows } = await t.deps.database.pool.query(
    `select (select count(*) from org_units) units, (select count(*) from users) users,
            (select count(*) from power_list_items) powers, (select count(*) from audit_log) audit`,
  );
  return rows[0];
}

/** `send` is refused with `status` and `code` as bilingual problem+json, and nothing is written. */
async function expectRefused(status: number, code: string, send: () => Promise<request.Response>): Promise<request.Response> {
  const before = await counts();
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.i18n['zh-CN'].detail).toBeTruthy();
  expect(res.body.i18n.en.detail).toBeTruthy();
  expect(await counts()).toEqual(before);
  return res;
}

const newVillage = { id: 'lk.t01.v04', parentId: 'lk.t01', kind: 'village', name: '谷营村', nameEn: 'Guying Village', reason: '村庄区划调整' };
const newGrid = { id: 'lk.t01.v04.g01', parentId: 'lk.t01.v04', kind: 'grid', name: '谷营村第一网格' };
const newGridWorker = { username: 't01.v04.g01.grid', displayName: '李网格', role: 'grid_worker', unitId: 'lk.t01.v04.g01', phone: '13800000000' };

describe('reading the org tree', () => {
  it('needs a token', async () => {
    await expectRefused(401, 'unauthenticated', () => call(null, 'get', '/org-units'));
  });

  it('lists the whole tree to any signed-in user, and filters by kind', async () => {
    const all = await call('t01.v01.g01.grid', 'get', '/org-units');
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(DEMO_UNITS.length);
    expect(all.body[0]).toMatchObject({ id: 'lk', parentId: null, kind: 'county', path: 'lk', level: 1, regionCode: '410225', active: true });
    const streets = await call('t01.window', 'get', '/org-units?kind=street');
    expect(streets.body.map((u: { id: string }) => u.id)).toEqual(['lk.t03']);
    const named = await call('t01.window', 'get', '/org-units?q=%E8%83%A1%E5%AF%A8'); // 胡寨
    expect(named.body.map((u: { id: string }) => u.id)).toEqual(['lk.t01.v01', 'lk.t01.v01.g01', 'lk.t01.v01.g02']);
  });

  it('lists a subtree: exactly the villages, grids and agencies below lk.t01', async () => {
    const res = await call('t01.window', 'get', '/org-units?under=lk.t01');
    expect(res.status).toBe(200);
    const expected = DEMO_UNITS.filter((u) => u.id.startsWith('lk.t01.')).map((u) => u.id);
    expect(res.body.map((u: { id: string }) => u.id).sort()).toEqual(expected.sort());
    expect(new Set(res.body.map((u: { kind: string }) => u.kind))).toEqual(new Set(['village', 'grid', 'agency']));
    await expectRefused(404, 'org-unit-not-found', () => call('t01.window', 'get', '/org-units?under=lk.t99'));
  });

  it('shows one unit with its number of children', async () => {
    const res = await call('t01.window', 'get', '/org-units/lk.t01');
    expect(res.body).toMatchObject({ id: 'lk.t01', kind: 'township', path: 'lk/lk.t01', level: 2, childrenCount: 7 });
    await expectRefused(404, 'org-unit-not-found', () => call('t01.window', 'get', '/org-units/lk.nope'));
  });
});

describe('admin writes', () => {
  it('creates a village and a grid (path and level computed), a grid worker who can then sign in', async () => {
    const village = await admin('post', '/org-units', newVillage);
    expect(village.status, JSON.stringify(village.body)).toBe(201);
    expect(village.body).toMatchObject({ id: 'lk.t01.v04', path: 'lk/lk.t01/lk.t01.v04', level: 3, departmentId: null, leaderUserId: null, active: true });
    const grid = await admin('post', '/org-units', newGrid);
    expect(grid.status).toBe(201);
    expect(grid.body).toMatchObject({ path: 'lk/lk.t01/lk.t01.v04/lk.t01.v04.g01', level: 4, nameEn: null });

    const user = await admin('post', '/users', newGridWorker);
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    expect(user.body).toEqual({ id: 'u.t01.v04.g01.grid', username: 't01.v04.g01.grid', displayName: '李网格', role: 'grid_worker', unitId: 'lk.t01.v04.g01', isLeader: false, phone: '13800000000', active: true });

    const me = await call('t01.v04.g01.grid', 'get', '/me');
    expect(me.body).toMatchObject({ userId: 'u.t01.v04.g01.grid', role: 'grid_worker', unitPath: 'lk/lk.t01/lk.t01.v04/lk.t01.v04.g01', unitKind: 'grid' });
  });

  it('updates a unit: leader must be one of its users; no deactivation over active members', async () => {
    const leader = await admin('patch', '/org-units/lk.t01.v04.g01', { leaderUserId: 'u.t01.v04.g01.grid', nameEn: 'Guying Grid 1' });
    expect(leader.status, JSON.stringify(leader.body)).toBe(200);
    expect(leader.body).toMatchObject({ leaderUserId: 'u.t01.v04.g01.grid', nameEn: 'Guying Grid 1' });
    await expectRefused(422, 'leader-not-in-unit', () => admin('patch', '/org-units/lk.t01.v04', { leaderUserId: 'u.t01.v04.g01.grid' }));
    await expectRefused(422, 'unit-has-active-members', () => admin('patch', '/org-units/lk.t01', { active: false }));
    await expectRefused(422, 'user-is-unit-leader', () => admin('patch', '/users/u.t01.v04.g01.grid', { active: false }));
    await expectRefused(400, 'validation-failed', () => admin('patch', '/org-units/lk.t01', { parentId: 'lk' }));
    await expectRefused(400, 'validation-failed', () => admin('patch', '/org-units/lk.t01', { reason: 'nothing else' }));
  });

  it('updates a user, checking role and unit again', async () => {
    const res = await admin('patch', '/users/u.lk.t01.handler', { role: 'dispatcher', phone: '0371-1234567', reason: '岗位调整' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ role: 'dispatcher', phone: '0371-1234567' });
    await expectRefused(422, 'role-unit-kind', () => admin('patch', '/users/u.lk.t01.handler', { role: 'grid_worker' }));
    await expectRefused(422, 'role-unit-kind', () => admin('patch', '/users/u.lk.t01.v01.g01.grid', { unitId: 'lk.t01' }));
    await expectRefused(422, 'self-lockout', () => admin('patch', '/users/u.lk.admin', { active: false }));
    await expectRefused(404, 'user-not-found', () => admin('patch', '/users/u.nobody', { active: false }));
  });

  it('keeps the power list of a township', async () => {
    const list = await call('t02.window', 'get', '/org-units/lk.t01/power-list?category=penalty');
    expect(list.status).toBe(200);
    const penalties = DEMO_POWER_LISTS.filter((p) => p.unitId === 'lk.t01' && p.category === 'penalty');
    expect(list.body).toHaveLength(penalties.length);
    const item = { code: 'CF-099', name: '对违规设置摊点的处罚', category: 'penalty', source: 'delegated', legalBasis: '《城市市容和环境卫生管理条例》' };
    const created = await admin('post', '/org-units/lk.t01/power-list', item);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ...item, unitId: 'lk.t01', active: true });
    const patched = await admin('patch', `/power-list/${created.body.id}`, { active: false, legalBasis: null });
    expect(patched.body).toMatchObject({ active: false, legalBasis: null });
    await expectRefused(409, 'power-code-taken', () => admin('post', '/org-units/lk.t01/power-list', item));
    await expectRefused(422, 'power-list-township-only', () => admin('post', '/org-units/lk.t01.v01/power-list', item));
    await expectRefused(400, 'validation-failed', () => admin('patch', '/power-list/not-a-uuid', { active: true }));
  });
});

describe('refusals leave the database as it was', () => {
  it('403 for a non-admin creating a unit', async () => {
    await expectRefused(403, 'role-forbidden', () => call('t01.window', 'post', '/org-units', { ...newVillage, id: 'lk.t01.v05' }));
  });

  it('400 with issues for unknown fields, wrong types and a bad id', async () => {
    const unknown = await expectRefused(400, 'validation-failed', () => admin('post', '/org-units', { ...newVillage, id: 'lk.t01.v05', colour: 'red' }));
    expect(unknown.body.issues).toEqual([expect.objectContaining({ path: 'body' })]);
    expect(unknown.body.issues[0].message_en).toMatch(/colour/);
    const wrongType = await expectRefused(400, 'validation-failed', () => admin('post', '/users', { ...newGridWorker, username: 'x.y', isLeader: 'yes', role: 'mayor' }));
    expect(wrongType.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['body.isLeader', 'body.role']);
    const badId = await expectRefused(400, 'validation-failed', () => admin('post', '/org-units', { ...newVillage, id: 'LK/T01' }));
    expect(badId.body.issues[0]).toMatchObject({ path: 'body.id', message_en: expect.stringMatching(/lowercase/) });
  });

  it('422 for units placed against the tree rules', async () => {
    const grid = await expectRefused(422, 'parent-kind-not-allowed', () => admin('post', '/org-units', { ...newGrid, id: 'lk.t01.g09', parentId: 'lk.t01' }));
    expect(grid.body.i18n['zh-CN'].detail).toContain('网格只能设在村或社区之下');
    expect(grid.body.i18n.en.detail).toContain('A grid must be placed under a village or community');
    await expectRefused(422, 'agency-needs-department', () => admin('post', '/org-units', { id: 'lk.t01.jcz', parentId: 'lk.t01', kind: 'agency', name: '城关交警中队' }));
    await expectRefused(422, 'department-id-not-department', () => admin('post', '/org-units', { id: 'lk.t01.jcz', parentId: 'lk.t01', kind: 'agency', name: '城关交警中队', departmentId: 'lk.t02' }));
    await expectRefused(422, 'county-exists', () => admin('post', '/org-units', { id: 'qx', kind: 'county', name: '杞县' }));
    await expectRefused(422, 'parent-required', () => admin('post', '/org-units', { id: 'lk.dept.xx', kind: 'department', name: '某局' }));
    await expectRefused(422, 'unit-unknown', () => admin('post', '/org-units', { ...newGrid, id: 'lk.t01.v09.g01', parentId: 'lk.t01.v09' }));
    await expectRefused(409, 'org-unit-exists', () => admin('post', '/org-units', newVillage));
  });

  it('422 for a role that does not fit the unit; 409 for a taken username', async () => {
    const agent = await expectRefused(422, 'role-unit-kind', () => admin('post', '/users', { username: 'scjg.agent', displayName: '王代办', role: 'agent', unitId: 'lk.dept.scjg' }));
    expect(agent.body.i18n['zh-CN'].detail).toContain('村代办员只能属于村或社区');
    await expectRefused(409, 'username-taken', () => admin('post', '/users', { ...newGridWorker, id: 'u.other' }));
    await expectRefused(409, 'user-id-taken', () => admin('post', '/users', { ...newGridWorker, username: 'someone.else', id: 'u.lk.admin' }));
  });

  it('accepts window staff at a county department', async () => {
    const res = await admin('post', '/users', { username: 'zwfw.window2', displayName: '赵窗口', role: 'window_staff', unitId: 'lk.zwfw', isLeader: false });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.id).toBe('u.zwfw.window2');
  });
});

describe('the admin audit stream', () => {
  it('records every accepted write in a chain that verifies', async () => {
    const verdict = await verifyStream(t.deps.database.db, 'admin:org');
    expect(verdict).toMatchObject({ ok: true, entries: 8 });
    const { rows } = await t.deps.database.pool.query(`select action, actor_id, reason, before, after from audit_log where stream_id = 'admin:org' order by seq`);
    expect(rows.map((r) => r.action)).toEqual([
      'org.unit.create',
      'org.unit.create',
      'org.user.create',
      'org.unit.update',
      'org.user.update',
      'org.power.create',
      'org.power.update',
      'org.user.create',
    ]);
    expect(rows[0]).toMatchObject({ actor_id: 'u.lk.admin', reason: '村庄区划调整', before: null, after: { id: 'lk.t01.v04' } });
  });
});

describe('who sees which users', () => {
  it('t01.dispatcher lists only users within lk.t01’s subtree', async () => {
    const res = await call('t01.dispatcher', 'get', '/users?pageSize=200');
    expect(res.status).toBe(200);
    const inT01 = (unitId: string) => unitId === 'lk.t01' || unitId.startsWith('lk.t01.');
    const expected = DEMO_USERS.filter((u) => inT01(u.unitId)).length + 1; // + the new grid worker
    expect(res.body.total).toBe(expected);
    expect(res.body.items.every((u: { unitId: string }) => inT01(u.unitId))).toBe(true);
    const grids = await call('t01.dispatcher', 'get', '/users?role=grid_worker&pageSize=2&page=2');
    expect(grids.body).toMatchObject({ page: 2, pageSize: 2, total: 7 });
    expect(grids.body.items).toHaveLength(2);
  });

  it('window staff see their own unit only; another township’s user is not found', async () => {
    const own = await call('t02.window', 'get', '/users?pageSize=200');
    expect(own.body.items.every((u: { unitId: string }) => u.unitId === 'lk.t02')).toBe(true);
    expect((await call('t02.window', 'get', '/users/u.lk.t02.dispatcher')).status).toBe(200);
    await expectRefused(404, 'user-not-found', () => call('t02.window', 'get', '/users/u.lk.t01.window'));
    const all = await admin('get', '/users?q=window');
    expect(all.body.total).toBe(DEMO_USERS.filter((u) => u.username.includes('window')).length + 1);
  });
});

describe('GET /people', () => {
  it('gives any signed-in user the names of the people in a history, and nothing else about them', async () => {
    const res = await call('t02.window', 'get', '/people?ids=u.lk.t01.leader,u.lk.scjg.liaison,u.nobody,u.lk.t01.leader');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byId = new Map((res.body as { id: string; displayName: string }[]).map((p) => [p.id, p]));
    expect([...byId.keys()].sort()).toEqual(['u.lk.scjg.liaison', 'u.lk.t01.leader']);
    expect(byId.get('u.lk.t01.leader')).toEqual({ id: 'u.lk.t01.leader', displayName: expect.stringMatching(/\p{Script=Han}/u), unitId: 'lk.t01', role: 'supervisor' });
    expect(JSON.stringify(res.body)).not.toContain('phone');
  });
});
