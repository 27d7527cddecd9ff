// Every workflow the worker runs; the worker bundles this file.
export { taskWorkflow } from './task/workflow';
export { approvalWorkflow } from './approval/workflow';
export { incidentWorkflow } from './incident/workflow';
export { summonsWorkflow, summonsPartWorkflow } from './summons/workflow';
export { assessmentCycleWorkflow, assessmentScheduleWorkflow } from './assessment/workflow';
export { calendarRecomputeWorkflow } from './calendar-recompute/workflow';
export { auditSweepWorkflow } from './audit/workflow';
export { noticeDeliveryWorkflow } from './notices/workflow';
