/*
 * The supervisor SLA board (DOMAIN §8): every open case in a unit's subtree by SLA colour, grouped by
 * unit (rolled up to the focus unit's children, for drill-down), by process and by level; the
 * overdue and near-deadline lists; daily on-time and escalation figures; the four-level split.
 * The colour counts add up the counters the projection keeps (`case_board_counts`); the rest is an
 * aggregate in PostgreSQL over the case envelope (`cases`, its partial index on open cases' colour
 * and deadline, `cases_created_idx`), `incident_facts` and `notices`.
 */
import type { ApiRoutes } from '../../route';
import { registerSlaBoardRoute } from './board';

export type { SlaBoard } from './schemas';

export function registerBoardRoutes(routes: ApiRoutes): void {
  registerSlaBoardRoute(routes);
}
