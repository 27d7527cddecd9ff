import { totalDisputedMs } from '../../domain/summons';
import type { AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { PART_STATUS_LABEL, type PartFactsRecord, type PartView } from './definitions';
import type { PartCase } from './part-case';

export function snapshot(c: PartCase, now: number): CaseSnapshot {
  const summary = c.clocks.summary(now);
  const { clocks: _c, assignments, history: _h, ...data } = c.view(now);
  const i = c.input;
  // Red-carded and still not 报到: no window runs, but the part is overdue on every list.
  const owesAck = c.redCard && c.acknowledgedAt === null && c.status !== 'closed';
  return {
    caseId: i.caseId,
    process: 'summons',
    title: `${i.title}（${i.unit.name}）`,
    status: c.status,
    currentStep: PART_STATUS_LABEL[c.status],
    level: null,
    unitId: i.unit.unitId,
    ownerUnitId: i.township.unitId,
    colour: owesAck ? 'red' : summary.colour,
    deadline: summary.deadline,
    calendarWarnings: summary.calendarWarnings,
    data: { kind: 'summons-part', ...data } as unknown as Record<string, unknown>,
    createdAt: c.notifiedAt,
    updatedAt: c.updatedAt,
    closedAt: c.endedAt,
    assignments,
    units: [
      { unitId: i.unit.unitId, relation: 'summoned' },
      { unitId: i.township.unitId, relation: 'owner' },
      { unitId: i.arbiter.unitId, relation: 'arbiter' },
    ],
    clocks: c.clocks.snapshots(now),
  };
}

export function view(c: PartCase, now: number): PartView {
  const i = c.input;
  return {
    caseId: i.caseId,
    summonsId: i.summonsId,
    status: c.status,
    statusLabel: PART_STATUS_LABEL[c.status],
    title: i.title,
    description: i.description,
    reason: i.reason,
    unit: i.unit,
    townshipId: i.township.unitId,
    urgency: i.urgency,
    complexity: i.complexity,
    replaces: i.replaces,
    ...timeline(c, now),
    result: c.result,
    sendBacks: c.sendBacks,
    misses: c.misses,
    disputes: c.disputes,
    rating: c.rating,
    history: c.history,
    assignments: c.assignments(),
    clocks: c.clocks.snapshots(now),
  };
}

export function facts(c: PartCase, seq: number, now: number): PartFactsRecord {
  const i = c.input;
  return {
    caseId: i.caseId,
    summonsId: i.summonsId,
    seq,
    unitId: i.unit.unitId,
    unitKind: i.unit.kind,
    departmentId: i.unit.departmentId,
    townshipId: i.township.unitId,
    townshipPath: i.township.path,
    replacesCaseId: i.replaces,
    status: c.status,
    urgencyCode: i.urgency,
    ...timeline(c, now),
    resultReportedAt: c.result?.at ?? null,
    sendBacks: c.sendBacks.length,
    redCardAt: c.redCardAt,
    rating: c.rating?.rating ?? null,
    ratingComment: c.rating?.comment ?? null,
    ratedBy: c.rating?.by ?? null,
    ratedAt: c.rating?.at ?? null,
    misses: c.misses,
    disputes: c.disputes,
  };
}

/** The timestamps, deadlines and flags both the view and the facts carry. */
function timeline(c: PartCase, now: number) {
  return {
    notifiedAt: c.notifiedAt,
    ackDeadline: c.ackDeadline(now),
    acknowledgedAt: c.acknowledgedAt,
    ackOnTime: c.ackOnTime,
    onSiteAt: c.onSiteAt,
    resultDeadline: c.resultDeadline(now),
    resultOnTime: c.resultOnTime,
    acceptedAt: c.acceptedAt,
    redCard: c.redCard,
    disputedMs: totalDisputedMs(c.disputes, now),
    outcome: c.outcome,
    endedAt: c.endedAt,
  };
}

export function creationNote(c: PartCase): AuditNote {
  const i = c.input;
  return {
    actorId: 'system',
    actorUnitId: i.township.unitId,
    actorRole: 'system',
    action: 'summons.part.notify',
    reason: `召集 ${i.unit.name}：${i.title}`,
    before: null,
    after: { ...c.auditState(), unitId: i.unit.unitId, limits: i.limits, replaces: i.replaces },
    at: c.notifiedAt,
  };
}
