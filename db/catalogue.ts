import { and, eq, inArray } from 'drizzle-orm';
import {
  signerKey,
  STEP_ROLE_LABEL,
  type MatterDefinition,
  type ResolvedSigner,
  type ResolvedStep,
  type RuleViolation,
  type Step,
} from '../domain/catalogue';
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

type PersonFacts = { id: string; unitId: string; role: string; displayName: string; active: boolean };

/** The units named, which of them have an active user of each role, and the users named as 会签 signers. */
async function unitFacts(
  db: Db | Tx,
  ids: string[],
  userIds: string[] = [],
): Promise<{ units: Map<string, UnitFacts>; staffed: Set<string>; people: Map<string, PersonFacts> }> {
  const [unitRows, staffRows, people] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind, active: orgUnits.active })
          .from(orgUnits)
          .where(inArray(orgUnits.id, ids)),
    ids.length === 0
      ? []
      : db
          .selectDistinct({ unitId: users.unitId, role: users.role })
          .from(users)
          .where(and(inArray(users.unitId, ids), eq(users.active, true))),
    userIds.length === 0
      ? []
      : db
          .select({
            id: users.id,
            unitId: users.unitId,
            role: users.role,
            displayName: users.displayName,
            active: users.active,
          })
          .from(users)
          .where(inArray(users.id, userIds)),
  ]);
  return {
    units: new Map(unitRows.map((u) => [u.id, u])),
    staffed: new Set(staffRows.map((s) => `${s.unitId}|${s.role}`)),
    people: new Map(people.map((p) => [p.id, p])),
  };
}

/** Users named as 会签 signers in `steps`. */
const namedSigners = (steps: readonly Step[]) => [
  ...new Set(steps.flatMap((s) => (s.signers ?? []).flatMap((g) => ('userId' in g ? [g.userId] : [])))),
];

function unresolvable(step: Step, index: number, zh: string, en: string): RuleViolation {
  return {
    code: 'step-unit-unresolvable',
    path: ['steps', index, 'unitRule'],
    zh: `环节「${step.name}」${zh}`,
    en: `Step "${step.key}" ${en}`,
  };
}

/**
 * Why the step cannot be held by `unitIds`, or null: every unit must exist, be active and have staff
 * with the step's role — or, for a 会签 panel, with each listed role, and every named signer must be
 * an active user of that unit.
 */
function unitsViolation(
  step: Step,
  index: number,
  unitIds: string[],
  facts: Awaited<ReturnType<typeof unitFacts>>,
): RuleViolation | null {
  for (const id of unitIds) {
    const unit = facts.units.get(id);
    if (!unit) return unresolvable(step, index, `指定的单位不存在：${id}`, `names no org unit: ${id}`);
    if (!unit.active)
      return unresolvable(step, index, `指定的单位「${unit.name}」已停用`, `names an inactive unit: ${id}`);
    if (step.signers) {
      const panel = panelViolation(step, index, unit, facts);
      if (panel) return panel;
    } else if (!facts.staffed.has(`${id}|${step.role}`)) {
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

function panelViolation(
  step: Step,
  index: number,
  unit: UnitFacts,
  facts: Awaited<ReturnType<typeof unitFacts>>,
): RuleViolation | null {
  const path = ['steps', index, 'signers'];
  for (const signer of step.signers ?? []) {
    if ('role' in signer) {
      if (facts.staffed.has(`${unit.id}|${signer.role}`)) continue;
      return {
        code: 'step-without-staff',
        path,
        zh: `环节「${step.name}」的会签单位「${unit.name}」没有在岗的${STEP_ROLE_LABEL[signer.role]}`,
        en: `Step "${step.key}": unit ${unit.id} has no active user with role ${signer.role}`,
      };
    }
    const person = facts.people.get(signer.userId);
    if (!person || !person.active || person.unitId !== unit.id) {
      return {
        code: 'signer-not-in-unit',
        path,
        zh: `环节「${step.name}」的会签人员 ${signer.userId} 不是「${unit.name}」的在岗人员`,
        en: `Step "${step.key}": signer ${signer.userId} is not an active user of ${unit.id}`,
      };
    }
  }
  return null;
}

/** The panel of a 会签 step among people, resolved: each named user with its role and name, each role as listed. */
function seatsOf(step: Step, facts: Awaited<ReturnType<typeof unitFacts>>): ResolvedSigner[] | undefined {
  return step.signers?.map((g) => {
    if ('role' in g) return { key: signerKey(g), role: g.role };
    const person = facts.people.get(g.userId)!;
    return { key: signerKey(g), role: person.role, userId: person.id, displayName: person.displayName };
  });
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
  const facts = await unitFacts(db, [...new Set(definition.steps.flatMap(unitIdsOf))], namedSigners(definition.steps));
  const steps: ResolvedStep[] = [];
  for (const [i, step] of definition.steps.entries()) {
    if (step.unitRule.kind === 'submitting-township') {
      const unit = submittingTownshipId ? facts.units.get(submittingTownshipId) : undefined;
      if (!submittingTownshipId) {
        return {
          ok: false,
          violation: unresolvable(
            step,
            i,
            '由申请所在乡镇（街道）办理，但未指明乡镇（街道）',
            'is held by the submitting township, but none was given',
          ),
        };
      }
      if (unit && !TOWNSHIP_KINDS.includes(unit.kind)) {
        return {
          ok: false,
          violation: unresolvable(
            step,
            i,
            `须由乡镇（街道）办理，「${unit.name}」不是乡镇或街道`,
            `needs a township or street; ${unit.id} is a ${unit.kind}`,
          ),
        };
      }
    }
    const unitIds = unitIdsOf(step);
    const violation = unitsViolation(step, i, unitIds, facts);
    if (violation) return { ok: false, violation };
    const seats = seatsOf(step, facts);
    steps.push({ ...step, unitIds: [...unitIds], ...(seats ? { seats } : {}) });
  }
  return { ok: true, steps };
}

/**
 * Violations of the steps held by fixed units, checked when a definition is saved (the
 * `submitting-township` steps are resolved per application by {@link resolveStepUnits}).
 */
export async function fixedStepUnitViolations(
  db: Db | Tx,
  definition: Pick<MatterDefinition, 'steps'>,
): Promise<RuleViolation[]> {
  const fixed = definition.steps.flatMap((s, i) =>
    s.unitRule.kind === 'units' ? [{ step: s, index: i, unitIds: s.unitRule.unitIds }] : [],
  );
  const facts = await unitFacts(db, [...new Set(fixed.flatMap((f) => f.unitIds))], namedSigners(definition.steps));
  return fixed.flatMap((f) => unitsViolation(f.step, f.index, f.unitIds, facts) ?? []);
}
