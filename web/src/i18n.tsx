import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

/** Every UI string as [简体中文, English]; Chinese is the default, English a switch away. */
const MESSAGES = {
  appName: ['乡镇治理案件办理平台', 'Township Case Console'],
  login: ['登录', 'Sign in'],
  logout: ['退出', 'Sign out'],
  loginTitle: ['开发登录（演示用户）', 'Dev login (demo users)'],
  loginHint: ['选择一个演示用户，或输入用户名', 'Pick a demo user or type a username'],
  username: ['用户名', 'Username'],
  usernameRequired: ['请输入用户名', 'Enter a username'],
  menuWork: ['工作台', 'Workbench'],
  menuInbox: ['我的待办', 'My inbox'],
  menuCases: ['案件查询', 'Cases'],
  menuNewTask: ['下达整改任务', 'New rectification task'],
  menuBoard: ['督办看板', 'SLA board'],
  menuAdmin: ['系统管理', 'Administration'],
  menuOrg: ['组织机构', 'Org tree'],
  menuUsers: ['用户', 'Users'],
  menuMatters: ['事项目录', 'Matter catalogue'],
  menuCalendar: ['工作日历', 'Working calendar'],
  refresh: ['刷新', 'Refresh'],
  search: ['查询', 'Search'],
  reset: ['重置', 'Reset'],
  submit: ['提交', 'Submit'],
  cancel: ['取消', 'Cancel'],
  all: ['全部', 'All'],
  yes: ['是', 'Yes'],
  no: ['否', 'No'],
  none: ['无', 'None'],
  caseId: ['案件编号', 'Case no.'],
  title: ['标题', 'Title'],
  process: ['流程', 'Process'],
  status: ['状态', 'Status'],
  unit: ['责任单位', 'Responsible unit'],
  ownerUnit: ['主办/督办单位', 'Owner unit'],
  colour: ['时限状态', 'SLA colour'],
  deadline: ['办理期限', 'Deadline'],
  countdown: ['剩余时间', 'Time left'],
  actions: ['可办理', 'Actions'],
  createdAt: ['创建时间', 'Created'],
  updatedAt: ['更新时间', 'Updated'],
  closedAt: ['办结时间', 'Closed'],
  open: ['在办', 'Open'],
  closed: ['已办结', 'Closed'],
  overdue: ['超期', 'Overdue'],
  overdueFilter: ['是否超期', 'Overdue'],
  openFilter: ['在办/办结', 'Open/closed'],
  left: ['剩余 {t}', '{t} left'],
  late: ['超期 {t}', 'overdue {t}'],
  days: ['{n}天', '{n}d'],
  inboxEmpty: ['暂无待办', 'Nothing to do'],
  total: ['共 {n} 件', '{n} in all'],
  envelope: ['案件信息', 'Case'],
  clocks: ['时限（SLA 计时）', 'SLA clocks'],
  clockState: ['计时状态', 'Clock state'],
  budget: ['时限', 'Budget'],
  consumed: ['已用', 'Used'],
  ledger: ['计时台账', 'Clock ledger'],
  assignments: ['当前办理人', 'Who acts now'],
  role: ['角色', 'Role'],
  anyone: ['本单位该角色人员', 'anyone with the role'],
  myActions: ['我可办理的操作', 'What I can do now'],
  noActions: ['当前没有需要您办理的操作', 'Nothing for you to do on this case now'],
  live: ['实时状态（工作流查询）', 'Live state (workflow query)'],
  liveError: ['实时状态暂不可用：{e}', 'Live state unavailable: {e}'],
  history: ['办理记录', 'History'],
  audit: ['审计日志', 'Audit log'],
  verify: ['校验审计链', 'Verify audit chain'],
  verifyOk: ['审计链完整：{n} 条记录，未被篡改', 'Audit chain intact: {n} entries'],
  verifyBad: ['审计链异常：第 {seq} 条 — {p}', 'Audit chain broken at entry {seq}: {p}'],
  system: ['系统', 'System'],
  notFoundTitle: ['案件不存在或无权查看', 'No such case, or you may not see it'],
  back: ['返回', 'Back'],
  done: ['操作成功', 'Done'],
  taskTitle: ['任务标题', 'Title'],
  taskDescription: ['整改要求', 'What must be done'],
  taskUnit: ['责任单位', 'Responsible unit'],
  taskBudget: ['整改时限', 'Time limit'],
  taskCreated: ['已下达整改任务 {id}', 'Task {id} opened'],
  amount: ['数量', 'Amount'],
  reason: ['原因', 'Reason'],
  message: ['督办意见', 'Urging message'],
  result: ['办理结果', 'Result'],
  extendAmount: ['延长时限（与原时限同单位）', 'Extend by (same unit as the budget)'],
  required: ['必填', 'Required'],
  boardCounts: ['在办案件时限状态', 'Open cases by SLA colour'],
  boardNear: ['临近期限（蓝/黄）', 'Near deadline (blue/yellow)'],
  boardOverdue: ['已超期（红）', 'Overdue (red)'],
  boardChart: ['各单位在办案件（按时限状态）', 'Open cases per unit, by colour'],
  boardByProcess: ['按流程', 'By process'],
  boardNote: ['服务端按辖区内全部在办案件统计，每 5 秒刷新', 'Counted on the server over every open case in scope, refreshed every 5 s'],
  urge: ['督办', 'Urge'],
  urgeDefault: ['请抓紧办理，按期反馈整改情况。', 'Please act now and report back on time.'],
  urgeSent: ['已发出督办', 'Urging notice sent'],
  urgeCount: ['督办次数', 'Times urged'],
  lastRefresh: ['更新于 {t}', 'updated {t}'],
  kind: ['类型', 'Kind'],
  name: ['名称', 'Name'],
  path: ['路径', 'Path'],
  leader: ['负责人', 'Leader'],
  active: ['启用', 'Active'],
  powerList: ['权责清单', 'Power list'],
  legalBasis: ['法律依据', 'Legal basis'],
  category: ['类别', 'Category'],
  source: ['来源', 'Source'],
  displayName: ['姓名', 'Name'],
  phone: ['电话', 'Phone'],
  isLeader: ['单位负责人', 'Unit leader'],
  matterCode: ['事项编码', 'Code'],
  matterKind: ['办件类型', 'Kind'],
  handlingLevel: ['办理层级', 'Level'],
  channels: ['渠道', 'Channels'],
  limits: ['法定/承诺时限（工作日）', 'Statutory / promised (working days)'],
  steps: ['办理环节', 'Steps'],
  stepMode: ['方式', 'Mode'],
  handledBy: ['办理单位', 'Handled by'],
  stepLimit: ['环节时限', 'Step limit'],
  version: ['版本', 'Version'],
  year: ['年份', 'Year'],
  covered: ['已录入', 'Covered'],
  holidays: ['放假天数', 'Holidays'],
  makeupDays: ['调休上班', 'Make-up workdays'],
  date: ['日期', 'Date'],
  weekday: ['星期', 'Weekday'],
  working: ['上班', 'Working'],
  selectUnit: ['选择单位查看详情', 'Select a unit'],
  matter: ['事项', 'Matter'],
  applicant: ['申请人', 'Applicant'],
  applicantName: ['申请人姓名或单位', 'Applicant name'],
  applicantPhone: ['联系电话', 'Phone'],
  applicantId: ['证件号码', 'ID number'],
  receiptNo: ['受理回执号', 'Receipt no.'],
  suspended: ['中止计时', 'Suspended'],
  workdays: ['个工作日', 'working days'],
  materials: ['申请材料', 'Materials'],
  materialsHandedIn: ['已提交的材料（未勾选的材料将在预审时一次性告知）', 'Materials handed in (the rest go into the one-time notice)'],
  keyMaterial: ['关键材料', 'Key'],
  provided: ['已提交', 'Provided'],
  tolerated: ['容缺', 'Tolerated'],
  missing: ['缺少', 'Missing'],
  channel: ['申请渠道', 'Channel'],
  menuNewApproval: ['受理申请', 'New application'],
  menuReport: ['上报事件', 'Report incident'],
  newApprovalTitle: ['提交审批申请', 'Submit an application'],
  approvalCreated: ['已提交申请 {id}', 'Application {id} submitted'],
  reportTitle: ['上报网格事件', 'Report a grid incident'],
  incidentCreated: ['已上报事件 {id}', 'Incident {id} reported'],
  grid: ['事发网格', 'Grid'],
  urgency: ['紧急程度', 'Urgency'],
  address: ['事发地点', 'Address'],
  attachments: ['照片/附件编号', 'Photo / attachment refs'],
  level: ['层级', 'Level'],
  redCard: ['红牌', 'Red card'],
  assignee: ['当前处置单位', 'Held by'],
  lateUnits: ['超时单位', 'Late units'],
  categoryCodeHint: ['您的角色无法读取类别表，请输入类别编码（如 city-appearance）', 'Your role cannot read the category table; type a category code (e.g. city-appearance)'],
  expedite: ['特事特办', 'Expedite'],
  boardScope: ['范围', 'Scope'],
  boardDrill: ['点击单位下钻', 'Click a unit to drill down'],
  boardByUnit: ['按单位（点击下钻）', 'By unit (click to drill down)'],
  boardByLevel: ['按层级', 'By level'],
  boardTrend: ['按期办结率与上报、督办趋势', 'On-time rate, escalations and urging over time'],
  boardSplit: ['事件四级办结分布', 'Incidents by level resolved'],
  onTimeRate: ['按期率', 'On-time rate'],
  escalations: ['上报次数', 'Escalations'],
  autoEscalations: ['超时自动上报', 'Automatic escalations'],
  urges: ['督办通知', 'Urging notices'],
  unresolved: ['未办结', 'Unresolved'],
  days7: ['近 7 天', 'Last 7 days'],
  days30: ['近 30 天', 'Last 30 days'],
  days90: ['近 90 天', 'Last 90 days'],
  noLevel: ['不分级', 'No level'],
  self: ['本级', 'this unit'],
  disposalRate: ['处置率', 'Disposal rate'],
  comingSoon: ['该流程的办理页面将在后续版本提供', 'The action page for this process comes in a later version'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof MESSAGES;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** Pick the right half of a `{ zh, en }` pair or a `[zh, en]` label. */
  pick: (label: readonly [string, string]) => string;
}

const LANG_KEY = 'tc.lang';
const I18nContext = createContext<I18n | null>(null);

export function currentLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(currentLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const i = lang === 'zh' ? 0 : 1;
    return {
      lang,
      setLang,
      pick: (label) => label[i],
      t: (key, vars) => MESSAGES[key][i].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars?.[name] ?? '')),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
