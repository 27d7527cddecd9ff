import { ApplicationFailure } from '@temporalio/activity';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { AuditWrite } from '../db/audit';
import type { AuditKey } from '../domain/audit-chain';
import { cycleStartInput, openCycle, snapshotCycle } from '../db/assessment';
import { carryCycleOutcomes } from '../db/secondment';
import type { CycleOutcomes, CycleOutcomesInput } from '../domain/secondment';
import { assessmentAppeals, assessmentCycles, assessmentResults, assessmentScores } from '../db/schema/assessment';
import { previousPeriod, type PeriodInfo, type SchemeDefinition } from '../domain/assessment';
import type { CalendarFallback } from '../domain/calendar';
import type { OrgUnit } from '../db/schema/org';
import { loadCalendarData } from '../db/calendar';
import { calendarRegionOf } from '../db/units';
import type { AssessmentProjection, StartAssessmentInput } from '../workflows/assessment/definitions';
import type { TransitionRecord } from '../workflows/shared/case-snapshot';
import { SYSTEM_ACTOR, type NoticeRequest } from '../domain/vocabulary';
import { recordTransition } from './projection';
import { guardProjection } from './projection-guard';

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * Write a cycle's read model for one transition: the cycle row, changed scores, results and
 * appeals. Idempotent on the workflow's sequence (the cycle row's `projectedSeq`), in one
 * transaction, so a retried or replayed transition changes nothing.
 */
export async function recordAssessmentProjection(db: Db, p: AssessmentProjection): Promise<{ applied: boolean }> {
  return db.transaction(async (tx) => {
    const c = p.cycle;
    const updated = await tx
      .update(assessmentCycles)
      .set({
        phase: c.phase,
        snapshotAt: toDate(c.snapshotAt),
        scoringDeadline: toDate(c.scoringDeadline),
        computedAt: toDate(c.computedAt),
        publishedAt: toDate(c.publishedAt),
        appealDeadline: toDate(c.appealDeadline),
        finalAt: toDate(c.finalAt),
        updatedAt: new Date(c.updatedAt),
        projectedSeq: p.seq,
      })
      .where(and(eq(assessmentCycles.caseId, p.caseId), sql`${assessmentCycles.projectedSeq} < ${p.seq}`))
      .returning({ caseId: assessmentCycles.caseId });
    if (updated.length === 0) return { applied: false };
    for (const s of p.scores) {
      const row = {
        caseId: p.caseId,
        rateeKey: s.rateeKey,
        indicatorCode: s.indicatorCode,
        raterUnitId: s.raterUnitId,
        score: s.score,
        comment: s.comment ?? null,
        userId: s.by,
        at: new Date(s.at),
      };
      await tx
        .insert(assessmentScores)
        .values(row)
        .onConflictDoUpdate({
          target: [
            assessmentScores.caseId,
            assessmentScores.rateeKey,
            assessmentScores.indicatorCode,
            assessmentScores.raterUnitId,
          ],
          set: { score: row.score, comment: row.comment, userId: row.userId, at: row.at },
        });
    }
    if (p.results) {
      // Final rows are frozen by a trigger: only rows not yet final are replaced.
      const keys = p.results.map((r) => r.rateeKey);
      if (keys.length)
        await tx
          .delete(assessmentResults)
          .where(
            and(
              eq(assessmentResults.caseId, p.caseId),
              inArray(assessmentResults.rateeKey, keys),
              eq(assessmentResults.final, false),
            ),
          );
      const rows = p.results.map((r) => ({
        caseId: p.caseId,
        rateeKey: r.rateeKey,
        total: r.total,
        grade: r.grade,
        gradeLabel: r.gradeLabel,
        rank: r.rank,
        outcome: r.outcome,
        payGrade: r.payGrade,
        sides: r.sides,
        indicators: r.indicators,
        explanation: r.explanation,
        rectificationCaseId: r.rectificationCaseId,
        final: r.final,
      }));
      if (rows.length) await tx.insert(assessmentResults).values(rows).onConflictDoNothing();
    }
    for (const a of p.appeals) {
      const row = { caseId: p.caseId, ...a, filedAt: new Date(a.filedAt), decidedAt: toDate(a.decidedAt) };
      const { caseId: _c, appealId: _a, ...changes } = row;
      await tx
        .insert(assessmentAppeals)
        .values(row)
        .onConflictDoUpdate({ target: [assessmentAppeals.caseId, assessmentAppeals.appealId], set: changes });
    }
    return { applied: true };
  });
}

/**
 * The assessment activities, built with their dependencies (convention 2); `notify` stores and sends
 * notices (activities/index.ts), for those that travel with a cycle's transition.
 */
export function createAssessmentActivities(
  deps: { db: Db; auditKey?: AuditKey },
  notify: (requests: NoticeRequest[]) => Promise<unknown>,
) {
  const calendarOf = (fallback: CalendarFallback) => async (unit: OrgUnit) => {
    const region = await calendarRegionOf(deps.db, unit);
    return { data: await loadCalendarData(deps.db, region), region, fallback };
  };
  return {
    /**
     * One transition of a cycle: the case envelope and audit entry, then the cycle's read model.
     * Answers whether the read model changed, and the audit entry's sequence and hash (the anchor).
     */
    async recordAssessmentTransition(input: {
      transition: TransitionRecord;
      projection: AssessmentProjection;
    }): Promise<AuditWrite> {
      const written = await guardProjection(input.projection.caseId, 'transition', input, async () => {
        const { seq, hash } = await recordTransition(deps.db, input.transition, deps.auditKey);
        const { applied } = await recordAssessmentProjection(deps.db, input.projection);
        return { applied, seq, hash };
      });
      if (input.transition.notices?.length) await notify(input.transition.notices);
      return written;
    },
    /** Measure the automatic indicators once and freeze them (a retry returns the stored snapshot). */
    async snapshotAssessment(input: { caseId: string; definition: SchemeDefinition; period: PeriodInfo }) {
      return snapshotCycle(deps.db, input.caseId, input.definition, input.period, new Date());
    },
    /**
     * Carry out what a final cycle decided about people: seconded staff returned (with their bar),
     * put forward for conversion or continued, grid workers' pay grades recorded. Idempotent on
     * cycle and person (db/secondment.ts), so a retry or a replay changes nothing.
     */
    async carryCycleOutcomes(input: CycleOutcomesInput): Promise<CycleOutcomes> {
      return carryCycleOutcomes(deps.db, input, deps.auditKey);
    },
    /**
     * Open the cycle a schedule fired for: the scheme's period that ended last before `at`. A retry
     * after the row was written finds it and returns the same cycle; null when the scheme is
     * inactive or no longer scheduled.
     */
    async openScheduledAssessment(input: {
      schemeCode: string;
      at: number;
      calendarFallback: CalendarFallback;
    }): Promise<StartAssessmentInput | null> {
      const opened = await openCycle(
        deps.db,
        input.schemeCode,
        (def) => previousPeriod(def.period, input.at).key,
        input.at,
        SYSTEM_ACTOR.userId,
      );
      if (!opened.ok) {
        if (opened.code === 'scheme-inactive' || opened.code === 'scheme-not-found') return null;
        throw ApplicationFailure.nonRetryable(opened.en, opened.code);
      }
      const start = await cycleStartInput(
        deps.db,
        opened.caseId,
        SYSTEM_ACTOR,
        calendarOf(input.calendarFallback),
        input.at,
      );
      if (!start.ok) throw ApplicationFailure.nonRetryable(start.en, start.code);
      return start.input;
    },
  };
}
