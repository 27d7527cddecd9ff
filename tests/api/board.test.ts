import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseAssignments, caseClocks, cases, incidentFacts, notices } from '../../db/schema';
import type { ClockKind, ProcessType } from '../../domain/vocabulary';
import { createTestApp, type TestApp } from '../support/app';

// The SLA board reads only the PostgreSQL read model, so the cases are written here as the projection
// activity writes them (real database, no Temporal needed).

let t: TestApp;
const now = Date.now();
const at = (ms: number) => new Date(now + ms);
const H = 3_600_000;
const D = 24 * H;
/** The Beijing-time day of an instant, as the board keys its trend. */
const dayOf = (d: Date) => new Date(d.getTime() + 8 * H).toISOString().slice(0, 10);
const recent = at(-60_000);
const earlier = at(-3 * D);

type Row = {
  id: string;
  process: ProcessType;
  unitId: string;
  ownerUnitId: string;
  colour: 'green' | 'blue' | 'yellow' | 'red';
  deadline: Date | null;
  level?: number;
  clockKind?: ClockKind;
  createdAt: Date;
  closedAt?: Date;
};

const ROWS: Row[] = [
  {
    id: 'RW-2026-900001',
    process: 'task',
    unitId: 'lk.t01.v01',
    ownerUnitId: 'lk.t01',
    colour: 'red',
    deadline: at(-2 * H),
    createdAt: earlier,
  },
  {
    id: 'SJ-2026-900002',
    process: 'incident',
    unitId: 'lk.t01.v01.g01',
    ownerUnitId: 'lk.t01',
    colour: 'yellow',
    deadline: at(H),
    level: 1,
    createdAt: earlier,
  },
  {
    id: 'SP-2026-900003',
    process: 'approval',
    unitId: 'lk.dept.scjg',
    ownerUnitId: 'lk.t01',
    colour: 'blue',
    deadline: at(5 * H),
    createdAt: earlier,
  },
  // Not yet accepted: its colour and deadline are the §32 pre-check period's, not a promised limit.
  {
    id: 'SP-2026-900004',
    process: 'approval',
    unitId: 'lk.t01',
    ownerUnitId: 'lk.t01',
    colour: 'green',
    deadline: at(5 * D),
    clockKind: 'pre-acceptance',
    createdAt: earlier,
  },
  {
    id: 'RW-2026-900005',
    process: 'task',
    unitId: 'lk.t02',
    ownerUnitId: 'lk.t02',
    colour: 'red',
    deadline: at(-H),
    createdAt: earlier,
  },
  // Its deadline has passed but its workflow has not yet projected red: the board shows it red now.
  {
    id: 'RW-2026-900009',
    process: 'task',
    unitId: 'lk.t02',
    ownerUnitId: 'lk.t02',
    colour: 'yellow',
    deadline: at(-30 * 60_000),
    createdAt: earlier,
  },
  // Closed today: one late (a red clock), one on time, one incident resolved at level 2 after an escalation.
  {
    id: 'RW-2026-900006',
    process: 'task',
    unitId: 'lk.t01.v02',
    ownerUnitId: 'lk.t01',
    colour: 'green',
    deadline: null,
    createdAt: recent,
    closedAt: recent,
  },
  {
    id: 'RW-2026-900007',
    process: 'task',
    unitId: 'lk.t01.v02',
    ownerUnitId: 'lk.t01',
    colour: 'green',
    deadline: null,
    createdAt: recent,
    closedAt: recent,
  },
  {
    id: 'SJ-2026-900008',
    process: 'incident',
    unitId: 'lk.t01.v01',
    ownerUnitId: 'lk.t01',
    colour: 'green',
    deadline: null,
    level: 2,
    createdAt: recent,
    closedAt: recent,
  },
];

beforeAll(async () => {
  t = await createTestApp();
  const db = t.tdb.db;
  await db.insert(cases).values(
    ROWS.map((r) => ({
      ...r,
      title: `看板测试 ${r.id}`,
      status: r.closedAt ? 'done' : 'open',
      level: r.level ?? null,
      closedAt: r.closedAt ?? null,
      projectedSeq: 1,
      updatedAt: r.closedAt ?? r.createdAt,
    })),
  );
  const clock = (caseId: string, level: 'green' | 'red') => ({
    caseId,
    key: 'task',
    label: '整改时限',
    state: 'stopped',
    level,
    deadline: recent,
    budget: { unit: 'day', amount: 1 },
    consumed: 1,
  });
  await db.insert(caseClocks).values([clock('RW-2026-900006', 'red'), clock('RW-2026-900007', 'green')]);
  await db.insert(caseAssignments).values([
    { caseId: 'RW-2026-900001', unitId: 'lk.t01', role: 'supervisor', actions: ['pause', 'extend', 'urge'] },
    { caseId: 'RW-2026-900001', unitId: 'lk.t01.v01', role: 'handler', actions: ['complete'] },
    { caseId: 'SP-2026-900003', unitId: 'lk', role: 'supervisor', actions: ['expedite'] },
  ]);
  await db.insert(incidentFacts).values({
    caseId: 'SJ-2026-900008',
    seq: 5,
    categoryCode: 'city-appearance',
    urgencyCode: 'normal',
    source: 'patrol',
    gridId: 'lk.t01.v01.g01',
    gridPath: 'lk/lk.t01/lk.t01.v01/lk.t01.v01.g01',
    unitIds: ['lk.t01.v01.g01', 'lk.t01.v01'],
    status: 'closed',
    startLevel: 1,
    currentLevel: 2,
    finalLevel: 2,
    escalations: 1,
    autoEscalations: 1,
    onTime: true,
    reportedAt: recent,
    resolvedAt: recent,
    closedAt: recent,
  });
  // The trend counts 督办 and red cards; an information notice (e.g. a summons) is not one.
  await db.insert(notices).values([
    {
      caseId: 'RW-2026-900001',
      key: 'overdue:task',
      kind: 'overdue',
      unitId: 'lk.t01.v01',
      message: '督办：整改任务已超期',
      createdAt: recent,
    },
    {
      caseId: 'RW-2026-900001',
      key: 'info:x',
      kind: 'info',
      unitId: 'lk.t01.v01',
      message: '信息：请知悉',
      createdAt: recent,
    },
  ]);
});
afterAll(async () => {
  await t?.close();
});

async function board(username: string, query: Record<string, string | number> = {}) {
  return request(t.app)
    .get('/api/v1/board')
    .query(query)
    .set({ authorization: `Bearer ${await t.tokenFor(username)}` });
}

async function ok(username: string, query: Record<string, string | number> = {}) {
  const res = await board(username, query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const counts = (green: number, blue: number, yellow: number, red: number) => ({
  green,
  blue,
  yellow,
  red,
  total: green + blue + yellow + red,
});

describe('GET /board', () => {
  it("counts a township supervisor's open cases by colour, unit (rolled up to its children), process and level", async () => {
    const b = await ok('t01.supervisor');
    expect(b.unitId).toBe('lk.t01');
    expect(b.counts).toEqual(counts(1, 1, 1, 1));
    expect(b.byUnit).toEqual([
      { unitId: 'lk.t01.v01', self: false, drillable: true, counts: counts(0, 0, 1, 1) },
      { unitId: 'lk.dept.scjg', self: false, drillable: false, counts: counts(0, 1, 0, 0) },
      { unitId: 'lk.t01', self: true, drillable: false, counts: counts(1, 0, 0, 0) },
    ]);
    expect(b.byProcess).toEqual(
      expect.arrayContaining([
        { process: 'task', counts: counts(0, 0, 0, 1) },
        { process: 'incident', counts: counts(0, 0, 1, 0) },
        { process: 'approval', counts: counts(1, 1, 0, 0) },
      ]),
    );
    expect(b.byLevel).toEqual([
      { level: 1, counts: counts(0, 0, 1, 0) },
      { level: null, counts: counts(1, 1, 0, 1) },
    ]);
    expect(b.byKind).toEqual([
      { kind: 'case', counts: counts(0, 1, 1, 1) },
      { kind: 'pre-acceptance', counts: counts(1, 0, 0, 0) },
    ]);
  });

  it('lists overdue and near-deadline cases by deadline, with what the caller may do on each', async () => {
    const b = await ok('t01.supervisor');
    expect(b.overdue.map((c: { id: string }) => c.id)).toEqual(['RW-2026-900001']);
    expect(b.overdue[0]).toMatchObject({
      colour: 'red',
      unitId: 'lk.t01.v01',
      actions: ['pause', 'extend', 'urge'],
      deadline: at(-2 * H).toISOString(),
    });
    expect(b.near.map((c: { id: string; colour: string }) => [c.id, c.colour])).toEqual([
      ['SJ-2026-900002', 'yellow'],
      ['SP-2026-900003', 'blue'],
    ]);
    expect(b.near[1]).toMatchObject({ actions: [], clockKind: 'case', caseDeadline: null, stepDeadline: null });
    // The county supervisor holds 特事特办 on the approval, and sees every township.
    const county = await ok('lk.supervisor');
    expect(county.overdue.map((c: { id: string; colour: string }) => [c.id, c.colour])).toEqual([
      ['RW-2026-900001', 'red'],
      ['RW-2026-900005', 'red'],
      ['RW-2026-900009', 'red'],
    ]);
    expect(county.near.find((c: { id: string }) => c.id === 'SP-2026-900003').actions).toEqual(['expedite']);
    expect(county.counts).toMatchObject({ red: 3, yellow: 1 });
    expect(county.near.map((c: { id: string }) => c.id)).not.toContain('RW-2026-900009');
    expect((await ok('lk.supervisor', { limit: 1 })).overdue).toHaveLength(1);
  });

  it('drills down by unit, process and level', async () => {
    const village = await ok('t01.supervisor', { unitId: 'lk.t01.v01' });
    expect(village.counts).toEqual(counts(0, 0, 1, 1));
    expect(village.byUnit).toEqual([
      { unitId: 'lk.t01.v01', self: true, drillable: false, counts: counts(0, 0, 0, 1) },
      { unitId: 'lk.t01.v01.g01', self: false, drillable: false, counts: counts(0, 0, 1, 0) },
    ]);
    expect((await ok('t01.supervisor', { process: 'approval' })).counts).toEqual(counts(1, 1, 0, 0));
    const level1 = await ok('t01.supervisor', { level: 1 });
    expect(level1.counts).toEqual(counts(0, 0, 1, 0));
    expect(level1.near.map((c: { id: string }) => c.id)).toEqual(['SJ-2026-900002']);
    // The county board drills into a township.
    expect((await ok('lk.supervisor', { unitId: 'lk.t02' })).counts).toEqual(counts(0, 0, 0, 2));
  });

  it('gives daily on-time and escalation figures and the four-level split', async () => {
    const b = await ok('t01.supervisor', { days: 7 });
    expect(b.trend).toHaveLength(7);
    const today = b.trend.find((d: { date: string }) => d.date === dayOf(recent));
    expect(today).toEqual({
      date: dayOf(recent),
      created: 3,
      onTime: 2,
      late: 1,
      onTimeRate: 2 / 3,
      escalations: 1,
      autoEscalations: 1,
      redCards: 0,
      urges: 1,
    });
    const before = b.trend.find((d: { date: string }) => d.date === dayOf(earlier));
    expect(before).toMatchObject({ created: 4, onTime: 0, late: 1, onTimeRate: 0, escalations: 0 });
    expect(b.resolution).toMatchObject({
      level1: 0,
      level2: 1,
      level3: 0,
      level4: 0,
      unresolved: 0,
      total: 1,
      disposalRate: 1,
      onTimeRate: 1,
      escalationRate: 1,
    });
    // Another township's board has none of it.
    const other = await ok('t02.supervisor', { days: 7 });
    expect(other.trend.find((d: { date: string }) => d.date === dayOf(recent))).toMatchObject({
      created: 0,
      escalations: 0,
      urges: 0,
    });
    expect(other.resolution.total).toBe(0);
  });

  it("refuses another unit's board, roles without a board, unknown units and bad filters", async () => {
    const foreign = await board('t02.supervisor', { unitId: 'lk.t01' });
    expect([foreign.status, foreign.body.code]).toEqual([403, 'unit-forbidden']);
    expect(foreign.headers['content-type']).toMatch(/problem\+json/);
    const role = await board('t01.window');
    expect([role.status, role.body.code]).toEqual([403, 'role-forbidden']);
    const unknown = await board('lk.supervisor', { unitId: 'lk.nowhere' });
    expect(unknown.status).toBe(404);
    expect((await board('lk.supervisor', { level: 5 })).status).toBe(400);
    expect((await board('lk.supervisor', { colour: 'red' })).status).toBe(400);
  });
});
