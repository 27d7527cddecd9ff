// Every workflow the worker runs; the worker bundles this file.
export { taskWorkflow } from './task/workflow';
export { approvalWorkflow } from './approval/workflow';
export { incidentWorkflow } from './incident/workflow';
