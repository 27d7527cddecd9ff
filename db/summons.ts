import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  evaluateWhistle,
  limitsFor,
  rate,
  summonsRuleConditionSchema,
  summonsSettingsSchema,
  type Complexity,
  type SummonsLimits,
  type SummonsRule,
  type SummonsSettings,
  type SummonsUrgency,
  type WhistleViolation,
} from '../domain/summons';
import type { SummonedUnitInfo, SummonsHolder } from '../workflows/summons/definitions';
import type { Db, Tx } from './index';
import { loadIncidentSettings } from './incident';
import { incidentRoutingRules } from './schema/incident';
import { orgUnits, PATH_SEPARATOR, powerListItems, users, type OrgUnit } from './schema/org';
import { summonsDepartments, summonsRefusals, summonsRules, summonsSettings } from './schema/summons';

/** The settings key new whistles read (seeded by db/seed/summons.ts). */
export const SUMMONS_SETTINGS_KEY = 'default';

export async function loadSummonsSettings(db: Db | Tx): Promise<SummonsSettings> {
  const [row] = await db.select().from(summonsSettings).where(eq(summonsSettings.key, SUMMONS_SETTINGS_KEY));
  if (!row) throw new Error('summons settings missing: run the seed');
  return summonsSettingsSchema.parse(row.settings);
}

export async function loadSummonsRules(db: Db | Tx): Promise<SummonsRule[]> {
  const rows = await db.select().from(summonsRules).orderBy(asc(summonsRules.sort), asc(summonsRules.code));
  return rows.map((r) => ({ ...r, condition: summonsRuleConditionSchema.parse(r.condition) }));
}

/** Every configuration table, for the admin console. */
export async function readSummonsConfig(db: Db | Tx): Promise<{ rules: SummonsRule[]; settings: SummonsSettings }> {
  const [rules, settings] = await Promise.all([loadSummonsRules(db), loadSummonsSettings(db)]);
  return { rules, settings };
}

/** A whistle as requested, before the rules and the configuration resolved it. */
export interface WhistleRequest {
  township: OrgUnit;
  reasonCode: string;
  urgency: SummonsUrgency;
  complexity: Complexity;
  unitIds: readonly string[];
  powerItemCodes: readonly string[];
  withinCapacity: boolean;
  keyTask: string | null;
  /** Incident category of the matter (an L3 incident's own): its routing names the routine-duty units. */
  categoryCode: string | null;
}

/** What a whistle that passed the rules starts with. */
export interface WhistlePlan {
  reason: { code: string; name: string };
  units: SummonedUnitInfo[];
  approvers: SummonsHolder[];
  arbiter: SummonsHolder;
  limits: SummonsLimits;
}

const violation = (code: string, zh: string, en: string): WhistleViolation => ({ code, ruleCode: code, zh, en });

/**
 * The units a township may summon, or the first refusal: each must be an active county department
 * or one of this township's dispatched agencies, with a liaison on duty to acknowledge.
 */
export async function resolveSummonedUnits(
  db: Db | Tx,
  township: Pick<OrgUnit, 'id'>,
  unitIds: readonly string[],
): Promise<{ ok: true; units: SummonedUnitInfo[] } | { ok: false; violation: WhistleViolation }> {
  const [unitRows, liaisons] = await Promise.all([
    db
      .select()
      .from(orgUnits)
      .where(inArray(orgUnits.id, [...unitIds])),
    db
      .selectDistinct({ unitId: users.unitId })
      .from(users)
      .where(and(inArray(users.unitId, [...unitIds]), eq(users.role, 'dept_liaison'), eq(users.active, true))),
  ]);
  const byId = new Map(unitRows.map((u) => [u.id, u]));
  const staffed = new Set(liaisons.map((l) => l.unitId));
  const units: SummonedUnitInfo[] = [];
  for (const id of unitIds) {
    const u = byId.get(id);
    const summonable =
      u && u.active && (u.kind === 'department' || (u.kind === 'agency' && u.parentId === township.id));
    if (!u || !summonable) {
      return {
        ok: false,
        violation: violation(
          'summons-unit-invalid',
          `只能召集在用的县直部门或本乡镇的派驻机构：${id}`,
          `Only active county departments or this township's dispatched agencies can be summoned: ${id}`,
        ),
      };
    }
    if (!staffed.has(id))
      return {
        ok: false,
        violation: violation(
          'summons-unit-unstaffed',
          `${u.name} 没有在岗的部门联络员，无法报到`,
          `${u.name} has no liaison on duty to acknowledge`,
        ),
      };
    units.push({
      unitId: u.id,
      name: u.name,
      kind: u.kind === 'agency' ? 'agency' : 'department',
      departmentId: u.departmentId ?? u.id,
    });
  }
  return { ok: true, units };
}

/**
 * Resolve a whistle against the configuration, or the first rule it breaks: the summoned units
 * ({@link resolveSummonedUnits}); a leader to approve; then the whistle rules (domain/summons.ts)
 * check the reason against the township's power list, the summoned units and the matter's
 * routine-duty units (its category's routing: the L3 agency and the L4 department).
 */
export async function planWhistle(
  db: Db,
  req: WhistleRequest,
): Promise<{ ok: true; plan: WhistlePlan } | { ok: false; violation: WhistleViolation }> {
  const { township } = req;
  const [resolved, rules, settings, incidentSettings, leaders, powers, routing] = await Promise.all([
    resolveSummonedUnits(db, township, req.unitIds),
    loadSummonsRules(db),
    loadSummonsSettings(db),
    loadIncidentSettings(db),
    db
      .select()
      .from(users)
      .where(and(eq(users.unitId, township.id), eq(users.isLeader, true), eq(users.active, true))),
    db
      .select({ code: powerListItems.code })
      .from(powerListItems)
      .where(and(eq(powerListItems.unitId, township.id), eq(powerListItems.active, true))),
    req.categoryCode
      ? db.select().from(incidentRoutingRules).where(eq(incidentRoutingRules.categoryCode, req.categoryCode))
      : Promise.resolve([]),
  ]);
  if (!resolved.ok) return resolved;
  const { units } = resolved;
  if (leaders.length === 0)
    return {
      ok: false,
      violation: violation(
        'summons-no-leader',
        `${township.name} 没有在岗的领导，无法审批吹哨`,
        `${township.name} has no leader on duty to approve the whistle`,
      ),
    };
  const routineDutyUnitIds = routing.flatMap((r) =>
    r.mode === 'unit' && r.target ? [r.target] : r.mode === 'agency' && r.target ? [`${township.id}.${r.target}`] : [],
  );
  const verdict = evaluateWhistle(rules, {
    reasonCode: req.reasonCode,
    urgency: req.urgency,
    units,
    powerItemCodes: req.powerItemCodes,
    townshipPowerCodes: powers.map((p) => p.code),
    withinCapacity: req.withinCapacity,
    keyTask: req.keyTask,
    routineDutyUnitIds,
  });
  if (!verdict.ok) return verdict;
  return {
    ok: true,
    plan: {
      reason: { code: verdict.reason.code, name: verdict.reason.name },
      units,
      approvers: leaders.map((l) => ({ unitId: township.id, role: l.role, userId: l.id })),
      arbiter: { unitId: incidentSettings.commandCentreUnitId, role: 'dispatcher' },
      limits: limitsFor(settings, req.urgency, req.complexity),
    },
  };
}

/** Keep a whistle the rules refused, for the township's statistics (no case was created). */
export async function recordWhistleRefusal(
  db: Db,
  r: { townshipId: string; incidentId: string | null; ruleCode: string; reasonCode: string; userId: string; at: Date },
): Promise<void> {
  await db.insert(summonsRefusals).values(r);
}

/** One summoned unit's figures for a period; rates are null when nothing counts towards them. */
export interface DepartmentSummonsStats {
  unitId: string;
  unitName: string;
  unitKind: string;
  /** The owning county department (the unit itself for a department). */
  departmentId: string;
  /** Parts notified in the period (召集次数). */
  received: number;
  acknowledged: number;
  /** 报到 in time / parts whose 报到 is decided (made, or missed). */
  ackOnTime: number;
  ackOnTimeRate: number | null;
  resultsReported: number;
  /** Results reported in time / parts whose result timeliness is decided. */
  resultOnTime: number;
  resultOnTimeRate: number | null;
  accepted: number;
  sendBacks: number;
  misses: number;
  redCards: number;
  disputes: number;
  disputesUpheld: number;
  /** Total time in dispute (ms), and the same in hours (2 decimals). */
  disputedMs: number;
  disputedHours: number;
  ratings: { satisfied: number; basic: number; unsatisfied: number };
  /** 满意 + 基本满意 over rated parts. */
  satisfactionRate: number | null;
}

/** One township's whistles for a period. */
export interface TownshipWhistleStats {
  townshipId: string;
  townshipName: string;
  /** Whistles blown (cases created, awaiting approval or later). */
  whistles: number;
  approved: number;
  rejectedByLeader: number;
  /** Whistles the rules refused before they became cases. */
  refusedByRule: number;
  closed: number;
  fromIncidents: number;
  /** Incidents in the township's territory that reached L3 (乡镇级) in the period. */
  l3Incidents: number;
  /** 吹哨率: approved whistles raised from incidents / incidents that reached L3. */
  whistleRate: number | null;
}

/** Which units a statistics call covers: an org subtree (by path) and/or explicit unit ids. */
export interface SummonsStatsScope {
  from: Date;
  to: Date;
  /** Only units (summoned units, or townships) in this org subtree, e.g. `lk` or `lk/lk.t01`. */
  subtreePath?: string;
  /** Only these units (summoned unit ids, or township ids). */
  unitIds?: readonly string[];
  /** Department statistics only: only parts summoned by these townships. */
  townshipIds?: readonly string[];
}

const inPath = (column: unknown, path: string) =>
  sql`(${column} = ${path} or ${column} like ${`${path}${PATH_SEPARATOR}%`})`;

/**
 * Per summoned unit (department or dispatched agency) statistics over the parts notified in
 * [from, to): received, 报到 and result timeliness, misses and red cards, disputes (count, upheld,
 * hours in dispute) and the township's ratings. A unit summoned twice counts twice. Scope by the
 * summoned unit's own path (`subtreePath`), `unitIds` and/or the summoning `townshipIds`; units
 * never summoned are absent.
 * Used by `GET /summons/stats` and by the assessment's automatic indicators.
 */
export async function summonsDepartmentStats(db: Db | Tx, scope: SummonsStatsScope): Promise<DepartmentSummonsStats[]> {
  const d = summonsDepartments;
  const where = [sql`${d.notifiedAt} >= ${scope.from}`, sql`${d.notifiedAt} < ${scope.to}`];
  if (scope.unitIds) where.push(scope.unitIds.length ? inArray(d.unitId, [...scope.unitIds]) : sql`false`);
  if (scope.subtreePath) where.push(inPath(orgUnits.path, scope.subtreePath));
  if (scope.townshipIds)
    where.push(scope.townshipIds.length ? inArray(d.townshipId, [...scope.townshipIds]) : sql`false`);
  const rows = await db
    .select({
      unitId: d.unitId,
      unitName: orgUnits.name,
      unitKind: d.unitKind,
      departmentId: d.departmentId,
      received: sql<number>`count(*)::int`,
      acknowledged: sql<number>`count(${d.acknowledgedAt})::int`,
      ackOnTime: sql<number>`count(*) filter (where ${d.ackOnTime})::int`,
      ackDecided: sql<number>`count(${d.ackOnTime})::int`,
      resultsReported: sql<number>`count(${d.resultReportedAt})::int`,
      resultOnTime: sql<number>`count(*) filter (where ${d.resultOnTime})::int`,
      resultDecided: sql<number>`count(${d.resultOnTime})::int`,
      accepted: sql<number>`count(${d.acceptedAt})::int`,
      sendBacks: sql<number>`coalesce(sum(${d.sendBacks}), 0)::int`,
      misses: sql<number>`coalesce(sum(${d.missCount}), 0)::int`,
      redCards: sql<number>`count(*) filter (where ${d.redCard})::int`,
      disputes: sql<number>`coalesce(sum(${d.disputeCount}), 0)::int`,
      disputesUpheld: sql<number>`count(*) filter (where ${d.outcome} = 'released')::int`,
      disputedMs: sql<number>`coalesce(sum(${d.disputedMs}), 0)::bigint`,
      satisfied: sql<number>`count(*) filter (where ${d.rating} = 'satisfied')::int`,
      basic: sql<number>`count(*) filter (where ${d.rating} = 'basic')::int`,
      unsatisfied: sql<number>`count(*) filter (where ${d.rating} = 'unsatisfied')::int`,
    })
    .from(d)
    .innerJoin(orgUnits, eq(orgUnits.id, d.unitId))
    .where(and(...where))
    .groupBy(d.unitId, orgUnits.name, d.unitKind, d.departmentId)
    .orderBy(asc(d.unitId));
  return rows.map((r) => {
    const rated = r.satisfied + r.basic + r.unsatisfied;
    return {
      unitId: r.unitId,
      unitName: r.unitName,
      unitKind: r.unitKind,
      departmentId: r.departmentId,
      received: r.received,
      acknowledged: r.acknowledged,
      ackOnTime: r.ackOnTime,
      ackOnTimeRate: rate(r.ackOnTime, r.ackDecided),
      resultsReported: r.resultsReported,
      resultOnTime: r.resultOnTime,
      resultOnTimeRate: rate(r.resultOnTime, r.resultDecided),
      accepted: r.accepted,
      sendBacks: r.sendBacks,
      misses: r.misses,
      redCards: r.redCards,
      disputes: r.disputes,
      disputesUpheld: r.disputesUpheld,
      disputedMs: Number(r.disputedMs),
      disputedHours: Math.round((Number(r.disputedMs) / 3_600_000) * 100) / 100,
      ratings: { satisfied: r.satisfied, basic: r.basic, unsatisfied: r.unsatisfied },
      satisfactionRate: rate(r.satisfied + r.basic, rated),
    };
  });
}

/**
 * Per township whistle statistics over [from, to): whistles blown (by `whistled_at`), approved,
 * rejected by the leader, refused by the rules, closed, raised from incidents, and 吹哨率 — approved
 * whistles raised from incidents over the incidents in its territory that reached L3 (reported in
 * the period). Every township or street in scope is listed, whistles or not.
 */
export async function townshipWhistleStats(db: Db | Tx, scope: SummonsStatsScope): Promise<TownshipWhistleStats[]> {
  const where = [sql`u.kind in ('township', 'street')`];
  if (scope.unitIds) where.push(scope.unitIds.length ? sql`u.id in ${[...scope.unitIds]}` : sql`false`);
  if (scope.subtreePath) where.push(inPath(sql`u.path`, scope.subtreePath));
  const period = (column: SQL) => sql`${column} >= ${scope.from} and ${column} < ${scope.to}`;
  const result = await db.execute<{
    townshipId: string;
    townshipName: string;
    whistles: number;
    approved: number;
    rejected: number;
    closed: number;
    fromIncidents: number;
    refused: number;
    l3: number;
  }>(sql`
    select u.id as "townshipId", u.name as "townshipName",
      coalesce(f.whistles, 0)::int as whistles, coalesce(f.approved, 0)::int as approved, coalesce(f.rejected, 0)::int as rejected,
      coalesce(f.closed, 0)::int as closed, coalesce(f.from_incidents, 0)::int as "fromIncidents",
      (select count(*) from summons_refusals r where r.township_id = u.id and ${period(sql`r.at`)})::int as refused,
      (select count(*) from incident_facts i where i.grid_path like u.path || '/%'
        and greatest(i.start_level, i.current_level, coalesce(i.final_level, 0)) >= 3 and ${period(sql`i.reported_at`)})::int as l3
    from org_units u
    left join lateral (
      select count(*) as whistles,
        count(*) filter (where s.approved_at is not null) as approved,
        count(*) filter (where s.rejected_at is not null) as rejected,
        count(*) filter (where s.status = 'closed') as closed,
        count(*) filter (where s.incident_id is not null and s.approved_at is not null) as from_incidents
      from summons_facts s where s.township_id = u.id and ${period(sql`s.whistled_at`)}
    ) f on true
    where ${and(...where)}
    order by u.path`);
  const rows = result.rows;
  return rows.map((r) => ({
    townshipId: r.townshipId,
    townshipName: r.townshipName,
    whistles: r.whistles,
    approved: r.approved,
    rejectedByLeader: r.rejected,
    refusedByRule: r.refused,
    closed: r.closed,
    fromIncidents: r.fromIncidents,
    l3Incidents: r.l3,
    whistleRate: rate(r.fromIncidents, r.l3),
  }));
}
