/*
 * The supervisor SLA board (DOMAIN §8): every open case in a unit's subtree by SLA colour, grouped by
 * unit (rolled up to the focus unit's children, for drill-down), by process and by level; the
 * overdue and near-deadline lists; daily on-time and escalation figures; the four-level split.
 * The colour counts add up the counters the projection keeps (`case_board_counts`), the daily
 * on-time figures its daily roll-ups (`case_board_days`); the lists read open cases in deadline order
 * (`cases_open_by_deadline_idx`, and open cases' colour and deadline); escalations, notices and the
 * level split are aggregates over `incident_facts` and `notices`.
 */
import type { ApiRoutes } from '../../route';
import { registerSlaBoardRoute } from './board';

export type { SlaBoard } from './schemas';

export function registerBoardRoutes(routes: ApiRoutes): void {
  registerSlaBoardRoute(routes);
}
