// Response shapes of the /api/v1 endpoints, mirroring the zod schemas in api/routes/*.ts and
// api/schemas.ts (the OpenAPI document at /openapi.json is generated from the same schemas).

export type Role = 'window_staff' | 'agent' | 'approver' | 'grid_worker' | 'handler' | 'dispatcher' | 'dept_liaison' | 'supervisor' | 'assessor' | 'admin';
export type ProcessType = 'approval' | 'incident' | 'summons' | 'assessment' | 'task';
export type ClockLevel = 'green' | 'blue' | 'yellow' | 'red';
export type UnitKind = 'county' | 'township' | 'street' | 'village' | 'community' | 'grid' | 'department' | 'agency';

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  unitPath: string;
  unitKind: UnitKind;
  isLeader: boolean;
}

export interface LoginResult {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  user: Principal;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface CaseEnvelope {
  id: string;
  process: ProcessType;
  title: string;
  status: string;
  currentStep: string | null;
  level: number | null;
  unitId: string;
  ownerUnitId: string;
  colour: ClockLevel;
  deadline: string | null;
  overdue: boolean;
  calendarWarnings: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export type InboxItem = CaseEnvelope & { actions: string[] };

export interface LedgerEntry {
  kind: string;
  at: string;
  reason?: string;
  actor?: string;
  amount?: number;
  from?: unknown;
  to?: unknown;
  budget?: { unit: string; amount: number };
  approvedBy?: string;
}

export interface Clock {
  key: string;
  label: string;
  state: string;
  level: ClockLevel;
  deadline: string | null;
  budget: { unit: string; amount: number };
  consumed: number;
  fallbackYears: number[];
  ledger: LedgerEntry[];
}

export interface Assignment {
  unitId: string;
  role: string;
  userId: string;
  actions: string[];
}

export interface CaseDetail extends CaseEnvelope {
  data: Record<string, unknown>;
  clocks: Clock[];
  assignments: Assignment[];
  units: { unitId: string; relation: string }[];
  live: unknown;
  liveError?: string;
}

export interface AuditEntry {
  seq: number;
  actorId: string;
  actorUnitId: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  head?: string;
  brokenAtSeq?: number;
  problem?: string;
}

export interface TaskView {
  caseId: string;
  status: 'open' | 'paused' | 'done';
  title: string;
  description: string;
  unitId: string;
  ownerUnitId: string;
  result: string | null;
  urgeCount: number;
  history: { at: string; actorId: string; action: string; note: string | null }[];
  clocks: Clock[];
}

export type TaskAction =
  | { type: 'pause'; reason: string }
  | { type: 'resume'; reason?: string }
  | { type: 'extend'; amount: number; reason: string }
  | { type: 'urge'; message: string }
  | { type: 'complete'; result: string };

export interface OrgUnit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  departmentId: string | null;
  name: string;
  nameEn: string | null;
  path: string;
  level: number;
  regionCode: string | null;
  leaderUserId: string | null;
  active: boolean;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  isLeader: boolean;
  phone: string | null;
  active: boolean;
}

export interface PowerListItem {
  id: string;
  unitId: string;
  code: string;
  name: string;
  category: string;
  source: string;
  legalBasis: string | null;
  active: boolean;
}

export interface MatterSummary {
  code: string;
  name: string;
  category: string;
  categoryLabel: string;
  kind: string;
  kindLabel: string;
  handlingLevel: string;
  channels: string[];
  statutoryLimitDays: number;
  promisedLimitDays: number;
  stepCount: number;
  currentVersion: number;
  active: boolean;
}

export interface MatterGuide extends MatterSummary {
  version: number;
  createdBy: string;
  createdAt: string;
  steps: {
    key: string;
    name: string;
    role: string;
    roleLabel: string;
    mode: string;
    modeLabel: string;
    limitDays?: number;
    handledBy: string;
  }[];
}

export interface CalendarYearSummary {
  year: number;
  covered: boolean;
  source: string | null;
  updatedAt: string | null;
  /** Days off and make-up workdays (调休上班) entered for the year. */
  holidays: number;
  workdays: number;
  adminDays: number;
}

export interface CalendarDay {
  date: string;
  weekday: number;
  weekdayName: string;
  working: boolean;
  kind: 'workday' | 'weekend' | 'holiday' | 'makeup-workday';
  name: string | null;
  source: string | null;
  overlay: boolean;
  fallback: boolean;
}

export interface CalendarYear {
  year: number;
  region: string;
  source: string;
  updatedAt: string;
  holidays: number;
  workdays: number;
  days: CalendarDay[];
}

/** RFC 9457 problem details as the API renders them (`detail` is in the caller's language). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  issues?: { path: string; message: string; message_en: string }[];
  requestId?: string;
}
