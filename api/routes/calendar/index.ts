import type { ApiRoutes } from '../../route';
import { registerCalendarYearRoutes } from './years';
import { registerCalendarDayRoutes } from './days';
import { registerCalendarYearDeleteRoute } from './year-delete';

export { calendarYearMissingProblem } from './views';

export function registerCalendarRoutes(routes: ApiRoutes): void {
  registerCalendarYearRoutes(routes);
  registerCalendarDayRoutes(routes);
  registerCalendarYearDeleteRoute(routes);
}
