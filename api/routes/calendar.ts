import type { ApiRoutes } from '../route';

export function registerCalendarRoutes(_routes: ApiRoutes): void {}
