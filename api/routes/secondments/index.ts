/*
 * Seconded staff (选派人员, DOMAIN §7): admins record who is seconded from which unit to which
 * township or village; the yearly assessment's outcomes (activities, db/secondment.ts) end them.
 * A person returned after failing is barred for a year: starting a new secondment for them is
 * refused with the date the bar ends.
 */
import type { ApiRoutes } from '../../route';
import { registerSecondmentManageRoutes } from './manage';
import { registerUserSecondmentRoutes } from './by-user';

export { refuseBarred } from './helpers';

export function registerSecondmentRoutes(routes: ApiRoutes): void {
  registerSecondmentManageRoutes(routes);
  registerUserSecondmentRoutes(routes);
}
