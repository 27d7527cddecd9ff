import type { ApplicationFailure } from '@temporalio/workflow';
import type { NoticeRequest } from '../../activities/notices';
import {
  acceptanceViolation,
  BAD_RATING_MAX,
  extensionViolation,
  maskIdNumber,
  RATING_WINDOW_MS,
  RECTIFICATION_DAYS,
  missingMaterials,
  noticeViolation,
  PRECHECK_DAYS,
  unknownMaterialViolation,
} from '../../domain/approval';
import { unitMs } from '../../domain/calendar';
import type { Material, ResolvedSigner, ResolvedStep, RuleViolation } from '../../domain/catalogue';
import { extendClock, pauseClock, resumeClock, startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import { SYSTEM_ACTOR, type Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import { CaseClocks, type LevelChange, levelChangeNote } from '../shared/case-clocks';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { carryOut, planClock, type ClockChange, type Plan as ClockPlan } from '../shared/clock-plan';
import { CaseErrorType, caseError } from '../shared/errors';
import { noticesTo } from '../shared/notices';
import type { StartTaskInput } from '../task/definitions';
import {
  APPROVAL_ACTION_LABEL,
  APPROVAL_STATUS_LABEL,
  EXPEDITE_UNITS,
  SUSPENSION_KIND_LABEL,
  type ApprovalAction,
  type ApprovalActionInput,
  type ApprovalActionType,
  type ApprovalHistoryEntry,
  type ApprovalStatus,
  type ApprovalView,
  type Signature,
  type StartApprovalInput,
  type StepView,
  type TransferTarget,
} from './definitions';
import { withAttachments } from '../shared/attachments';

/** The whole-case clock (承诺时限), replaced by `expedite` once a supervisor expedites the case. */
const CASE = 'case';
const CASE_LABEL = '承诺时限';
const EXPEDITE = 'expedite';
const EXPEDITE_LABEL = '特事特办时限';
/** The window's pre-check period (§32): no notice or decision by its end counts as acceptance. */
const PRECHECK = 'precheck';
const PRECHECK_LABEL = '受理审查期限';
/** The applicant's clocks: 补正 after a one-time notice, and the 容缺 catch-up. */
const SUPPLEMENT = 'supplement';
const SUPPLEMENT_LABEL = '补正期限';
const CATCH_UP = 'catch-up';
const CATCH_UP_LABEL = '容缺补齐期限';
const stepClockKey = (step: ResolvedStep) => `step:${step.key}`;
const stepClockLabel = (step: ResolvedStep) => `环节时限：${step.name}`;


const STEP_ACTIONS: ReadonlySet<ApprovalActionType> = new Set(['approve', 'reject', 'return', 'transfer']);
const CLOSED: ReadonlySet<ApprovalStatus> = new Set(['concluded', 'rejected', 'refused', 'withdrawn', 'lapsed', 'terminated']);
const RATABLE: ReadonlySet<ApprovalStatus> = new Set(['concluded', 'rejected']);
/** Before acceptance only the §32 pre-check and the applicant's 补正 period run, not the promised limit. */
const PRE_ACCEPTANCE: ReadonlySet<ApprovalStatus> = new Set(['submitted', 'awaiting-supplement']);
/** Clocks whose red means the administration is late (督办); the applicant's own clocks lapse instead. */
const isOfficeClock = (key: string) => key === CASE || key === EXPEDITE || key.startsWith('step:');

interface Outcome {
  note: string | null;
  notices?: NoticeRequest[];
  rectification?: StartTaskInput;
}

type Plan = ClockPlan<Outcome>;

/** What a performed action asks the workflow to do: record, notify, start a rectification task. */
export interface ApprovalEffects {
  note: AuditNote;
  notices: NoticeRequest[];
  rectification: StartTaskInput | null;
}

const refused = (v: RuleViolation) => caseError(CaseErrorType.RuleRefused, v.code, v.zh, v.en);
const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);
const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);
const unique = (keys: readonly string[]) => [...new Set(keys)];
const materialNames = (materials: readonly Material[], keys: readonly string[]) =>
  keys.map((k) => `“${materials.find((m) => m.key === k)?.name ?? k}”`).join('、');

/** Whether `actor` is among a step's holders: its role in one of its units, or a member of its 会签 panel. */
function mayHold(step: ResolvedStep, actor: Actor): boolean {
  if (!step.seats) return step.role === actor.role && step.unitIds.includes(actor.unitId);
  return step.seats.some((seat) => (seat.userId ? seat.userId === actor.userId : seat.role === actor.role && step.unitIds.includes(actor.unitId)));
}

function isPaused(clock: SlaClock): boolean {
  const last = clock.pauses.at(-1);
  return last !== undefined && last.to === undefined;
}

/**
 * The approval case's state machine, free of Temporal APIs. `check` answers whether an action is
 * allowed now and changes nothing (the Update validator); `apply` performs it synchronously, so a
 * second action in the same workflow task is checked against the new state.
 */
export class ApprovalCase {
  status: ApprovalStatus = 'submitted';
  provided: string[];
  notice: { missing: string[]; at: string; by: string } | null = null;
  tolerated: string[] = [];
  receiptNo: string | null = null;
  acceptedAt: string | null = null;
  /** Index of the current step; `steps.length` once every step has approved; -1 before acceptance. */
  stepIndex = -1;
  signatures: Signature[][];
  transfers: Record<string, TransferTarget> = {};
  suspension: ApprovalView['suspension'] = null;
  pendingExtension: ApprovalView['pendingExtension'] = null;
  extendedDays = 0;
  expedited: ApprovalView['expedited'] = null;
  urgeCount = 0;
  conclusion: ApprovalView['conclusion'] = null;
  closeReason: string | null = null;
  handlingUnitId: string | null = null;
  rating: ApprovalView['rating'] = null;
  ratingClosed = false;
  history: ApprovalHistoryEntry[] = [];
  readonly clocks: CaseClocks;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null = null;

  /** Whether a one-time notice must list every missing material (see {@link noticeViolation}). */
  private readonly completeNotice: boolean;

  /**
   * `precheck` starts the §32 pre-check clock at submission; `completeNotice` requires a one-time
   * notice to list every missing material, not only the key ones. Each is off only when replaying
   * a case that was started before the rule existed.
   */
  constructor(
    readonly input: StartApprovalInput,
    now: number,
    { precheck = true, completeNotice = true }: { precheck?: boolean; completeNotice?: boolean } = {},
  ) {
    this.completeNotice = completeNotice;
    this.provided = unique(input.materials);
    this.signatures = input.steps.map(() => []);
    this.clocks = new CaseClocks(input.calendar);
    this.createdAt = new Date(now).toISOString();
    this.updatedAt = this.createdAt;
    this.history.push(this.entry(input.submittedBy, 'submit', null, `${this.matter.name}：${input.applicant.name}（${input.channel}）`, this.createdAt));
    if (precheck && this.matter.kind !== 'instant') {
      const meta = { actor: input.submittedBy.userId, reason: '收件' };
      const clock = this.build(PRECHECK, PRECHECK_LABEL, () => startClock({ unit: 'workday', amount: PRECHECK_DAYS }, now, meta), now);
      carryOut(this.clocks, { clocks: [clock], commit: () => ({ note: null }) }, now);
    }
  }

  get matter() {
    return this.input.matter.definition;
  }

  get closed(): boolean {
    return CLOSED.has(this.status);
  }

  get ratingOpen(): boolean {
    return RATABLE.has(this.status) && this.rating === null && !this.ratingClosed;
  }

  /** The workflow may end: the case is closed and no rating can still come. */
  get finished(): boolean {
    return this.closed && !this.ratingOpen;
  }

  /** When the rating window closes (epoch ms), while it is open. */
  ratingClosesAt(): number | null {
    return this.ratingOpen && this.closedAt ? Date.parse(this.closedAt) + RATING_WINDOW_MS : null;
  }

  /** The step being worked on (in progress or suspended), or null. */
  currentStep(): ResolvedStep | null {
    if (this.status !== 'in-progress' && this.status !== 'suspended') return null;
    return this.input.steps[this.stepIndex] ?? null;
  }

  /** Units still expected to act on the current step: all of them, less those that signed a 会签. */
  pendingUnits(): string[] {
    const step = this.currentStep();
    if (!step) return [];
    if (step.seats) return this.pendingSeats().length ? step.unitIds : [];
    const signed = this.signatures[this.stepIndex] ?? [];
    return step.unitIds.filter((u) => !signed.some((s) => s.unitId === u));
  }

  /** Members of the current step's 会签 panel (among people) who have not signed yet. */
  pendingSeats(): ResolvedSigner[] {
    const step = this.currentStep();
    if (!step?.seats) return [];
    const signed = this.signatures[this.stepIndex] ?? [];
    return step.seats.filter((seat) => !signed.some((s) => s.signer === seat.key));
  }

  missing(): string[] {
    return missingMaterials(this.matter.materials, this.provided).map((m) => m.key);
  }

  /** Tolerated (容缺) materials not yet handed in. */
  outstanding(): string[] {
    return this.tolerated.filter((k) => !this.provided.includes(k));
  }

  /** Who may act now, with which actions: drives the inbox, and `check`. */
  assignments(): AssignmentSnapshot[] {
    const out: AssignmentSnapshot[] = [];
    const window = (actions: string[]) => out.push({ unitId: this.input.townshipId, role: 'window_staff', actions });
    const applicant = (actions: string[]) => out.push({ ...this.applicantHolder(), actions });
    const supervisor = (actions: string[]) => out.push({ unitId: this.input.supervisingUnitId, role: 'supervisor', actions });
    // 特事特办 (DOMAIN §4): a county supervisor anywhere, a township supervisor within its own township.
    const expedite = () => (this.expedited ? [] : ['expedite']);
    const townshipSupervisor = () => {
      if (this.input.townshipId !== this.input.supervisingUnitId) out.push({ unitId: this.input.townshipId, role: 'supervisor', actions: expedite() });
    };
    const stepHolders = (actions: string[]) => {
      const step = this.currentStep()!;
      if (step.seats) {
        // Each panel member signs in person: a named user, or whoever holds the role; no transfer.
        const panelActions = actions.filter((a) => a !== 'transfer');
        for (const seat of this.pendingSeats()) out.push({ unitId: step.unitIds[0]!, role: seat.role, ...(seat.userId ? { userId: seat.userId } : {}), actions: panelActions });
        return;
      }
      for (const unitId of this.pendingUnits()) {
        const to = this.transfers[unitId];
        out.push({ unitId, role: step.role, ...(to ? { userId: to.userId } : {}), actions });
      }
    };
    const catchUp = this.outstanding().length > 0 ? ['supplement'] : [];
    const decide = this.pendingExtension ? ['decide-extension'] : [];
    switch (this.status) {
      case 'submitted':
        window(['accept', ...(this.notice ? [] : ['notify-missing']), 'refuse', 'supplement']);
        applicant(['supplement', 'withdraw']);
        break;
      case 'awaiting-supplement':
        window(['accept', 'refuse', 'supplement']);
        applicant(['supplement', 'withdraw']);
        break;
      case 'in-progress':
        stepHolders(['approve', 'reject', ...(this.stepIndex > 0 ? ['return'] : []), 'transfer', 'suspend', ...(this.pendingExtension ? [] : ['request-extension'])]);
        window(['urge', ...catchUp]);
        applicant(['withdraw', ...catchUp]);
        supervisor([...expedite(), ...decide]);
        townshipSupervisor();
        break;
      case 'suspended':
        stepHolders(['resume']);
        window(['urge', ...catchUp]);
        applicant(['withdraw', ...catchUp]);
        supervisor(decide);
        break;
      case 'awaiting-conclusion':
        window(['conclude', ...catchUp]);
        applicant(['withdraw', ...catchUp]);
        supervisor([...expedite(), ...decide]);
        townshipSupervisor();
        break;
      default:
        if (this.ratingOpen) {
          window(['rate']);
          applicant(['rate']);
        }
    }
    return mergeAssignments(out);
  }

  /** Throw the failure the API will show when `actor` may not take `action` now; change nothing. */
  check(input: ApprovalActionInput, now: number): void {
    this.plan(input, now);
  }

  /** Perform an action (checked again here); returns what the workflow must record and send. */
  apply(input: ApprovalActionInput, now: number): ApprovalEffects {
    const { actor, action } = input;
    // The workflow numbers a bad rating's rectification task once the rating is checked (workflow.ts).
    if (action.type === 'rate' && action.score <= BAD_RATING_MAX && !action.rectificationCaseId) {
      throw rule('rectification-number-missing', '差评须同时生成整改任务编号', 'A bad rating needs a rectification case number');
    }
    const plan = this.plan(input, now);
    const before = this.auditState(now);
    const step = this.currentStep()?.key ?? null;
    const outcome = carryOut(this.clocks, plan, now);
    const at = this.touch(now);
    this.history.push(this.entry(actor, action.type, step, outcome.note, at));
    return {
      note: {
        actorId: actor.userId,
        actorUnitId: actor.unitId,
        actorRole: actor.role,
        action: `approval.${action.type}`,
        reason: outcome.note,
        before,
        after: withAttachments(this.auditState(now), 'files' in action ? action.files : undefined),
        at,
      },
      notices: outcome.notices ?? [],
      rectification: outcome.rectification ?? null,
    };
  }

  /** Record colour changes reached by `now`, with 督办 notices for office clocks that turned red. */
  tick(now: number): { note: AuditNote; changes: LevelChange[]; notices: NoticeRequest[] } | null {
    const changes = this.clocks.recordTransitions(now);
    if (changes.length === 0) return null;
    const at = this.touch(now);
    const last = changes[changes.length - 1]!;
    return {
      changes,
      notices: this.overdueNotices(changes),
      note: this.systemNote('clock.level', levelChangeNote(last), { level: changes[0]!.from }, { level: last.to, changes }, at),
    };
  }

  /**
   * The applicant's deadlines: an unanswered 补正 period lapses the application; a missed 容缺
   * catch-up terminates the case. Returns the audit note when either happened.
   */
  expire(now: number): AuditNote | null {
    const overdue = (key: string) => this.clocks.clocks[key]?.clock.stoppedAt === null && this.clocks.status(key, now)?.overdue === true;
    if (this.status === 'submitted' && overdue(PRECHECK)) return this.deemAccepted(now);
    let outcome: { status: ApprovalStatus; action: string; reason: string } | null = null;
    if (this.status === 'awaiting-supplement' && overdue(SUPPLEMENT)) {
      outcome = { status: 'lapsed', action: 'approval.lapse', reason: `逾期未补正（${this.matter.supplementDays} 个工作日），申请失效` };
    } else if (!this.closed && this.outstanding().length > 0 && overdue(CATCH_UP)) {
      outcome = { status: 'terminated', action: 'approval.terminate', reason: `容缺材料逾期未补齐：${materialNames(this.matter.materials, this.outstanding())}，办理终止` };
    }
    if (!outcome) return null;
    const before = this.auditState(now);
    const { status, reason } = outcome;
    carryOut(this.clocks, { clocks: this.stopRunning(now, reason, 'system'), commit: () => this.close(status, reason) }, now);
    const at = this.touch(now);
    this.history.push(this.entry(SYSTEM_ACTOR, outcome.action.replace('approval.', ''), null, reason, at));
    return this.systemNote(outcome.action, outcome.reason, before, this.auditState(now), at);
  }

  /**
   * §32: the pre-check period ended with neither a one-time notice nor a decision, so the
   * application counts as accepted from the moment it was received — the promised limit runs from
   * submission, the first step starts now, and whatever was missing can no longer be demanded.
   */
  private deemAccepted(now: number): AuditNote {
    const before = this.auditState(now);
    const reason = `${PRECHECK_DAYS} 个工作日内未一次性告知，依法视为受理`;
    const meta = { actor: SYSTEM_ACTOR.userId, reason };
    const first = this.input.steps[0];
    const clocks = [
      this.stop(PRECHECK, now, reason, SYSTEM_ACTOR.userId),
      this.build(CASE, CASE_LABEL, () => startClock({ unit: 'workday', amount: this.matter.promisedLimitDays }, Date.parse(this.createdAt), meta), now),
      ...(first?.limitDays ? [this.startStepClock(first, now, SYSTEM_ACTOR.userId)] : []),
    ];
    carryOut(
      this.clocks,
      {
        clocks,
        commit: () => {
          this.receiptNo = `SL-${this.input.caseId}`;
          this.acceptedAt = this.createdAt;
          this.status = 'in-progress';
          this.stepIndex = 0;
          return { note: reason };
        },
      },
      now,
    );
    const at = this.touch(now);
    this.history.push(this.entry(SYSTEM_ACTOR, 'deemed-accept', null, `${reason}（回执 ${this.receiptNo}）`, at));
    return this.systemNote('approval.deemed-accept', reason, before, this.auditState(now), at);
  }

  /** Close the rating window once it has passed; returns the audit note when it did. */
  closeRating(now: number): AuditNote | null {
    const closesAt = this.ratingClosesAt();
    if (closesAt === null || now < closesAt) return null;
    this.ratingClosed = true;
    const at = this.touch(now);
    return this.systemNote('approval.rating-closed', '评价期已过，未评价', null, null, at);
  }

  snapshot(now: number): CaseSnapshot {
    const summary = this.clocks.summary(now);
    const view = this.view(now);
    const { clocks: _clocks, assignments, applicant, ...data } = view;
    return {
      caseId: this.input.caseId,
      process: 'approval',
      title: `${this.matter.name}（${applicant.name}）`,
      status: this.status,
      currentStep: view.currentStep,
      level: null,
      unitId: this.currentStep()?.unitIds[0] ?? this.input.townshipId,
      ownerUnitId: this.input.townshipId,
      colour: summary.colour,
      deadline: summary.deadline,
      caseDeadline: view.caseDeadline,
      stepDeadline: view.stepDeadline,
      clockKind: PRE_ACCEPTANCE.has(this.status) ? 'pre-acceptance' : 'case',
      calendarWarnings: summary.calendarWarnings,
      data: { ...data, applicant: { name: applicant.name } },
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      closedAt: this.closedAt,
      assignments,
      units: this.involvedUnits(),
      clocks: this.clocks.snapshots(now),
    };
  }

  view(now: number): ApprovalView {
    const { applicant, matter } = this.input;
    const def = matter.definition;
    return {
      caseId: this.input.caseId,
      status: this.status,
      statusLabel: APPROVAL_STATUS_LABEL[this.status],
      matter: { code: matter.code, version: matter.version, name: def.name, category: def.category, kind: def.kind, promisedLimitDays: def.promisedLimitDays, statutoryLimitDays: def.statutoryLimitDays },
      applicant: { name: applicant.name, phone: applicant.phone ?? null, idNumber: applicant.idNumber ? maskIdNumber(applicant.idNumber) : null },
      channel: this.input.channel,
      townshipId: this.input.townshipId,
      submittedBy: this.input.submittedBy.userId,
      receiptNo: this.receiptNo,
      acceptedAt: this.acceptedAt,
      materials: {
        required: def.materials.map((m) => ({ key: m.key, name: m.name, isKey: m.isKey, provided: this.provided.includes(m.key) })),
        provided: this.provided,
        missing: this.missing(),
        notified: this.notice?.missing ?? null,
        tolerated: this.tolerated,
        outstanding: this.outstanding(),
      },
      caseDeadline: this.clocks.status(this.caseClockKey(), now)?.deadline ?? null,
      stepDeadline: this.stepDeadline(now),
      precheckDeadline: this.clocks.status(PRECHECK, now)?.deadline ?? null,
      supplementDeadline: this.clocks.status(SUPPLEMENT, now)?.deadline ?? null,
      catchUpDeadline: this.clocks.status(CATCH_UP, now)?.deadline ?? null,
      currentStep: this.phaseName(),
      steps: this.input.steps.map((s, i) => this.stepView(s, i)),
      suspension: this.suspension,
      pendingExtension: this.pendingExtension,
      expedited: this.expedited,
      urgeCount: this.urgeCount,
      conclusion: this.conclusion,
      closeReason: this.closeReason,
      handlingUnitId: this.handlingUnitId,
      rating: this.rating,
      history: this.history,
      assignments: this.assignments(),
      clocks: this.clocks.snapshots(now),
    };
  }

  creationNote(): AuditNote {
    const a = this.input.submittedBy;
    return {
      actorId: a.userId,
      actorUnitId: a.unitId,
      actorRole: a.role,
      action: 'approval.submit',
      reason: `${this.matter.name}：${this.input.applicant.name}`,
      before: null,
      after: withAttachments({ status: this.status, matter: { code: this.input.matter.code, version: this.input.matter.version }, channel: this.input.channel, materials: this.provided }, this.input.files),
      at: this.createdAt,
    };
  }

  // ---- checking and planning ----

  private plan(input: ApprovalActionInput, now: number): Plan {
    const { actor, action } = input;
    const overseen = action.type === 'urge' && input.oversight === true && actor.role === 'supervisor' && this.assignments().some((a) => a.actions.includes('urge'));
    if (!overseen) this.authorise(actor, action);
    switch (action.type) {
      case 'notify-missing':
        return this.planNotice(actor, action.missing, action.note, now);
      case 'supplement':
        return this.planSupplement(actor, action.materials, action.note, now);
      case 'accept':
        return this.planAccept(actor, action, now);
      case 'refuse':
        return { clocks: this.stopRunning(now, '不予受理', actor.userId), commit: () => this.close('refused', action.reason) };
      case 'approve':
        return this.planApprove(actor, action.opinion, now);
      case 'reject':
        return {
          clocks: this.stopRunning(now, '不予许可', actor.userId),
          commit: () => {
            this.handlingUnitId = actor.unitId;
            return this.close('rejected', action.reason);
          },
        };
      case 'return':
        return this.planReturn(actor, action.reason, now);
      case 'transfer':
        return this.planTransfer(actor, action.to, action.reason);
      case 'suspend':
      case 'resume':
        return this.planSuspension(actor, action, now);
      case 'request-extension':
        return this.planExtensionRequest(actor, action.days, action.reason, now);
      case 'decide-extension':
        return this.planExtensionDecision(actor, action.approve, action.reason, now);
      case 'urge':
        return { clocks: [], commit: () => this.urge(action.message, now) };
      case 'withdraw':
        return { clocks: this.stopRunning(now, '申请人撤回', actor.userId), commit: () => this.close('withdrawn', action.reason) };
      case 'expedite':
        return this.planExpedite(actor, action, now);
      case 'conclude':
        return this.planConclude(actor, action.result, action.certificateNo, now);
      case 'rate':
        return this.planRating(actor, action, now);
    }
  }

  /** 409 for the wrong state (or a step no longer current), 403 for the wrong person. */
  private authorise(actor: Actor, action: ApprovalAction): void {
    const step = this.currentStep();
    const specific = this.specificConflict(actor, action, step);
    if (specific) throw specific;
    const open = this.assignments().filter((a) => a.actions.includes(action.type));
    if (open.length === 0) {
      throw conflict(
        'wrong-state',
        `案件当前状态为“${APPROVAL_STATUS_LABEL[this.status]}”，不能${APPROVAL_ACTION_LABEL[action.type]}`,
        `The case is ${this.status}; ${action.type} is not possible now`,
      );
    }
    if (open.some((a) => holds(a, actor))) return;
    const transferred = open.find((a) => a.unitId === actor.unitId && a.role === actor.role && a.userId !== undefined);
    if (transferred) {
      const to = this.transfers[actor.unitId];
      throw caseError(CaseErrorType.Forbidden, 'transferred', `本环节已转交给 ${to?.displayName ?? transferred.userId} 办理`, `This step was transferred to ${transferred.userId}`);
    }
    if (STEP_ACTIONS.has(action.type) && this.input.steps.some((s) => mayHold(s, actor))) {
      throw conflict(
        'not-current-step',
        `案件当前不在您的环节（当前：${this.phaseName() ?? APPROVAL_STATUS_LABEL[this.status]}），可能已由他人办理`,
        `The case is not at your step now (it is at: ${step?.key ?? this.status}); someone may have acted already`,
      );
    }
    throw caseError(CaseErrorType.Forbidden, 'not-your-action', `您无权对本案件${APPROVAL_ACTION_LABEL[action.type]}`, `You may not ${action.type} on this case now`);
  }

  private specificConflict(actor: Actor, action: ApprovalAction, step: ResolvedStep | null): ApplicationFailure | null {
    if (STEP_ACTIONS.has(action.type) && 'step' in action && action.step !== undefined && action.step !== step?.key) {
      return conflict('not-current-step', `“${action.step}”不是当前环节，可能已由他人办理`, `Step ${action.step} is not the current step; someone may have acted already`);
    }
    if (action.type === 'approve' && step?.seats && (this.signatures[this.stepIndex] ?? []).some((s) => s.actorId === actor.userId)) {
      return conflict('already-signed', `您已在“${step.name}”会签`, `You have already signed step ${step.key}`);
    }
    if (action.type === 'transfer' && step?.seats && mayHold(step, actor)) {
      return rule('panel-no-transfer', `“${step.name}”为按人员会签，须本人签署，不能转交`, `Step ${step.key} is signed by each panel member in person; it cannot be transferred`);
    }
    if (action.type === 'approve' && step && !step.seats && step.mode === 'all' && actor.role === step.role && (this.signatures[this.stepIndex] ?? []).some((s) => s.unitId === actor.unitId)) {
      return conflict('already-signed', `本单位已在“${step.name}”会签`, `Your unit has already signed step ${step.key}`);
    }
    if (action.type === 'return' && this.status === 'in-progress' && this.stepIndex === 0) {
      return conflict('first-step', '第一个环节不能退回', 'The first step cannot be returned');
    }
    if (action.type === 'notify-missing' && this.notice) {
      return conflict('notice-given', '已作过一次性告知，不能再次告知', 'A one-time notice was already given');
    }
    if (action.type === 'request-extension' && this.pendingExtension && this.status === 'in-progress') {
      return conflict('extension-pending', '已有待审批的延期申请', 'An extension request is already pending');
    }
    if (action.type === 'rate' && this.rating) return conflict('already-rated', '本案件已评价', 'This case has already been rated');
    return null;
  }

  private planNotice(actor: Actor, listed: string[], extra: string | undefined, now: number): Plan {
    const missing = unique(listed);
    const v = noticeViolation(this.matter.materials, this.provided, missing, { allMissing: this.completeNotice });
    if (v) throw refused(v);
    const clock = this.build(SUPPLEMENT, SUPPLEMENT_LABEL, () => startClock({ unit: 'workday', amount: this.matter.supplementDays }, now, { actor: actor.userId, reason: '一次性告知' }), now);
    return {
      clocks: [...(this.running(PRECHECK) ? [this.stop(PRECHECK, now, '已一次性告知', actor.userId)] : []), clock],
      commit: () => {
        this.notice = { missing, at: new Date(now).toISOString(), by: actor.userId };
        this.status = 'awaiting-supplement';
        return { note: `一次性告知需补正：${materialNames(this.matter.materials, missing)}${extra ? `；${extra}` : ''}` };
      },
    };
  }

  private planSupplement(actor: Actor, listed: string[], extra: string | undefined, now: number): Plan {
    const unknown = unknownMaterialViolation(this.matter.materials, listed);
    if (unknown) throw refused(unknown);
    const added = unique(listed).filter((k) => !this.provided.includes(k));
    if (added.length === 0) throw rule('nothing-new', '所列材料均已提交', 'Every listed material was already provided');
    const provided = [...this.provided, ...added];
    const noticeDone = this.status === 'awaiting-supplement' && (this.notice?.missing ?? []).every((k) => provided.includes(k));
    const catchUpDone = this.outstanding().length > 0 && this.tolerated.every((k) => provided.includes(k));
    const clocks: ClockChange[] = [];
    if (noticeDone && this.running(SUPPLEMENT)) clocks.push(this.stop(SUPPLEMENT, now, '补正材料已齐', actor.userId));
    if (catchUpDone && this.running(CATCH_UP)) clocks.push(this.stop(CATCH_UP, now, '容缺材料已补齐', actor.userId));
    return {
      clocks,
      commit: () => {
        this.provided = provided;
        if (noticeDone) this.status = 'submitted';
        const done = noticeDone ? '；补正材料已齐，待受理' : catchUpDone ? '；容缺材料已补齐' : '';
        return { note: `补正材料：${materialNames(this.matter.materials, added)}${done}${extra ? `；${extra}` : ''}` };
      },
    };
  }

  private planAccept(actor: Actor, action: Extract<ApprovalAction, { type: 'accept' }>, now: number): Plan {
    const def = this.matter;
    const instant = def.kind === 'instant';
    const tolerate = unique(action.tolerate ?? []);
    const conclude = action.conclude;
    if (instant && !conclude) throw rule('instant-needs-conclusion', '即办件须受理并当场办结（请填写办理结果）', 'An on-the-spot matter is accepted and concluded in one action: give the result');
    if (instant && tolerate.length) throw rule('instant-no-tolerance', '即办件不适用容缺受理', 'An on-the-spot matter cannot be accepted with missing materials');
    if (!instant && conclude) throw rule('not-instant', '承诺件不能在受理时办结', 'A promise matter cannot be concluded at acceptance');
    const v = acceptanceViolation(def.materials, this.provided, tolerate, { noticeGiven: this.notice !== null });
    if (v) throw refused(v);
    if (action.catchUpDays !== undefined && tolerate.length === 0) throw rule('catch-up-without-tolerance', '未容缺受理，无需补齐期限', 'A catch-up period is only for tolerated materials');
    const catchUpDays = action.catchUpDays ?? def.promisedLimitDays;
    if (catchUpDays > def.promisedLimitDays) {
      throw rule('catch-up-above-promise', `容缺补齐期限（${catchUpDays} 个工作日）不能超过承诺时限（${def.promisedLimitDays} 个工作日）`, `The catch-up period (${catchUpDays}) may not exceed the promised limit (${def.promisedLimitDays})`);
    }
    if (conclude) this.requireCertificate(conclude.certificateNo);
    const meta = { actor: actor.userId, reason: '受理' };
    const clocks: ClockChange[] = [];
    if (this.running(PRECHECK)) clocks.push(this.stop(PRECHECK, now, '已受理', actor.userId));
    if (this.running(SUPPLEMENT)) clocks.push(this.stop(SUPPLEMENT, now, '已受理', actor.userId));
    const first = this.input.steps[0];
    if (!instant) {
      clocks.push(this.build(CASE, CASE_LABEL, () => startClock({ unit: 'workday', amount: def.promisedLimitDays }, now, meta), now));
      if (tolerate.length) clocks.push(this.build(CATCH_UP, CATCH_UP_LABEL, () => startClock({ unit: 'workday', amount: catchUpDays }, now, { actor: actor.userId, reason: '容缺受理' }), now));
      if (first?.limitDays) clocks.push(this.startStepClock(first, now, actor.userId));
    }
    return {
      clocks,
      commit: () => {
        this.receiptNo = `SL-${this.input.caseId}`;
        this.acceptedAt = new Date(now).toISOString();
        this.tolerated = tolerate;
        if (conclude) {
          this.handlingUnitId = actor.unitId;
          this.conclusion = { result: conclude.result, certificateNo: conclude.certificateNo ?? null, at: this.acceptedAt };
          this.status = 'concluded';
          return { note: `即办件受理并当场办结（回执 ${this.receiptNo}）：${conclude.result}` };
        }
        this.status = 'in-progress';
        this.stepIndex = 0;
        const tolerance = tolerate.length ? `；容缺受理：${materialNames(def.materials, tolerate)}，${catchUpDays} 个工作日内补齐` : '';
        return { note: `受理，回执 ${this.receiptNo}${tolerance}` };
      },
    };
  }

  private planApprove(actor: Actor, opinion: string, now: number): Plan {
    const index = this.stepIndex;
    const step = this.input.steps[index]!;
    const seat = step.seats ? this.seatFor(step, actor) : undefined;
    const signature: Signature = { unitId: actor.unitId, actorId: actor.userId, actorName: actor.displayName ?? null, at: new Date(now).toISOString(), opinion, ...(seat ? { signer: seat.key, role: actor.role } : {}) };
    const signed = [...(this.signatures[index] ?? []), signature];
    const complete = step.seats
      ? step.seats.every((k) => signed.some((s) => s.signer === k.key))
      : step.mode !== 'all' || step.unitIds.every((u) => signed.some((s) => s.unitId === u));
    const next = complete ? this.input.steps[index + 1] : undefined;
    const clocks: ClockChange[] = [];
    if (complete && this.running(stepClockKey(step))) clocks.push(this.stop(stepClockKey(step), now, '环节办结', actor.userId));
    if (next?.limitDays) clocks.push(this.startStepClock(next, now, actor.userId));
    return {
      clocks,
      commit: () => {
        this.signatures[index] = signed;
        if (!complete) return { note: `会签同意（${signed.length}/${step.seats?.length ?? step.unitIds.length}）：${opinion}` };
        this.transfers = {};
        if (next) {
          this.stepIndex = index + 1;
          return { note: `同意，转入“${next.name}”：${opinion}` };
        }
        this.stepIndex = this.input.steps.length;
        this.handlingUnitId = actor.unitId;
        this.status = 'awaiting-conclusion';
        return { note: `同意，审批完成，待办结：${opinion}` };
      },
    };
  }

  /** The panel member `actor` signs for: its own named seat first, else a seat of its role in the unit. */
  private seatFor(step: ResolvedStep, actor: Actor): ResolvedSigner {
    const pending = this.pendingSeats();
    const seat = pending.find((s) => s.userId === actor.userId) ?? pending.find((s) => !s.userId && s.role === actor.role && step.unitIds.includes(actor.unitId));
    if (!seat) throw conflict('already-signed', `“${step.name}”中您可签署的会签已完成`, `Your place on step ${step.key} has been signed already`);
    return seat;
  }

  private planReturn(actor: Actor, reason: string, now: number): Plan {
    const index = this.stepIndex;
    const step = this.input.steps[index]!;
    const previous = this.input.steps[index - 1]!;
    const clocks: ClockChange[] = [];
    if (this.running(stepClockKey(step))) clocks.push(this.stop(stepClockKey(step), now, '退回上一环节', actor.userId));
    if (previous.limitDays) clocks.push(this.startStepClock(previous, now, actor.userId));
    return {
      clocks,
      commit: () => {
        this.signatures[index] = [];
        this.signatures[index - 1] = [];
        this.transfers = {};
        this.stepIndex = index - 1;
        return { note: `退回“${previous.name}”：${reason}` };
      },
    };
  }

  private planTransfer(actor: Actor, to: TransferTarget, reason: string | undefined): Plan {
    const step = this.currentStep()!;
    if (to.userId === actor.userId) throw rule('transfer-to-self', '不能转交给自己', 'You cannot transfer a step to yourself');
    if (to.unitId !== actor.unitId) throw rule('transfer-other-unit', '只能转交给本单位人员', 'A step can only be transferred within your unit');
    if (to.role !== step.role) throw rule('transfer-other-role', `只能转交给本单位具有“${step.role}”角色的人员`, `The recipient must have the step's role (${step.role})`);
    return {
      clocks: [],
      commit: () => {
        this.transfers = { ...this.transfers, [actor.unitId]: to };
        return { note: `转交 ${to.displayName ?? to.userId}${reason ? `：${reason}` : ''}` };
      },
    };
  }

  private planSuspension(actor: Actor, action: Extract<ApprovalAction, { type: 'suspend' | 'resume' }>, now: number): Plan {
    const step = this.currentStep()!;
    const keys = [this.caseClockKey(), stepClockKey(step)].filter((k) => this.running(k));
    const clocks = keys.map((key) =>
      this.build(key, this.clocks.clocks[key]!.label, (c) => (action.type === 'suspend' ? pauseClock(c!, now, action.reason, actor.userId) : isPaused(c!) ? resumeClock(c!, now, { reason: action.reason, actor: actor.userId }) : c!), now),
    );
    return {
      clocks,
      commit: () => {
        if (action.type === 'resume') {
          this.status = 'in-progress';
          this.suspension = null;
          return { note: `恢复计时${action.reason ? `：${action.reason}` : ''}` };
        }
        this.status = 'suspended';
        this.suspension = { kind: action.kind, reason: action.reason, by: actor.userId, at: new Date(now).toISOString() };
        return { note: `中止计时（${SUSPENSION_KIND_LABEL[action.kind]}，不计入办理时限）：${action.reason}` };
      },
    };
  }

  private planExtensionRequest(actor: Actor, days: number, reason: string, now: number): Plan {
    if (this.expedited) throw rule('expedited-no-extension', '特事特办案件不适用延期', 'An expedited case cannot be extended');
    const v = extensionViolation(this.matter, this.extendedDays, days);
    if (v) throw refused(v);
    return {
      clocks: [],
      commit: () => {
        this.pendingExtension = { days, reason, step: this.currentStep()?.key ?? null, by: actor.userId, at: new Date(now).toISOString() };
        return { note: `申请延期 ${days} 个工作日：${reason}` };
      },
    };
  }

  private planExtensionDecision(actor: Actor, approve: boolean, reason: string | undefined, now: number): Plan {
    const pending = this.pendingExtension!;
    const clocks: ClockChange[] = [];
    if (approve) {
      const why = `延期：${pending.reason}`;
      clocks.push(this.build(CASE, CASE_LABEL, (c) => extendClock(c!, pending.days, now, why, actor.userId), now));
      const step = this.currentStep();
      if (step && step.key === pending.step && this.running(stepClockKey(step))) {
        clocks.push(this.build(stepClockKey(step), stepClockLabel(step), (c) => extendClock(c!, pending.days, now, why, actor.userId), now));
      }
    }
    return {
      clocks,
      commit: () => {
        this.pendingExtension = null;
        if (!approve) return { note: `不同意延期${reason ? `：${reason}` : ''}` };
        this.extendedDays += pending.days;
        return { note: `同意延期 ${pending.days} 个工作日${reason ? `：${reason}` : ''}` };
      },
    };
  }

  private urge(message: string, now: number): Outcome {
    const step = this.currentStep()!;
    this.urgeCount += 1;
    const notices = noticesTo(this.pendingUnits(), {
      caseId: this.input.caseId,
      key: `urge:${this.urgeCount}`,
      kind: 'urge',
      toLeader: true,
      message: `【催办】${this.matter.name}（${this.input.caseId}）在“${step.name}”环节，请抓紧办理。${message}`,
      at: new Date(now).toISOString(),
    });
    return { note: message, notices };
  }

  private planExpedite(actor: Actor, action: Extract<ApprovalAction, { type: 'expedite' }>, now: number): Plan {
    const { budget, reason } = action;
    if (!(EXPEDITE_UNITS as readonly string[]).includes(budget.unit) || budget.amount <= 0) {
      throw rule('expedite-natural-time', '特事特办时限须为自然时间（分钟、小时或天）', 'An expedited limit is natural time: minutes, hours or days');
    }
    const current = this.clocks.status(CASE, now)?.deadline;
    if (current && now + budget.amount * unitMs(budget.unit) >= Date.parse(current)) {
      throw rule('expedite-not-shorter', '特事特办时限须早于现有承诺期限', 'The expedited limit must end before the current deadline');
    }
    const clocks = [
      ...(this.running(CASE) ? [this.stop(CASE, now, `特事特办：${reason}`, actor.userId)] : []),
      this.build(EXPEDITE, EXPEDITE_LABEL, () => startClock(budget, now, { actor: actor.userId, reason }), now),
    ];
    return {
      clocks,
      commit: () => {
        this.expedited = { budget, reason, by: actor.userId, at: new Date(now).toISOString() };
        const dropped = this.pendingExtension ? '；待审批的延期申请作废' : '';
        this.pendingExtension = null;
        return { note: `特事特办，时限改为 ${budget.amount} ${budget.unit}：${reason}${dropped}` };
      },
    };
  }

  private planConclude(actor: Actor, result: string, certificateNo: string | undefined, now: number): Plan {
    if (this.outstanding().length) {
      throw rule('catch-up-outstanding', `容缺材料尚未补齐，不能办结：${materialNames(this.matter.materials, this.outstanding())}`, `Tolerated materials are still outstanding: ${this.outstanding().join(', ')}`);
    }
    this.requireCertificate(certificateNo);
    return {
      clocks: this.stopRunning(now, '办结', actor.userId),
      commit: () => {
        this.conclusion = { result, certificateNo: certificateNo ?? null, at: new Date(now).toISOString() };
        this.status = 'concluded';
        return { note: `办结：${result}${certificateNo ? `（证照编号 ${certificateNo}）` : ''}` };
      },
    };
  }

  private planRating(actor: Actor, action: Extract<ApprovalAction, { type: 'rate' }>, now: number): Plan {
    const { score, comment, rectificationCaseId } = action;
    if (!Number.isInteger(score) || score < 1 || score > 5) throw rule('invalid-score', '评价须为 1–5 分', 'A rating is 1 to 5');
    const bad = score <= BAD_RATING_MAX;
    return {
      clocks: [],
      commit: () => {
        this.rating = { score, comment: comment ?? null, by: actor.userId, at: new Date(now).toISOString(), rectificationCaseId: bad ? rectificationCaseId! : null };
        const note = `评价 ${score} 分${comment ? `：${comment}` : ''}`;
        if (!bad) return { note };
        return { note: `${note}；差评整改任务 ${rectificationCaseId}`, rectification: this.rectification(rectificationCaseId!, score, comment) };
      },
    };
  }

  /** The rectification task (整改) a bad rating opens for the unit that handled the case. */
  private rectification(caseId: string, score: number, comment: string | undefined): StartTaskInput {
    const owner = this.input.supervisingUnitId;
    return {
      caseId,
      title: `差评整改：${this.matter.name}（${this.input.caseId}）`,
      description: `申请人评价 ${score} 分${comment ? `：${comment}` : ''}。请查明原因、整改并反馈。`,
      unitId: this.handlingUnitId ?? this.input.townshipId,
      ownerUnitId: owner,
      createdBy: { userId: 'system', displayName: '系统（好差评）', role: 'system', unitId: owner, unitPath: '' },
      budget: { unit: 'workday', amount: RECTIFICATION_DAYS },
      calendar: this.clocks.calendarContext,
    };
  }

  private requireCertificate(certificateNo: string | undefined): void {
    if (this.matter.category === 'permit' && !certificateNo) throw rule('certificate-required', '行政许可办结须填写证照编号', 'A permit is concluded with a certificate number');
  }

  // ---- clocks ----

  private caseClockKey(): string {
    return this.expedited ? EXPEDITE : CASE;
  }

  /** The deadline of the current step's own limit, while it runs. */
  private stepDeadline(now: number): string | null {
    const step = this.currentStep();
    return step ? (this.clocks.status(stepClockKey(step), now)?.deadline ?? null) : null;
  }

  private running(key: string): boolean {
    return this.clocks.clocks[key]?.clock.stoppedAt === null;
  }

  private build(key: string, label: string, make: (current: SlaClock | undefined) => SlaClock, now: number): ClockChange {
    return planClock(this.clocks, key, label, make, now);
  }

  private stop(key: string, now: number, reason: string, actorId: string): ClockChange {
    return this.build(key, this.clocks.clocks[key]!.label, (c) => stopClock(c!, now, { reason, actor: actorId }), now);
  }

  private stopRunning(now: number, reason: string, actorId: string): ClockChange[] {
    return Object.keys(this.clocks.clocks)
      .filter((k) => this.running(k))
      .map((k) => this.stop(k, now, reason, actorId));
  }

  private startStepClock(step: ResolvedStep, now: number, actorId: string): ClockChange {
    return this.build(stepClockKey(step), stepClockLabel(step), () => startClock({ unit: 'workday', amount: step.limitDays! }, now, { actor: actorId, reason: `进入“${step.name}”` }), now);
  }

  // ---- state helpers ----

  private close(status: ApprovalStatus, reason: string): Outcome {
    this.status = status;
    this.closeReason = reason;
    return { note: reason };
  }

  private touch(now: number): string {
    const at = new Date(now).toISOString();
    this.updatedAt = at;
    if (this.closed && !this.closedAt) this.closedAt = at;
    return at;
  }

  /** Whoever acts for the applicant: the township window, the village agent's unit, or the online user. */
  private applicantHolder(): Omit<AssignmentSnapshot, 'actions'> {
    const by = this.input.submittedBy;
    switch (this.input.channel) {
      case 'window':
        return { unitId: this.input.townshipId, role: 'window_staff' };
      case 'agent':
        return { unitId: by.unitId, role: 'agent' };
      case 'online':
        return { unitId: by.unitId, role: by.role, userId: by.userId };
    }
  }

  private phaseName(): string | null {
    if (this.status === 'submitted' || this.status === 'awaiting-supplement') return '受理';
    if (this.status === 'awaiting-conclusion') return '办结';
    return this.currentStep()?.name ?? null;
  }

  private stepView(step: ResolvedStep, index: number): StepView {
    const current = this.currentStep() !== null && index === this.stepIndex;
    return {
      key: step.key,
      name: step.name,
      role: step.role,
      mode: step.mode,
      unitIds: step.unitIds,
      limitDays: step.limitDays ?? null,
      state: current ? 'current' : index < this.stepIndex ? 'done' : 'pending',
      signatures: this.signatures[index] ?? [],
      signers: (step.seats ?? []).map((seat) => ({
        key: seat.key,
        role: seat.role,
        userId: seat.userId ?? null,
        displayName: seat.displayName ?? null,
        signature: (this.signatures[index] ?? []).find((s) => s.signer === seat.key) ?? null,
      })),
      pendingUnitIds: current ? this.pendingUnits() : [],
      transfers: current ? this.transfers : {},
    };
  }

  private involvedUnits(): { unitId: string; relation: string }[] {
    const units = new Map<string, { unitId: string; relation: string }>();
    for (const s of this.input.steps) for (const unitId of s.unitIds) units.set(`${unitId}|step`, { unitId, relation: 'step' });
    units.set(`${this.input.submittedBy.unitId}|submitter`, { unitId: this.input.submittedBy.unitId, relation: 'submitter' });
    return [...units.values()];
  }

  /** 督办 to the units responsible for each office clock that turned red, to them and their leaders, once per clock. */
  private overdueNotices(changes: LevelChange[]): NoticeRequest[] {
    return changes
      .filter((c) => c.to === 'red' && isOfficeClock(c.key))
      .flatMap((red) => {
        const step = this.input.steps.find((s) => stepClockKey(s) === red.key);
        const units = step ? step.unitIds : this.pendingUnits().length ? this.pendingUnits() : [this.input.townshipId];
        const where = step ? `“${step.name}”环节` : red.label;
        return noticesTo(units, {
          caseId: this.input.caseId,
          key: `overdue:${red.key}`,
          kind: 'overdue',
          toLeader: true,
          message: `【督办】${this.matter.name}（${this.input.caseId}，申请人 ${this.input.applicant.name}）${where}已超期，请立即办理并反馈。`,
          at: red.at,
        });
      });
  }

  private auditState(now: number) {
    return { status: this.status, step: this.currentStep()?.key ?? null, deadline: this.clocks.summary(now).deadline };
  }

  private entry(actor: Actor, action: string, step: string | null, opinion: string | null, at: string): ApprovalHistoryEntry {
    return { at, actorId: actor.userId, actorName: actor.displayName ?? null, unitId: actor.unitId || null, role: actor.role, action, step, opinion };
  }

  private systemNote(action: string, reason: string, before: unknown, after: unknown, at: string): AuditNote {
    return { actorId: 'system', actorUnitId: null, actorRole: 'system', action, reason, before, after, at };
  }
}
