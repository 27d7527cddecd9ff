import { asc, count, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, orgUnits, powerListItems, users } from '../../db/schema';
import { setupInstallation } from '../../db/setup';
import { createTestApp, type TestApp } from '../support/app';

// Import of the org tree, users and power lists from XLSX and CSV through the API, into the real
// PostgreSQL: templates, dry runs that report every bad row and write nothing, idempotent applies,
// changed rows, rows missing from the file, a 500-user roster, and the demo county's round trip
// (export → import into an empty database → the same tree).

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Kind = 'org' | 'users' | 'powers';

let demo: TestApp;

beforeAll(async () => {
  demo = await createTestApp();
});
afterAll(async () => {
  await demo?.close();
});

const bearer = async (t: TestApp, username = 'admin') => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

async function upload(
  t: TestApp,
  kind: Kind,
  file: Buffer | string,
  opts: { format?: 'csv' | 'xlsx'; mode?: 'dry-run' | 'apply' } = {},
) {
  const format = opts.format ?? (typeof file === 'string' ? 'csv' : 'xlsx');
  return request(t.app)
    .post(`/api/v1/import/${kind}?mode=${opts.mode ?? 'dry-run'}`)
    .set(await bearer(t))
    .set('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX)
    .send(typeof file === 'string' ? Buffer.from(file, 'utf8') : file);
}

async function download(t: TestApp, path: string): Promise<Buffer> {
  const res = await request(t.app)
    .get(`/api/v1${path}`)
    .set(await bearer(t))
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

/** An XLSX made the way a county clerk would: a header row and data rows in the first sheet. */
async function xlsx(headers: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('用户');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const counts = async (t: TestApp) => {
  const db = t.tdb.db;
  const [[u], [s], [p], [a]] = await Promise.all([
    db.select({ n: count() }).from(orgUnits),
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(powerListItems),
    db.select({ n: count() }).from(auditLog),
  ]);
  return { units: u?.n, users: s?.n, powers: p?.n, audit: a?.n };
};

const USER_HEADERS = ['用户名', '用户编号', '姓名', '角色', '所在单位编码', '负责人', '主要负责人', '电话', '在用'];

describe('templates', () => {
  it('are downloadable as XLSX (with an instructions sheet) and CSV, for admins only', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(demo, '/import/users/template.xlsx')) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['用户', '填写说明']);
    expect((wb.worksheets[0]!.getRow(1).values as string[]).slice(1)).toEqual(USER_HEADERS);
    expect(wb.worksheets[1]!.getCell('A2').text).toBe('用户名 (username)');
    const csv = (await download(demo, '/import/org/template.csv')).toString('utf8');
    expect(csv).toBe('\uFEFF单位编码,上级单位编码,类型,单位名称,英文名称,所属部门编码,区划代码\r\n');
    const clerk = await request(demo.app)
      .get('/api/v1/import/org/template.csv')
      .set(await bearer(demo, 't01.window'));
    expect(clerk.status).toBe(403);
    const upload403 = await request(demo.app)
      .post('/api/v1/import/org')
      .set(await bearer(demo, 't01.supervisor'))
      .set('content-type', 'text/csv')
      .send('x');
    expect(upload403.status).toBe(403);
  });
});

describe('a bad spreadsheet', () => {
  it('org: the dry run reports every bad row (row, column, reason in Chinese and English) and writes nothing; apply refuses with 422 and writes nothing', async () => {
    const csv = [
      '单位编码,上级单位编码,类型,单位名称,英文名称,所属部门编码,区划代码',
      'lk.t09,lk,乡镇,新建镇,,,', // 2: good
      'lk.t99.v01,lk.t99,村,无上级村,,,', // 3: unknown parent
      'lk.t09.g01,lk.t09,网格,错位网格,,,', // 4: a grid under a township
      'LK.T10,lk,乡镇,大写编码镇,,,', // 5: malformed id
      'lk.t09,lk,乡镇,重复镇,,,', // 6: duplicate id
      'lk.t09.sfs,lk.t09,派驻机构,新建司法所,,,', // 7: agency without department
      'lk.t09.v01,lk.t09,村,,,,', // 8: no name
      'lk.t09.v02,lk.t09,乡,某村,,,', // 9: unknown kind
      'lk.t01,lk,乡镇,城关镇,,,', // 10: existing township, parent unchanged: fine
      'lk.t01.v01,lk.t02,村,胡寨村,,,', // 11: moving an existing unit is refused
    ].join('\n');
    const before = await counts(demo);
    const res = await upload(demo, 'org', csv);
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(false);
    const at = (row: number) => res.body.errors.filter((e: { row: number }) => e.row === row);
    expect(res.body.errors.map((e: { row: number }) => e.row)).toEqual([3, 4, 5, 6, 7, 8, 9, 11]);
    expect(at(3)[0]).toMatchObject({
      column: '上级单位编码',
      message: expect.stringContaining('lk.t99'),
      messageEn: expect.stringContaining('lk.t99'),
    });
    expect(at(4)[0]).toMatchObject({
      column: '上级单位编码',
      message: expect.stringContaining('网格只能设在村或社区之下'),
    });
    expect(at(5)[0]).toMatchObject({ column: '单位编码', message: expect.stringContaining('格式不正确') });
    expect(at(6)[0]).toMatchObject({ column: '单位编码', message: expect.stringContaining('与第 2 行重复') });
    expect(at(7)[0]).toMatchObject({ column: '所属部门编码' });
    expect(at(8)[0]).toMatchObject({ column: '单位名称', message: '必填，不能为空' });
    expect(at(9)[0]).toMatchObject({ column: '类型', message: expect.stringContaining('不是可选值') });
    expect(at(11)[0]).toMatchObject({ column: '上级单位编码', message: expect.stringContaining('导入不移动单位') });
    expect(await counts(demo)).toEqual(before);

    const applied = await upload(demo, 'org', csv, { mode: 'apply' });
    expect(applied.status).toBe(422);
    expect(applied.headers['content-type']).toMatch(/problem\+json/);
    expect(applied.body.code).toBe('import-has-errors');
    expect(applied.body.issues[0]).toMatchObject({ path: '第 3 行 · 上级单位编码' });
    expect(applied.body.report.errors).toHaveLength(8);
    expect(await counts(demo)).toEqual(before);
  });

  it('users: role and unit, collisions with ids, two principal leaders, bad phone and yes/no are each reported', async () => {
    const file = await xlsx(USER_HEADERS, [
      ['t01.v01.newgrid', '', '王小二', '网格员', 'lk.t01.v01', '否', '否', '', '是'], // 2: a grid worker must be at a grid
      ['new.person', '', '李四', '处置人', 'lk.nowhere', '', '', '', ''], // 3: unknown unit
      ['u.lk.t01.window', '', '撞名', '处置人', 'lk.t01', '', '', '', ''], // 4: a username equal to another user's id
      ['lead.one', '', '赵一', '处置人', 'lk.t02', '是', '是', '', ''], // 5: fine
      ['lead.two', '', '钱二', '处置人', 'lk.t02', '是', '是', '', ''], // 6: a second principal for lk.t02
      ['bad.phone', '', '孙三', '处置人', 'lk.t02', '', '', 'call me', ''], // 7: bad phone
      ['bad.flag', '', '周四', '处置人', 'lk.t02', '也许', '', '', ''], // 8: 负责人 neither 是 nor 否
      ['t01.window', 'other-id', '改编号', '窗口人员', 'lk.t01', '', '', '', ''], // 9: an id cannot change
    ]);
    const before = await counts(demo);
    const res = await upload(demo, 'users', file);
    expect(res.status).toBe(200);
    const byRow = Object.fromEntries(res.body.errors.map((e: { row: number; column: string }) => [e.row, e.column]));
    expect(byRow).toEqual({
      2: '角色',
      3: '所在单位编码',
      4: '用户名',
      6: '主要负责人',
      7: '电话',
      8: '负责人',
      9: '用户编号',
    });
    expect(await counts(demo)).toEqual(before);
  });
});

describe('the demo county round trip', () => {
  let empty: TestApp;
  beforeAll(async () => {
    empty = await createTestApp({ seed: false });
    await setupInstallation(empty.tdb.db, {
      admin: { username: 'admin', id: 'u.lk.admin', displayName: '系统管理员' },
      county: { id: 'lk', name: '兰考县' },
    });
  });
  afterAll(async () => {
    await empty?.close();
  });

  const tree = async (t: TestApp) => ({
    units: (await t.tdb.db.select().from(orgUnits).orderBy(asc(orgUnits.id))).map(
      ({ createdAt: _c, updatedAt: _u, ...u }) => u,
    ),
    users: (await t.tdb.db.select().from(users).orderBy(asc(users.id))).map(
      ({ createdAt: _c, updatedAt: _u, ...u }) => u,
    ),
    powers: (
      await t.tdb.db.select().from(powerListItems).orderBy(asc(powerListItems.unitId), asc(powerListItems.code))
    ).map(({ createdAt: _c, updatedAt: _u, id: _id, ...p }) => p),
  });

  it('exports, imports into an empty database (dry run first, writing nothing), gives the same tree, and re-importing changes nothing', async () => {
    const files = {
      org: await download(demo, '/import/org/export.xlsx'),
      users: await download(demo, '/import/users/export.xlsx'),
      powers: await download(demo, '/import/powers/export.csv'),
    };
    for (const kind of ['org', 'users', 'powers'] as const) {
      const format = kind === 'powers' ? 'csv' : 'xlsx';
      const before = await counts(empty);
      const dry = await upload(empty, kind, files[kind], { format });
      expect(dry.status).toBe(200);
      expect(dry.body.errors).toEqual([]);
      expect(dry.body.created.length).toBeGreaterThan(0);
      expect(await counts(empty)).toEqual(before);
      const applied = await upload(empty, kind, files[kind], { format, mode: 'apply' });
      expect(applied.status).toBe(200);
      expect(applied.body).toMatchObject({ applied: true, errors: [], missing: [] });
      expect(applied.body.created).toEqual(dry.body.created);
    }
    expect(await tree(empty)).toEqual(await tree(demo));

    const audit = await counts(empty);
    for (const kind of ['org', 'users', 'powers'] as const) {
      const again = await upload(empty, kind, files[kind], {
        format: kind === 'powers' ? 'csv' : 'xlsx',
        mode: 'apply',
      });
      expect(again.body).toMatchObject({ applied: true, errors: [], created: [], updated: [], missing: [] });
      expect(again.body.unchanged).toBe(again.body.rows);
    }
    expect(await counts(empty)).toEqual(audit);
  });
});

describe('a changed spreadsheet', () => {
  it('updates the changed row, creates the new one (Chinese names), reports the row missing from the file and deletes nothing', async () => {
    const csv = (await download(demo, '/import/org/export.csv')).toString('utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const changed = lines
      .filter((l) => !l.startsWith('lk.t01.v03,'))
      .map((l) => (l.startsWith('lk.t01.v02,') ? l.replace('范场村', '范场村（新名）') : l));
    changed.push('lk.t01.v09,lk.t01,村,"桐乡村,新建",Tongxiang Village,,');
    const file = `${changed.join('\n')}\n`;

    const dry = await upload(demo, 'org', file);
    expect(dry.body).toMatchObject({
      errors: [],
      created: ['lk.t01.v09'],
      updated: [{ key: 'lk.t01.v02', fields: ['name'] }],
      missing: expect.arrayContaining(['lk.t01.v03']),
    });
    const applied = await upload(demo, 'org', file, { mode: 'apply' });
    expect(applied.status).toBe(200);
    const [renamed] = await demo.tdb.db.select().from(orgUnits).where(eq(orgUnits.id, 'lk.t01.v02'));
    expect(renamed?.name).toBe('范场村（新名）');
    const [created] = await demo.tdb.db.select().from(orgUnits).where(eq(orgUnits.id, 'lk.t01.v09'));
    expect(created).toMatchObject({ name: '桐乡村,新建', path: 'lk/lk.t01/lk.t01.v09', level: 3, kind: 'village' });
    const [kept] = await demo.tdb.db.select().from(orgUnits).where(eq(orgUnits.id, 'lk.t01.v03'));
    expect(kept?.active).toBe(true);
    const audit = await demo.tdb.db.select().from(auditLog).where(eq(auditLog.streamId, 'admin:org'));
    expect(
      audit
        .filter((a) => a.reason === 'import:org')
        .map((a) => a.action)
        .sort(),
    ).toEqual(['org.import.unit.create', 'org.import.unit.update']);
  });
});

describe('a 500-user roster', () => {
  it('dry run writes nothing; apply creates all 500; re-import changes nothing; a changed row updates; the demo users not in it are reported', async () => {
    const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
    const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂';
    const villages = ['lk.t01.v01', 'lk.t01.v02', 'lk.t02.v01', 'lk.t02.v02', 'lk.t03.c01'];
    const rows = Array.from({ length: 500 }, (_, i) => [
      `roster.${String(i).padStart(3, '0')}`,
      '',
      `${surnames[i % surnames.length]}${given[(i * 7) % given.length]}${given[(i * 3) % given.length]}`,
      i % 2 === 0 ? '处置人' : '村代办员',
      villages[i % villages.length]!,
      '否',
      '否',
      `1380000${String(i).padStart(4, '0')}`,
      '是',
    ]);
    const file = await xlsx(USER_HEADERS, rows);
    const before = await counts(demo);
    const dry = await upload(demo, 'users', file);
    expect(dry.body.errors).toEqual([]);
    expect(dry.body.created).toHaveLength(500);
    expect(await counts(demo)).toEqual(before);

    const applied = await upload(demo, 'users', file, { mode: 'apply' });
    expect(applied.status).toBe(200);
    expect(applied.body.created).toHaveLength(500);
    expect(applied.body.missing).toContain('t01.window');
    expect((await counts(demo)).users).toBe((before.users ?? 0) + 500);
    const [sample] = await demo.tdb.db.select().from(users).where(eq(users.username, 'roster.007'));
    expect(sample).toMatchObject({
      id: 'u.roster.007',
      role: 'agent',
      unitId: 'lk.t02.v01',
      phone: '13800000007',
      active: true,
    });

    const again = await upload(demo, 'users', file, { mode: 'apply' });
    expect(again.body).toMatchObject({ created: [], updated: [], unchanged: 500 });

    rows[7]![7] = '13900000007';
    const changed = await upload(demo, 'users', await xlsx(USER_HEADERS, rows), { mode: 'apply' });
    expect(changed.body).toMatchObject({
      created: [],
      updated: [{ key: 'roster.007', fields: ['phone'] }],
      unchanged: 499,
    });
    // Nobody was deleted or deactivated for being absent from the roster.
    const [window] = await demo.tdb.db.select().from(users).where(eq(users.username, 't01.window'));
    expect(window?.active).toBe(true);
  }, 120_000);
});
