import { ProfileOutlined, SoundOutlined } from '@ant-design/icons';
import { useEffect, useState, type ReactNode } from 'react';
import type { OrgUnit, Role } from '../../api/types';
import { loadUnits, useUser } from '../../auth';
import { W } from './text';

/** Who may blow the whistle (POST /summons): a dispatcher, and only one working at a township or street. */
export const WHISTLE_ROLES: readonly Role[] = ['dispatcher'];
/**
 * Who follows whistles (吹哨记录): the township's dispatchers and leaders/supervisors, the county
 * command centre (which rules on disputes) and the county's supervising roles — the roles that see
 * their unit's subtree (api/authz.ts SUBTREE_ROLES).
 */
export const WHISTLE_VIEWER_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'assessor', 'admin'];

const TOWNSHIP_KINDS: readonly OrgUnit['kind'][] = ['township', 'street'];

export const isTownship = (unit: Pick<OrgUnit, 'kind'> | undefined): boolean =>
  !!unit && TOWNSHIP_KINDS.includes(unit.kind);

export interface WhistleAccess {
  /** The user may blow the whistle (a township dispatcher). */
  canWhistle: boolean;
  /** The user follows whistles (the list and a whistle's page). */
  canView: boolean;
  /** The user's own township or street, when they work at one. */
  townshipId: string | null;
}

/** What the signed-in user may do with whistles; the server checks the same on every call. */
export function useWhistleAccess(): WhistleAccess {
  const user = useUser();
  const [unit, setUnit] = useState<OrgUnit>();
  useEffect(() => {
    loadUnits().then(
      (m) => setUnit(m.get(user.unitId)),
      () => undefined,
    );
  }, [user.unitId]);
  const township = isTownship(unit);
  return {
    canWhistle: township && WHISTLE_ROLES.includes(user.role),
    canView: WHISTLE_VIEWER_ROLES.includes(user.role),
    townshipId: township ? user.unitId : null,
  };
}

/** Paths of the whistle pages, most specific first (for the menu's selected item). */
export const WHISTLE_MENU_KEYS = ['/whistles/new', '/whistles'] as const;

/** The whistle menu entries the user may use. */
export function whistleMenuItems(
  access: WhistleAccess,
  pick: (label: readonly [string, string]) => string,
): { key: string; icon: ReactNode; label: string }[] {
  return [
    ...(access.canWhistle ? [{ key: '/whistles/new', icon: <SoundOutlined />, label: pick(W.menuWhistle) }] : []),
    ...(access.canView ? [{ key: '/whistles', icon: <ProfileOutlined />, label: pick(W.menuWhistles) }] : []),
  ];
}
