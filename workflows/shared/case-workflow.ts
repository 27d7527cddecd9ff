import { condition, setHandler } from '@temporalio/workflow';
import type { CalendarData } from '../../domain/calendar';
import type { CaseClocks } from './case-clocks';
import { calendarChangedSignal, caseOpenedUpdate, caseStateQuery } from './definitions';
import type { CaseSnapshot } from './case-snapshot';
import type { CaseRecorder } from './recorder';

/**
 * Answer the case-state query with `view`, and the opened update (update-with-start) once `opened`
 * is called, i.e. once the opening transition is in PostgreSQL.
 */
export function serveCaseReads(view: () => unknown): { opened(): void } {
  let isOpen = false;
  setHandler(caseStateQuery, view);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => isOpen);
    return view();
  });
  return { opened: () => void (isOpen = true) };
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
    private readonly recorder: CaseRecorder,
    private readonly loadCalendar: (input: { region?: string }) => Promise<CalendarData>,
    private readonly snapshot?: (now: number) => CaseSnapshot,
  ) {
    setHandler(calendarChangedSignal, () => void (this.calendarChanged = true));
  }

  async sleep(done: () => boolean, until: number | null = null): Promise<void> {
    const seq = this.recorder.seq;
    const next = this.clocks.nextWakeupMs(Date.now());
    const wake = next === null ? until : until === null ? next : Math.min(next, until);
    await condition(() => done() || this.calendarChanged || this.recorder.seq !== seq, wake === null ? undefined : Math.max(1, wake - Date.now()));
    if (this.calendarChanged) {
      this.calendarChanged = false;
      const context = this.clocks.calendarContext;
      const data = await this.loadCalendar({ region: context.region });
      const before = this.clocks.summary(Date.now()).deadline;
      this.clocks.setCalendar({ ...context, data });
      const after = this.clocks.summary(Date.now()).deadline;
      if (this.snapshot && after !== before) {
        await this.recorder.record(this.snapshot(Date.now()), {
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
    }
  }
}
