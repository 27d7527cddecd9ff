import type { Actor } from './actor';
import type { AssignmentSnapshot } from './case-snapshot';

/**
 * Merge assignments for the same holder (unit, role and named user) into one, keeping the order
 * in which actions were first offered: the projection stores one row per holder.
 */
export function mergeAssignments(list: readonly AssignmentSnapshot[]): AssignmentSnapshot[] {
  const byHolder = new Map<string, AssignmentSnapshot>();
  for (const a of list) {
    if (a.actions.length === 0) continue;
    const key = `${a.unitId}|${a.role}|${a.userId ?? ''}`;
    const seen = byHolder.get(key);
    if (!seen) byHolder.set(key, { ...a, actions: [...new Set(a.actions)] });
    else seen.actions = [...new Set([...seen.actions, ...a.actions])];
  }
  return [...byHolder.values()];
}

/** Whether `actor` is the holder of an assignment: same unit and role, and the named user if there is one. */
export function holds(assignment: AssignmentSnapshot, actor: Actor): boolean {
  return (
    assignment.unitId === actor.unitId &&
    assignment.role === actor.role &&
    (assignment.userId === undefined || assignment.userId === actor.userId)
  );
}
