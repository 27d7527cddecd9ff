import type { ApiRoutes } from '../../route';
import { registerOrgUnitRoutes } from './units';
import { registerUserRoutes } from './users';
import { registerPowerListRoutes } from './power-list';

export { KIND_LABEL, PARENT_KINDS, ROLE_UNIT_KINDS, POWER_LIST_KINDS } from './schemas';
export { activeUnit } from './helpers';
export { checkRoleFits } from './checks';

export function registerOrgRoutes(routes: ApiRoutes): void {
  registerOrgUnitRoutes(routes);
  registerUserRoutes(routes);
  registerPowerListRoutes(routes);
}
