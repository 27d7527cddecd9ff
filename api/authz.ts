import { ROLE_LABEL, type Role } from '../db/schema/org';
import type { Principal } from './auth';
import { Problem } from './problem';

/** Roles whose scope is their unit's whole subtree rather than the unit alone (DOMAIN §1). */
export const SUBTREE_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'assessor', 'admin'];

/** True when `path` is `ancestor` itself or lies below it in the org tree. */
export function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** The one place that says whether a caller may see a unit's data. */
export function canSeeUnit(principal: Principal, unit: { id: string; path: string }): boolean {
  if (unit.id === principal.unitId) return true;
  return SUBTREE_ROLES.includes(principal.role) && isWithin(unit.path, principal.unitPath);
}

export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (roles.includes(principal.role)) return;
  throw new Problem(
    'forbidden',
    {
      zh: `您的角色（${ROLE_LABEL[principal.role]}）无权执行此操作，需要：${roles.map((r) => ROLE_LABEL[r]).join('、')}`,
      en: `Your role (${principal.role}) may not do this; requires one of: ${roles.join(', ')}`,
    },
    { code: 'role-forbidden' },
  );
}

export function requireUnitScope(principal: Principal, unit: { id: string; path: string; name?: string }): void {
  if (canSeeUnit(principal, unit)) return;
  throw new Problem(
    'forbidden',
    {
      zh: `无权操作其他单位（${unit.name ?? unit.id}）的数据`,
      en: `You may not act on another unit's data (${unit.id})`,
    },
    { code: 'unit-forbidden' },
  );
}

export { ROLE_LABEL };
