import type { ClockLevel, PartActionType, PartStatus, ProcessType, Role, SummonsUrgency } from './api/types';
import type { Complexity, PartOutcomeKind, Rating, SummonsStatus } from './api/types';

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
  auditor: ['安全审计员', 'Security auditor'],
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
export const COLOUR_HEX: Record<ClockLevel, string> = {
  green: '#52c41a',
  blue: '#1677ff',
  yellow: '#faad14',
  red: '#ff4d4f',
};

const STATUS_LABEL: Record<string, Label> = {
  open: ['办理中', 'Open'],
  paused: ['已暂停', 'Paused'],
  done: ['已完成', 'Done'],
  // Approvals (workflows/approval/definitions.ts APPROVAL_STATUS_LABEL)
  submitted: ['待受理', 'Submitted'],
  'awaiting-supplement': ['待补正', 'Awaiting supplement'],
  'in-progress': ['办理中', 'In progress'],
  suspended: ['已中止计时', 'Suspended'],
  'awaiting-conclusion': ['待办结', 'Awaiting conclusion'],
  concluded: ['已办结', 'Concluded'],
  rejected: ['不予许可', 'Rejected'],
  refused: ['不予受理', 'Refused'],
  withdrawn: ['已撤回', 'Withdrawn'],
  lapsed: ['逾期未补正，已失效', 'Lapsed'],
  terminated: ['容缺材料逾期未补齐，已终止', 'Terminated'],
  // Incidents (workflows/incident/definitions.ts INCIDENT_STATUS_LABEL)
  dispatched: ['待签收', 'Dispatched'],
  disputed: ['派单异议，待改派', 'Disputed'],
  handling: ['处置中', 'Handling'],
  summoning: ['吹哨中，待部门报到处置', 'Summoning departments'],
  verifying: ['待核查', 'Verifying'],
  'awaiting-callback': ['已结案，待回访', 'Awaiting callback'],
  closed: ['已办结', 'Closed'],
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
  submit: ['提交申请', 'Submit'],
  'notify-missing': ['一次性告知', 'One-time notice'],
  supplement: ['补正材料', 'Supplement'],
  accept: ['受理', 'Accept'],
  refuse: ['不予受理', 'Refuse'],
  approve: ['审批同意', 'Approve'],
  reject: ['不予许可', 'Reject'],
  return: ['退回', 'Return'],
  transfer: ['转交', 'Transfer'],
  suspend: ['中止计时', 'Suspend'],
  'request-extension': ['申请延期', 'Request extension'],
  'decide-extension': ['审批延期', 'Decide extension'],
  withdraw: ['撤回申请', 'Withdraw'],
  expedite: ['特事特办', 'Expedite'],
  conclude: ['办结', 'Conclude'],
  rate: ['评价', 'Rate'],
  report: ['上报事件', 'Report'],
  sign: ['签收', 'Sign for'],
  dispute: ['派单异议', 'Dispute'],
  dispatch: ['派单', 'Dispatch'],
  escalate: ['上报', 'Escalate'],
  'auto-escalate': ['超时自动上报', 'Escalated automatically'],
  resolve: ['办结', 'Resolve'],
  verify: ['核查', 'Verify'],
  callback: ['回访', 'Call back'],
  reopen: ['重办', 'Reopen'],
  whistle: ['吹哨', 'Blow the whistle'],
  lapse: ['逾期失效', 'Lapsed'],
  snapshot: ['指标快照', 'Snapshot'],
  breach: ['超期', 'Breach'],
  'deem-accept': ['逾期视为受理', 'Deemed accepted'],
  open: ['开启', 'Open'],
  score: ['评分', 'Score'],
  publish: ['公示', 'Publish'],
  appeal: ['申诉', 'Appeal'],
  decide: ['裁定', 'Decide'],
  'close-scoring': ['结束评分', 'Close scoring'],
  'read-only': ['只读', 'Read only'],
};

export const ROLE_OR_SYSTEM_LABEL = (role: string | null | undefined): Label =>
  !role
    ? ['—', '—']
    : role === 'system'
      ? ['系统', 'System']
      : ((ROLE_LABEL as Record<string, Label>)[role] ?? ['其他人员', 'Other']);

/** Notice kinds as the notice centre files them (db/schema/cases.ts NOTICE_KINDS, 提醒 split from 信息). */
export const NOTICE_CATEGORIES = ['urge', 'red-card', 'reminder', 'info'] as const;
export type NoticeCategory = (typeof NOTICE_CATEGORIES)[number];
export const NOTICE_CATEGORY_LABEL: Record<NoticeCategory, Label> = {
  urge: ['督办', 'Urging'],
  'red-card': ['红牌', 'Red card'],
  reminder: ['提醒', 'Reminder'],
  info: ['信息', 'Information'],
};
export const NOTICE_CATEGORY_TAG: Record<NoticeCategory, string> = {
  urge: 'orange',
  'red-card': 'red',
  reminder: 'blue',
  info: 'default',
};
/** The category of a stored notice: overdue and urge are both 督办; an information notice that reminds is 提醒. */
export function noticeCategory(n: { kind: string; message: string }): NoticeCategory {
  if (n.kind === 'overdue' || n.kind === 'urge') return 'urge';
  if (n.kind === 'red-card') return 'red-card';
  return /提醒|即将|将于/.test(n.message) ? 'reminder' : 'info';
}

const COLOUR_WORD = /\b(green|blue|yellow|red)\b/g;
const UNIT_OR_USER_ID = /\b(?:u\.)?lk(?:\.[a-z0-9-]+)*\b/g;

/**
 * Text written by the engine (history notes, audit reasons, notices) as people read it: SLA colour
 * codes as their names, unit and user ids as names, ISO instants in Beijing time.
 */
export function readableText(
  text: string,
  names: {
    unit: (id: string) => string;
    person: (id: string) => string;
    time: (iso: string) => string;
    pick: (l: Label) => string;
  },
): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => names.time(iso))
    .replace(UNIT_OR_USER_ID, (id) => (id.startsWith('u.') ? names.person(id) : names.unit(id)))
    .replace(COLOUR_WORD, (c) => names.pick(COLOUR_LABEL[c as ClockLevel]))
    .replace(/\s*\((?:window|agent|online)\)/g, '')
    .replace(
      /seed:chinese-days/g,
      names.pick(['国务院节假日安排（内置数据）', 'State Council schedule (bundled data)']),
    );
}

const CALENDAR_SOURCE_LABEL: Record<string, Label> = {
  'seed:chinese-days': ['国务院节假日安排（内置数据）', 'State Council schedule (bundled data)'],
  admin: ['管理员录入', 'Entered by an administrator'],
};
/** Where a calendar year or day came from (db/schema/calendar.ts CALENDAR_SOURCES). */
export const calendarSourceLabel = (source: string | null | undefined): Label =>
  source ? (CALENDAR_SOURCE_LABEL[source] ?? [source, source]) : ['—', '—'];

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

const lookup =
  (table: Record<string, Label>) =>
  (key: string): Label =>
    table[key] ?? [key, key];

/** Case status (any process, a summons part's too); statuses without a label show as they are. */
export const statusLabel = (key: string): Label =>
  STATUS_LABEL[key] ??
  (SUMMONS_STATUS_LABEL as Record<string, Label>)[key] ??
  (PART_STATUS_LABEL as Record<string, Label>)[key] ?? [key, key];

/** A whistle's leader approves a whistle, not a permit: its words differ from an approval's. */
const SUMMONS_ACTION_LABEL: Record<string, Label> = {
  approve: ['批准吹哨', 'Approve the whistle'],
  reject: ['不批准吹哨', 'Reject the whistle'],
  close: ['办结吹哨', 'Close the whistle'],
};

/**
 * A case action, an audit action (`task.urge` → urge, `summons.part.acknowledge` → acknowledge) or a
 * clock ledger kind; `process` picks a process's own words (a whistle's 批准吹哨 is not 审批同意).
 */
export const actionLabel = (key: string, process?: string): Label => {
  const bare = key.replace(/^[\w-]+\./, '');
  const last = key.slice(key.lastIndexOf('.') + 1);
  const summons = process === 'summons' || key.startsWith('summons.');
  const part = PART_ACTION_LABEL as Record<string, Label>;
  return (
    (summons ? (SUMMONS_ACTION_LABEL[bare] ?? SUMMONS_ACTION_LABEL[last] ?? part[bare] ?? part[last]) : undefined) ??
    ACTION_LABEL[key] ??
    ACTION_LABEL[bare] ??
    (PART_ACTION_LABEL as Record<string, Label>)[bare] ??
    ACTION_LABEL[last] ??
    (PART_ACTION_LABEL as Record<string, Label>)[last] ?? [key, key]
  );
};
export const unitKindLabel = lookup(UNIT_KIND_LABEL);
export const durationUnitLabel = lookup(DURATION_UNIT_LABEL);
export const clockStateLabel = lookup(CLOCK_STATE_LABEL);
export const DURATION_UNITS = Object.keys(DURATION_UNIT_LABEL);

/** A department's part of a summons (workflows/summons/definitions.ts PART_STATUS_LABEL). */
export const PART_STATUS_LABEL: Record<PartStatus, Label> = {
  notified: ['待报到', 'Awaiting 报到'],
  disputed: ['职责异议，待县综合指挥中心裁定', 'Disputed, awaiting the command centre'],
  acknowledged: ['已报到，待到场', 'Acknowledged, not yet on site'],
  'on-site': ['已到场处置', 'On site'],
  reported: ['已反馈结果，待乡镇验收', 'Result reported, awaiting acceptance'],
  accepted: ['已验收，待评价', 'Accepted, awaiting rating'],
  closed: ['已结束', 'Ended'],
};
export const PART_STATUS_TAG: Record<PartStatus, string> = {
  notified: 'orange',
  disputed: 'purple',
  acknowledged: 'blue',
  'on-site': 'cyan',
  reported: 'geekblue',
  accepted: 'green',
  closed: 'default',
};

export const PART_ACTION_LABEL: Record<PartActionType, Label> = {
  acknowledge: ['报到', 'Acknowledge (报到)'],
  arrive: ['到场', 'Arrive on site'],
  report: ['反馈结果', 'Report result'],
  dispute: ['职责异议', 'Dispute duty'],
  rule: ['裁定异议', 'Rule on dispute'],
  accept: ['验收', 'Accept'],
  'send-back': ['退回重办', 'Send back'],
  rate: ['评价', 'Rate'],
  withdraw: ['撤回召集', 'Withdraw'],
};

export const URGENCY_LABEL: Record<SummonsUrgency, Label> = {
  normal: ['一般', 'Normal'],
  urgent: ['紧急', 'Urgent'],
  critical: ['特急', 'Critical'],
};
export const URGENCY_TAG: Record<SummonsUrgency, string> = { normal: 'default', urgent: 'orange', critical: 'red' };

/** A whistle's own status (workflows/summons/definitions.ts SUMMONS_STATUS_LABEL). */
export const SUMMONS_STATUS_LABEL: Record<SummonsStatus, Label> = {
  'awaiting-approval': ['待领导审批', 'Awaiting the leader'],
  rejected: ['领导未批准', 'Rejected by the leader'],
  summoning: ['吹哨中（部门报到）', 'Summoning departments'],
  closed: ['已办结', 'Closed'],
};
export const SUMMONS_STATUS_TAG: Record<SummonsStatus, string> = {
  'awaiting-approval': 'gold',
  rejected: 'default',
  summoning: 'processing',
  closed: 'green',
};
export const COMPLEXITY_LABEL: Record<Complexity, Label> = {
  simple: ['简单事项', 'Simple'],
  complex: ['复杂事项', 'Complex'],
};
export const RATING_LABEL: Record<Rating, Label> = {
  satisfied: ['满意', 'Satisfied'],
  basic: ['基本满意', 'Basically satisfied'],
  unsatisfied: ['不满意', 'Unsatisfied'],
};
export const RATING_TAG: Record<Rating, string> = { satisfied: 'green', basic: 'gold', unsatisfied: 'red' };
/** How a summoned unit's part ended (workflows/summons/summons-case.ts OUTCOME_LABEL). */
export const PART_OUTCOME_LABEL: Record<PartOutcomeKind, Label> = {
  completed: ['已验收', 'Accepted'],
  released: ['异议成立，不属其职责', 'Released: not its duty'],
  withdrawn: ['已撤回', 'Withdrawn'],
};

/** Assessment grades (default bands 优秀/良好/合格/不合格) and their colours. */
export const GRADE_COLOUR: Record<string, string> = { excellent: 'green', good: 'blue', pass: 'gold', fail: 'red' };
