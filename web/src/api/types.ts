// Response and request shapes of the /api/v1 endpoints, named for the console. One source of truth:
// every shape comes from web/src/api/schema.d.ts, generated from the API's OpenAPI document (which the
// server builds from the same zod schemas that validate its requests): `npm run gen:client`.

import type { components, paths } from './schema';

type S = components['schemas'];

/** The JSON answer of a route on success. */
type Answer<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = paths[P][M] extends {
  responses: infer R;
}
  ? {
      [C in keyof R]: C extends 200 | 201 | 202
        ? R[C] extends { content: { 'application/json': infer J } }
          ? J
          : never
        : never;
    }[keyof R]
  : never;

export type ApprovalView = S['ApprovalView'];
export type SuspensionKind = NonNullable<ApprovalView['suspension']>['kind'];
export type IncidentView = S['IncidentView'];
export type TaskView = S['TaskView'];
export type TaskAction = S['TaskAction'];
export type Principal = S['Principal'];
export type ProcessType = S['ProcessType'];
export type Role = S['Role'];
export type ClockLevel = S['ClockLevel'];
export type SlaBoard = S['SlaBoard'];
export type UnitKind = S['OrgUnitKind'];

/** What POST /import/{kind} answers (api/routes/import.ts). */
export type ImportReport = S['ImportReport'];

export type LoginResult = Answer<'/api/v1/auth/dev-login', 'post'>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  /** Case lists and the inbox: counted only up to a cap, and more than `total` match (shown as “1000+”). */
  totalIsLowerBound?: boolean;
}

export type CaseEnvelope = S['CaseEnvelope'];
export type InboxItem = S['InboxPage']['items'][number];
export type BoardCase = S['BoardCase'];

export type LedgerEntry = S['ClockLedgerEntry'];
/** A projected clock with its ledger. */
export type Clock = S['Clock'];

/** GET /cases/:id: the projection and the live view, typed by the case's process. */
export type CaseDetail = S['CaseDetail'];
/** An assignment as projected (`userId` is '' when anyone with the role in the unit may act). */
export type Assignment = CaseDetail['assignments'][number];

/** An audit entry as GET /cases/:id/audit returns it. */
export type AuditEntry = S['AuditEntry'];
export type AuditVerdict = S['AuditVerdict'];

export type OrgUnit = S['OrgUnit'];
export type User = S['User'];
export type PowerListItem = S['PowerListItem'];
export type MatterSummary = S['MatterSummary'];
export type MatterGuide = S['MatterGuide'];
export type CalendarYearSummary = S['CalendarYearSummary'];
export type CalendarDay = S['CalendarDayView'];
export type CalendarYear = S['CalendarYear'];

/** RFC 9457 problem details as the API renders them (`detail` is in the caller's language). */
export type Problem = S['Problem'];

// ── Summons (吹哨报到) ─────────────────────────────────────────────────────────────────────────────
export type SummonsView = S['SummonsView'];
export type PartView = S['SummonsPartView'];
export type SummonsStatus = SummonsView['status'];
export type SummonsUrgency = SummonsView['urgency'];
export type Complexity = SummonsView['complexity'];
export type SummonsPartRef = SummonsView['parts'][number];
export type PartStatus = PartView['status'];
export type PartOutcomeKind = NonNullable<PartView['outcome']>;
export type Rating = NonNullable<PartView['rating']>['rating'];
export type SummonsPartActionBody = S['SummonsPartAction'];
export type PartActionType = SummonsPartActionBody['type'];

/**
 * One item of GET /summons/inbox. The schema documents `urgency`, `colour` and `actions` as plain
 * strings; the server fills them from the whistle's urgency, the case's SLA colour and the part's
 * assignment, so they are narrowed to those types.
 */
export type SummonsInboxItem = Omit<S['SummonsInboxItem'], 'urgency' | 'colour' | 'actions'> & {
  urgency: SummonsUrgency;
  colour: ClockLevel;
  actions: PartActionType[];
};

/** GET /summons/stats: per summoned unit and per township. */
export type SummonsStats = S['SummonsStats'];
export type DepartmentSummonsStats = SummonsStats['departments'][number];

/** One summoned unit's part as stored (the `departments` of GET /summons/:id). */
export type SummonsDepartmentRow = S['SummonsDepartment'];

/** GET /summons/:id: the whistle and every unit's part as stored (a summoned unit sees the public part and its own). */
export type SummonsDetail = S['SummonsDetail'];

/** POST /summons/:id/departments/:unitId/actions answers the part; an upheld ruling may add the re-summoned part. */
export type SummonsPartActionResult = Answer<'/api/v1/summons/{id}/departments/{unitId}/actions', 'post'>;

/** Request bodies, as the API's zod schemas accept them (defaults may be left out). */
export type WhistleBody = S['Whistle'];
export type SummonsActionBody = S['SummonsAction'];

// ── Assessment (双向考核) ───────────────────────────────────────────────────────────────────────────
export type AssessmentCycle = S['AssessmentCycle'];
export type AssessmentPhase = AssessmentCycle['phase'];
export type IndicatorLine = S['AssessmentIndicatorLine'];

/** One row of a ranking (GET /assessment/cycles/:id/results). */
export type RankingRow = S['AssessmentRankingRow'];
export type AssessmentRanking = S['AssessmentRanking'];
export type AssessmentAppeal = S['AssessmentAppeal'];

/** One ratee's breakdown (GET /assessment/cycles/:id/results/:rateeKey). */
export type AssessmentBreakdown = Answer<'/api/v1/assessment/cycles/{id}/results/{rateeKey}', 'get'>;

// ── Admin (事项目录编辑、事件与吹哨规则表) ───────────────────────────────────────────────────────────
export type MatterDefinition = S['MatterDefinition'];
export type MatterStep = MatterDefinition['steps'][number];
export type MatterMaterial = MatterDefinition['materials'][number];
export type UnitRule = MatterStep['unitRule'];
/** The body of POST /matters and PUT /matters/:code (defaults such as `fees` may be left out). */
export type MatterInput = S['MatterDefinitionInput'];

/** One row of GET /matters/:code/versions (newest first). */
export type MatterVersionSummary = S['MatterVersionSummary'];

export type Duration = Clock['budget'];
export type DurationUnit = Duration['unit'];

/** GET /incident-config: every incident rule table. */
export type IncidentConfig = S['IncidentConfig'];
export type IncidentCategory = IncidentConfig['categories'][number];
export type IncidentUrgency = IncidentConfig['urgencies'][number];
export type IncidentTimeLimit = IncidentConfig['timeLimits'][number];
export type IncidentRoutingRule = IncidentConfig['routingRules'][number];
export type HotlineOrderType = IncidentConfig['hotlineTypes'][number];
export type IncidentSettings = IncidentConfig['settings'];
export type IncidentLimit = IncidentTimeLimit['limit'];
export type IncidentLevelNo = IncidentView['level'];
export type IncidentSource = IncidentView['source'];
export type Satisfaction = IncidentView['callbacks'][number]['satisfaction'];
export type RoutingMode = IncidentRoutingRule['mode'];
export type Verifier = IncidentSettings['verifier'][1];

/** GET /summons-config: the whistle rules and limits. */
export type SummonsConfig = S['SummonsConfig'];
export type SummonsRule = SummonsConfig['rules'][number];
export type SummonsRuleCondition = SummonsRule['condition'];
export type SummonsRuleKind = SummonsRule['kind'];
export type SummonsSettings = SummonsConfig['settings'];

/** A notice (GET /notices): 督办, red card, reminder or information to a unit and its leader. */
export type Notice = S['Notice'];
