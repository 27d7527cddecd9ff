import { and, asc, desc, eq, gte, inArray, like, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  metricsOf,
  periodInfo,
  schemeDefinitionSchema,
  type MetricKey,
  type MetricValues,
  type PeriodInfo,
  type RaterRule,
  type SchemeDefinition,
  type UnitSelector,
} from '../domain/assessment';
import { buildCalendar, CalendarYearMissingError } from '../domain/calendar';
import type { AssessmentPhase, CycleRatee, StartAssessmentInput } from '../workflows/assessment/definitions';
import type { Actor } from '../domain/vocabulary';
import type { CalendarContext } from '../workflows/shared/case-clocks';
import { barRefusal } from '../domain/secondment';
import { allocateCaseNumbers } from './case-numbers';
import { activeBars } from './secondment';
import type { Db, Tx } from './index';
import {
  assessmentAppeals,
  assessmentCycles,
  assessmentRatees,
  assessmentResults,
  assessmentSchemes,
  assessmentSchemeVersions,
  assessmentScores,
  assessmentSnapshots,
} from './schema/assessment';
import { caseClocks, cases, caseUnits, notices } from './schema/cases';
import { incidentFacts } from './schema/incident';
import { orgUnits, PATH_SEPARATOR, users, type OrgUnit } from './schema/org';
import { summonsDepartments } from './schema/summons';
import { summonsDepartmentStats, type DepartmentSummonsStats } from './summons';

type Reader = Db | Tx;

/** A scheme with the version new cycles use. */
export interface SchemeWithVersion {
  code: string;
  name: string;
  active: boolean;
  version: number;
  definition: SchemeDefinition;
}

/** The current version of a scheme (or a given one); null when there is none. */
export async function loadScheme(db: Reader, code: string, version?: number): Promise<SchemeWithVersion | null> {
  const [scheme] = await db.select().from(assessmentSchemes).where(eq(assessmentSchemes.code, code));
  if (!scheme) return null;
  const [row] = await db
    .select()
    .from(assessmentSchemeVersions)
    .where(
      and(
        eq(assessmentSchemeVersions.schemeCode, code),
        eq(assessmentSchemeVersions.version, version ?? scheme.currentVersion),
      ),
    );
  if (!row) return null;
  return {
    code,
    name: scheme.name,
    active: scheme.active,
    version: row.version,
    definition: schemeDefinitionSchema.parse(row.definition),
  };
}

/** Every scheme with its current version. */
export async function listSchemes(db: Reader): Promise<SchemeWithVersion[]> {
  const rows = await db
    .select()
    .from(assessmentSchemes)
    .innerJoin(
      assessmentSchemeVersions,
      and(
        eq(assessmentSchemeVersions.schemeCode, assessmentSchemes.code),
        eq(assessmentSchemeVersions.version, assessmentSchemes.currentVersion),
      ),
    )
    .orderBy(asc(assessmentSchemes.code));
  return rows.map((r) => ({
    code: r.assessment_schemes.code,
    name: r.assessment_schemes.name,
    active: r.assessment_schemes.active,
    version: r.assessment_scheme_versions.version,
    definition: schemeDefinitionSchema.parse(r.assessment_scheme_versions.definition),
  }));
}

/**
 * Save a scheme: a new scheme starts at version 1, an existing one gets the next version (old
 * versions stay as they were, so running cycles keep theirs). Call inside a transaction.
 */
export async function saveSchemeVersion(
  tx: Tx,
  input: {
    code: string;
    name: string;
    active: boolean;
    definition: SchemeDefinition;
    reason: string | null;
    userId: string;
  },
): Promise<SchemeWithVersion> {
  const [existing] = await tx
    .select()
    .from(assessmentSchemes)
    .where(eq(assessmentSchemes.code, input.code))
    .for('update');
  const version = (existing?.currentVersion ?? 0) + 1;
  if (existing) {
    await tx
      .update(assessmentSchemes)
      .set({ name: input.name, active: input.active, currentVersion: version, updatedAt: new Date() })
      .where(eq(assessmentSchemes.code, input.code));
  } else {
    await tx
      .insert(assessmentSchemes)
      .values({ code: input.code, name: input.name, active: input.active, currentVersion: version });
  }
  await tx.insert(assessmentSchemeVersions).values({
    schemeCode: input.code,
    version,
    definition: input.definition,
    reason: input.reason,
    createdBy: input.userId,
  });
  return { code: input.code, name: input.name, active: input.active, version, definition: input.definition };
}

/** Every version of a scheme, newest first. */
export function schemeVersions(db: Reader, code: string) {
  return db
    .select()
    .from(assessmentSchemeVersions)
    .where(eq(assessmentSchemeVersions.schemeCode, code))
    .orderBy(desc(assessmentSchemeVersions.version));
}

function selectorCondition(s: UnitSelector): SQL {
  const parts: SQL[] = [inArray(orgUnits.kind, s.kinds), eq(orgUnits.active, true)];
  if (s.idPrefix) parts.push(like(orgUnits.id, `${s.idPrefix}%`));
  if (s.ids) parts.push(inArray(orgUnits.id, s.ids.length ? s.ids : ['']));
  return and(...parts)!;
}

/** Active units picked by a selector, in id order. */
export function selectUnits(db: Reader, s: UnitSelector): Promise<OrgUnit[]> {
  return db.select().from(orgUnits).where(selectorCondition(s)).orderBy(asc(orgUnits.id));
}

const TOWNSHIP_KINDS = new Set(['township', 'street']);

/** The rater units of one ratee under a side's rule. */
function ratersOf(rule: RaterRule, ratee: { unit: OrgUnit }, fixed: string[], byId: Map<string, OrgUnit>): string[] {
  switch (rule.relation) {
    case 'fixed':
      return fixed;
    case 'ratee-township': {
      const township = ratee.unit.path
        .split(PATH_SEPARATOR)
        .map((id) => byId.get(id))
        .find((u) => u && TOWNSHIP_KINDS.has(u.kind));
      return township ? [township.id] : [];
    }
    case 'ratee-department':
      if (ratee.unit.kind === 'agency' && ratee.unit.departmentId) return [ratee.unit.departmentId];
      return ratee.unit.kind === 'department' ? [ratee.unit.id] : [];
  }
}

/** Resolve who is assessed (active units or users) and, per side, by which rater units. */
export async function resolveRatees(db: Reader, def: SchemeDefinition): Promise<CycleRatee[]> {
  const list: { key: string; type: 'unit' | 'user'; id: string; name: string; unit: OrgUnit }[] = [];
  if (def.ratees.type === 'units') {
    for (const unit of await selectUnits(db, def.ratees.units))
      list.push({ key: `unit:${unit.id}`, type: 'unit', id: unit.id, name: unit.name, unit });
  } else {
    const conds: SQL[] = [eq(users.active, true)];
    if (def.ratees.role) conds.push(sql`${users.role} = ${def.ratees.role}`);
    if (def.ratees.userIds) conds.push(inArray(users.id, def.ratees.userIds.length ? def.ratees.userIds : ['']));
    const rows = await db
      .select()
      .from(users)
      .innerJoin(orgUnits, eq(orgUnits.id, users.unitId))
      .where(and(...conds))
      .orderBy(asc(users.id));
    for (const r of rows)
      list.push({
        key: `user:${r.users.id}`,
        type: 'user',
        id: r.users.id,
        name: `${r.users.displayName}（${r.org_units.name}）`,
        unit: r.org_units,
      });
  }
  const ancestorIds = [...new Set(list.flatMap((r) => r.unit.path.split(PATH_SEPARATOR)))];
  const ancestors = ancestorIds.length ? await db.select().from(orgUnits).where(inArray(orgUnits.id, ancestorIds)) : [];
  const byId = new Map(ancestors.map((u) => [u.id, u]));
  const fixed = new Map<string, string[]>();
  for (const side of def.sides) {
    if (side.raters?.relation === 'fixed' && side.raters.units)
      fixed.set(
        side.code,
        (await selectUnits(db, side.raters.units)).map((u) => u.id),
      );
  }
  return list.map((r) => ({
    key: r.key,
    type: r.type,
    id: r.id,
    name: r.name,
    unitId: r.unit.id,
    unitPath: r.unit.path,
    // A unit never rates itself.
    raters: Object.fromEntries(
      def.sides
        .filter((s) => s.raters)
        .map((s) => [
          s.code,
          ratersOf(s.raters!, r, fixed.get(s.code) ?? [], byId).filter((u) => u !== r.unit.id || r.type === 'user'),
        ]),
    ),
  }));
}

/** What a new cycle is assessed on, or why it cannot open. */
export type CycleOpening =
  | { ok: true; scheme: SchemeWithVersion; period: PeriodInfo; owner: OrgUnit; ratees: CycleRatee[] }
  | {
      ok: false;
      code: string;
      zh: string;
      en: string;
      status: 404 | 409 | 422;
      caseId?: string;
      extra?: Record<string, unknown>;
    };

/** Check that a scheme's cycle for `periodKey` may open now, and resolve its ratees and raters. */
export async function prepareCycle(
  db: Reader,
  schemeCode: string,
  periodKeyOf: string | ((def: SchemeDefinition) => string),
  now: number,
): Promise<CycleOpening> {
  const scheme = await loadScheme(db, schemeCode);
  if (!scheme)
    return {
      ok: false,
      status: 404,
      code: 'scheme-not-found',
      zh: `考核方案不存在：${schemeCode}`,
      en: `No assessment scheme ${schemeCode}`,
    };
  if (!scheme.active)
    return {
      ok: false,
      status: 422,
      code: 'scheme-inactive',
      zh: `考核方案已停用：${scheme.name}`,
      en: `Scheme ${schemeCode} is inactive`,
    };
  const periodKey = typeof periodKeyOf === 'string' ? periodKeyOf : periodKeyOf(scheme.definition);
  const period = periodInfo(scheme.definition.period, periodKey);
  if (!period)
    return {
      ok: false,
      status: 422,
      code: 'period-invalid',
      zh: `考核期格式不符（${scheme.definition.period}）：${periodKey}`,
      en: `Not a ${scheme.definition.period} period: ${periodKey}`,
    };
  if (Date.parse(period.end) > now)
    return {
      ok: false,
      status: 422,
      code: 'period-not-ended',
      zh: `考核期“${period.label}”尚未结束，不能开启考核`,
      en: `Period ${periodKey} has not ended yet`,
    };
  const [existing] = await db
    .select({ caseId: assessmentCycles.caseId })
    .from(assessmentCycles)
    .where(and(eq(assessmentCycles.schemeCode, schemeCode), eq(assessmentCycles.periodKey, periodKey)));
  if (existing)
    return {
      ok: false,
      status: 409,
      code: 'cycle-exists',
      zh: `该方案本期考核已开启：${existing.caseId}`,
      en: `This scheme's cycle for ${periodKey} exists: ${existing.caseId}`,
      caseId: existing.caseId,
    };
  const [owner] = await db.select().from(orgUnits).where(eq(orgUnits.id, scheme.definition.ownerUnitId));
  if (!owner || !owner.active)
    return {
      ok: false,
      status: 422,
      code: 'owner-unit-missing',
      zh: `考核组织单位不存在或已停用：${scheme.definition.ownerUnitId}`,
      en: `The organising unit ${scheme.definition.ownerUnitId} is missing or inactive`,
    };
  const ratees = await resolveRatees(db, scheme.definition);
  if (ratees.length === 0)
    return {
      ok: false,
      status: 422,
      code: 'no-ratees',
      zh: '该方案没有可考核的对象',
      en: 'The scheme selects no ratees',
    };
  if (scheme.definition.direction === 'seconded-staff') {
    const people = ratees.filter((r) => r.type === 'user');
    const bars = await activeBars(
      db,
      people.map((r) => r.id),
      now,
    );
    for (const r of people) {
      const bar = bars.get(r.id);
      if (bar)
        return {
          ok: false,
          status: 422,
          ...barRefusal({ userId: r.id, name: r.name }, bar.until, bar.caseId),
          extra: { userId: r.id, barUntil: bar.until, cycleId: bar.caseId },
        };
    }
  }
  return { ok: true, scheme, period, owner, ratees };
}

/**
 * Write the cycle's row and its frozen ratees; false when the scheme's cycle for that period was
 * opened meanwhile (the unique index decides).
 */
export async function insertCycle(
  db: Db,
  c: {
    caseId: string;
    scheme: SchemeWithVersion;
    period: PeriodInfo;
    ownerUnitId: string;
    ratees: CycleRatee[];
    openedBy: string;
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(assessmentCycles)
      .values({
        caseId: c.caseId,
        schemeCode: c.scheme.code,
        schemeVersion: c.scheme.version,
        schemeName: c.scheme.name,
        direction: c.scheme.definition.direction,
        period: c.period.period,
        periodKey: c.period.key,
        periodLabel: c.period.label,
        periodStart: new Date(c.period.start),
        periodEnd: new Date(c.period.end),
        ownerUnitId: c.ownerUnitId,
        phase: 'opening',
        openedBy: c.openedBy,
      })
      .onConflictDoNothing()
      .returning({ caseId: assessmentCycles.caseId });
    if (rows.length === 0) return false;
    await tx.insert(assessmentRatees).values(
      c.ratees.map((r) => ({
        caseId: c.caseId,
        rateeKey: r.key,
        rateeType: r.type,
        rateeId: r.id,
        name: r.name,
        unitId: r.unitId,
        unitPath: r.unitPath,
        raters: r.raters,
      })),
    );
    return true;
  });
}

/**
 * Open a scheme's cycle for a period: check it may open, number it and write its row and frozen
 * ratees. A cycle that exists already is returned with `created: false` (the unique index on
 * scheme and period makes a concurrent second open find the first).
 */
export async function openCycle(
  db: Db,
  schemeCode: string,
  periodKeyOf: string | ((def: SchemeDefinition) => string),
  now: number,
  openedBy: string,
): Promise<{ ok: true; caseId: string; created: boolean } | Extract<CycleOpening, { ok: false }>> {
  const prepared = await prepareCycle(db, schemeCode, periodKeyOf, now);
  if (!prepared.ok) return prepared.caseId ? { ok: true, caseId: prepared.caseId, created: false } : prepared;
  const [caseId] = await allocateCaseNumbers(db, { process: 'assessment', at: new Date(now) });
  const { scheme, period, owner, ratees } = prepared;
  if (await insertCycle(db, { caseId, scheme, period, ownerUnitId: owner.id, ratees, openedBy }))
    return { ok: true, caseId, created: true };
  const again = await prepareCycle(db, schemeCode, period.key, now);
  return !again.ok && again.caseId
    ? { ok: true, caseId: again.caseId, created: false }
    : { ok: false, status: 409, code: 'cycle-exists', zh: '该方案本期考核已开启', en: 'This cycle exists' };
}

/**
 * The workflow input of a cycle, rebuilt from its row: the scheme version it froze, its ratees and
 * raters, the organising unit and its calendar. Refuses when the scoring deadline cannot be
 * computed (no calendar data for the year).
 */
export async function cycleStartInput(
  db: Db,
  caseId: string,
  openedBy: Actor,
  calendarOf: (unit: OrgUnit) => Promise<CalendarContext>,
  now: number,
): Promise<{ ok: true; input: StartAssessmentInput } | { ok: false; code: string; zh: string; en: string }> {
  const [cycle] = await db.select().from(assessmentCycles).where(eq(assessmentCycles.caseId, caseId));
  if (!cycle) return { ok: false, code: 'cycle-not-found', zh: `考核不存在：${caseId}`, en: `No cycle ${caseId}` };
  const scheme = await loadScheme(db, cycle.schemeCode, cycle.schemeVersion);
  const [owner] = await db.select().from(orgUnits).where(eq(orgUnits.id, cycle.ownerUnitId));
  if (!scheme || !owner)
    return {
      ok: false,
      code: 'cycle-incomplete',
      zh: `考核方案版本或组织单位缺失：${caseId}`,
      en: `The scheme version or organising unit of ${caseId} is missing`,
    };
  const rows = await db
    .select()
    .from(assessmentRatees)
    .where(eq(assessmentRatees.caseId, caseId))
    .orderBy(asc(assessmentRatees.rateeKey));
  const period = periodInfo(scheme.definition.period, cycle.periodKey)!;
  const raterUnits = [...new Set(rows.flatMap((r) => Object.values(r.raters).flat()))];
  const raterLeaders = raterUnits.length
    ? await db
        .select({ unitId: orgUnits.id, userId: users.id, role: users.role })
        .from(orgUnits)
        .innerJoin(users, eq(users.id, orgUnits.leaderUserId))
        .where(and(inArray(orgUnits.id, raterUnits), eq(users.active, true)))
        .orderBy(asc(orgUnits.id))
    : [];
  const calendar = await calendarOf(owner);
  try {
    buildCalendar(calendar.data, calendar).deadline(
      scheme.definition.scoringWindow.unit,
      now,
      scheme.definition.scoringWindow.amount,
    );
  } catch (err) {
    if (!(err instanceof CalendarYearMissingError)) throw err;
    return {
      ok: false,
      code: err.code,
      zh: `${err.year} 年的节假日数据尚未录入，无法计算评分期限；请管理员先录入该年日历`,
      en: `No holiday calendar for ${err.year}: the scoring deadline cannot be computed`,
    };
  }
  return {
    ok: true,
    input: {
      plan: {
        caseId,
        schemeCode: scheme.code,
        schemeVersion: scheme.version,
        schemeName: scheme.name,
        definition: scheme.definition,
        period,
        owner: { unitId: owner.id, unitPath: owner.path, name: owner.name },
        ratees: rows.map((r) => ({
          key: r.rateeKey,
          type: r.rateeType,
          id: r.rateeId,
          name: r.name,
          unitId: r.unitId,
          unitPath: r.unitPath,
          raters: r.raters,
        })),
        raterLeaders,
      },
      openedBy,
      calendar,
    },
  };
}

// ── Automatic indicators ─────────────────────────────────────────────────────────────────────────

/** A metric's value and the cases behind it. */
interface Measured {
  values: MetricValues;
  sources: Record<string, string[]>;
}

type IncidentRow = typeof incidentFacts.$inferSelect;
const SATISFIED = new Set(['satisfied', 'basic']);

/** How each incident metric counts one event of the ratee (0, 1, or a count such as late entries). */
const INCIDENT_METRICS: Partial<Record<MetricKey, (f: IncidentRow, unitId: string) => number>> = {
  'incident.total': () => 1,
  'incident.resolved': (f) => Number(f.finalLevel !== null),
  'incident.onTime': (f) => Number(f.onTime === true),
  'incident.disposed': (f) => Number(f.closedAt !== null),
  'incident.escalated': (f) => Number(f.escalations > 0),
  'incident.late': (f, unitId) => f.lateUnits.filter((l) => l.unitId === unitId).length,
  'incident.redCards': (f) => Number(f.redCard),
  'incident.calledBack': (f) => Number(f.satisfaction !== null),
  'incident.satisfied': (f) => Number(SATISFIED.has(f.satisfaction ?? '')),
  'hotline.orders': (f) => Number(f.hotlineType !== null),
  'hotline.responded': (f) => Number(f.hotlineResponded === true),
  'hotline.calledBack': (f) => Number(f.hotlineType !== null && f.satisfaction !== null),
  'hotline.resolved': (f) => Number(f.hotlineResolved === true),
  'hotline.satisfied': (f) => Number(f.hotlineType !== null && SATISFIED.has(f.satisfaction ?? '')),
  'grid.reported': (f, unitId) => Number(f.gridId === unitId && f.source === 'patrol'),
  'grid.closed': (f, unitId) => Number(f.gridId === unitId && f.closedAt !== null),
};

/** The summons metrics, read from the summons statistics (one definition for the board and the assessment). */
const SUMMONS_METRICS: Partial<Record<MetricKey, (s: DepartmentSummonsStats) => number>> = {
  'summons.parts': (s) => s.received,
  'summons.ackOnTime': (s) => s.ackOnTime,
  'summons.resultOnTime': (s) => s.resultOnTime,
  'summons.misses': (s) => s.misses,
  'summons.redCards': (s) => s.redCards,
  'summons.rated': (s) => s.ratings.satisfied + s.ratings.basic + s.ratings.unsatisfied,
  'summons.satisfied': (s) => s.ratings.satisfied + s.ratings.basic,
};

const APPROVAL_METRICS: Partial<Record<MetricKey, (a: { late: boolean }) => number>> = {
  'approval.concluded': () => 1,
  'approval.onTime': (a) => Number(!a.late),
};

const NOTICE_METRICS: Partial<Record<MetricKey, (n: { kind: string }) => number>> = {
  'notice.overdue': (n) => Number(n.kind === 'overdue'),
  'notice.redCard': (n) => Number(n.kind === 'red-card'),
};

/** Add each row's count to the metrics it counts for, remembering the case behind it. */
function tally<R>(
  out: Measured,
  wanted: readonly MetricKey[],
  table: Partial<Record<MetricKey, (row: R) => number>>,
  rows: readonly R[],
  caseIdOf: (row: R) => string,
): void {
  for (const key of wanted) {
    const count = table[key];
    if (!count) continue;
    let total = 0;
    const ids = new Set<string>();
    for (const row of rows) {
      const n = count(row);
      if (n <= 0) continue;
      total += n;
      ids.add(caseIdOf(row));
    }
    out.values[key] = total;
    out.sources[key] = [...ids].sort();
  }
}

const wants = (keys: readonly MetricKey[], table: object) => keys.some((k) => k in table);

/**
 * Measure one ratee over [start, end): incidents reported in its territory or held by it (the same
 * scope as the incident statistics), approval cases it owned or held a step of that concluded in the
 * period (late = a promised-limit clock ended red), 督办 and red-card notices it received, and the
 * summons parts addressed to it (counted by the summons statistics, `summonsDepartmentStats`).
 */
export async function measureRatee(
  db: Reader,
  ratee: Pick<CycleRatee, 'unitId' | 'unitPath'>,
  period: Pick<PeriodInfo, 'start' | 'end'>,
  keys: readonly MetricKey[],
): Promise<Measured> {
  const from = new Date(period.start);
  const to = new Date(period.end);
  const out: Measured = { values: {}, sources: {} };
  const { unitId, unitPath } = ratee;
  if (wants(keys, INCIDENT_METRICS)) {
    const rows = await db
      .select()
      .from(incidentFacts)
      .where(
        and(
          gte(incidentFacts.reportedAt, from),
          lt(incidentFacts.reportedAt, to),
          or(
            eq(incidentFacts.gridPath, unitPath),
            like(incidentFacts.gridPath, `${unitPath}${PATH_SEPARATOR}%`),
            sql`${incidentFacts.unitIds} @> array[${unitId}]::text[]`,
          ),
        ),
      );
    tally(
      out,
      keys,
      Object.fromEntries(Object.entries(INCIDENT_METRICS).map(([k, f]) => [k, (r: IncidentRow) => f(r, unitId)])),
      rows,
      (r) => r.caseId,
    );
  }
  if (wants(keys, APPROVAL_METRICS)) {
    const rows = await db
      .select({
        caseId: cases.id,
        late: sql<boolean>`exists (select 1 from ${caseClocks} where ${caseClocks.caseId} = ${cases.id} and ${caseClocks.key} in ('case', 'expedite') and ${caseClocks.level} = 'red')`,
      })
      .from(cases)
      .where(
        and(
          eq(cases.process, 'approval'),
          eq(cases.status, 'concluded'),
          gte(cases.closedAt, from),
          lt(cases.closedAt, to),
          or(
            eq(cases.ownerUnitId, unitId),
            sql`exists (select 1 from ${caseUnits} where ${caseUnits.caseId} = ${cases.id} and ${caseUnits.unitId} = ${unitId} and ${caseUnits.relation} = 'step')`,
          ),
        ),
      );
    tally(out, keys, APPROVAL_METRICS, rows, (r) => r.caseId);
  }
  if (wants(keys, NOTICE_METRICS)) {
    const rows = await db
      .select({ caseId: notices.caseId, kind: notices.kind })
      .from(notices)
      .where(and(eq(notices.unitId, unitId), gte(notices.createdAt, from), lt(notices.createdAt, to)));
    tally(out, keys, NOTICE_METRICS, rows, (r) => r.caseId);
  }
  if (wants(keys, SUMMONS_METRICS)) {
    const [stats] = await summonsDepartmentStats(db, { from, to, unitIds: [unitId] });
    const parts = await db
      .select({ caseId: summonsDepartments.caseId })
      .from(summonsDepartments)
      .where(
        and(
          eq(summonsDepartments.unitId, unitId),
          gte(summonsDepartments.notifiedAt, from),
          lt(summonsDepartments.notifiedAt, to),
        ),
      );
    for (const key of keys) {
      const value = SUMMONS_METRICS[key];
      if (!value) continue;
      out.values[key] = stats ? value(stats) : 0;
      // The summons parts (each its own case) the figures were counted from.
      out.sources[key] = parts.map((p) => p.caseId).sort();
    }
  }
  return out;
}

/**
 * The frozen snapshot of a cycle: measured once and stored; later calls (a retried activity, a
 * replay) read the stored rows back, so the cycle always scores the same data.
 */
export async function snapshotCycle(
  db: Db,
  caseId: string,
  def: SchemeDefinition,
  period: PeriodInfo,
  now: Date,
): Promise<{ takenAt: string; metrics: Record<string, MetricValues> }> {
  const existing = await db.select().from(assessmentSnapshots).where(eq(assessmentSnapshots.caseId, caseId));
  const ratees = await db
    .select()
    .from(assessmentRatees)
    .where(eq(assessmentRatees.caseId, caseId))
    .orderBy(asc(assessmentRatees.rateeKey));
  if (existing.length === 0 || existing.length < ratees.length) {
    const keys = metricsOf(def);
    const rows = [];
    for (const r of ratees) {
      const m = await measureRatee(db, r, period, keys);
      rows.push({ caseId, rateeKey: r.rateeKey, metrics: m.values, sources: m.sources, takenAt: now });
    }
    if (rows.length) await db.insert(assessmentSnapshots).values(rows).onConflictDoNothing();
  }
  const stored = await db.select().from(assessmentSnapshots).where(eq(assessmentSnapshots.caseId, caseId));
  const takenAt = stored.reduce((t, r) => (r.takenAt < t ? r.takenAt : t), stored[0]?.takenAt ?? now);
  return { takenAt: takenAt.toISOString(), metrics: Object.fromEntries(stored.map((r) => [r.rateeKey, r.metrics])) };
}

// ── Reads ────────────────────────────────────────────────────────────────────────────────────────

/** A cycle's row with its organising unit's path (for scope checks); null when unknown. */
export async function findCycle(db: Reader, caseId: string) {
  const [row] = await db
    .select({ cycle: assessmentCycles, ownerPath: orgUnits.path, ownerName: orgUnits.name })
    .from(assessmentCycles)
    .innerJoin(orgUnits, eq(orgUnits.id, assessmentCycles.ownerUnitId))
    .where(eq(assessmentCycles.caseId, caseId));
  return row ?? null;
}

/** A cycle's results in ranking order, each with its ratee. */
export async function cycleResults(db: Reader, caseId: string) {
  const rows = await db
    .select({ result: assessmentResults, ratee: assessmentRatees })
    .from(assessmentResults)
    .innerJoin(
      assessmentRatees,
      and(
        eq(assessmentRatees.caseId, assessmentResults.caseId),
        eq(assessmentRatees.rateeKey, assessmentResults.rateeKey),
      ),
    )
    .where(eq(assessmentResults.caseId, caseId))
    .orderBy(asc(assessmentResults.rank), asc(assessmentResults.rateeKey));
  return rows;
}

/** The ratees of a cycle. */
export function cycleRatees(db: Reader, caseId: string) {
  return db
    .select()
    .from(assessmentRatees)
    .where(eq(assessmentRatees.caseId, caseId))
    .orderBy(asc(assessmentRatees.rateeKey));
}

/** One ratee's snapshot (values and source cases), manual scores and appeals in a cycle. */
export async function rateeDetail(db: Reader, caseId: string, rateeKey: string) {
  const [[snapshot], scores, appeals] = await Promise.all([
    db
      .select()
      .from(assessmentSnapshots)
      .where(and(eq(assessmentSnapshots.caseId, caseId), eq(assessmentSnapshots.rateeKey, rateeKey))),
    db
      .select()
      .from(assessmentScores)
      .where(and(eq(assessmentScores.caseId, caseId), eq(assessmentScores.rateeKey, rateeKey)))
      .orderBy(asc(assessmentScores.indicatorCode), asc(assessmentScores.raterUnitId)),
    db
      .select()
      .from(assessmentAppeals)
      .where(and(eq(assessmentAppeals.caseId, caseId), eq(assessmentAppeals.rateeKey, rateeKey)))
      .orderBy(asc(assessmentAppeals.filedAt)),
  ]);
  return { snapshot: snapshot ?? null, scores, appeals };
}

/** Scores a rater unit gave in a cycle. */
export function raterScores(db: Reader, caseId: string, raterUnitId: string) {
  return db
    .select()
    .from(assessmentScores)
    .where(and(eq(assessmentScores.caseId, caseId), eq(assessmentScores.raterUnitId, raterUnitId)));
}

/** Appeals of a cycle, oldest first. */
export function cycleAppeals(db: Reader, caseId: string) {
  return db
    .select()
    .from(assessmentAppeals)
    .where(eq(assessmentAppeals.caseId, caseId))
    .orderBy(asc(assessmentAppeals.filedAt));
}

/** A ratee's results across cycles, newest period first, from cycles in `phases`. */
export function rateeHistory(db: Reader, rateeKey: string, phases: readonly AssessmentPhase[]) {
  return db
    .select({ cycle: assessmentCycles, result: assessmentResults, ownerPath: orgUnits.path })
    .from(assessmentResults)
    .innerJoin(assessmentCycles, eq(assessmentCycles.caseId, assessmentResults.caseId))
    .innerJoin(orgUnits, eq(orgUnits.id, assessmentCycles.ownerUnitId))
    .where(and(eq(assessmentResults.rateeKey, rateeKey), inArray(assessmentCycles.phase, [...phases])))
    .orderBy(desc(assessmentCycles.periodStart), asc(assessmentCycles.schemeCode));
}
