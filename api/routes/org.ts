import type { ApiRoutes } from '../route';

export function registerOrgRoutes(_routes: ApiRoutes): void {}
