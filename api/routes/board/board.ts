import { and, asc, eq, gte, inArray, isNull, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { incidentStats } from '../../../db/incident';
import { caseBoardCounts, caseBoardDays, cases } from '../../../db/schema/cases';
import { PATH_SEPARATOR } from '../../../db/schema/org';
import { findUnit } from '../../../db/units';
import { unionAll } from 'drizzle-orm/pg-core';
import { notFound } from '../../admin';
import { CLOCK_KINDS, type ClockKind, type ClockLevel, type ProcessType } from '../../../domain/vocabulary';
import { requireUnitScope, SUBTREE_ROLES } from '../../authz';
import type { ApiRoutes } from '../../route';
import { type Counts, boardSchema, boardQuery } from './schemas';
import { emptyCounts, addCount, rate, dayKeys, periodStart, subtreeOf, urgeable, myActionsOn } from './helpers';

export function registerSlaBoardRoute(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/board',
    operationId: 'slaBoard',
    summary:
      '督办看板：辖区内在办案件的时限颜色、分组、超期与临近列表、趋势和四级分布 / The SLA board of a unit’s subtree',
    description:
      '范围为聚焦单位（默认本人单位）辖区内由其负责或主办的在办案件；可按下级单位、流程、层级下钻。列表中的 actions 为调用者此刻可办理的操作。/ Open cases whose responsible or owner unit lies in the focus unit’s subtree, drillable by unit, process and level.',
    tags: ['cases'],
    access: { roles: SUBTREE_ROLES },
    query: boardQuery,
    response: { schema: boardSchema, description: '看板 / The board' },
    errors: [404],
    async handler({ query, principal, deps }) {
      const db = deps.database.db;
      const focus = await findUnit(db, query.unitId ?? principal.unitId);
      if (!focus) throw notFound('unit-not-found', `单位不存在：${query.unitId}`, `No unit ${query.unitId}`);
      requireUnitScope(principal, focus);
      const now = new Date();
      const from = periodStart(now, query.days);
      const { units, everything } = await subtreeOf(db, focus.path);
      const ids = units.map((u) => u.id);

      // The focus unit's scope, process and level, on the cases or on a table of counts kept from them.
      const inScope = (column: AnyColumn) => sql`${column} = any(${sql.param(ids)}::text[])`;
      const filtersOn = (t: { unitId: AnyColumn; ownerUnitId: AnyColumn; process: AnyColumn; level: AnyColumn }) => [
        everything ? undefined : or(inScope(t.unitId), inScope(t.ownerUnitId)),
        query.process ? eq(t.process, query.process) : undefined,
        query.level ? eq(t.level, query.level) : undefined,
      ];
      const caseFilters = filtersOn(cases);
      const open = and(isNull(cases.closedAt), ...caseFilters);
      const counterFilters = filtersOn(caseBoardCounts);
      const dayFilters = filtersOn(caseBoardDays);
      // A passed deadline is red now, even before the case's workflow has woken to project the colour.
      const colourNow = sql<ClockLevel>`(case when ${cases.deadline} < ${now} then 'red'::clock_level else ${cases.colour} end)`;
      const listColumns = {
        id: cases.id,
        process: cases.process,
        title: cases.title,
        status: cases.status,
        currentStep: cases.currentStep,
        level: cases.level,
        unitId: cases.unitId,
        ownerUnitId: cases.ownerUnitId,
        colour: cases.colour,
        deadline: cases.deadline,
        caseDeadline: cases.caseDeadline,
        stepDeadline: cases.stepDeadline,
        clockKind: cases.clockKind,
        createdAt: cases.createdAt,
      };
      // A list is the union of disjoint parts, each one index range scan in deadline order (open cases
      // by deadline, or by colour and deadline) that stops when a page is full.
      const list = (...parts: [SQL, SQL, ...SQL[]]) => {
        const [first, second, ...rest] = parts.map((where) =>
          db
            .select({ ...listColumns, colour: colourNow })
            .from(cases)
            .where(and(open, where))
            .orderBy(sql`${cases.deadline} asc nulls last`, asc(cases.id))
            .limit(query.limit),
        );
        return unionAll(first!, second!, ...rest)
          .orderBy(sql`"deadline" asc nulls last`, sql`"id" asc`)
          .limit(query.limit);
      };
      const red = eq(cases.colour, 'red');
      const nearing = inArray(cases.colour, ['yellow', 'blue']);

      const incidentsCounted = !query.process || query.process === 'incident';
      const [groups, overdue, near, trend, escalations, urges, split] = await Promise.all([
        // The counters the projection keeps (case_board_counts), moved to red for the open cases
        // whose deadline has passed but whose workflow has not projected red yet (few: one range of
        // the index on open cases' colour and deadline per colour finds them): the same counts as
        // aggregating every open case.
        db.execute<{
          unit_id: string | null;
          process: ProcessType | null;
          level: number | null;
          kind: ClockKind | null;
          colour: ClockLevel;
          by: 'all' | 'unit' | 'process' | 'level' | 'kind';
          n: number;
        }>(sql`
          select case when grouping(unit_id) = 0 then 'unit' when grouping(process) = 0 then 'process' when grouping(level) = 0 then 'level' when grouping(kind) = 0 then 'kind' else 'all' end as by,
                 unit_id, process, level, kind, colour, sum(n)::int as n
          from (
            select ${caseBoardCounts.unitId} as unit_id, ${caseBoardCounts.process} as process, ${caseBoardCounts.level} as level, ${caseBoardCounts.clockKind} as kind, ${caseBoardCounts.colour} as colour, ${caseBoardCounts.n} as n
            from ${caseBoardCounts} where ${and(sql`${caseBoardCounts.n} <> 0`, ...counterFilters)}
            union all
            select ${cases.unitId}, ${cases.process}, ${cases.level}, ${cases.clockKind}, m.colour, m.n
            from ${cases} cross join lateral (values (${cases.colour}, -1), ('red'::clock_level, 1)) m(colour, n)
            where ${and(open, inArray(cases.colour, ['green', 'blue', 'yellow']), lt(cases.deadline, now))}
          ) c
          group by grouping sets ((colour), (unit_id, colour), (process, colour), (level, colour), (kind, colour))
          having sum(n) <> 0`),
        // Red or past its deadline; yellow or blue and not past it.
        list(lt(cases.deadline, now), and(red, gte(cases.deadline, now))!, and(red, isNull(cases.deadline))!),
        list(and(nearing, gte(cases.deadline, now))!, and(nearing, isNull(cases.deadline))!),
        // The daily roll-ups the projection keeps (case_board_days): a few rows per day instead of every case of the period.
        db.execute<{ day: string; created: number; on_time: number; late: number }>(sql`
          select to_char(${caseBoardDays.day}, 'YYYY-MM-DD') as day, sum(${caseBoardDays.created})::int as created,
                 sum(${caseBoardDays.onTime})::int as on_time, sum(${caseBoardDays.late})::int as late
          from ${caseBoardDays}
          where ${and(sql`${caseBoardDays.day} >= (${from}::timestamptz at time zone 'Asia/Shanghai')::date`, ...dayFilters)}
          group by 1`),
        incidentsCounted
          ? db.execute<{ day: string; escalations: number; auto: number; red_cards: number }>(sql`
              select to_char((reported_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as day,
                     coalesce(sum(escalations), 0)::int as escalations, coalesce(sum(auto_escalations), 0)::int as auto,
                     count(*) filter (where red_card)::int as red_cards
              from incident_facts
              where reported_at >= ${from} and (grid_path = ${focus.path} or grid_path like ${`${focus.path}${PATH_SEPARATOR}%`} or unit_ids && ${sql.param(ids)}::text[])
                ${query.level ? sql`and current_level = ${query.level}` : sql``}
              group by 1`)
          : Promise.resolve({ rows: [] }),
        db.execute<{ day: string; n: number }>(sql`
          select to_char((n.created_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as day, count(*)::int as n
          from notices n ${query.process || query.level ? sql`join ${cases} on ${cases.id} = n.case_id` : sql``}
          where n.created_at >= ${from} and n.kind in ('overdue', 'urge', 'red-card') ${everything ? sql`` : sql`and n.unit_id = any(${sql.param(ids)}::text[])`}
            ${query.process ? sql`and ${cases.process} = ${query.process}` : sql``} ${query.level ? sql`and ${cases.level} = ${query.level}` : sql``}
          group by 1`),
        incidentsCounted ? incidentStats(db, focus, from, now) : null,
      ]);

      const listed = [...overdue, ...near];
      const actions = await myActionsOn(
        db,
        principal,
        listed.map((c) => c.id),
      );
      // A supervisor may 督办 any overdue case in its subtree that can be urged at all (issue 15).
      if (principal.role === 'supervisor') {
        const inSubtree = new Set(ids);
        for (const id of await urgeable(
          db,
          overdue.filter((c) => inSubtree.has(c.unitId)).map((c) => c.id),
        )) {
          actions.set(id, [...new Set([...(actions.get(id) ?? []), 'urge'])]);
        }
      }
      const boardCase = (c: (typeof listed)[number]) => ({
        ...c,
        deadline: c.deadline?.toISOString() ?? null,
        caseDeadline: c.caseDeadline?.toISOString() ?? null,
        stepDeadline: c.stepDeadline?.toISOString() ?? null,
        createdAt: c.createdAt.toISOString(),
        actions: actions.get(c.id) ?? [],
      });

      // Roll each responsible unit up to the focus unit's child on its path (drill-down one level at a time).
      const byId = new Map(units.map((u) => [u.id, u]));
      const parents = new Set(units.map((u) => u.parentId));
      const childOfFocus = (unitId: string) => {
        const unit = byId.get(unitId);
        if (!unit || unitId === focus.id) return unitId;
        const rest = unit.path.slice(focus.path.length + 1).split(PATH_SEPARATOR);
        return rest[0] ?? unitId;
      };
      const counts = emptyCounts();
      const unitCounts = new Map<string, Counts>();
      const processCounts = new Map<ProcessType, Counts>();
      const levelCounts = new Map<number | null, Counts>();
      const kindCounts = new Map<ClockKind, Counts>();
      const bucket = <K>(map: Map<K, Counts>, key: K) => map.get(key) ?? map.set(key, emptyCounts()).get(key)!;
      for (const g of groups.rows) {
        const n = Number(g.n);
        if (g.by === 'all') addCount(counts, g.colour, n);
        else if (g.by === 'unit') addCount(bucket(unitCounts, childOfFocus(g.unit_id!)), g.colour, n);
        else if (g.by === 'process') addCount(bucket(processCounts, g.process!), g.colour, n);
        else if (g.by === 'kind') addCount(bucket(kindCounts, g.kind!), g.colour, n);
        else addCount(bucket(levelCounts, g.level), g.colour, n);
      }
      // Worst first: most red, then yellow, then blue, then most cases.
      const byTotal = (a: { counts: Counts }, b: { counts: Counts }) =>
        b.counts.red - a.counts.red ||
        b.counts.yellow - a.counts.yellow ||
        b.counts.blue - a.counts.blue ||
        b.counts.total - a.counts.total;

      const perDay = <T extends { day: string }>(rows: T[]) => new Map(rows.map((r) => [r.day, r]));
      const created = perDay(trend.rows);
      const escalated = perDay(
        escalations.rows as { day: string; escalations: number; auto: number; red_cards: number }[],
      );
      const urged = perDay(urges.rows);

      return {
        unitId: focus.id,
        generatedAt: now.toISOString(),
        counts,
        byUnit: [...unitCounts]
          .map(([unitId, c]) => ({
            unitId,
            self: unitId === focus.id,
            drillable: unitId !== focus.id && byId.has(unitId) && parents.has(unitId),
            counts: c,
          }))
          .sort((a, b) => byTotal(a, b) || a.unitId.localeCompare(b.unitId)),
        byProcess: [...processCounts].map(([process, c]) => ({ process, counts: c })).sort(byTotal),
        byLevel: [...levelCounts]
          .map(([level, c]) => ({ level, counts: c }))
          .sort((a, b) => (a.level ?? 99) - (b.level ?? 99)),
        byKind: CLOCK_KINDS.filter((kind) => kindCounts.has(kind)).map((kind) => ({
          kind,
          counts: kindCounts.get(kind)!,
        })),
        overdue: overdue.map(boardCase),
        near: near.map(boardCase),
        trend: dayKeys(from, now).map((date) => {
          const c = created.get(date);
          const e = escalated.get(date);
          const onTime = Number(c?.on_time ?? 0);
          const late = Number(c?.late ?? 0);
          return {
            date,
            created: Number(c?.created ?? 0),
            onTime,
            late,
            onTimeRate: rate(onTime, onTime + late),
            escalations: Number(e?.escalations ?? 0),
            autoEscalations: Number(e?.auto ?? 0),
            redCards: Number(e?.red_cards ?? 0),
            urges: Number(urged.get(date)?.n ?? 0),
          };
        }),
        resolution: split
          ? {
              ...split.byFinalLevel,
              total: split.total,
              disposalRate: split.disposalRate,
              onTimeRate: split.onTimeRate,
              escalationRate: split.escalationRate,
            }
          : {
              level1: 0,
              level2: 0,
              level3: 0,
              level4: 0,
              unresolved: 0,
              total: 0,
              disposalRate: null,
              onTimeRate: null,
              escalationRate: null,
            },
      };
    },
  });
}
