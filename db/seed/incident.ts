import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import {
  DEFAULT_CATEGORIES,
  DEFAULT_HOTLINE_TYPES,
  DEFAULT_INCIDENT_RULES,
  DEFAULT_URGENCIES,
  defaultLimit,
  INCIDENT_LEVELS,
} from '../../domain/incident';
import {
  hotlineOrderTypes,
  incidentCategories,
  incidentRoutingRules,
  incidentSettings,
  incidentTimeLimits,
  incidentUrgencies,
} from '../schema/incident';
import { INCIDENT_SETTINGS_KEY } from '../incident';
import { DEMO_COMMAND_CENTRE_ID } from './demo-county';

/** The demo county's L4 department per category (L1–L3 route to the reporting grid's own ancestors). */
const L4_DEPARTMENT: Record<string, string> = {
  // No 组织部 in the demo county: 民政局 (基层政权建设) stands in.
  'party-building': 'lk.dept.mzj',
  'law-enforcement': 'lk.dept.cgzf',
  'work-safety': 'lk.dept.yjgl',
  environment: 'lk.dept.sthj',
  dispute: 'lk.dept.sfj',
  'city-appearance': 'lk.dept.cgzf',
  livelihood: 'lk.dept.mzj',
};

/**
 * Seed the incident configuration with the DOMAIN §5/§6 defaults: categories, urgencies, the
 * category × urgency × level limits, routing (L1–L3 the reporting grid's own ancestors, L4 a county
 * department per category), 12345 order types and the verification/callback settings. Existing
 * rows are left as an administrator edited them. Returns the number of rows inserted.
 */
export async function seedIncidentConfig<TSchema extends Record<string, unknown>>(
  db: Pick<NodePgDatabase<TSchema>, 'insert'>,
): Promise<number> {
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  let inserted = 0;
  inserted += await count(
    db
      .insert(incidentCategories)
      .values(DEFAULT_CATEGORIES.map((c, i) => ({ ...c, sort: i + 1 })))
      .onConflictDoNothing()
      .returning({ code: incidentCategories.code }),
  );
  inserted += await count(
    db
      .insert(incidentUrgencies)
      .values([...DEFAULT_URGENCIES])
      .onConflictDoNothing()
      .returning({ code: incidentUrgencies.code }),
  );
  const limits = DEFAULT_CATEGORIES.flatMap((c) =>
    DEFAULT_URGENCIES.flatMap((u) =>
      INCIDENT_LEVELS.map((level) => ({
        categoryCode: c.code,
        urgencyCode: u.code,
        level,
        limit: defaultLimit(u.code, level),
      })),
    ),
  );
  inserted += await count(
    db.insert(incidentTimeLimits).values(limits).onConflictDoNothing().returning({ level: incidentTimeLimits.level }),
  );
  const routing = DEFAULT_CATEGORIES.flatMap((c) =>
    INCIDENT_LEVELS.map((level) =>
      level === 4
        ? {
            categoryCode: c.code,
            level,
            mode: 'unit' as const,
            target: L4_DEPARTMENT[c.code] ?? DEMO_COMMAND_CENTRE_ID,
          }
        : { categoryCode: c.code, level, mode: 'ancestor' as const, target: null },
    ),
  );
  inserted += await count(
    db
      .insert(incidentRoutingRules)
      .values(routing)
      .onConflictDoNothing()
      .returning({ level: incidentRoutingRules.level }),
  );
  inserted += await count(
    db
      .insert(hotlineOrderTypes)
      .values([...DEFAULT_HOTLINE_TYPES])
      .onConflictDoNothing()
      .returning({ code: hotlineOrderTypes.code }),
  );
  inserted += await count(
    db
      .insert(incidentSettings)
      .values({
        key: INCIDENT_SETTINGS_KEY,
        settings: { ...DEFAULT_INCIDENT_RULES, commandCentreUnitId: DEMO_COMMAND_CENTRE_ID },
      })
      .onConflictDoNothing()
      .returning({ key: incidentSettings.key }),
  );
  return inserted;
}
