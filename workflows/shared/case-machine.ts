import type { NoticeRequest } from '../../domain/vocabulary';
import type { StartTaskInput } from '../task/definitions';
import { levelChangeNote, type CaseClocks, type LevelChange } from './case-clocks';
import type { AuditNote, CaseSnapshot } from './case-snapshot';

/**
 * What a step of a case (an action, a timer, a child's outcome) asks the workflow to do, in this
 * order: whatever the process does first (a part tells its whistle it is ending), record each note
 * as a transition, send the notices, open the rectification tasks, then whatever the process adds
 * (start a whistle, its parts). `then` is a further step the machine
 * decides only once these effects are carried out, at the time they end.
 */
export interface CaseEffects {
  notes: AuditNote[];
  notices: NoticeRequest[];
  /** Rectification tasks (整改任务) to open as children that outlive the case. */
  rectifications?: StartTaskInput[];
  then?: (now: number) => CaseEffects;
}

/** Nothing to record or send. */
export const noEffects = (): CaseEffects => ({ notes: [], notices: [] });

/**
 * One case's state machine, free of Temporal APIs. `check` answers whether an action is allowed now
 * and changes nothing (the Update validator); `apply` performs it synchronously (checked again), so
 * a second action in the same workflow task is checked against the new state; `tick` records what
 * the clocks reached by `now`. The runner (case-runner.ts) carries out what they return.
 */
export interface CaseMachine<Input, View, Fx extends CaseEffects = CaseEffects> {
  readonly clocks: CaseClocks;
  /** The workflow may end. */
  readonly finished: boolean;
  check(input: Input, now: number): void;
  apply(input: Input, now: number): Fx;
  tick(now: number): Fx;
  snapshot(now: number): CaseSnapshot;
  view(now: number): View;
  creationNote(): AuditNote;
}

/** A transition the system made (a timer, a child's outcome), not a person. */
export function systemNote(
  action: string,
  reason: string | null,
  before: unknown,
  after: unknown,
  at: string,
): AuditNote {
  return { actorId: 'system', actorUnitId: null, actorRole: 'system', action, reason, before, after, at };
}

/**
 * The note of the colour changes a tick recorded, named after the last one. `state` replaces the
 * default before/after (the first colour, the last colour and every change) for a process that
 * records its own state instead.
 */
export function clockLevelNote(
  changes: readonly LevelChange[],
  at: string,
  state?: { before: unknown; after: unknown },
): AuditNote {
  const last = changes[changes.length - 1]!;
  const { before, after } = state ?? { before: { level: changes[0]!.from }, after: { level: last.to, changes } };
  return systemNote('clock.level', levelChangeNote(last), before, after, at);
}
