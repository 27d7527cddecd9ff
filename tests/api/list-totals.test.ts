import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTransition } from '../../activities/projection';
import type { CaseSnapshot } from '../../workflows/shared/case-snapshot';
import { createTestApp, type TestApp } from '../support/app';
import { transitionRecord } from '../support/projection-mix';

// Case lists and the inbox count matching cases only up to LIST_COUNT_CAP (or up to the page asked
// for): past it they answer the cap as `total` with `totalIsLowerBound`, and below it the exact count.
// Cases are written by the projection activity, as workflows write them; read through the real API.

let t: TestApp;
const CAP = 5;
const H = 3_600_000;

function snapshot(caseId: string, i: number): CaseSnapshot {
  const at = new Date(Date.now() - i * 60_000).toISOString();
  return {
    caseId,
    process: i < 3 ? 'incident' : 'task',
    title: `计数上限 ${caseId}`,
    status: 'open',
    currentStep: null,
    level: null,
    unitId: 'lk.t01.v01',
    ownerUnitId: 'lk.t01',
    colour: 'green',
    deadline: new Date(Date.now() + (i + 1) * H).toISOString(),
    clockKind: 'case',
    calendarWarnings: [],
    data: {},
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    assignments: [{ unitId: 'lk.t01.v01', role: 'handler', actions: ['sign'] }],
    units: [
      { unitId: 'lk.t01.v01', relation: 'responsible' },
      { unitId: 'lk.t01', relation: 'owner' },
    ],
    clocks: [],
  };
}

beforeAll(async () => {
  t = await createTestApp({ env: { LIST_COUNT_CAP: String(CAP) } });
  for (let i = 0; i < 7; i += 1)
    await recordTransition(t.tdb.db, transitionRecord(1, snapshot(`RW-2026-97${String(i).padStart(4, '0')}`, i)));
});
afterAll(async () => {
  await t?.close();
});

async function get(user: string, path: string) {
  const res = await request(t.app)
    .get(`/api/v1${path}`)
    .set('authorization', `Bearer ${await t.tokenFor(user)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: { id: string }[]; page: number; total: number; totalIsLowerBound: boolean };
}

describe('capped list totals', () => {
  it('answers the cap and the flag when more cases match, the exact count otherwise', async () => {
    // 7 open cases match, the cap is 5: "5+".
    const first = await get('t01.v01.handler', '/cases?open=true&pageSize=2');
    expect(first).toMatchObject({ total: CAP, totalIsLowerBound: true });
    expect(first.items).toHaveLength(2);
    // Only 3 incidents match: counted exactly.
    const incidents = await get('t01.v01.handler', '/cases?open=true&process=incident&pageSize=2');
    expect(incidents).toMatchObject({ total: 3, totalIsLowerBound: false });
    // A township supervisor (subtree visibility) sees the same cases, capped the same way.
    expect(await get('t01.supervisor', '/cases?unitId=lk.t01.v01&open=true&pageSize=2')).toMatchObject({
      total: CAP,
      totalIsLowerBound: true,
    });
  });

  it('counts past the cap to the page asked for, so the page after it is known', async () => {
    // Page 3 of 2 ends at row 6: counted up to 6, still more.
    expect(await get('t01.v01.handler', '/cases?open=true&pageSize=2&page=3')).toMatchObject({
      total: 6,
      totalIsLowerBound: true,
    });
    // Page 4 ends at row 8: all 7 counted, the last page holds one.
    const last = await get('t01.v01.handler', '/cases?open=true&pageSize=2&page=4');
    expect(last).toMatchObject({ total: 7, totalIsLowerBound: false });
    expect(last.items).toHaveLength(1);
  });

  it('caps the inbox the same way', async () => {
    const inbox = await get('t01.v01.handler', '/inbox?pageSize=2');
    expect(inbox).toMatchObject({ total: CAP, totalIsLowerBound: true });
    expect(inbox.items).toHaveLength(2);
    expect(await get('t01.v01.handler', '/inbox?pageSize=10')).toMatchObject({ total: 7, totalIsLowerBound: false });
    // Nothing addressed to another unit's handler.
    expect(await get('t01.v02.handler', '/inbox')).toMatchObject({ total: 0, totalIsLowerBound: false });
  });
});
