import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import type { AuditWrite } from '../db/audit';
import type { AuditKey } from '../domain/audit-chain';
import { loadCalendarData } from '../db/calendar';
import type { CalendarData } from '../domain/calendar';
import type { CaseFacts, TransitionRecord } from '../workflows/shared/case-snapshot';
import type { IncidentFactsRecord } from '../workflows/incident/definitions';
import { createAssessmentActivities } from './assessment';
import { createCalendarRecomputeActivities } from './calendar-recompute';
import { createAuditActivities } from './audit';
import { createCaseActivities } from './cases';
import { recordIncidentFacts } from './incident';
import {
  DEFAULT_DELIVERY_POLICY,
  deliverDueNotices,
  recordOnlyNotifier,
  sendNotices,
  type DeliveryPolicy,
  type Notifier,
} from './notices';
import type { NoticeRequest } from '../domain/vocabulary';
import { recordTransition } from './projection';
import { guardProjection } from './projection-guard';
import { timeStage } from '../runtime/stage-timing';
import { recordSummonsFacts, recordSummonsPartFacts } from './summons';
import type { PartFactsRecord, SummonsFactsRecord } from '../workflows/summons/definitions';

export interface ActivityDeps {
  db: Db;
  /** The process's Temporal client (convention 9): the calendar fan-out signals live cases with it. */
  temporal: Client;
  notifier?: Notifier;
  /** Signs each audit entry (runtime/audit-key.ts); without it entries are written unsigned and verify reports them. */
  auditKey?: AuditKey;
  /** Attempts and back-off of notice delivery (default {@link DEFAULT_DELIVERY_POLICY}). */
  deliveryPolicy?: DeliveryPolicy;
}

/** Write a process's statistics facts to its own table (each idempotent on the workflow's sequence). */
function recordCaseFacts(db: Db, facts: CaseFacts): Promise<{ applied: boolean }> {
  switch (facts.kind) {
    case 'incident':
      return recordIncidentFacts(db, facts.record);
    case 'summons':
      return recordSummonsFacts(db, facts.record);
    case 'summons-part':
      return recordSummonsPartFacts(db, facts.record);
  }
}

/** Activities are built with their dependencies so tests can pass real or fake ones (convention 2). */
export function createActivities(deps: ActivityDeps) {
  const notify = (requests: NoticeRequest[]) =>
    timeStage('worker.notices', () =>
      sendNotices(
        deps.db,
        deps.notifier ?? recordOnlyNotifier,
        requests,
        deps.deliveryPolicy ?? DEFAULT_DELIVERY_POLICY,
      ),
    );
  return {
    ...createCaseActivities(deps),
    ...createAssessmentActivities(deps, notify),
    ...createCalendarRecomputeActivities(deps),
    ...createAuditActivities(deps),
    /**
     * Write a transition and the statistics facts that travel with it, then send its notices. Text
     * that cannot be stored anywhere in the record is refused before anything is written. A notice
     * that cannot be stored fails the activity (retried: the transition is not written twice),
     * never the transition.
     */
    async recordTransition(record: TransitionRecord): Promise<AuditWrite> {
      const { facts } = record;
      const written = await guardProjection(record.snapshot.caseId, 'transition', record, async () => {
        const entry = await timeStage('worker.projection', () => recordTransition(deps.db, record, deps.auditKey));
        // Written again on a retry (the transition is not): facts are idempotent on their sequence.
        if (facts) await timeStage('worker.facts', () => recordCaseFacts(deps.db, facts));
        return entry;
      });
      if (record.notices?.length) await notify(record.notices);
      return written;
    },
    async loadCalendar(input: { region?: string }): Promise<CalendarData> {
      return timeStage('worker.calendar', () => loadCalendarData(deps.db, input.region));
    },
    async sendNotices(requests: NoticeRequest[]): Promise<{ created: number }> {
      return notify(requests);
    },
    async deliverDueNotices(input: { limit: number }): Promise<{ delivered: number; pending: number; failed: number }> {
      return deliverDueNotices(
        deps.db,
        deps.notifier ?? recordOnlyNotifier,
        deps.deliveryPolicy ?? DEFAULT_DELIVERY_POLICY,
        input.limit,
      );
    },
    async recordIncidentFacts(facts: IncidentFactsRecord): Promise<{ applied: boolean }> {
      return timeStage('worker.facts', () =>
        guardProjection(facts.caseId, 'facts', facts, () => recordIncidentFacts(deps.db, facts)),
      );
    },
    async recordSummonsFacts(facts: SummonsFactsRecord): Promise<{ applied: boolean }> {
      return timeStage('worker.facts', () =>
        guardProjection(facts.caseId, 'facts', facts, () => recordSummonsFacts(deps.db, facts)),
      );
    },
    async recordSummonsPartFacts(facts: PartFactsRecord): Promise<{ applied: boolean }> {
      return timeStage('worker.facts', () =>
        guardProjection(facts.caseId, 'facts', facts, () => recordSummonsPartFacts(deps.db, facts)),
      );
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
