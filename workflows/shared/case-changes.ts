import { allHandlersFinished, ApplicationFailure, condition, log, sleep } from '@temporalio/workflow';
import { since } from './generation';
import type { AuditNote } from './case-snapshot';
import { CaseErrorType, caseError } from './errors';
import { captureState } from './memento';
import { PROJECTION_REJECTED } from '../../domain/vocabulary';
import type { CaseRecorder } from './recorder';

/** Since this patch a case's changes take turns (see CaseChanges). */
export const SERIAL_CHANGES_PATCH = 'serial-case-changes';

/** Since this patch a case answers its actions in a workflow task of their own before it closes (see CaseChanges.settled). */
export const ANSWER_BEFORE_CLOSE_PATCH = 'answer-before-close';

/** True when `err` (or what caused it) is a projection write that can never succeed. */
export function isProjectionRejected(err: unknown): boolean {
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i += 1) {
    if (e instanceof ApplicationFailure && e.type === PROJECTION_REJECTED) return true;
  }
  return false;
}

/** The refusal an action (or a start) gets when its transition cannot be stored; the API answers it as a 422. */
export function notRecordable(err: unknown, opening = false): ApplicationFailure {
  const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return caseError(
    CaseErrorType.RuleRefused,
    'action-not-recordable',
    `${opening ? '案件无法建立' : '操作无法记录'}（数据无法保存：${cause}）${opening ? '' : '，案件未作任何改变'}`,
    `The ${opening ? 'case cannot be opened' : 'action cannot be recorded'} (its data cannot be stored: ${cause})${opening ? '' : '; the case is unchanged'}`,
  );
}

/**
 * Changes to one case, one at a time, each one whole. An action (an Update) and a system step (a
 * timer, a child's outcome, a calendar change) take turns: each applies its change and writes its
 * transitions before the next begins, so no change is applied over another one's unwritten state.
 * An action whose projection is rejected as never storable (ProjectionRejected) is undone: the case
 * object goes back to its state before the action, the sequence to the last transition written,
 * and the caller gets a 422 refusal rather than a case whose workflow moved on while its read
 * model and audit log could not. Should the action already have written some of its transitions,
 * `undone` records the restored state with a note saying so, keeping workflow, read model and
 * audit chain equal.
 *
 * A history from before turns existed replays without them (`patched`): there every change runs
 * at once, as it did. Build it once, where the workflow starts.
 */
export class CaseChanges {
  private tail: Promise<unknown> = Promise.resolve();
  private refusedOpening = false;
  /** Actions begun so far (each accepted Update is in the history, so replay counts the same). */
  private acted = 0;
  private readonly serial = since(SERIAL_CHANGES_PATCH);

  constructor(
    private readonly subject: object,
    readonly recorder: CaseRecorder,
    private readonly undone: (note: AuditNote) => Promise<unknown>,
  ) {}

  /** A system step, in its turn. */
  step<T>(fn: () => Promise<T>): Promise<T> {
    return this.turn(fn);
  }

  /** An action, in its turn, all or nothing (see the class comment). */
  act<T>(fn: () => Promise<T>): Promise<T> {
    this.acted += 1;
    return this.turn(async () => {
      if (this.refusedOpening)
        throw caseError(
          CaseErrorType.InvalidState,
          'case-not-opened',
          '案件未能建立，不能办理',
          'The case could not be opened; no action is possible',
        );
      const restore = captureState(this.subject);
      const seqBefore = this.recorder.seq;
      try {
        return await fn();
      } catch (err) {
        if (!isProjectionRejected(err)) throw err;
        restore();
        this.recorder.rewind();
        const partly = this.recorder.seq > seqBefore;
        log.error('action undone: its transition cannot be stored', {
          seq: seqBefore,
          partlyWritten: partly,
          error: String(err),
        });
        if (partly) {
          const at = new Date(Date.now()).toISOString();
          await this.undone({
            actorId: 'system',
            actorUnitId: null,
            actorRole: 'system',
            action: 'case.undo',
            reason: '上一操作的数据无法保存，已撤销 / the previous action could not be stored and was undone',
            before: null,
            after: null,
            at,
          });
        }
        throw notRecordable(err);
      }
    });
  }

  /**
   * Wait until the case may close (complete, fail or continue as new): every action has finished
   * and its answer has gone out in a workflow task that does not close the case. Temporal refuses a
   * workflow task that closes a case while a signal (a calendar change) came in during it, and
   * aborts every Update that task answered first ("unexpected workflow task failure", a 503): an
   * action that closes the case would fail because a signal arrived. A 1 ms timer ends the task
   * that answers; an action accepted meanwhile is waited for and answered the same way. A history
   * from before this patch closes at once, as it did.
   */
  async settled(): Promise<void> {
    await condition(allHandlersFinished);
    if (!since(ANSWER_BEFORE_CLOSE_PATCH)) return;
    for (;;) {
      const acted = this.acted;
      await sleep(1);
      await condition(allHandlersFinished);
      if (this.acted === acted) return;
    }
  }

  /**
   * Record the opening transition(s). When they are rejected the case cannot exist: later actions
   * are refused, and the caller fails the workflow with the returned failure (and refuses the
   * opened update with it), so no case runs without its read-model row.
   */
  async open(fn: () => Promise<void>): Promise<ApplicationFailure | null> {
    try {
      await this.step(fn);
      return null;
    } catch (err) {
      if (!isProjectionRejected(err)) throw err;
      this.refusedOpening = true;
      log.error('case not opened: its opening transition cannot be stored', { error: String(err) });
      return notRecordable(err, true);
    }
  }

  private turn<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.serial) return fn();
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
