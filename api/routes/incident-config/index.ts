import type { ApiRoutes } from '../../route';
import { registerCategoryConfigRoutes } from './categories';
import { registerRuleConfigRoutes } from './rules';
import { registerSettingsConfigRoutes } from './settings';

export function registerIncidentConfigRoutes(routes: ApiRoutes): void {
  registerCategoryConfigRoutes(routes);
  registerRuleConfigRoutes(routes);
  registerSettingsConfigRoutes(routes);
}
