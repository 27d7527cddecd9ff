import type { ApiRoutes } from '../../route';
import { registerWhistleRoutes } from './whistle';
import { registerSummonsOverviewRoutes } from './overview';
import { registerSummonsDetailRoutes } from './detail';

export { whistleBody, inboxItemSchema, statsSchema } from './schemas';

export function registerSummonsRoutes(routes: ApiRoutes): void {
  registerWhistleRoutes(routes);
  registerSummonsOverviewRoutes(routes);
  registerSummonsDetailRoutes(routes);
}
