import request from 'supertest';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordIncidentFacts } from '../../activities/incident';
import { recordTransition } from '../../activities/projection';
import { cases, incidentFacts } from '../../db/schema';
import type { ClockLevel, ProcessType } from '../../domain/vocabulary';
import type { CaseSnapshot, ClockSnapshot } from '../../workflows/shared/case-snapshot';
import type { IncidentFactsRecord } from '../../workflows/incident/definitions';
import { createTestApp, type TestApp } from '../support/app';
import { deterministic, transitionRecord } from '../support/projection-mix';

// The board's daily trend comes from roll-ups a trigger keeps on every write to a case (migration
// board_days), with what it needs of the case's clocks and incident facts kept on the case's row by
// triggers on those tables. After a mix written the way the projection and facts activities write
// them — opening on different days, colour changes, red clocks coming and going, transfers,
// escalations, closing, incident facts turning late and back, retried and stale writes, the
// projection and the facts of one case racing, many cases at once — the roll-ups must equal a
// fresh aggregate over the cases (the trend's definition), and the board's trend must answer it.

let t: TestApp;
const H = 3_600_000;
const D = 24 * H;

const UNITS = ['lk.t01', 'lk.t01.v01', 'lk.t01.v02', 'lk.t02', 'lk.dept.scjg'];
const COLOURS: ClockLevel[] = ['green', 'blue', 'yellow', 'red'];
const PROCESSES: ProcessType[] = ['task', 'incident', 'approval'];

interface State {
  unit: string;
  owner: string;
  process: ProcessType;
  level: number | null;
  colour: ClockLevel;
  clocks: ClockLevel[];
  closed: boolean;
}

function clock(key: string, level: ClockLevel): ClockSnapshot {
  return {
    key,
    label: key,
    state: 'running',
    level,
    deadline: new Date(Date.now() + H).toISOString(),
    budget: { unit: 'day', amount: 1 },
    consumed: 0,
    fallbackYears: [],
    ledger: [],
  } as ClockSnapshot;
}

function snapshot(caseId: string, createdAt: string, s: State): CaseSnapshot {
  const now = new Date().toISOString();
  return {
    caseId,
    process: s.process,
    title: `日统计测试 ${caseId}`,
    status: s.closed ? 'done' : 'open',
    currentStep: null,
    level: s.level,
    unitId: s.unit,
    ownerUnitId: s.owner,
    colour: s.colour,
    deadline: new Date(Date.now() + H).toISOString(),
    clockKind: 'case',
    calendarWarnings: [],
    data: {},
    createdAt,
    updatedAt: now,
    closedAt: s.closed ? now : null,
    assignments: [],
    units: [],
    clocks: s.clocks.map((level, i) => clock(`k${i}`, level)),
  };
}

const facts = (caseId: string, seq: number, onTime: boolean | null): IncidentFactsRecord => ({
  caseId,
  seq,
  categoryCode: 'city-appearance',
  urgencyCode: 'normal',
  source: 'patrol',
  gridId: 'lk.t01.v01.g01',
  gridPath: 'lk/lk.t01/lk.t01.v01/lk.t01.v01.g01',
  unitIds: ['lk.t01.v01.g01'],
  status: onTime === null ? 'handling' : 'closed',
  startLevel: 1,
  currentLevel: 1,
  finalLevel: onTime === null ? null : 1,
  escalations: 0,
  autoEscalations: 0,
  lateUnits: [],
  reopens: 0,
  onTime,
  redCard: false,
  satisfaction: null,
  reportedAt: new Date().toISOString(),
  resolvedAt: null,
  closedAt: null,
  hotlineType: null,
  hotlineResponded: null,
  hotlineResolved: null,
});

/** The trend's definition, aggregated afresh over every case: per day and group, opened, on time, late. */
const FRESH = `
  select to_char((c.created_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as day, c.unit_id, c.owner_unit_id,
         c.process, coalesce(c.level, -1) as level, count(*)::int as created,
         count(*) filter (where c.closed_at is not null and not l.is_late)::int as on_time,
         count(*) filter (where l.is_late or (c.closed_at is null and c.colour = 'red'))::int as late
  from cases c
  cross join lateral (select c.closed_at is not null and (
      exists (select 1 from case_clocks k where k.case_id = c.id and k.level = 'red')
      or exists (select 1 from incident_facts f where f.case_id = c.id and f.on_time = false)) as is_late) l
  group by 1, 2, 3, 4, 5`;

async function rollUpsAndAggregate() {
  const db = t.tdb.db;
  const order = 'order by 1, 2, 3, 4, 5';
  const rollUps = await db.execute(
    sql.raw(`select to_char(day, 'YYYY-MM-DD') as day, unit_id, owner_unit_id, process, coalesce(level, -1) as level,
      created, on_time, late from case_board_days where created <> 0 or on_time <> 0 or late <> 0 ${order}`),
  );
  const aggregate = await db.execute(sql.raw(`${FRESH} ${order}`));
  return { rollUps: rollUps.rows, aggregate: aggregate.rows };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('board daily roll-ups kept with the cases', () => {
  it('equal a fresh aggregate after a mix of transitions, facts, retries, stale and concurrent writes', async () => {
    const db = t.tdb.db;
    // A deterministic mix (a linear congruential sequence): 40 cases × up to 12 transitions, 8 writers at once.
    const next = deterministic(4242);
    const plans = Array.from({ length: 40 }, (_, i) => {
      const caseId = `RW-2026-96${String(i).padStart(4, '0')}`;
      // Opened over the last four days, some just either side of a Beijing midnight.
      const createdAt = new Date(Date.now() - next(4) * D - next(2) * (next(3) * H + 1_000)).toISOString();
      const unit = UNITS[next(UNITS.length)]!;
      const process = PROCESSES[next(PROCESSES.length)]!;
      let state: State = {
        unit,
        owner: next(2) ? unit : 'lk.t01',
        process,
        level: process === 'incident' ? 1 : null,
        colour: 'green',
        clocks: ['green'],
        closed: false,
      };
      const steps: { snap: CaseSnapshot; onTime: boolean | null }[] = [];
      let onTime: boolean | null = null;
      for (let s = 0; s < 12 && !state.closed; s += 1) {
        if (s > 0) {
          const move = next(7);
          if (move === 0)
            state = { ...state, unit: UNITS[next(UNITS.length)]! }; // a transfer
          else if (move === 1)
            state = { ...state, level: (state.level ?? 0) + 1 }; // an escalation
          else if (move === 2)
            state = { ...state, clocks: state.clocks.length > 1 ? ['green'] : [...state.clocks, 'red'] }; // a red clock comes or goes
          else if (move === 6 && s > 5)
            state = { ...state, closed: true, clocks: next(2) ? [...state.clocks, 'red'] : state.clocks }; // closed, some as a clock turns red
          else {
            const colour = COLOURS[next(COLOURS.length)]!;
            state = { ...state, colour, clocks: [colour, ...state.clocks.slice(1)] }; // a colour change
          }
          if (process === 'incident' && next(3) === 0) onTime = [null, true, false][next(3)]!;
        }
        steps.push({ snap: snapshot(caseId, createdAt, state), onTime });
      }
      return { caseId, process, steps };
    });
    let cursor = 0;
    const writer = async () => {
      for (let i = cursor++; i < plans.length; i = cursor++) {
        const { caseId, process, steps } = plans[i]!;
        for (let s = 0; s < steps.length; s += 1) {
          const step = steps[s]!;
          // An incident's facts are written by their own activity: the previous step's race this step's projection.
          const prev = steps[s - 1];
          await Promise.all([
            recordTransition(db, transitionRecord(s + 1, step.snap)),
            process === 'incident' && prev ? recordIncidentFacts(db, facts(caseId, s, prev.onTime)) : null,
          ]);
          // A retried activity writes the same record again, and a stale one arrives late: neither counts twice.
          if (s % 3 === 0) await recordTransition(db, transitionRecord(s + 1, step.snap));
          if (s > 1 && s % 4 === 0) {
            await recordTransition(db, transitionRecord(s - 1, steps[s - 2]!.snap));
            if (process === 'incident') await recordIncidentFacts(db, facts(caseId, s - 2, steps[s - 3]!.onTime));
          }
        }
        if (process === 'incident') await recordIncidentFacts(db, facts(caseId, steps.length, steps.at(-1)!.onTime));
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));

    const { rollUps, aggregate } = await rollUpsAndAggregate();
    expect(aggregate.length).toBeGreaterThan(10);
    // The mix reaches every outcome the trend counts.
    const sum = (k: string) => aggregate.reduce((n, r) => n + Number(r[k]), 0);
    expect([sum('created'), sum('on_time') > 0, sum('late') > 0]).toEqual([40, true, true]);
    expect(rollUps).toEqual(aggregate);

    // The board's trend adds the roll-ups up per day, as the fresh aggregate does.
    const token = await t.tokenFor('lk.supervisor');
    const board = await request(t.app).get('/api/v1/board').query({ days: 7 }).set('authorization', `Bearer ${token}`);
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const perDay = new Map<string, { created: number; onTime: number; late: number }>();
    for (const r of aggregate) {
      const d = perDay.get(String(r.day)) ?? { created: 0, onTime: 0, late: 0 };
      perDay.set(String(r.day), {
        created: d.created + Number(r.created),
        onTime: d.onTime + Number(r.on_time),
        late: d.late + Number(r.late),
      });
    }
    for (const day of board.body.trend as { date: string; created: number; onTime: number; late: number }[])
      expect({ date: day.date, created: day.created, onTime: day.onTime, late: day.late }).toEqual({
        date: day.date,
        ...(perDay.get(day.date) ?? { created: 0, onTime: 0, late: 0 }),
      });
    expect(perDay.size).toBeGreaterThan(1);

    // Facts and clocks removed, and a case removed from the envelope, leave the roll-ups too.
    await db.delete(incidentFacts).where(sql`${incidentFacts.caseId} in (select case_id from incident_facts limit 3)`);
    await db.execute(
      sql`delete from case_clocks where case_id in (select case_id from case_clocks where level = 'red' limit 3)`,
    );
    await db.delete(cases).where(sql`${cases.id} = 'RW-2026-960000'`);
    const after = await rollUpsAndAggregate();
    expect(after.rollUps).toEqual(after.aggregate);
  });

  it('are emptied with the cases when the envelope is truncated', async () => {
    await t.tdb.db.execute(sql`truncate cases cascade`);
    const { rollUps, aggregate } = await rollUpsAndAggregate();
    expect(aggregate).toEqual([]);
    expect(rollUps).toEqual([]);
  });
});
