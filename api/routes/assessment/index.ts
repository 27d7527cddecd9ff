/*
 * Assessment cycles (双向考核, DOMAIN §7). Who does what:
 * - assessors (考核员, role `assessor`) of the scheme's organising unit or above — in the demo the
 *   county assessor `lk.assessor` — open cycles, close scoring early, publish and decide appeals,
 *   and see every breakdown at any time;
 * - raters are the scheme's rater units: there, leaders and the roles the scheme names (by default
 *   assessors; the command centre's dispatchers too) score their own ratees only;
 * - a ratee (a unit: its leader or assessor; a user: that user) sees its own breakdown once
 *   published and may appeal only within the appeal window;
 * - published and final results (ranking, totals, grades, indicator scores) are visible county-wide.
 */
import type { ApiRoutes } from '../../route';
import { registerCycleRoutes } from './cycles';
import { registerCycleActionRoutes } from './actions';
import { registerResultRoutes } from './results';

export { cycleSchema, rankingRowSchema, rankingSchema, toCsv, toXlsx } from './presenters';

export function registerAssessmentRoutes(routes: ApiRoutes): void {
  registerCycleRoutes(routes);
  registerCycleActionRoutes(routes);
  registerResultRoutes(routes);
}
