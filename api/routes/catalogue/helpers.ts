import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../../db';
import { fixedStepUnitViolations } from '../../../db/catalogue';
import { matters, matterVersions, type Matter, type MatterVersion } from '../../../db/schema/catalogue';
import { orgUnits } from '../../../db/schema/org';
import {
  MATTER_CATEGORY_LABEL,
  MATTER_KIND_LABEL,
  matterRuleViolations,
  STEP_MODE_LABEL,
  STEP_ROLE_LABEL,
  type MatterDefinition,
} from '../../../domain/catalogue';
import { notFound } from '../../admin';
import type { z } from '../../zod';
import {
  SUBMITTING_TOWNSHIP_ZH,
  matterNotFound,
  ruleRefused,
  type matterSummarySchema,
  type MatterGuide,
} from './schemas';

/** The list view of a matter, with the name, limits and steps of `definition` (its current version unless told). */
export function summaryOf(matter: Matter, definition: MatterDefinition): z.infer<typeof matterSummarySchema> {
  const d = definition;
  return {
    code: matter.code,
    name: d.name,
    category: d.category,
    categoryLabel: MATTER_CATEGORY_LABEL[d.category],
    kind: d.kind,
    kindLabel: MATTER_KIND_LABEL[d.kind],
    handlingLevel: d.handlingLevel,
    channels: d.channels,
    statutoryLimitDays: d.statutoryLimitDays,
    promisedLimitDays: d.promisedLimitDays,
    stepCount: d.steps.length,
    currentVersion: matter.currentVersion,
    active: matter.active,
  };
}

/** The 办事指南 of one version: its definition and, per step, the units that hold it by name. */
export async function guideOf(db: Db | Tx, matter: Matter, row: MatterVersion): Promise<MatterGuide> {
  const d = row.definition;
  const ids = [...new Set(d.steps.flatMap((s) => (s.unitRule.kind === 'units' ? s.unitRule.unitIds : [])))];
  const named =
    ids.length === 0
      ? []
      : await db
          .select({ id: orgUnits.id, name: orgUnits.name, active: orgUnits.active })
          .from(orgUnits)
          .where(inArray(orgUnits.id, ids));
  const byId = new Map(named.map((u) => [u.id, u]));
  const steps = d.steps.map((s) => {
    const units =
      s.unitRule.kind === 'units'
        ? s.unitRule.unitIds.map((id) => byId.get(id) ?? { id, name: `${id}（不存在）`, active: false })
        : [];
    return {
      key: s.key,
      name: s.name,
      role: s.role,
      roleLabel: STEP_ROLE_LABEL[s.role],
      mode: s.mode,
      modeLabel: STEP_MODE_LABEL[s.mode],
      limitDays: s.limitDays,
      handledBy: s.unitRule.kind === 'units' ? units.map((u) => u.name).join('、') : SUBMITTING_TOWNSHIP_ZH,
      units,
    };
  });
  return {
    ...summaryOf(matter, d),
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    definition: d,
    steps,
  };
}

export async function loadMatter(db: Db | Tx, code: string): Promise<Matter> {
  const [matter] = await db.select().from(matters).where(eq(matters.code, code));
  if (!matter) throw matterNotFound(code);
  return matter;
}

export async function loadVersion(db: Db | Tx, code: string, version: number): Promise<MatterVersion> {
  const [row] = await db
    .select()
    .from(matterVersions)
    .where(and(eq(matterVersions.code, code), eq(matterVersions.version, version)));
  if (!row)
    throw notFound(
      'matter-version-not-found',
      `事项 ${code} 没有第 ${version} 版`,
      `Matter ${code} has no version ${version}`,
    );
  return row;
}

// ── writes ────────────────────────────────────────────────────────────────────────────────────

/** A definition to be saved must pass every catalogue rule and name existing, active, staffed units. */
export async function checkDefinition(tx: Tx, definition: MatterDefinition): Promise<void> {
  const rules = matterRuleViolations(definition);
  if (rules.length > 0) throw ruleRefused(rules);
  const units = await fixedStepUnitViolations(tx, definition);
  if (units.length > 0) throw ruleRefused(units);
}

export const matterView = ({ createdAt: _c, updatedAt: _u, ...rest }: Matter) => rest;

/** The guide of a matter's current version. */
export async function currentGuide(db: Db | Tx, matter: Matter): Promise<MatterGuide> {
  return guideOf(db, matter, await loadVersion(db, matter.code, matter.currentVersion));
}

export function one<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}

/** Add `definition` as version `version` of its matter and make it current. */
export async function insertVersion(
  tx: Tx,
  definition: MatterDefinition,
  version: number,
  createdBy: string,
): Promise<{ matter: Matter; version: MatterVersion }> {
  const fields = {
    name: definition.name,
    category: definition.category,
    kind: definition.kind,
    currentVersion: version,
  };
  const matter =
    version === 1
      ? one(
          await tx
            .insert(matters)
            .values({ code: definition.code, ...fields })
            .returning(),
        )
      : one(await tx.update(matters).set(fields).where(eq(matters.code, definition.code)).returning());
  return {
    matter,
    version: one(
      await tx.insert(matterVersions).values({ code: definition.code, version, definition, createdBy }).returning(),
    ),
  };
}

/** What an audited write that left `matter` at `version` records and answers. */
export async function versionWritten(
  tx: Tx,
  before: object | null,
  { matter, version }: { matter: Matter; version: MatterVersion },
) {
  return {
    before,
    after: { ...matterView(matter), definition: version.definition },
    result: await guideOf(tx, matter, version),
  };
}
