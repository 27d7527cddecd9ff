import type { ClockLevel, ProcessType, Role } from './api/types';

type Label = readonly [string, string];

export const ROLE_LABEL: Record<Role, Label> = {
  window_staff: ['窗口人员', 'Window staff'],
  agent: ['村代办员', 'Village agent'],
  approver: ['审核/审批人', 'Approver'],
  grid_worker: ['网格员', 'Grid worker'],
  handler: ['处置人', 'Handler'],
  dispatcher: ['指挥员', 'Dispatcher'],
  dept_liaison: ['部门联络员', 'Department liaison'],
  supervisor: ['督查员', 'Supervisor'],
  assessor: ['考核员', 'Assessor'],
  admin: ['管理员', 'Administrator'],
};

export const PROCESS_LABEL: Record<ProcessType, Label> = {
  approval: ['政务服务审批', 'Approval'],
  incident: ['网格事件', 'Incident'],
  summons: ['吹哨报到', 'Summons'],
  assessment: ['双向考核', 'Assessment'],
  task: ['整改任务', 'Rectification task'],
};

/** SLA colours: the Chinese names clerks know, and the antd tag colour for each. */
export const COLOUR_LABEL: Record<ClockLevel, Label> = {
  green: ['正常', 'On track'],
  blue: ['临近', 'Near'],
  yellow: ['预警', 'Warning'],
  red: ['超期', 'Overdue'],
};
export const COLOUR_TAG: Record<ClockLevel, string> = { green: 'green', blue: 'blue', yellow: 'gold', red: 'red' };
export const COLOUR_HEX: Record<ClockLevel, string> = { green: '#52c41a', blue: '#1677ff', yellow: '#faad14', red: '#ff4d4f' };

const STATUS_LABEL: Record<string, Label> = {
  open: ['办理中', 'Open'],
  paused: ['已暂停', 'Paused'],
  done: ['已完成', 'Done'],
};

const ACTION_LABEL: Record<string, Label> = {
  create: ['下达', 'Open'],
  pause: ['暂停计时', 'Pause'],
  resume: ['恢复计时', 'Resume'],
  extend: ['延期', 'Extend'],
  urge: ['督办', 'Urge'],
  complete: ['办结', 'Complete'],
  start: ['开始计时', 'Start'],
  stop: ['停止计时', 'Stop'],
  level: ['颜色变化', 'Colour change'],
  'budget-change': ['时限调整', 'Budget change'],
  'clock.level': ['时限颜色变化', 'SLA colour change'],
  'calendar.recompute': ['日历变更重算期限', 'Deadline recomputed'],
};

const UNIT_KIND_LABEL: Record<string, Label> = {
  county: ['县', 'County'],
  township: ['乡镇', 'Township'],
  street: ['街道', 'Street'],
  village: ['村', 'Village'],
  community: ['社区', 'Community'],
  grid: ['网格', 'Grid'],
  department: ['县直部门', 'Department'],
  agency: ['派驻机构', 'Agency'],
};

const DURATION_UNIT_LABEL: Record<string, Label> = {
  workday: ['工作日', 'working days'],
  workhour: ['工作小时', 'working hours'],
  day: ['自然日', 'days'],
  hour: ['小时', 'hours'],
  minute: ['分钟', 'minutes'],
};

const CLOCK_STATE_LABEL: Record<string, Label> = {
  running: ['计时中', 'Running'],
  paused: ['已暂停', 'Paused'],
  stopped: ['已停止', 'Stopped'],
};

const lookup = (table: Record<string, Label>) => (key: string): Label => table[key] ?? [key, key];

/** Case status; statuses without a label (new processes) show as they are. */
export const statusLabel = lookup(STATUS_LABEL);
/** A task action, an audit action (`task.urge` → urge) or a clock ledger kind. */
export const actionLabel = (key: string): Label => ACTION_LABEL[key] ?? ACTION_LABEL[key.replace(/^\w+\./, '')] ?? [key, key];
export const unitKindLabel = lookup(UNIT_KIND_LABEL);
export const durationUnitLabel = lookup(DURATION_UNIT_LABEL);
export const clockStateLabel = lookup(CLOCK_STATE_LABEL);
export const DURATION_UNITS = Object.keys(DURATION_UNIT_LABEL);
