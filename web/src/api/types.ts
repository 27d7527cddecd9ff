// Response shapes of the /api/v1 endpoints. One source of truth: every shape the server already
// declares is imported from it as a type (erased by the bundler: no server code reaches the browser),
// or inferred from the zod schema the server validates and documents with.

import type { Principal } from '../../../api/auth';
import type { caseEnvelopeSchema } from '../../../api/routes/cases';
import type { SlaBoard } from '../../../api/routes/board';
import type { ClockLevel, ProcessType } from '../../../db/schema/cases';
import type { OrgUnitKind, Role } from '../../../db/schema/org';
import type { ChainedAuditEntry, ChainVerdict } from '../../../domain/audit-chain';
import type { MatterDefinition } from '../../../domain/catalogue';
import type { SlaLedgerEntry } from '../../../domain/sla-clock';
import type { ApprovalView } from '../../../workflows/approval/definitions';
import type { IncidentView } from '../../../workflows/incident/definitions';
import type { AssignmentSnapshot, CaseSnapshot, ClockSnapshot } from '../../../workflows/shared/case-snapshot';
import type { TaskAction, TaskView } from '../../../workflows/task/definitions';
import type { assessmentAppeals } from '../../../db/schema/assessment';
import type { cycleSchema, rankingRowSchema, rankingSchema } from '../../../api/routes/assessment';
import type { DepartmentSummonsStats } from '../../../db/summons';
import type { IndicatorLine, RateeResult } from '../../../domain/assessment';
import type { Rating, SummonsUrgency } from '../../../domain/summons';
import type { AssessmentPhase } from '../../../workflows/assessment/definitions';
import type { PartActionType, PartStatus, PartView } from '../../../workflows/summons/definitions';
import type { z } from 'zod';

export type { ApprovalView, ClockLevel, IncidentView, Principal, ProcessType, Role, SlaBoard, TaskAction, TaskView };
export type UnitKind = OrgUnitKind;

/** What POST /import/{kind} answers (api/routes/import.ts). */
export interface ImportReport {
  kind: 'org' | 'users' | 'powers';
  applied: boolean;
  rows: number;
  errors: { row: number; column: string; message: string; messageEn: string }[];
  created: string[];
  updated: { key: string; fields: string[] }[];
  unchanged: number;
  missing: string[];
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

export type CaseEnvelope = z.infer<typeof caseEnvelopeSchema>;
export type InboxItem = CaseEnvelope & { actions: string[] };
export type BoardCase = SlaBoard['overdue'][number];

export type LedgerEntry = SlaLedgerEntry;
/** A projected clock as GET /cases/:id returns it, with its ledger typed. */
export type Clock = Omit<ClockSnapshot, 'ledger'> & { ledger: LedgerEntry[] };
/** An assignment as projected (`userId` is '' when anyone with the role in the unit may act). */
export type Assignment = AssignmentSnapshot & { userId: string };

export interface CaseDetail extends CaseEnvelope, Pick<CaseSnapshot, 'data' | 'units'> {
  clocks: Clock[];
  assignments: Assignment[];
  live: unknown;
  liveError?: string;
}

/** An audit entry as GET /cases/:id/audit returns it (instants as ISO strings). */
export type AuditEntry = Omit<ChainedAuditEntry, 'streamId' | 'at'> & { at: string };
export type AuditVerdict = ChainVerdict;

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
  definition: MatterDefinition;
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

/** A row as JSON carries it: instants become ISO strings. */
type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

// ── Summons (吹哨报到) ─────────────────────────────────────────────────────────────────────────────
import type { inboxItemSchema, statsSchema, whistleBody } from '../../../api/routes/summons';
import type { partActionRequestSchema as partActionBody, summonsActionSchema as summonsActionBody } from '../../../workflows/summons/contract';
import type { summonsDepartments } from '../../../db/schema/summons';
import type { Complexity } from '../../../domain/summons';
import type { PartOutcomeKind, SummonsPartRef, SummonsStatus, SummonsView } from '../../../workflows/summons/definitions';

export type { Complexity, DepartmentSummonsStats, PartActionType, PartOutcomeKind, PartStatus, PartView, Rating, SummonsPartRef, SummonsStatus, SummonsUrgency, SummonsView };

/**
 * One item of GET /summons/inbox, inferred from the route's schema. The schema documents
 * `urgency`, `colour` and `actions` as plain strings; the server fills them from the whistle's
 * urgency, the case's SLA colour and the part's assignment, so they are narrowed to those types.
 */
export type SummonsInboxItem = Omit<z.infer<typeof inboxItemSchema>, 'urgency' | 'colour' | 'actions'> & { urgency: SummonsUrgency; colour: ClockLevel; actions: PartActionType[] };

/** GET /summons/stats: per summoned unit and per township. */
export type SummonsStats = z.infer<typeof statsSchema>;

/** One summoned unit's part as stored (the `departments` of GET /summons/:id; instants as ISO strings). */
export type SummonsDepartmentRow = Jsonified<typeof summonsDepartments.$inferSelect>;

/**
 * GET /summons/:id: the whistle as projected — without its history and assignments, which
 * GET /cases/:id carries — and every unit's part as stored.
 */
export type SummonsDetail = Omit<SummonsView, 'history' | 'assignments'> & { departments: SummonsDepartmentRow[] };

/** POST /summons/:id/departments/:unitId/actions answers the part; an upheld ruling may add the re-summoned part. */
export type SummonsPartActionResult = PartView & { resummoned?: PartView | null };

/** Request bodies, as the API's zod schemas accept them (defaults may be left out). */
export type WhistleBody = z.input<typeof whistleBody>;
export type SummonsActionBody = z.input<typeof summonsActionBody>;
export type SummonsPartActionBody = z.input<typeof partActionBody>;

// ── Assessment (双向考核) ───────────────────────────────────────────────────────────────────────────
export type { AssessmentPhase, IndicatorLine };

/** A cycle as the assessment routes present it (`presentCycle`). */
export type AssessmentCycle = z.infer<typeof cycleSchema>;

/** One row of a ranking (GET /assessment/cycles/:id/results). */
export type RankingRow = z.infer<typeof rankingRowSchema>;

export type AssessmentRanking = z.infer<typeof rankingSchema>;

export type AssessmentAppeal = Jsonified<typeof assessmentAppeals.$inferSelect>;

/** One ratee's breakdown (GET /assessment/cycles/:id/results/:rateeKey). */
export interface AssessmentBreakdown {
  cycle: AssessmentCycle;
  ratee: { rateeKey: string; name: string; type: string; unitId: string; raters: Record<string, string[]> };
  result: (RateeResult & { final?: boolean }) | null;
  sourceData: { metric: string; name: string; value: number; caseIds: string[] }[];
  snapshotAt: string | null;
  appeals: AssessmentAppeal[];
}

// ── Admin (事项目录编辑、事件与吹哨规则表) ───────────────────────────────────────────────────────────
import type { readIncidentConfig } from '../../../db/incident';
import type { readSummonsConfig } from '../../../db/summons';
import type { Duration, DurationUnit } from '../../../domain/calendar';
import type { matterShapeSchema, UnitRule } from '../../../domain/catalogue';
import type { IncidentLevelNo, IncidentLimit, IncidentSettings, IncidentSource, RoutingMode, Verifier } from '../../../domain/incident';
import type { SummonsRule, SummonsRuleCondition, SummonsRuleKind, SummonsSettings } from '../../../domain/summons';

export type { Duration, DurationUnit, IncidentLevelNo, IncidentLimit, IncidentSettings, IncidentSource, MatterDefinition, RoutingMode, SummonsRule, SummonsRuleCondition, SummonsRuleKind, SummonsSettings, UnitRule, Verifier };

export type MatterStep = MatterDefinition['steps'][number];
export type MatterMaterial = MatterDefinition['materials'][number];
/** The body of POST /matters and PUT /matters/:code (defaults such as `fees` may be left out). */
export type MatterInput = z.input<typeof matterShapeSchema> & { reason?: string };

/** One row of GET /matters/:code/versions (newest first). */
export interface MatterVersionSummary {
  version: number;
  name: string;
  stepCount: number;
  statutoryLimitDays: number;
  promisedLimitDays: number;
  createdBy: string;
  createdAt: string;
  current: boolean;
}

/** GET /incident-config: every incident rule table, as the server reads them. */
export type IncidentConfig = Awaited<ReturnType<typeof readIncidentConfig>>;
export type IncidentCategory = IncidentConfig['categories'][number];
export type IncidentUrgency = IncidentConfig['urgencies'][number];
export type IncidentTimeLimit = IncidentConfig['timeLimits'][number];
export type IncidentRoutingRule = IncidentConfig['routingRules'][number];
export type HotlineOrderType = IncidentConfig['hotlineTypes'][number];

/** GET /summons-config: the whistle rules and limits. */
export type SummonsConfig = Awaited<ReturnType<typeof readSummonsConfig>>;

/** A notice (GET /notices): 督办, red card, reminder or information to a unit and its leader. */
export interface Notice {
  id: number;
  caseId: string;
  kind: 'overdue' | 'urge' | 'red-card' | 'info';
  unitId: string;
  recipientUserId: string | null;
  message: string;
  createdAt: string;
  readAt: string | null;
  caseTitle: string | null;
  process: ProcessType | null;
  unitName: string | null;
}
