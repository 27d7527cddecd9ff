import type { AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { ORDER } from './clocks';
import { INCIDENT_STATUS_LABEL, type IncidentFactsRecord, type IncidentView } from './definitions';
import type { IncidentCase } from './incident-case';
import { dispatcher, disputeDeadline, sender, verifier } from './policy';
import { withAttachments } from '../shared/attachments';

export function snapshot(c: IncidentCase, now: number): CaseSnapshot {
  const summary = c.clocks.summary(now);
  const { clocks: _c, assignments, history: _h, ...data } = c.view(now);
  const units = new Map<string, { unitId: string; relation: string }>();
  const add = (unitId: string | undefined, relation: string) =>
    unitId && units.set(`${unitId}|${relation}`, { unitId, relation });
  add(c.input.territory.gridId, 'reporter');
  add(c.input.reportedBy.unitId, 'reporter');
  c.held.forEach((u) => add(u, 'handler'));
  add(dispatcher(c, c.level).unitId, 'dispatcher');
  if (c.status === 'verifying') add(verifier(c).unitId, 'verifier');
  // Every unit that acted on the event keeps sight of it after it moves on or closes.
  c.history.forEach((h) => add(h.unitId ?? undefined, 'participant'));
  add(c.input.callback?.unitId, 'callback');
  return {
    caseId: c.input.caseId,
    process: 'incident',
    title: c.input.title,
    status: c.status,
    currentStep: INCIDENT_STATUS_LABEL[c.status],
    level: c.level,
    unitId: c.assignee.unitId,
    ownerUnitId: dispatcher(c, c.level).unitId,
    colour: summary.colour,
    deadline: summary.deadline,
    calendarWarnings: summary.calendarWarnings,
    data: data as unknown as Record<string, unknown>,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.finishedAt,
    assignments,
    units: [...units.values()],
    clocks: c.clocks.snapshots(now),
  };
}

export function view(c: IncidentCase, now: number): IncidentView {
  const i = c.input;
  const order = i.hotline ? c.clocks.status(ORDER, now) : null;
  return {
    caseId: i.caseId,
    status: c.status,
    statusLabel: INCIDENT_STATUS_LABEL[c.status],
    title: i.title,
    description: i.description,
    source: i.source,
    category: i.category,
    urgency: { code: i.urgency.code, name: i.urgency.name },
    location: i.location,
    attachments: i.attachments,
    gridId: i.territory.gridId,
    level: c.level,
    assignee: c.assignee,
    firstReceiverUnitId: c.firstReceiverUnitId,
    disputeDeadline: disputeDeadline(c),
    escalations: c.escalations,
    lateUnits: c.lateUnits,
    disputes: c.disputes,
    resolution: c.resolution,
    finalLevel: c.finalLevel,
    verifications: c.verifications,
    callbacks: c.callbacks,
    reopens: c.reopens,
    redCard: c.redCard,
    urgeCount: c.urgeCount,
    summonses: c.summonses,
    hotline: i.hotline
      ? {
          ...i.hotline,
          deadline: order?.deadline ?? null,
          overdue: c.orderOverdue,
          callbackDue: c.callbackDue,
          sender: sender(c)!,
        }
      : null,
    closedAt: c.closedAt,
    history: c.history,
    assignments: c.assignments(),
    clocks: c.clocks.snapshots(now),
  };
}

export function facts(c: IncidentCase, seq: number): IncidentFactsRecord {
  const i = c.input;
  const last = c.callbacks.at(-1);
  const orderDeadline = i.hotline ? c.clocks.clocks[ORDER]?.clock : undefined;
  return {
    caseId: i.caseId,
    seq,
    categoryCode: i.category.code,
    urgencyCode: i.urgency.code,
    source: i.source,
    gridId: i.territory.gridId,
    gridPath: i.territory.gridPath,
    unitIds: [...new Set(c.held)],
    status: c.status,
    startLevel: i.startLevel,
    currentLevel: c.level,
    finalLevel: c.finalLevel,
    escalations: c.escalations.length,
    autoEscalations: c.escalations.filter((e) => e.automatic).length,
    lateUnits: c.lateUnits.map(({ level, unitId, deadline }) => ({ level, unitId, deadline })),
    reopens: c.reopens,
    onTime: c.onTime,
    redCard: c.redCard,
    satisfaction: last?.satisfaction ?? null,
    reportedAt: c.createdAt,
    resolvedAt: c.resolvedAt,
    closedAt: c.closedAt,
    hotlineType: i.hotline?.orderType ?? null,
    hotlineResponded: orderDeadline ? c.firstSignedAt !== null && !c.signedLate : null,
    hotlineResolved: i.hotline ? (last?.resolved ?? null) : null,
  };
}

export function creationNote(c: IncidentCase): AuditNote {
  const a = c.input.reportedBy;
  return {
    actorId: a.userId,
    actorUnitId: a.unitId,
    actorRole: a.role,
    action: 'incident.report',
    reason: c.input.title,
    before: null,
    after: withAttachments(
      {
        ...c.auditState(),
        source: c.input.source,
        category: c.input.category.code,
        urgency: c.input.urgency.code,
        limits: c.input.limits,
      },
      c.input.files,
    ),
    at: c.createdAt,
  };
}
