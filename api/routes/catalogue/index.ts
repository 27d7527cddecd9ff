import type { ApiRoutes } from '../../route';
import { registerMatterReadRoutes } from './reads';
import { registerMatterWriteRoutes } from './writes';

export function registerCatalogueRoutes(routes: ApiRoutes): void {
  registerMatterReadRoutes(routes);
  registerMatterWriteRoutes(routes);
}
