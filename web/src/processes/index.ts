import type { CaseDetail, Principal, ProcessType } from '../api/types';
import { approvalProcess } from './approval';
import { incidentProcess } from './incident';
import { taskProcess } from './task';
import type { ProcessModule } from './types';

/** The processes the console can act on; a process without a module is shown read-only. */
export const PROCESSES: Partial<Record<ProcessType, ProcessModule>> = {
  task: taskProcess,
  approval: approvalProcess,
  incident: incidentProcess,
};

/** The actions `user` may take on a case now, from its assignments (a named user, or anyone with the role in the unit). */
export function myActions(detail: Pick<CaseDetail, 'assignments'>, user: Principal): string[] {
  const mine = detail.assignments.filter((a) =>
    a.userId ? a.userId === user.userId : a.unitId === user.unitId && a.role === user.role,
  );
  return [...new Set(mine.flatMap((a) => a.actions))];
}
