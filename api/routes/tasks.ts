import type { ApiRoutes } from '../route';

export function registerTaskRoutes(_routes: ApiRoutes): void {}
