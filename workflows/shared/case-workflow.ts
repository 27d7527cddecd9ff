import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { CalendarData } from '../../domain/calendar';
import type { CaseClocks } from './case-clocks';
import { calendarChangedSignal, caseOpenedUpdate, caseStateQuery } from './definitions';
import type { CaseSnapshot } from './case-snapshot';
import type { CaseChanges } from './case-changes';

/**
 * Answer the case-state query with `view`, and the opened update (update-with-start) once `opened`
 * is called, i.e. once the opening transition is in PostgreSQL — or with the failure given to
 * `failed` when it cannot be stored.
 */
export function serveCaseReads(view: () => unknown): { opened(): void; failed(failure: Error): void } {
  let isOpen = false;
  let failure: Error | null = null;
  setHandler(caseStateQuery, view);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => isOpen || failure !== null);
    if (failure) throw failure;
    return view();
  });
  return { opened: () => void (isOpen = true), failed: (f) => void (failure = f) };
}

/**
 * Open a case: run `opening` (its first transitions) in its turn, then answer the opened update.
 * When the opening cannot be stored the opened update is refused with that failure and the
 * workflow ends failed, so no case runs without its read-model row.
 */
export async function openCase(
  changes: CaseChanges,
  reads: ReturnType<typeof serveCaseReads>,
  opening: () => Promise<void>,
): Promise<void> {
  const failure = await changes.open(opening);
  if (!failure) return reads.opened();
  reads.failed(failure);
  await condition(allHandlersFinished);
  throw failure;
}

/**
 * The sleeping half of a case's SLA loop: waits until a clock may change colour, an action was
 * recorded, `done` holds or `until` (epoch ms) is reached, and reloads the calendar when the
 * calendar-changed signal arrived. When that moves the case's deadline, the new envelope is
 * projected (given `snapshot`), so lists and boards show the recomputed deadline at once.
 */
export class ClockWatch {
  private calendarChanged = false;

  constructor(
    private readonly clocks: CaseClocks,
    private readonly changes: CaseChanges,
    private readonly loadCalendar: (input: { region?: string }) => Promise<CalendarData>,
    private readonly snapshot?: (now: number) => CaseSnapshot,
  ) {
    setHandler(calendarChangedSignal, () => void (this.calendarChanged = true));
  }

  async sleep(done: () => boolean, until: number | null = null): Promise<void> {
    const recorder = this.changes.recorder;
    const seq = recorder.seq;
    const next = this.clocks.nextWakeupMs(Date.now());
    const wake = next === null ? until : until === null ? next : Math.min(next, until);
    await condition(
      () => done() || this.calendarChanged || recorder.seq !== seq,
      wake === null ? undefined : Math.max(1, wake - Date.now()),
    );
    if (this.calendarChanged) {
      this.calendarChanged = false;
      const context = this.clocks.calendarContext;
      const data = await this.loadCalendar({ region: context.region });
      await this.changes.step(async () => {
        const before = this.clocks.summary(Date.now()).deadline;
        this.clocks.setCalendar({ ...context, data });
        const after = this.clocks.summary(Date.now()).deadline;
        if (this.snapshot && after !== before) {
          await recorder.record(this.snapshot(Date.now()), {
            actorId: 'system',
            actorUnitId: null,
            actorRole: 'system',
            action: 'calendar.recompute',
            reason: '节假日日历变更，期限重新计算 / holiday calendar changed, deadlines recomputed',
            before: { deadline: before },
            after: { deadline: after },
            at: new Date(Date.now()).toISOString(),
          });
        }
      });
    }
  }
}
