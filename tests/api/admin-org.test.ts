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
async function expectRefused(
  status: number,
  code: string,
  send: () => Promise<request.Response>,
): Promise<request.Response> {
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

const newVillage = {
  id: 'lk.t01.v04',
  parentId: 'lk.t01',
  kind: 'village',
  name: '谷营村',
  nameEn: 'Guying Village',
  reason: '村庄区划调整',
};
const newGrid = { id: 'lk.t01.v04.g01', parentId: 'lk.t01.v04', kind: 'grid', name: '谷营村第一网格' };
const newGridWorker = {
  username: 't01.v04.g01.grid',
  displayName: '李网格',
  role: 'grid_worker',
  unitId: 'lk.t01.v04.g01',
  phone: '13800000000',
};

describe('reading the org tree', () => {
  it('needs a token', async () => {
    await expectRefused(401, 'unauthenticated', () => call(null, 'get', '/org-units'));
  });

  it('lists the whole tree to any signed-in user, and filters by kind', async () => {
    const all = await call('t01.v01.g01.grid', 'get', '/org-units');
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(DEMO_UNITS.length);
    expect(all.body[0]).toMatchObject({
      id: 'lk',
      parentId: null,
      kind: 'county',
      path: 'lk',
      level: 1,
      regionCode: '410225',
      active: true,
    });
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
    expect(village.body).toMatchObject({
      id: 'lk.t01.v04',
      path: 'lk/lk.t01/lk.t01.v04',
      level: 3,
      departmentId: null,
      leaderUserId: null,
      active: true,
    });
    const grid = await admin('post', '/org-units', newGrid);
    expect(grid.status).toBe(201);
    expect(grid.body).toMatchObject({ path: 'lk/lk.t01/lk.t01.v04/lk.t01.v04.g01', level: 4, nameEn: null });

    const user = await admin('post', '/users', newGridWorker);
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    expect(user.body).toEqual({
      id: 'u.t01.v04.g01.grid',
      username: 't01.v04.g01.grid',
      displayName: '李网格',
      role: 'grid_worker',
      unitId: 'lk.t01.v04.g01',
      isLeader: false,
      phone: '13800000000',
      active: true,
    });

    const me = await call('t01.v04.g01.grid', 'get', '/me');
    expect(me.body).toMatchObject({
      userId: 'u.t01.v04.g01.grid',
      role: 'grid_worker',
      unitPath: 'lk/lk.t01/lk.t01.v04/lk.t01.v04.g01',
      unitKind: 'grid',
    });
  });

  it('updates a unit: leader must be one of its users; no deactivation over active members', async () => {
    const leader = await admin('patch', '/org-units/lk.t01.v04.g01', {
      leaderUserId: 'u.t01.v04.g01.grid',
      nameEn: 'Guying Grid 1',
    });
    expect(leader.status, JSON.stringify(leader.body)).toBe(200);
    expect(leader.body).toMatchObject({ leaderUserId: 'u.t01.v04.g01.grid', nameEn: 'Guying Grid 1' });
    await expectRefused(422, 'leader-not-in-unit', () =>
      admin('patch', '/org-units/lk.t01.v04', { leaderUserId: 'u.t01.v04.g01.grid' }),
    );
    await expectRefused(422, 'unit-has-active-members', () => admin('patch', '/org-units/lk.t01', { active: false }));
    await expectRefused(422, 'user-is-unit-leader', () =>
      admin('patch', '/users/u.t01.v04.g01.grid', { active: false }),
    );
    await expectRefused(400, 'validation-failed', () => admin('patch', '/org-units/lk.t01', { parentId: 'lk' }));
    await expectRefused(400, 'validation-failed', () =>
      admin('patch', '/org-units/lk.t01', { reason: 'nothing else' }),
    );
  });

  it('updates a user, checking role and unit again', async () => {
    const res = await admin('patch', '/users/u.lk.t01.handler', {
      role: 'dispatcher',
      phone: '0371-1234567',
      reason: '岗位调整',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ role: 'dispatcher', phone: '0371-1234567' });
    await expectRefused(422, 'role-unit-kind', () =>
      admin('patch', '/users/u.lk.t01.handler', { role: 'grid_worker' }),
    );
    await expectRefused(422, 'role-unit-kind', () =>
      admin('patch', '/users/u.lk.t01.v01.g01.grid', { unitId: 'lk.t01' }),
    );
    await expectRefused(422, 'self-lockout', () => admin('patch', '/users/u.lk.admin', { active: false }));
    await expectRefused(404, 'user-not-found', () => admin('patch', '/users/u.nobody', { active: false }));
  });

  it('keeps the power list of a township', async () => {
    const list = await call('t02.window', 'get', '/org-units/lk.t01/power-list?category=penalty');
    expect(list.status).toBe(200);
    const penalties = DEMO_POWER_LISTS.filter((p) => p.unitId === 'lk.t01' && p.category === 'penalty');
    expect(list.body).toHaveLength(penalties.length);
    const item = {
      code: 'CF-099',
      name: '对违规设置摊点的处罚',
      category: 'penalty',
      source: 'delegated',
      legalBasis: '《城市市容和环境卫生管理条例》',
    };
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
    await expectRefused(403, 'role-forbidden', () =>
      call('t01.window', 'post', '/org-units', { ...newVillage, id: 'lk.t01.v05' }),
    );
  });

  it('400 with issues for unknown fields, wrong types and a bad id', async () => {
    const unknown = await expectRefused(400, 'validation-failed', () =>
      admin('post', '/org-units', { ...newVillage, id: 'lk.t01.v05', colour: 'red' }),
    );
    expect(unknown.body.issues).toEqual([expect.objectContaining({ path: 'body' })]);
    expect(unknown.body.issues[0].message_en).toMatch(/colour/);
    const wrongType = await expectRefused(400, 'validation-failed', () =>
      admin('post', '/users', { ...newGridWorker, username: 'x.y', isLeader: 'yes', role: 'mayor' }),
    );
    expect(wrongType.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['body.isLeader', 'body.role']);
    const badId = await expectRefused(400, 'validation-failed', () =>
      admin('post', '/org-units', { ...newVillage, id: 'LK/T01' }),
    );
    expect(badId.body.issues[0]).toMatchObject({ path: 'body.id', message_en: expect.stringMatching(/lowercase/) });
  });

  it('422 for units placed against the tree rules', async () => {
    const grid = await expectRefused(422, 'parent-kind-not-allowed', () =>
      admin('post', '/org-units', { ...newGrid, id: 'lk.t01.g09', parentId: 'lk.t01' }),
    );
    expect(grid.body.i18n['zh-CN'].detail).toContain('网格只能设在村或社区之下');
    expect(grid.body.i18n.en.detail).toContain('A grid must be placed under a village or community');
    await expectRefused(422, 'agency-needs-department', () =>
      admin('post', '/org-units', { id: 'lk.t01.jcz', parentId: 'lk.t01', kind: 'agency', name: '城关交警中队' }),
    );
    await expectRefused(422, 'department-id-not-department', () =>
      admin('post', '/org-units', {
        id: 'lk.t01.jcz',
        parentId: 'lk.t01',
        kind: 'agency',
        name: '城关交警中队',
        departmentId: 'lk.t02',
      }),
    );
    await expectRefused(422, 'county-exists', () =>
      admin('post', '/org-units', { id: 'qx', kind: 'county', name: '杞县' }),
    );
    await expectRefused(422, 'parent-required', () =>
      admin('post', '/org-units', { id: 'lk.dept.xx', kind: 'department', name: '某局' }),
    );
    await expectRefused(422, 'unit-unknown', () =>
      admin('post', '/org-units', { ...newGrid, id: 'lk.t01.v09.g01', parentId: 'lk.t01.v09' }),
    );
    await expectRefused(409, 'org-unit-exists', () => admin('post', '/org-units', newVillage));
  });

  it('422 for a role that does not fit the unit; 409 for a taken username', async () => {
    const agent = await expectRefused(422, 'role-unit-kind', () =>
      admin('post', '/users', { username: 'scjg.agent', displayName: '王代办', role: 'agent', unitId: 'lk.dept.scjg' }),
    );
    expect(agent.body.i18n['zh-CN'].detail).toContain('村代办员只能属于村或社区');
    await expectRefused(409, 'username-taken', () => admin('post', '/users', { ...newGridWorker, id: 'u.other' }));
    await expectRefused(409, 'user-id-taken', () =>
      admin('post', '/users', { ...newGridWorker, username: 'someone.else', id: 'u.lk.admin' }),
    );
  });

  it('accepts window staff at a county department', async () => {
    const res = await admin('post', '/users', {
      username: 'zwfw.window2',
      displayName: '赵窗口',
      role: 'window_staff',
      unitId: 'lk.zwfw',
      isLeader: false,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.id).toBe('u.zwfw.window2');
  });
});

describe('the admin audit stream', () => {
  it('records every accepted write in a chain that verifies', async () => {
    const verdict = await verifyStream(t.deps.database.db, 'admin:org');
    expect(verdict).toMatchObject({ ok: true, entries: 8 });
    const { rows } = await t.deps.database.pool.query(
      `select action, actor_id, reason, before, after from audit_log where stream_id = 'admin:org' order by seq`,
    );
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
    expect(rows[0]).toMatchObject({
      actor_id: 'u.lk.admin',
      reason: '村庄区划调整',
      before: null,
      after: { id: 'lk.t01.v04' },
    });
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

describe('moving and closing units (each change audited, each refusal naming what is in the way)', () => {
  /** The materialised paths of the whole tree, to show a refused move rewrote nothing. */
  async function paths(): Promise<Record<string, string>> {
    const { rows } = await t.deps.database.pool.query(`select id, path, level, parent_id from org_units order by id`);
    return Object.fromEntries(rows.map((r) => [r.id, `${r.parent_id}|${r.path}|${r.level}`]));
  }
  /** An open case in the read model whose responsible unit is `unitId` (what a workflow's projection writes). */
  async function openCase(id: string, unitId: string): Promise<void> {
    await t.deps.database.pool.query(
      `insert into cases (id, process, title, status, unit_id, owner_unit_id, projected_seq, created_at, updated_at) values ($1, 'incident', '道路积水', 'handling', $2, $2, 1, now(), now())`,
      [id, unitId],
    );
  }

  it('moves a village with its grids to another township: paths below it follow, levels stay, its grid worker’s scope follows', async () => {
    const res = await admin('post', '/org-units/lk.t01.v02/move', { parentId: 'lk.t02', reason: '行政区划调整' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: 'lk.t01.v02', parentId: 'lk.t02', path: 'lk/lk.t02/lk.t01.v02', level: 3 });
    const below = await call('t02.window', 'get', '/org-units?under=lk.t01.v02');
    expect(below.body.length).toBeGreaterThan(0);
    for (const u of below.body as { id: string; path: string; level: number }[]) {
      expect(u.path).toBe(`lk/lk.t02/lk.t01.v02/${u.id}`);
      expect(u.level).toBe(4);
    }
    const me = await call('t01.v02.g01.grid', 'get', '/me');
    expect(me.body).toMatchObject({ unitPath: 'lk/lk.t02/lk.t01.v02/lk.t01.v02.g01' });
    const [entry] = (
      await t.deps.database.pool.query(
        `select action, reason, before, after from audit_log where stream_id = 'admin:org' order by seq desc limit 1`,
      )
    ).rows;
    expect(entry).toMatchObject({
      action: 'org.unit.move',
      reason: '行政区划调整',
      before: { parentId: 'lk.t01', path: 'lk/lk.t01/lk.t01.v02' },
      after: { parentId: 'lk.t02', path: 'lk/lk.t02/lk.t01.v02' },
    });
  });

  it('refuses moves against the tree, over open cases, or outside the admin’s area — rewriting nothing', async () => {
    const refusedMove = async (status: number, code: string, as: string | null, id: string, body: object) => {
      const before = await paths();
      const res = await expectRefused(status, code, () => call(as, 'post', `/org-units/${id}/move`, body));
      expect(await paths()).toEqual(before);
      return res;
    };
    await refusedMove(422, 'move-into-own-subtree', 'admin', 'lk.t01.v01', { parentId: 'lk.t01.v01.g01' });
    const kind = await refusedMove(422, 'parent-kind-not-allowed', 'admin', 'lk.t01.v01', { parentId: 'lk.t01.v03' });
    expect(kind.body.i18n['zh-CN'].detail).toContain('村只能设在乡镇或街道之下');
    await refusedMove(422, 'county-not-root', 'admin', 'lk', { parentId: 'lk.t01' });
    await refusedMove(409, 'unit-already-there', 'admin', 'lk.t01.v01', { parentId: 'lk.t01' });
    await refusedMove(404, 'org-unit-not-found', 'admin', 'lk.t01.v99', { parentId: 'lk.t02' });
    await refusedMove(422, 'unit-unknown', 'admin', 'lk.t01.v01', { parentId: 'lk.t77' });
    await refusedMove(400, 'validation-failed', 'admin', 'lk.t01.v01', { parentId: 'lk.t02', path: 'x' });
    await refusedMove(403, 'role-forbidden', 't01.dispatcher', 'lk.t01.v01', { parentId: 'lk.t02' });

    await openCase('SJ-2026-900001', 'lk.t01.v01.g02');
    const live = await refusedMove(422, 'unit-has-live-cases', 'admin', 'lk.t01.v01', { parentId: 'lk.t02' });
    expect(live.body.i18n['zh-CN'].detail).toContain('SJ-2026-900001「道路积水」');
    expect(live.body.i18n.en.detail).toContain('SJ-2026-900001');
    expect(live.body.cases).toEqual(['SJ-2026-900001']);

    // An admin placed in a township acts within it only.
    expect(
      (
        await admin('post', '/users', {
          username: 't03.admin',
          displayName: '街道管理员',
          role: 'admin',
          unitId: 'lk.t03',
        })
      ).status,
    ).toBe(201);
    await refusedMove(403, 'unit-forbidden', 't03.admin', 'lk.t01.v03', { parentId: 'lk.t03' });
  });

  it('closing a unit is refused while it has active users or open cases, naming them; a cleared unit closes and reopens', async () => {
    const [grid] = (
      await t.deps.database.pool.query(
        `select display_name from users where unit_id = 'lk.t01.v03.g01' and active order by username`,
      )
    ).rows;
    const staffed = await expectRefused(422, 'unit-has-active-members', () =>
      admin('patch', '/org-units/lk.t01.v03.g01', { active: false, reason: '撤并网格' }),
    );
    expect(staffed.body.i18n['zh-CN'].detail).toContain(`在用用户 1 名（${grid.display_name}）`);
    expect(staffed.body.users).toEqual(['u.lk.t01.v03.g01.grid']);
    const parent = await expectRefused(422, 'unit-has-active-members', () =>
      admin('patch', '/org-units/lk.t01.v03', { active: false }),
    );
    expect(parent.body.i18n['zh-CN'].detail).toContain('在用下级单位');

    const moved = await admin('patch', '/users/u.lk.t01.v03.g01.grid', {
      unitId: 'lk.t01.v03.g02',
      reason: '网格撤并',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await openCase('SJ-2026-900002', 'lk.t01.v03.g01');
    const cases = await expectRefused(422, 'unit-has-live-cases', () =>
      admin('patch', '/org-units/lk.t01.v03.g01', { active: false }),
    );
    expect(cases.body.i18n['zh-CN'].detail).toContain('SJ-2026-900002');
    await t.deps.database.pool.query(
      `update cases set closed_at = now(), status = 'closed' where id = 'SJ-2026-900002'`,
    );

    const closed = await admin('patch', '/org-units/lk.t01.v03.g01', { active: false, reason: '撤并网格' });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.active).toBe(false);
    const reopened = await admin('patch', '/org-units/lk.t01.v03.g01', { active: true, reason: '恢复网格' });
    expect(reopened.body.active).toBe(true);
  });

  it('deactivates and reactivates a user, audited', async () => {
    expect((await admin('patch', '/users/u.lk.t01.v03.g02.grid', { active: false, reason: '离职' })).body.active).toBe(
      false,
    );
    expect((await admin('patch', '/users/u.lk.t01.v03.g02.grid', { active: true, reason: '返岗' })).body.active).toBe(
      true,
    );
    expect(await verifyStream(t.deps.database.db, 'admin:org')).toMatchObject({ ok: true });
  });
});

describe('reading the admin audit log', () => {
  it('lists admin:* entries newest first with who, when, what, why and before → after; filters by stream and action', async () => {
    const res = await admin('get', '/admin-audit?stream=admin:org&pageSize=3');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual([
      'org.user.update',
      'org.user.update',
      'org.unit.update',
    ]);
    expect(res.body.items[0]).toMatchObject({
      streamId: 'admin:org',
      actorId: 'u.lk.admin',
      actorName: '系统管理员',
      actorRole: 'admin',
      reason: '返岗',
      before: { active: false },
      after: { active: true },
    });
    expect(res.body.total).toBe(
      Number(
        (await t.deps.database.pool.query(`select count(*) n from audit_log where stream_id = 'admin:org'`)).rows[0].n,
      ),
    );
    expect(res.body.streams).toEqual(expect.arrayContaining([{ streamId: 'admin:org', entries: res.body.total }]));
    expect(res.body.streams.every((s: { streamId: string }) => s.streamId.startsWith('admin:'))).toBe(true);

    const moves = await admin('get', '/admin-audit?action=org.unit.move');
    expect(moves.body.items).toHaveLength(1);
    expect(moves.body.items[0]).toMatchObject({ before: { parentId: 'lk.t01' }, after: { parentId: 'lk.t02' } });
  });

  it('is for admins; an admin below the county sees only changes made within their area; a bad stream is 400', async () => {
    await expectRefused(403, 'role-forbidden', () => call('lk.auditor', 'get', '/admin-audit'));
    await expectRefused(400, 'validation-failed', () => admin('get', '/admin-audit?stream=SJ-2026-000001'));
    const local = await call('t03.admin', 'get', '/admin-audit');
    expect(local.status).toBe(200);
    expect(local.body).toMatchObject({ total: 0, items: [], streams: [] });
  });
});

describe('GET /people', () => {
  it('gives any signed-in user the names of the people in a history, and nothing else about them', async () => {
    const res = await call(
      't02.window',
      'get',
      '/people?ids=u.lk.t01.leader,u.lk.scjg.liaison,u.nobody,u.lk.t01.leader',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byId = new Map((res.body as { id: string; displayName: string }[]).map((p) => [p.id, p]));
    expect([...byId.keys()].sort()).toEqual(['u.lk.scjg.liaison', 'u.lk.t01.leader']);
    expect(byId.get('u.lk.t01.leader')).toEqual({
      id: 'u.lk.t01.leader',
      displayName: expect.stringMatching(/\p{Script=Han}/u),
      unitId: 'lk.t01',
      role: 'supervisor',
    });
    expect(JSON.stringify(res.body)).not.toContain('phone');
  });
});
