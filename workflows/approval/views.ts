import { maskIdNumber } from '../../domain/approval';
import type { ResolvedStep } from '../../domain/catalogue';
import type { AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import type { ApprovalCase } from './approval-case';
import { caseClockKey, CATCH_UP, PRECHECK, stepDeadline, SUPPLEMENT } from './clocks';
import { APPROVAL_STATUS_LABEL, type ApprovalStatus, type ApprovalView, type StepView } from './definitions';
import { withAttachments } from '../shared/attachments';

/** Before acceptance only the §32 pre-check and the applicant's 补正 period run, not the promised limit. */
const PRE_ACCEPTANCE: ReadonlySet<ApprovalStatus> = new Set(['submitted', 'awaiting-supplement']);

export function snapshot(c: ApprovalCase, now: number): CaseSnapshot {
  const summary = c.clocks.summary(now);
  const view = c.view(now);
  const { clocks: _clocks, assignments, applicant, ...data } = view;
  return {
    caseId: c.input.caseId,
    process: 'approval',
    title: `${c.matter.name}（${applicant.name}）`,
    status: c.status,
    currentStep: view.currentStep,
    level: null,
    unitId: c.currentStep()?.unitIds[0] ?? c.input.townshipId,
    ownerUnitId: c.input.townshipId,
    colour: summary.colour,
    deadline: summary.deadline,
    caseDeadline: view.caseDeadline,
    stepDeadline: view.stepDeadline,
    clockKind: PRE_ACCEPTANCE.has(c.status) ? 'pre-acceptance' : 'case',
    calendarWarnings: summary.calendarWarnings,
    data: { ...data, applicant: { name: applicant.name } },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.closedAt,
    assignments,
    units: involvedUnits(c),
    clocks: c.clocks.snapshots(now),
  };
}

export function view(c: ApprovalCase, now: number): ApprovalView {
  const { applicant, matter } = c.input;
  const def = matter.definition;
  return {
    caseId: c.input.caseId,
    status: c.status,
    statusLabel: APPROVAL_STATUS_LABEL[c.status],
    matter: {
      code: matter.code,
      version: matter.version,
      name: def.name,
      category: def.category,
      kind: def.kind,
      promisedLimitDays: def.promisedLimitDays,
      statutoryLimitDays: def.statutoryLimitDays,
    },
    applicant: {
      name: applicant.name,
      phone: applicant.phone ?? null,
      idNumber: applicant.idNumber ? maskIdNumber(applicant.idNumber) : null,
    },
    channel: c.input.channel,
    townshipId: c.input.townshipId,
    submittedBy: c.input.submittedBy.userId,
    receiptNo: c.receiptNo,
    acceptedAt: c.acceptedAt,
    materials: {
      required: def.materials.map((m) => ({
        key: m.key,
        name: m.name,
        isKey: m.isKey,
        provided: c.provided.includes(m.key),
      })),
      provided: c.provided,
      missing: c.missing(),
      notified: c.notice?.missing ?? null,
      tolerated: c.tolerated,
      outstanding: c.outstanding(),
    },
    caseDeadline: c.clocks.status(caseClockKey(c), now)?.deadline ?? null,
    stepDeadline: stepDeadline(c, now),
    precheckDeadline: c.clocks.status(PRECHECK, now)?.deadline ?? null,
    supplementDeadline: c.clocks.status(SUPPLEMENT, now)?.deadline ?? null,
    catchUpDeadline: c.clocks.status(CATCH_UP, now)?.deadline ?? null,
    currentStep: phaseName(c),
    steps: c.input.steps.map((s, i) => stepView(c, s, i)),
    suspension: c.suspension,
    pendingExtension: c.pendingExtension,
    expedited: c.expedited,
    urgeCount: c.urgeCount,
    conclusion: c.conclusion,
    closeReason: c.closeReason,
    handlingUnitId: c.handlingUnitId,
    rating: c.rating,
    history: c.history,
    assignments: c.assignments(),
    clocks: c.clocks.snapshots(now),
  };
}

export function creationNote(c: ApprovalCase): AuditNote {
  const a = c.input.submittedBy;
  return {
    actorId: a.userId,
    actorUnitId: a.unitId,
    actorRole: a.role,
    action: 'approval.submit',
    reason: `${c.matter.name}：${c.input.applicant.name}`,
    before: null,
    after: withAttachments(
      {
        status: c.status,
        matter: { code: c.input.matter.code, version: c.input.matter.version },
        channel: c.input.channel,
        materials: c.provided,
      },
      c.input.files,
    ),
    at: c.createdAt,
  };
}
/** The phase the case is in, as clerks name it: 受理, a step's name, or 办结. */
export function phaseName(c: ApprovalCase): string | null {
  if (c.status === 'submitted' || c.status === 'awaiting-supplement') return '受理';
  if (c.status === 'awaiting-conclusion') return '办结';
  return c.currentStep()?.name ?? null;
}

function stepView(c: ApprovalCase, step: ResolvedStep, index: number): StepView {
  const current = c.currentStep() !== null && index === c.stepIndex;
  return {
    key: step.key,
    name: step.name,
    role: step.role,
    mode: step.mode,
    unitIds: step.unitIds,
    limitDays: step.limitDays ?? null,
    state: current ? 'current' : index < c.stepIndex ? 'done' : 'pending',
    signatures: c.signatures[index] ?? [],
    signers: (step.seats ?? []).map((seat) => ({
      key: seat.key,
      role: seat.role,
      userId: seat.userId ?? null,
      displayName: seat.displayName ?? null,
      signature: (c.signatures[index] ?? []).find((s) => s.signer === seat.key) ?? null,
    })),
    pendingUnitIds: current ? c.pendingUnits() : [],
    transfers: current ? c.transfers : {},
  };
}

function involvedUnits(c: ApprovalCase): { unitId: string; relation: string }[] {
  const units = new Map<string, { unitId: string; relation: string }>();
  for (const s of c.input.steps)
    for (const unitId of s.unitIds) units.set(`${unitId}|step`, { unitId, relation: 'step' });
  units.set(`${c.input.submittedBy.unitId}|submitter`, { unitId: c.input.submittedBy.unitId, relation: 'submitter' });
  return [...units.values()];
}
