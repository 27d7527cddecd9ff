// Every workflow the worker runs; the worker bundles this file. Each export loads its process's
// modules when the workflow starts (an eager import: bundled, evaluated on first use), because every
// workflow evaluates its own copy of the modules it loads, on each start and on each replay after a
// cache eviction: importing every process here made a task that replays to escalate its deadline
// evaluate the approval, incident, summons and assessment code and their zod schemas too (about
// 6 ms of CPU of its 44 ms replay, `bench:timers`; tests/workflows/workflow-modules.test.ts).
import type * as Task from './task/workflow';
import type * as Approval from './approval/workflow';
import type * as Incident from './incident/workflow';
import type * as Summons from './summons/workflow';
import type * as Assessment from './assessment/workflow';
import type * as CalendarRecompute from './calendar-recompute/workflow';
import type * as Audit from './audit/workflow';
import type * as Notices from './notices/workflow';

export async function taskWorkflow(...args: Parameters<typeof Task.taskWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './task/workflow')).taskWorkflow(...args);
}
export async function approvalWorkflow(...args: Parameters<typeof Approval.approvalWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './approval/workflow')).approvalWorkflow(...args);
}
export async function incidentWorkflow(...args: Parameters<typeof Incident.incidentWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './incident/workflow')).incidentWorkflow(...args);
}
export async function summonsWorkflow(...args: Parameters<typeof Summons.summonsWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './summons/workflow')).summonsWorkflow(...args);
}
export async function summonsPartWorkflow(...args: Parameters<typeof Summons.summonsPartWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './summons/workflow')).summonsPartWorkflow(...args);
}
export async function assessmentCycleWorkflow(...args: Parameters<typeof Assessment.assessmentCycleWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './assessment/workflow')).assessmentCycleWorkflow(...args);
}
export async function assessmentScheduleWorkflow(...args: Parameters<typeof Assessment.assessmentScheduleWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './assessment/workflow')).assessmentScheduleWorkflow(...args);
}
export async function calendarRecomputeWorkflow(
  ...args: Parameters<typeof CalendarRecompute.calendarRecomputeWorkflow>
) {
  return (await import(/* webpackMode: "eager" */ './calendar-recompute/workflow')).calendarRecomputeWorkflow(...args);
}
export async function auditSweepWorkflow(...args: Parameters<typeof Audit.auditSweepWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './audit/workflow')).auditSweepWorkflow(...args);
}
export async function noticeDeliveryWorkflow(...args: Parameters<typeof Notices.noticeDeliveryWorkflow>) {
  return (await import(/* webpackMode: "eager" */ './notices/workflow')).noticeDeliveryWorkflow(...args);
}
