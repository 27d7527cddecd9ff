import { condition, setHandler } from '@temporalio/workflow';
import type { CalendarData } from '../../domain/calendar';
import type { CaseClocks } from './case-clocks';
import { calendarChangedSignal, caseOpenedUpdate, caseStateQuery } from './definitions';
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
 * calendar-changed signal arrived, so live deadlines are recomputed.
 */
export class ClockWatch {
  private calendarChanged = false;

  constructor(
    private readonly clocks: CaseClocks,
    private readonly recorder: CaseRecorder,
    private readonly loadCalendar: (input: { region?: string }) => Promise<CalendarData>,
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
      this.clocks.setCalendar({ ...context, data });
    }
  }
}
