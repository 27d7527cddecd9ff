import request from 'supertest';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTransition } from '../../activities/projection';
import { cases } from '../../db/schema';
import type { ClockKind, ClockLevel, ProcessType } from '../../domain/vocabulary';
import type { CaseSnapshot } from '../../workflows/shared/case-snapshot';
import { createTestApp, type TestApp } from '../support/app';
import { deterministic, transitionRecord } from '../support/projection-mix';

// The board's colour counts come from counters a trigger keeps on every projection write
// (migration board_counters). After a mix of transitions written the way the projection activity
// writes them — opening, colour changes, transfers, escalations, closing, retried and stale writes,
// many at once — the counters must equal a fresh aggregate over the open cases, and the board must
// answer what aggregating every open case answers.

let t: TestApp;
const H = 3_600_000;

const UNITS = ['lk.t01', 'lk.t01.v01', 'lk.t01.v02', 'lk.t02', 'lk.dept.scjg'];
const COLOURS: ClockLevel[] = ['green', 'blue', 'yellow', 'red'];
const PROCESSES: ProcessType[] = ['task', 'incident', 'approval'];

function snapshot(
  caseId: string,
  state: {
    unit: string;
    owner: string;
    process: ProcessType;
    level: number | null;
    kind: ClockKind;
    colour: ClockLevel;
    closed: boolean;
    deadlineMs: number;
  },
): CaseSnapshot {
  const now = new Date().toISOString();
  return {
    caseId,
    process: state.process,
    title: `计数测试 ${caseId}`,
    status: state.closed ? 'done' : 'open',
    currentStep: null,
    level: state.level,
    unitId: state.unit,
    ownerUnitId: state.owner,
    colour: state.colour,
    deadline: new Date(Date.now() + state.deadlineMs).toISOString(),
    clockKind: state.kind,
    calendarWarnings: [],
    data: {},
    createdAt: now,
    updatedAt: now,
    closedAt: state.closed ? now : null,
    assignments: [],
    units: [],
    clocks: [],
  };
}

/** Every non-empty counter, and a fresh aggregate of the open cases, in the same shape. */
async function countersAndAggregate() {
  const db = t.tdb.db;
  const key = 'unit_id, owner_unit_id, process, coalesce(level, -1) as level, clock_kind, colour';
  const counters = await db.execute(
    sql.raw(`select ${key}, n from case_board_counts where n <> 0 order by 1, 2, 3, 4, 5, 6`),
  );
  const aggregate = await db.execute(
    sql.raw(
      `select ${key}, count(*)::int as n from cases where closed_at is null group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
    ),
  );
  return { counters: counters.rows, aggregate: aggregate.rows };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('board counters kept by the projection', () => {
  it('equal a fresh aggregate of the open cases after a mix of transitions, retries and concurrent writes', async () => {
    const db = t.tdb.db;
    // A deterministic mix (a linear congruential sequence), 40 cases × 12 transitions, run as 8 concurrent writers.
    const next = deterministic(12345);
    const plans = Array.from({ length: 40 }, (_, i) => {
      const caseId = `RW-2026-95${String(i).padStart(4, '0')}`;
      const unit = UNITS[next(UNITS.length)]!;
      let state = {
        unit,
        owner: next(2) ? unit : 'lk.t01',
        process: PROCESSES[next(PROCESSES.length)]!,
        level: next(2) ? 1 : null,
        kind: (next(4) ? 'case' : 'pre-acceptance') as ClockKind,
        colour: 'green' as ClockLevel,
        closed: false,
        deadlineMs: 5 * H,
      };
      const steps: CaseSnapshot[] = [snapshot(caseId, state)];
      for (let s = 1; s < 12 && !state.closed; s += 1) {
        const move = next(6);
        if (move === 0)
          state = { ...state, unit: UNITS[next(UNITS.length)]! }; // a transfer
        else if (move === 1)
          state = { ...state, level: (state.level ?? 0) + 1 }; // an escalation
        else if (move === 2)
          state = { ...state, kind: 'case' }; // accepted
        else if (move === 5 && s > 6)
          state = { ...state, closed: true }; // closed
        else state = { ...state, colour: COLOURS[next(COLOURS.length)]!, deadlineMs: next(3) === 0 ? -H : 5 * H }; // a colour change (some past their deadline)
        steps.push(snapshot(caseId, state));
      }
      return steps;
    });
    let cursor = 0;
    const writer = async () => {
      for (let i = cursor++; i < plans.length; i = cursor++) {
        const steps = plans[i]!;
        for (let s = 0; s < steps.length; s += 1) {
          await recordTransition(db, transitionRecord(s + 1, steps[s]!));
          // A retried activity writes the same transition again, and a stale one arrives late: neither counts twice.
          if (s % 3 === 0) await recordTransition(db, transitionRecord(s + 1, steps[s]!));
          if (s > 1 && s % 4 === 0) await recordTransition(db, transitionRecord(s - 1, steps[s - 2]!));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));

    const { counters, aggregate } = await countersAndAggregate();
    expect(aggregate.length).toBeGreaterThan(5);
    expect(counters).toEqual(aggregate);

    // A case removed from the envelope leaves the counts too.
    await db.delete(cases).where(sql`${cases.id} = 'RW-2026-950000'`);
    const after = await countersAndAggregate();
    expect(after.counters).toEqual(after.aggregate);
  });

  it('gives the board the counts of aggregating every open case, with passed deadlines counted red', async () => {
    const token = await t.tokenFor('lk.supervisor');
    const board = await request(t.app).get('/api/v1/board').set('authorization', `Bearer ${token}`);
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const fresh = await t.tdb.db.execute<{ colour: ClockLevel; n: number }>(sql`
      select (case when deadline < now() then 'red'::clock_level else colour end) as colour, count(*)::int as n
      from cases where closed_at is null group by 1`);
    const expected = { green: 0, blue: 0, yellow: 0, red: 0, total: 0 };
    for (const r of fresh.rows) {
      expected[r.colour] += r.n;
      expected.total += r.n;
    }
    expect(expected.total).toBeGreaterThan(0);
    expect(board.body.counts).toEqual(expected);
  });

  it('are emptied with the cases when the envelope is truncated', async () => {
    const db = t.tdb.db;
    await db.execute(sql`truncate cases cascade`);
    const { counters, aggregate } = await countersAndAggregate();
    expect(aggregate).toEqual([]);
    expect(counters).toEqual([]);
  });
});
