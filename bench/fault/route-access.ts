// Who may call which operation, read from the route table itself (api/app.ts buildRoutes), so the
// per-role fuzz follows the routes as they change. The OpenAPI document does not carry the roles.
import { buildRoutes } from '../../api/app';
import { ApiRoutes, type Access } from '../../api/route';
import type { Role } from '../../db/schema';

export interface OperationAccess {
  operationId: string;
  method: string;
  access: Access | 'public';
}

/** Every operation with its access, in registration order. */
export function operationAccess(): OperationAccess[] {
  const seen: OperationAccess[] = [];
  const add = ApiRoutes.prototype.add;
  // Record each route as buildRoutes registers it; the registry itself keeps no access.
  ApiRoutes.prototype.add = function record(this: ApiRoutes, spec: Parameters<ApiRoutes['add']>[0]) {
    seen.push({ operationId: spec.operationId, method: spec.method, access: spec.access });
    add.call(this, spec);
  };
  try {
    buildRoutes();
  } finally {
    ApiRoutes.prototype.add = add;
  }
  return seen;
}

/**
 * The operations a role owns: those whose roles name it, plus the writes open to any role, where
 * the case itself decides who may act (an approval step, a score, an appeal).
 */
export function operationsOf(role: Role, all: readonly OperationAccess[]): string[] {
  return all
    .filter(
      ({ access, method }) =>
        access !== 'public' && (access.roles === 'any' ? method !== 'get' : access.roles.includes(role)),
    )
    .map((o) => o.operationId);
}
