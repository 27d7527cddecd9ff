import { and, eq, inArray } from 'drizzle-orm';
import { STEP_ROLE_LABEL, type MatterDefinition, type ResolvedStep, type RuleViolation, type Step } from '../domain/catalogue';
import type { Db, Tx } from './index';
import { matters, matterVersions } from './schema/catalogue';
import { orgUnits, users, type OrgUnit } from './schema/org';

/** One stored version of a matter, as the approval workflow receives it. */
export interface MatterVersionRef {
  code: string;
  version: number;
  definition: MatterDefinition;
}

/**
 * A matter's definition: without `version`, the current version of an active matter (what a new
 * case starts with); with it, exactly that version, even of an inactive matter (what a running case
 * keeps). Null when there is no such matter, version, or active matter.
 */
export async function getMatterVersion(db: Db | Tx, code: string, version?: number): Promise<MatterVersionRef | null> {
  const on = and(eq(matterVersions.code, matters.code), eq(matterVersions.version, version ?? matters.currentVersion));
  const [row] = await db
    .select({ code: matterVersions.code, version: matterVersions.version, definition: matterVersions.definition })
    .from(matters)
    .innerJoin(matterVersions, on)
    .where(and(eq(matters.code, code), version === undefined ? eq(matters.active, true) : undefined));
  return row ?? null;
}

const TOWNSHIP_KINDS: readonly OrgUnit['kind'][] = ['township', 'street'];

type UnitFacts = Pick<OrgUnit, 'id' | 'name' | 'kind' | 'active'>;

/** The units named and which of them have an active user of each role. */
async function unitFacts(db: Db | Tx, ids: string[]): Promise<{ units: Map<string, UnitFacts>; staffed: Set<string> }> {
  if (ids.length === 0) return { units: new Map(), staffed: new Set() };
  const [unitRows, staffRows] = await Promise.all([
    db.select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind, active: orgUnits.active }).from(orgUnits).where(inArray(orgUnits.id, ids)),
    db.selectDistinct({ unitId: users.unitId, role: users.role }).from(users).where(and(inArray(users.unitId, ids), eq(users.active, true))),
  ]);
  return { units: new Map(unitRows.map((u) => [u.id, u])), staffed: new Set(staffRows.map((s) => `${s.unitId}|${s.role}`)) };
}

function unresolvable(step: Step, index: number, zh: string, en: string): RuleViolation {
  return { code: 'step-unit-unresolvable', path: ['steps', index, 'unitRule'], zh: `环节「${step.name}」${zh}`, en: `Step "${step.key}" ${en}` };
}

/** Why the step cannot be held by `unitIds`, or null: every unit must exist, be active and have staff with the step's role. */
function unitsViolation(step: Step, index: number, unitIds: string[], facts: Awaited<ReturnType<typeof unitFacts>>): RuleViolation | null {
  for (const id of unitIds) {
    const unit = facts.units.get(id);
    if (!unit) return unresolvable(step, index, `指定的单位不存在：${id}`, `names no org unit: ${id}`);
    if (!unit.active) return unresolvable(step, index, `指定的单位「${unit.name}」已停用`, `names an inactive unit: ${id}`);
    if (!facts.staffed.has(`${id}|${step.role}`)) {
      return {
        code: 'step-without-staff',
        path: ['steps', index, 'unitRule'],
        zh: `环节「${step.name}」的办理单位「${unit.name}」没有在岗的${STEP_ROLE_LABEL[step.role]}`,
        en: `Step "${step.key}": unit ${id} has no active user with role ${step.role}`,
      };
    }
  }
  return null;
}

/**
 * The units that hold each step of `definition` for one application: fixed units as listed, the
 * `submitting-township` rule as the township or street where it was submitted. Refuses (first
 * violation) when a unit is missing, inactive or not a township/street where one is needed
 * (`step-unit-unresolvable`), or has no active user with the step's role (`step-without-staff`).
 */
export async function resolveStepUnits(
  db: Db | Tx,
  definition: Pick<MatterDefinition, 'steps'>,
  submittingTownshipId: string | null,
): Promise<{ ok: true; steps: ResolvedStep[] } | { ok: false; violation: RuleViolation }> {
  const township = submittingTownshipId ? [submittingTownshipId] : [];
  const unitIdsOf = (s: Step) => (s.unitRule.kind === 'units' ? s.unitRule.unitIds : township);
  const facts = await unitFacts(db, [...new Set(definition.steps.flatMap(unitIdsOf))]);
  const steps: ResolvedStep[] = [];
  for (const [i, step] of definition.steps.entries()) {
    if (step.unitRule.kind === 'submitting-township') {
      const unit = submittingTownshipId ? facts.units.get(submittingTownshipId) : undefined;
      if (!submittingTownshipId) {
        return { ok: false, violation: unresolvable(step, i, '由申请所在乡镇（街道）办理，但未指明乡镇（街道）', 'is held by the submitting township, but none was given') };
      }
      if (unit && !TOWNSHIP_KINDS.includes(unit.kind)) {
        return { ok: false, violation: unresolvable(step, i, `须由乡镇（街道）办理，「${unit.name}」不是乡镇或街道`, `needs a township or street; ${unit.id} is a ${unit.kind}`) };
      }
    }
    const unitIds = unitIdsOf(step);
    const violation = unitsViolation(step, i, unitIds, facts);
    if (violation) return { ok: false, violation };
    steps.push({ ...step, unitIds: [...unitIds] });
  }
  return { ok: true, steps };
}

/**
 * Violations of the steps held by fixed units, checked when a definition is saved (the
 * `submitting-township` steps are resolved per application by {@link resolveStepUnits}).
 */
export async function fixedStepUnitViolations(db: Db | Tx, definition: Pick<MatterDefinition, 'steps'>): Promise<RuleViolation[]> {
  const fixed = definition.steps.flatMap((s, i) => (s.unitRule.kind === 'units' ? [{ step: s, index: i, unitIds: s.unitRule.unitIds }] : []));
  const facts = await unitFacts(db, [...new Set(fixed.flatMap((f) => f.unitIds))]);
  return fixed.flatMap((f) => unitsViolation(f.step, f.index, f.unitIds, facts) ?? []);
}
