import type { NoticeRequest } from '../../domain/vocabulary';
import { BAD_RATING_MAX, missingMaterials, PRECHECK_DAYS, RATING_WINDOW_MS } from '../../domain/approval';
import type { ResolvedSigner, ResolvedStep } from '../../domain/catalogue';
import { startClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import { CaseClocks } from '../shared/case-clocks';
import type { CaseEffects, CaseMachine } from '../shared/case-machine';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { carryOut, type Plan as ClockPlan } from '../shared/clock-plan';
import type { StartTaskInput } from '../task/definitions';
import { build, PRECHECK, PRECHECK_LABEL } from './clocks';
import type {
  ApprovalActionInput,
  ApprovalHistoryEntry,
  ApprovalStatus,
  ApprovalView,
  Signature,
  StartApprovalInput,
  TransferTarget,
} from './definitions';
import { assignments, rule, unique } from './policy';
import { plan } from './planners';
import { closeRating, tick } from './timers';
import { creationNote, snapshot, view } from './views';
import { withAttachments } from '../shared/attachments';

const CLOSED: ReadonlySet<ApprovalStatus> = new Set([
  'concluded',
  'rejected',
  'refused',
  'withdrawn',
  'lapsed',
  'terminated',
]);
const RATABLE: ReadonlySet<ApprovalStatus> = new Set(['concluded', 'rejected']);

/** What a planned action leaves to record and send. */
export interface Outcome {
  note: string | null;
  notices?: NoticeRequest[];
  rectification?: StartTaskInput;
}

/** A checked approval action (see clock-plan.ts). */
export type Plan = ClockPlan<Outcome>;

/** What an action or timer asks the workflow to do: record, notify, open a rectification task. */
export type ApprovalEffects = CaseEffects;

/**
 * The approval case's state, and its machine (workflows/shared/case-machine.ts). Who may act is in
 * policy.ts, which planner an action goes to in planners.ts, the planners themselves in intake.ts,
 * steps.ts, deadlines.ts and conclusion.ts, its clocks in clocks.ts, its timers in timers.ts and
 * its views in views.ts; they all work on this object, so an action that cannot be stored is undone
 * by restoring it alone.
 */
export class ApprovalCase implements CaseMachine<ApprovalActionInput, ApprovalView, ApprovalEffects> {
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

  /** Whether a one-time notice must list every missing material (see noticeViolation). */
  readonly completeNotice: boolean;

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
    this.history.push(
      this.entry(
        input.submittedBy,
        'submit',
        null,
        `${this.matter.name}：${input.applicant.name}（${input.channel}）`,
        this.createdAt,
      ),
    );
    if (precheck && this.matter.kind !== 'instant') {
      const meta = { actor: input.submittedBy.userId, reason: '收件' };
      const clock = build(
        this,
        PRECHECK,
        PRECHECK_LABEL,
        () => startClock({ unit: 'workday', amount: PRECHECK_DAYS }, now, meta),
        now,
      );
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
    return assignments(this);
  }

  /** Throw the failure the API will show when `actor` may not take `action` now; change nothing. */
  check(input: ApprovalActionInput, now: number): void {
    plan(this, input, now);
  }

  /** Perform an action (checked again here); returns what the workflow must record and send. */
  apply(input: ApprovalActionInput, now: number): ApprovalEffects {
    const { actor, action } = input;
    // The workflow numbers a bad rating's rectification task once the rating is checked (workflow.ts).
    if (action.type === 'rate' && action.score <= BAD_RATING_MAX && !action.rectificationCaseId) {
      throw rule(
        'rectification-number-missing',
        '差评须同时生成整改任务编号',
        'A bad rating needs a rectification case number',
      );
    }
    const planned = plan(this, input, now);
    const before = this.auditState(now);
    const step = this.currentStep()?.key ?? null;
    const outcome = carryOut(this.clocks, planned, now);
    const at = this.touch(now);
    this.history.push(this.entry(actor, action.type, step, outcome.note, at));
    return {
      notes: [
        {
          actorId: actor.userId,
          actorUnitId: actor.unitId,
          actorRole: actor.role,
          action: `approval.${action.type}`,
          reason: outcome.note,
          before,
          after: withAttachments(this.auditState(now), 'files' in action ? action.files : undefined),
          at,
        },
      ],
      notices: outcome.notices ?? [],
      rectifications: outcome.rectification ? [outcome.rectification] : [],
    };
  }

  /** Colour changes, the applicant's deadlines (and the §32 deemed acceptance), the rating window: see timers.ts. */
  tick(now: number): ApprovalEffects {
    return tick(this, now);
  }

  /** Close the rating window once it has passed; returns the audit note when it did. */
  closeRating(now: number): AuditNote | null {
    return closeRating(this, now);
  }

  snapshot(now: number): CaseSnapshot {
    return snapshot(this, now);
  }

  view(now: number): ApprovalView {
    return view(this, now);
  }

  creationNote(): AuditNote {
    return creationNote(this);
  }

  // ---- state helpers, shared by the planners and timers ----

  close(status: ApprovalStatus, reason: string): Outcome {
    this.status = status;
    this.closeReason = reason;
    return { note: reason };
  }

  touch(now: number): string {
    const at = new Date(now).toISOString();
    this.updatedAt = at;
    if (this.closed && !this.closedAt) this.closedAt = at;
    return at;
  }

  auditState(now: number) {
    return { status: this.status, step: this.currentStep()?.key ?? null, deadline: this.clocks.summary(now).deadline };
  }

  entry(actor: Actor, action: string, step: string | null, opinion: string | null, at: string): ApprovalHistoryEntry {
    return {
      at,
      actorId: actor.userId,
      actorName: actor.displayName ?? null,
      unitId: actor.unitId || null,
      role: actor.role,
      action,
      step,
      opinion,
    };
  }
}
