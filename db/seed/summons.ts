import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { DEFAULT_SUMMONS_RULES, DEFAULT_SUMMONS_SETTINGS } from '../../domain/summons';
import { SUMMONS_SETTINGS_KEY } from '../summons';
import { summonsRules, summonsSettings } from '../schema/summons';

/**
 * Seed the whistle rules (four allowed reasons, two forbidden situations) and the response and
 * handling limits with the DOMAIN §6 defaults. Existing rows are left as an administrator edited
 * them. Returns the number of rows inserted.
 */
export async function seedSummonsConfig<TSchema extends Record<string, unknown>>(
  db: Pick<NodePgDatabase<TSchema>, 'insert'>,
): Promise<number> {
  const rules = await db
    .insert(summonsRules)
    .values(DEFAULT_SUMMONS_RULES.map((r) => ({ ...r, active: true })))
    .onConflictDoNothing()
    .returning({ code: summonsRules.code });
  const settings = await db
    .insert(summonsSettings)
    .values({ key: SUMMONS_SETTINGS_KEY, settings: DEFAULT_SUMMONS_SETTINGS })
    .onConflictDoNothing()
    .returning({ key: summonsSettings.key });
  return rules.length + settings.length;
}
