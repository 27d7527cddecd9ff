import type { AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { SUMMONS_STATUS_LABEL, type SummonsFactsRecord, type SummonsView } from './definitions';
import type { SummonsCase } from './summons-case';
import { assignments } from './summons-policy';

export function snapshot(c: SummonsCase, now: number): CaseSnapshot {
  const { assignments, history: _h, ...data } = view(c);
  const i = c.input;
  return {
    caseId: i.caseId,
    process: 'summons',
    title: i.title,
    status: c.status,
    currentStep: SUMMONS_STATUS_LABEL[c.status],
    level: null,
    unitId: i.township.unitId,
    ownerUnitId: i.township.unitId,
    colour: 'green',
    deadline: null,
    calendarWarnings: [],
    data: { kind: 'summons', ...data } as unknown as Record<string, unknown>,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.closedAt,
    assignments,
    // Summoned units see their own part only, never the whistle with every unit's part.
    units: [
      { unitId: i.township.unitId, relation: 'owner' },
      { unitId: i.arbiter.unitId, relation: 'arbiter' },
    ],
    clocks: c.clocks.snapshots(now),
  };
}

export function view(c: SummonsCase): SummonsView {
  const i = c.input;
  return {
    caseId: i.caseId,
    status: c.status,
    statusLabel: SUMMONS_STATUS_LABEL[c.status],
    title: i.title,
    description: i.description,
    reason: i.reason,
    urgency: i.urgency,
    complexity: i.complexity,
    keyTask: i.keyTask,
    townshipId: i.township.unitId,
    incidentId: i.incidentId,
    whistledBy: i.whistledBy.userId,
    approval: c.approval,
    parts: c.parts,
    summary: c.summary,
    closedAt: c.closedAt,
    history: c.history,
    assignments: assignments(c),
  };
}

export function facts(c: SummonsCase, seq: number): SummonsFactsRecord {
  const i = c.input;
  const decided = c.approval;
  return {
    caseId: i.caseId,
    seq,
    townshipId: i.township.unitId,
    townshipPath: i.township.path,
    incidentId: i.incidentId,
    reasonCode: i.reason.code,
    urgencyCode: i.urgency,
    complexity: i.complexity,
    status: c.status,
    unitCount: new Set(c.parts.length ? c.parts.map((p) => p.unit.unitId) : i.units.map((u) => u.unitId)).size,
    whistledBy: i.whistledBy.userId,
    whistledAt: c.createdAt,
    approvedBy: decided?.approved ? decided.by : null,
    approvedAt: decided?.approved ? decided.at : null,
    rejectedBy: decided && !decided.approved ? decided.by : null,
    rejectedAt: decided && !decided.approved ? decided.at : null,
    rejectedReason: decided && !decided.approved ? decided.note : null,
    closedAt: c.closedAt,
  };
}

export function creationNote(c: SummonsCase): AuditNote {
  const i = c.input;
  const w = i.whistledBy;
  return {
    actorId: w.userId,
    actorUnitId: w.unitId,
    actorRole: w.role,
    action: 'summons.whistle',
    reason: `${i.reason.name}：${i.title}`,
    before: null,
    after: {
      ...c.auditState(),
      reason: i.reason.code,
      urgency: i.urgency,
      complexity: i.complexity,
      units: i.units.map((u) => u.unitId),
      incidentId: i.incidentId,
      limits: i.limits,
    },
    at: c.createdAt,
  };
}
