import { startClock } from '../../domain/sla-clock';
import type { AssessmentCycle, CycleEffects } from './assessment-cycle';
import { APPEAL, APPEAL_LABEL } from './clocks';
import type { Appeal, AssessmentActionInput } from './definitions';
import { closeScoring, publishedNotices } from './timers';

/**
 * Carry out a human action already checked (policy.ts): change the cycle, add what changed to
 * `effects`, and return the note the audit entry and the history record with it.
 */
export function perform(
  c: AssessmentCycle,
  { actor, action }: AssessmentActionInput,
  effects: CycleEffects,
  at: string,
  now: number,
): string | null {
  let note: string | null = null;
  switch (action.type) {
    case 'score': {
      for (const s of action.scores) {
        const byIndicator = (c.state.scores[s.rateeKey] ??= {});
        const list = (byIndicator[s.indicatorCode] ??= []).filter((x) => x.raterUnitId !== actor.unitId);
        const entry = { raterUnitId: actor.unitId, score: s.score, by: actor.userId, at, comment: s.comment ?? null };
        byIndicator[s.indicatorCode] = [...list, entry];
        effects.changed.scores.push({ ...entry, rateeKey: s.rateeKey, indicatorCode: s.indicatorCode });
      }
      note = `${actor.unitId} 评分 ${action.scores.length} 项`;
      break;
    }
    case 'close-scoring':
      closeScoring(c, now, actor, action.reason, effects);
      note = action.reason;
      break;
    case 'publish':
      c.state.phase = 'published';
      c.state.publishedAt = at;
      c.clocks.apply(
        APPEAL,
        APPEAL_LABEL,
        () => startClock(c.def.appealWindow, now, { actor: actor.userId, reason: '公示，申诉期开始' }),
        now,
      );
      effects.notices.push(...publishedNotices(c, now));
      note = `公示，申诉期至 ${c.deadlineText(APPEAL, now)}${action.note ? `；${action.note}` : ''}`;
      break;
    case 'appeal': {
      const appeal: Appeal = {
        appealId: `A${c.state.appeals.length + 1}`,
        rateeKey: action.rateeKey,
        indicatorCode: action.indicatorCode ?? null,
        reason: action.reason,
        filedBy: actor.userId,
        filedAt: at,
        status: 'pending',
        decisionReason: null,
        decidedBy: null,
        decidedAt: null,
        before: null,
        after: null,
      };
      c.state.appeals.push(appeal);
      effects.changed.appeals.push(appeal.appealId);
      note = `${appeal.appealId}：${action.reason}`;
      break;
    }
    case 'decide-appeal': {
      const appeal = c.state.appeals.find((a) => a.appealId === action.appealId)!;
      const result = () => c.state.results.find((r) => r.rateeKey === appeal.rateeKey)!;
      appeal.before = { total: result().total, grade: result().gradeLabel };
      if (action.decision === 'adjust') {
        const list = (c.state.overrides[appeal.rateeKey] ??= []);
        for (const a of action.adjustments ?? [])
          list.push({
            indicatorCode: a.indicatorCode,
            score: a.score,
            reason: action.reason,
            appealId: appeal.appealId,
            by: actor.userId,
            at,
          });
        c.compute(now);
        effects.changed.results = true;
      }
      appeal.after = { total: result().total, grade: result().gradeLabel };
      appeal.status = action.decision === 'adjust' ? 'adjusted' : 'rejected';
      appeal.decisionReason = action.reason;
      appeal.decidedBy = actor.userId;
      appeal.decidedAt = at;
      effects.changed.appeals.push(appeal.appealId);
      note = `${appeal.appealId} ${action.decision === 'adjust' ? '调整' : '维持原结果'}：${action.reason}（${appeal.before.total} ${appeal.before.grade} → ${appeal.after.total} ${appeal.after.grade}）`;
      break;
    }
  }
  return note;
}
