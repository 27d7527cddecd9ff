import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Duration } from '../domain/calendar';
import {
  incidentSettingsSchema,
  INCIDENT_LEVELS,
  LEVEL_LABEL,
  type IncidentLevelNo,
  type IncidentLimit,
  type IncidentSettings,
  type IncidentSource,
  type IncidentViolation,
} from '../domain/incident';
import type { IncidentHolder } from '../workflows/incident/definitions';
import type { Db, Tx } from './index';
import {
  hotlineOrderTypes,
  incidentCategories,
  incidentRoutingRules,
  incidentSettings,
  incidentTimeLimits,
  incidentUrgencies,
} from './schema/incident';
import { orgUnits, PATH_SEPARATOR, users, type OrgUnit } from './schema/org';

/** The settings key new events read (seeded by db/seed/incident.ts). */
export const INCIDENT_SETTINGS_KEY = 'default';

export async function loadIncidentSettings(db: Db | Tx): Promise<IncidentSettings> {
  const [row] = await db.select().from(incidentSettings).where(eq(incidentSettings.key, INCIDENT_SETTINGS_KEY));
  if (!row) throw new Error('incident settings missing: run the seed');
  return incidentSettingsSchema.parse(row.settings);
}

/** The units around a reporting grid, and the configuration an event starts with (frozen for its life). */
export interface IncidentPlan {
  category: { code: string; name: string };
  urgency: { code: string; name: string; mayJump: boolean };
  territory: { gridId: string; gridPath: string; villageId: string; townshipId: string; countyId: string };
  limits: IncidentLimit[];
  routes: IncidentHolder[];
  dispatchers: IncidentHolder[];
  verifiers: IncidentHolder[];
  callback: IncidentHolder | null;
  hotline: { code: string; name: string; limit: Duration } | null;
  settings: IncidentSettings;
}

const violation = (code: string, zh: string, en: string): IncidentViolation => ({ code, zh, en });

/** The role that handles events in a unit: the grid worker in a grid (小事不出格), a handler elsewhere. */
export function handlingRoleOf(unit: Pick<OrgUnit, 'kind'>): string {
  return unit.kind === 'grid' ? 'grid_worker' : 'handler';
}

/**
 * Resolve everything a new event needs from the configuration tables, or the first rule it breaks:
 * unknown category / urgency / order type, a reporting unit that is not an active grid, or a
 * routing rule naming a missing, inactive or unstaffed unit.
 */
export async function planIncident(
  db: Db | Tx,
  req: { categoryCode: string; urgencyCode: string; grid: OrgUnit; source: IncidentSource; hotlineType?: string },
): Promise<{ ok: true; plan: IncidentPlan } | { ok: false; violation: IncidentViolation }> {
  const [[category], [urgency], settings] = await Promise.all([
    db
      .select()
      .from(incidentCategories)
      .where(and(eq(incidentCategories.code, req.categoryCode), eq(incidentCategories.active, true))),
    db.select().from(incidentUrgencies).where(eq(incidentUrgencies.code, req.urgencyCode)),
    loadIncidentSettings(db),
  ]);
  if (!category)
    return {
      ok: false,
      violation: violation(
        'incident-category-unknown',
        `事件类别不存在或已停用：${req.categoryCode}`,
        `Unknown or inactive incident category: ${req.categoryCode}`,
      ),
    };
  if (!urgency)
    return {
      ok: false,
      violation: violation(
        'incident-urgency-unknown',
        `紧急程度不存在：${req.urgencyCode}`,
        `Unknown urgency: ${req.urgencyCode}`,
      ),
    };
  const { grid } = req;
  const ids = grid.path.split(PATH_SEPARATOR);
  if (grid.kind !== 'grid' || !grid.active || ids.length < 4) {
    return {
      ok: false,
      violation: violation(
        'incident-grid-invalid',
        `事件须发生在一个在用的网格内：${grid.id}`,
        `An event must be reported in an active grid: ${grid.id}`,
      ),
    };
  }
  const territory = {
    gridId: grid.id,
    gridPath: grid.path,
    villageId: ids.at(-2)!,
    townshipId: ids.at(-3)!,
    countyId: ids[0]!,
  };

  let hotline: IncidentPlan['hotline'] = null;
  if (req.source === 'hotline') {
    const [type] = req.hotlineType
      ? await db
          .select()
          .from(hotlineOrderTypes)
          .where(and(eq(hotlineOrderTypes.code, req.hotlineType), eq(hotlineOrderTypes.active, true)))
      : [];
    if (!type)
      return {
        ok: false,
        violation: violation(
          'hotline-type-unknown',
          `12345 工单类型不存在或已停用：${req.hotlineType ?? '（未填）'}`,
          `Unknown or inactive 12345 order type: ${req.hotlineType ?? '(none)'}`,
        ),
      };
    hotline = { code: type.code, name: type.name, limit: type.limit };
  }

  const [limitRows, ruleRows] = await Promise.all([
    db
      .select()
      .from(incidentTimeLimits)
      .where(and(eq(incidentTimeLimits.categoryCode, category.code), eq(incidentTimeLimits.urgencyCode, urgency.code))),
    db.select().from(incidentRoutingRules).where(eq(incidentRoutingRules.categoryCode, category.code)),
  ]);
  const limits: IncidentLimit[] = [];
  const targets: string[] = [];
  const ancestor: Record<IncidentLevelNo, string> = {
    1: territory.gridId,
    2: territory.villageId,
    3: territory.townshipId,
    4: territory.countyId,
  };
  for (const level of INCIDENT_LEVELS) {
    const limit = limitRows.find((r) => r.level === level)?.limit;
    const r = ruleRows.find((x) => x.level === level);
    if (!limit || !r) {
      return {
        ok: false,
        violation: violation(
          'incident-config-incomplete',
          `类别“${category.name}”在${LEVEL_LABEL[level]}缺少时限或派单规则`,
          `Category ${category.code} has no time limit or routing rule at level ${level}`,
        ),
      };
    }
    limits.push(limit);
    targets.push(
      r.mode === 'ancestor' ? ancestor[level] : r.mode === 'agency' ? `${territory.townshipId}.${r.target}` : r.target!,
    );
  }

  const involved = [...new Set([...targets, territory.villageId, territory.townshipId, settings.commandCentreUnitId])];
  const [unitRows, staffRows] = await Promise.all([
    db.select().from(orgUnits).where(inArray(orgUnits.id, involved)),
    db
      .selectDistinct({ unitId: users.unitId, role: users.role })
      .from(users)
      .where(and(inArray(users.unitId, involved), eq(users.active, true))),
  ]);
  const units = new Map(unitRows.map((u) => [u.id, u]));
  const staffed = new Set(staffRows.map((s) => `${s.unitId}|${s.role}`));
  const routes: IncidentHolder[] = [];
  for (const [i, unitId] of targets.entries()) {
    const unit = units.get(unitId);
    const role = unit ? handlingRoleOf(unit) : 'handler';
    if (!unit || !unit.active || !staffed.has(`${unitId}|${role}`)) {
      return {
        ok: false,
        violation: violation(
          'incident-route-unresolvable',
          `类别“${category.name}”${LEVEL_LABEL[(i + 1) as IncidentLevelNo]}的处置单位不存在、已停用或无人在岗：${unitId}`,
          `Level ${i + 1} of ${category.code} routes to a missing, inactive or unstaffed unit: ${unitId}`,
        ),
      };
    }
    routes.push({ unitId, role });
  }

  const township = { unitId: territory.townshipId, role: 'dispatcher' };
  const centre = { unitId: settings.commandCentreUnitId, role: 'dispatcher' };
  const reportingGrid = { unitId: territory.gridId, role: 'grid_worker' };
  const above: Record<IncidentLevelNo, IncidentHolder> = {
    1: { unitId: territory.villageId, role: 'handler' },
    2: { unitId: territory.townshipId, role: 'handler' },
    3: centre,
    4: reportingGrid,
  };
  return {
    ok: true,
    plan: {
      category: { code: category.code, name: category.name },
      urgency: { code: urgency.code, name: urgency.name, mayJump: urgency.mayJump },
      territory,
      limits,
      routes,
      dispatchers: [township, township, township, centre],
      verifiers: INCIDENT_LEVELS.map((l) => (settings.verifier[l] === 'reporting-grid' ? reportingGrid : above[l])),
      callback: settings.callbackSources.includes(req.source) ? (req.source === 'hotline' ? centre : township) : null,
      hotline,
      settings,
    },
  };
}

/** What `GET /incidents/stats` answers; rates are null when nothing counts towards them. */
export interface IncidentStats {
  total: number;
  byFinalLevel: { level1: number; level2: number; level3: number; level4: number; unresolved: number };
  byCategory: { code: string; name: string; count: number }[];
  disposed: number;
  disposalRate: number | null;
  onTimeRate: number | null;
  escalationRate: number | null;
  satisfactionRate: number | null;
  redCards: number;
  hotline: {
    orders: number;
    responseRate: number | null;
    resolutionRate: number | null;
    satisfactionRate: number | null;
    score: number | null;
    weights: IncidentSettings['hotlineWeights'];
  };
}

const rate = (n: number, d: number) => (d === 0 ? null : n / d);

/**
 * The county's figures for the events reported in `unit`'s territory (its subtree) or held by it
 * (a department), reported in [from, to): Lankao's 一级…四级 split, disposal (结案), on-time (no
 * level limit nor order deadline missed), escalation and satisfaction (满意 + 基本满意 of those
 * called back) rates, and the 12345 三率 with their configured weights.
 */
export async function incidentStats(
  db: Db,
  unit: Pick<OrgUnit, 'id' | 'path'>,
  from: Date,
  to: Date,
): Promise<IncidentStats> {
  const scope = sql`reported_at >= ${from} and reported_at < ${to}
    and (grid_path = ${unit.path} or grid_path like ${`${unit.path}${PATH_SEPARATOR}%`} or unit_ids @> array[${unit.id}]::text[])`;
  const satisfied = sql`satisfaction in ('satisfied', 'basic')`;
  const [totals, byCategory, settings] = await Promise.all([
    db.execute<Record<string, number>>(sql`select
        count(*)::int as total,
        count(*) filter (where final_level = 1)::int as l1,
        count(*) filter (where final_level = 2)::int as l2,
        count(*) filter (where final_level = 3)::int as l3,
        count(*) filter (where final_level = 4)::int as l4,
        count(*) filter (where final_level is null)::int as unresolved,
        count(*) filter (where closed_at is not null)::int as disposed,
        count(*) filter (where final_level is not null)::int as resolved,
        count(*) filter (where on_time)::int as on_time,
        count(*) filter (where escalations > 0)::int as escalated,
        count(*) filter (where satisfaction is not null)::int as called_back,
        count(*) filter (where ${satisfied})::int as satisfied,
        count(*) filter (where red_card)::int as red_cards,
        count(*) filter (where hotline_type is not null)::int as orders,
        count(*) filter (where hotline_responded)::int as responded,
        count(*) filter (where hotline_type is not null and satisfaction is not null)::int as orders_called_back,
        count(*) filter (where hotline_resolved)::int as orders_resolved,
        count(*) filter (where hotline_type is not null and ${satisfied})::int as orders_satisfied
      from incident_facts where ${scope}`),
    db.execute<{
      code: string;
      name: string;
      count: number;
    }>(sql`select f.category_code as code, coalesce(c.name, f.category_code) as name, count(*)::int as count
      from incident_facts f left join incident_categories c on c.code = f.category_code
      where ${scope} group by f.category_code, c.name, c.sort order by c.sort nulls last, f.category_code`),
    loadIncidentSettings(db),
  ]);
  const t = totals.rows[0] ?? {};
  const n = (k: string) => Number(t[k] ?? 0);
  const weights = settings.hotlineWeights;
  const response = rate(n('responded'), n('orders'));
  const resolution = rate(n('orders_resolved'), n('orders_called_back'));
  const orderSatisfaction = rate(n('orders_satisfied'), n('orders_called_back'));
  const weighted =
    response === null || resolution === null || orderSatisfaction === null
      ? null
      : weights.response * response + weights.resolution * resolution + weights.satisfaction * orderSatisfaction;
  const score = weighted === null ? null : Math.round(weighted * 10_000) / 100;
  return {
    total: n('total'),
    byFinalLevel: { level1: n('l1'), level2: n('l2'), level3: n('l3'), level4: n('l4'), unresolved: n('unresolved') },
    byCategory: byCategory.rows.map((r) => ({ code: r.code, name: r.name, count: Number(r.count) })),
    disposed: n('disposed'),
    disposalRate: rate(n('disposed'), n('total')),
    onTimeRate: rate(n('on_time'), n('resolved')),
    escalationRate: rate(n('escalated'), n('total')),
    satisfactionRate: rate(n('satisfied'), n('called_back')),
    redCards: n('red_cards'),
    hotline: {
      orders: n('orders'),
      responseRate: response,
      resolutionRate: resolution,
      satisfactionRate: orderSatisfaction,
      score,
      weights,
    },
  };
}

/** Every configuration table, for the admin console. */
export async function readIncidentConfig(db: Db | Tx) {
  const [categories, urgencies, timeLimits, routingRules, hotlineTypes, settings] = await Promise.all([
    db.select().from(incidentCategories).orderBy(asc(incidentCategories.sort), asc(incidentCategories.code)),
    db.select().from(incidentUrgencies).orderBy(asc(incidentUrgencies.sort)),
    db
      .select()
      .from(incidentTimeLimits)
      .orderBy(
        asc(incidentTimeLimits.categoryCode),
        asc(incidentTimeLimits.urgencyCode),
        asc(incidentTimeLimits.level),
      ),
    db
      .select()
      .from(incidentRoutingRules)
      .orderBy(asc(incidentRoutingRules.categoryCode), asc(incidentRoutingRules.level)),
    db.select().from(hotlineOrderTypes).orderBy(asc(hotlineOrderTypes.code)),
    loadIncidentSettings(db),
  ]);
  return { categories, urgencies, timeLimits, routingRules, hotlineTypes, settings };
}
