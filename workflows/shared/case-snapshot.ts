import type { z } from 'zod';
import type { ClockKind, ClockLevel, NoticeRequest, ProcessType } from '../../domain/vocabulary';
import type { assignmentSnapshotSchema, clockSnapshotSchema } from './contract';
import type { IncidentFactsRecord } from '../incident/definitions';
import type { PartFactsRecord, SummonsFactsRecord } from '../summons/definitions';

/** One projected SLA clock of a case. */
export type ClockSnapshot = z.infer<typeof clockSnapshotSchema>;

/** Who may act now: a named user, or anyone with `role` in `unitId`. */
export type AssignmentSnapshot = z.infer<typeof assignmentSnapshotSchema>;

/** The case envelope as a workflow sees it; written to PostgreSQL by the projection activity. */
export interface CaseSnapshot {
  caseId: string;
  process: ProcessType;
  title: string;
  status: string;
  currentStep: string | null;
  level: number | null;
  unitId: string;
  ownerUnitId: string;
  colour: ClockLevel;
  /** The nearest deadline of any running clock: what is due next (a step limit, a pre-check period, …). */
  deadline: string | null;
  /** The case's own deadline (an approval's promised limit); omitted: the same as `deadline`. */
  caseDeadline?: string | null;
  /** The current step's limit, for processes whose steps have limits of their own. */
  stepDeadline?: string | null;
  /** What `colour` and `deadline` follow; omitted: `case`. */
  clockKind?: ClockKind;
  calendarWarnings: string[];
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  assignments: AssignmentSnapshot[];
  units: { unitId: string; relation: string }[];
  clocks: ClockSnapshot[];
}

/** Who did what and why, as recorded with each transition. */
export interface AuditNote {
  actorId: string;
  actorUnitId: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

/** One transition of a case: the new envelope plus its audit entry, keyed by the workflow's sequence. */
export interface TransitionRecord {
  seq: number;
  snapshot: CaseSnapshot;
  audit: AuditNote;
  /** The audit anchor when the write was sent (the last entry the workflow wrote); absent in older histories. */
  prev?: { seq: number; hash: string | null };
  /**
   * Notices the step that recorded this transition sends, stored and delivered by the same activity
   * once the transition is written (workflows/shared/case-runner.ts `NOTICES_WITH_TRANSITION`).
   */
  notices?: NoticeRequest[];
  /**
   * The statistics facts of the process at this transition, written by the same activity after the
   * transition (workflows/shared/case-runner.ts `FACTS_WITH_TRANSITION`).
   */
  facts?: CaseFacts;
}

/** Each process with statistics facts, and the record of them it writes at a transition. */
export interface FactsByKind {
  incident: IncidentFactsRecord;
  summons: SummonsFactsRecord;
  'summons-part': PartFactsRecord;
}

/** A process's statistics facts at one transition, tagged with the table they go to. */
export type CaseFacts = { [K in keyof FactsByKind]: { kind: K; record: FactsByKind[K] } }[keyof FactsByKind];
