import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import { CaseChanges } from './case-changes';
import type { CaseEffects, CaseMachine } from './case-machine';
import type { AuditNote, CaseFacts, FactsByKind, TransitionRecord } from './case-snapshot';
import { ClockWatch, openCase, serveCaseReads } from './case-workflow';
import { CaseRecorder } from './recorder';
import { openRectificationTask } from './rectification';
import { since } from './generation';
import type { NoticeRequest } from '../../domain/vocabulary';

const { loadCalendar, sendNotices } = caseActivities;
const { recordTransition } = projectionActivities;

/**
 * Since this patch a step's notices are stored and sent by the activity that writes its last
 * transition (`TransitionRecord.notices`) instead of a `sendNotices` activity of their own after it:
 * a deadline's red transition and its 督办 are one local activity, one marker and one workflow
 * activation fewer (no CPU difference `bench:timers` could tell from the box's drift). Older
 * histories replay their separate `sendNotices`.
 */
export const NOTICES_WITH_TRANSITION = 'notices-with-transition';

/**
 * Since this patch a transition's statistics facts travel with it (`TransitionRecord.facts`): the
 * projection activity writes the transition, then the facts, so an incident's or a summons' step
 * is one local activity instead of two. Older histories replay the facts activity of their own.
 */
export const FACTS_WITH_TRANSITION = 'facts-with-transition';

/**
 * A `write` for processes with statistics facts: the transition, then the facts taken with it —
 * both by the projection activity, or (before {@link FACTS_WITH_TRANSITION}) the facts by
 * `writeFacts` after it.
 */
export const thenFacts =
  <K extends keyof FactsByKind>(kind: K, writeFacts: (facts: FactsByKind[K]) => Promise<unknown>) =>
  async (transition: TransitionRecord, facts: FactsByKind[K] | undefined): Promise<unknown> => {
    if (facts === undefined) return recordTransition(transition);
    if (since(FACTS_WITH_TRANSITION))
      return recordTransition({ ...transition, facts: { kind, record: facts } as CaseFacts });
    const written = await recordTransition(transition);
    await writeFacts(facts);
    return written;
  };

export interface CaseRunOptions<Input, View, Fx extends CaseEffects, Facts> {
  /** The Update every human action of the process arrives by. */
  update: UpdateDefinition<View, [Input]>;
  /**
   * The recorder with facts: `facts(seq, effects, index)` is taken when a transition is recorded
   * (effects and index: the note's place in what an action or timer returned; null for a note the
   * runner writes itself), and `write` stores the transition with it, in the recorder's order.
   * Without them a transition is written by the projection activity alone.
   */
  facts?: (seq: number, effects: Fx | null, index: number) => Facts;
  write?: (transition: TransitionRecord, facts: Facts | undefined) => Promise<unknown>;
  /** Where the sequence and audit anchor start (a case continued as new). */
  seq?: number;
  anchorHash?: string | null;
  /** Whether a calendar change that moves the deadline is recorded (default true). */
  projectCalendarChanges?: boolean;
  /** Completes an action's input, in its turn, before it is applied (e.g. numbers a case it opens). */
  prepare?: (input: Input) => Promise<Input>;
  /**
   * What an accepted action waits for, if anything, before it takes its turn (a whistle's close,
   * for the results of parts that told it they are ending). Nothing to wait for: undefined, and the
   * action takes its turn at once, as it did before this option.
   */
  ready?: (input: Input) => Promise<void> | undefined;
  /**
   * What the process does with a step's effects before they are recorded, if anything (a part
   * tells its whistle it is ending); undefined when nothing, so the step records at once.
   */
  beforeRecord?: (effects: Fx) => Promise<void> | undefined;
  /** What the process does with its own effects, after notes, notices and rectification tasks. */
  extra?: (effects: Fx) => Promise<void>;
  /** When the case must wake even though no clock changes colour (epoch ms), asked before each sleep. */
  wakeAt?: () => number | null;
}

/**
 * Runs one case machine as a workflow: its recorder, its changes taking turns, the clock watch,
 * the case reads, the action Update (validator = `check`), the opening, and the SLA loop that
 * ticks the machine until it is finished. Every process is run by it; build it where the workflow
 * starts (after the machine), then `open` and `run`.
 */
export class CaseRunner<Input, View, Fx extends CaseEffects, Facts = never> {
  readonly recorder: CaseRecorder;
  readonly changes: CaseChanges;
  readonly watch: ClockWatch;
  private readonly reads: ReturnType<typeof serveCaseReads>;
  private readonly pending = new Map<number, Facts>();
  /** System steps that arrived (a child's outcome), taken in order in the next turn. */
  private readonly arrivals: ((now: number) => Fx)[] = [];

  constructor(
    readonly machine: CaseMachine<Input, View, Fx>,
    private readonly options: CaseRunOptions<Input, View, Fx, Facts>,
  ) {
    const write = options.write ?? ((transition: TransitionRecord) => recordTransition(transition));
    this.recorder = new CaseRecorder(
      async (transition) => {
        const facts = this.pending.get(transition.seq);
        this.pending.delete(transition.seq);
        return write(transition, facts);
      },
      options.seq,
      options.anchorHash ?? null,
    );
    this.changes = new CaseChanges(machine, this.recorder, (note) => this.record(note));
    const snapshot = options.projectCalendarChanges === false ? undefined : (now: number) => machine.snapshot(now);
    this.watch = new ClockWatch(machine.clocks, this.changes, loadCalendar, snapshot);
    this.reads = serveCaseReads(() => machine.view(Date.now()));
    setHandler(
      options.update,
      (input) => {
        const act = () =>
          this.changes.act(async () => {
            const prepared = options.prepare ? await options.prepare(input) : input;
            await this.perform(machine.apply(prepared, Date.now()));
            return machine.view(Date.now());
          });
        const waiting = options.ready?.(input);
        return waiting ? waiting.then(act) : act();
      },
      { validator: (input) => machine.check(input, Date.now()) },
    );
  }

  /**
   * Record `note` as the next transition, with the case's snapshot (and facts) as they are now;
   * `notices` are sent by the same activity once it is written.
   */
  record(note: AuditNote, effects: Fx | null = null, index = 0, notices?: NoticeRequest[]): Promise<void> {
    if (this.options.facts) {
      const seq = this.recorder.seq + 1;
      this.pending.set(seq, this.options.facts(seq, effects, index));
    }
    return this.recorder.record(this.machine.snapshot(Date.now()), note, notices);
  }

  /** Carry out what a step returned (see CaseEffects for the order). */
  async perform(effects: Fx): Promise<void> {
    const before = this.options.beforeRecord?.(effects);
    if (before) await before;
    const { notes, notices } = effects;
    // Notices after notes travel with the last note's write: one local activity, not two.
    const withLast = notes.length > 0 && notices.length > 0 && since(NOTICES_WITH_TRANSITION);
    for (const [i, note] of notes.entries())
      await this.record(note, effects, i, withLast && i === notes.length - 1 ? notices : undefined);
    if (notices.length && !withLast) await sendNotices(notices);
    for (const task of effects.rectifications ?? []) await openRectificationTask(task);
    if (this.options.extra) await this.options.extra(effects);
    if (effects.then) await this.perform(effects.then(Date.now()) as Fx);
  }

  /** Open the case: record its creation (or run `opening`), then answer the opened update. */
  open(opening: () => Promise<void> = () => this.record(this.machine.creationNote())): Promise<void> {
    return openCase(this.changes, this.reads, opening);
  }

  /** A system step that arrived (a child's outcome): performed in the case's next turn. */
  arrive(step: (now: number) => Fx): void {
    this.arrivals.push(step);
  }

  /** Sleep until a clock changes colour or a step arrives; then, in one turn, take the arrivals and tick. */
  async run(): Promise<void> {
    const { machine } = this;
    while (!machine.finished) {
      await this.watch.sleep(() => machine.finished || this.arrivals.length > 0, this.options.wakeAt?.() ?? null);
      await this.changes.step(async () => {
        while (this.arrivals.length > 0) await this.perform(this.arrivals.shift()!(Date.now()));
        await this.perform(machine.tick(Date.now()));
      });
    }
    await this.changes.settled();
  }
}
