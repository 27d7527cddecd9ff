import { eq, inArray } from 'drizzle-orm';
import type { CalendarData } from '../domain/calendar';
import type { Db } from '../db';
import { calendarDays, calendarYears, NATIONAL_REGION } from '../db/schema/calendar';
import type { TransitionRecord } from '../workflows/shared/case-snapshot';
import type { IncidentFactsRecord } from '../workflows/incident/definitions';
import { createAssessmentActivities } from './assessment';
import { recordIncidentFacts } from './incident';
import { DEFAULT_DELIVERY_POLICY, deliverDueNotices, recordOnlyNotifier, sendNotices, type DeliveryPolicy, type NoticeRequest, type Notifier } from './notices';
import { recordTransition } from './projection';
import { recordSummonsFacts, recordSummonsPartFacts } from './summons';
import type { PartFactsRecord, SummonsFactsRecord } from '../workflows/summons/definitions';

export interface ActivityDeps {
  db: Db;
  notifier?: Notifier;
  /** Attempts and back-off of notice delivery (default {@link DEFAULT_DELIVERY_POLICY}). */
  deliveryPolicy?: DeliveryPolicy;
}

/** Read the calendar (national years plus the region's overlay) as the JSON the workflows compute with. */
export async function loadCalendarData(db: Db, region?: string): Promise<CalendarData> {
  const regions = region && region !== NATIONAL_REGION ? [NATIONAL_REGION, region] : [NATIONAL_REGION];
  const [years, days] = await Promise.all([
    db.select().from(calendarYears).where(eq(calendarYears.region, NATIONAL_REGION)),
    db.select().from(calendarDays).where(inArray(calendarDays.region, regions)).orderBy(calendarDays.date),
  ]);
  const data: CalendarData = { years: {}, overlays: {} };
  for (const y of years) data.years[String(y.year)] = { holidays: [], workdays: [] };
  for (const d of days) {
    const target =
      d.region === NATIONAL_REGION
        ? data.years[d.date.slice(0, 4)]
        : (data.overlays![d.region] ??= { holidays: [], workdays: [] });
    if (!target) continue;
    (d.kind === 'holiday' ? target.holidays : target.workdays).push({ date: d.date, name: d.name });
  }
  return data;
}

/** Activities are built with their dependencies so tests can pass real or fake ones (convention 2). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAssessmentActivities(deps, loadCalendarData),
    async recordTransition(record: TransitionRecord): Promise<{ applied: boolean }> {
      return recordTransition(deps.db, record);
    },
    async loadCalendar(input: { region?: string }): Promise<CalendarData> {
      return loadCalendarData(deps.db, input.region);
    },
    async sendNotices(requests: NoticeRequest[]): Promise<{ created: number }> {
      return sendNotices(deps.db, deps.notifier ?? recordOnlyNotifier, requests, deps.deliveryPolicy ?? DEFAULT_DELIVERY_POLICY);
    },
    async deliverDueNotices(input: { limit: number }): Promise<{ delivered: number; pending: number; failed: number }> {
      return deliverDueNotices(deps.db, deps.notifier ?? recordOnlyNotifier, deps.deliveryPolicy ?? DEFAULT_DELIVERY_POLICY, input.limit);
    },
    async recordIncidentFacts(facts: IncidentFactsRecord): Promise<{ applied: boolean }> {
      return recordIncidentFacts(deps.db, facts);
    },
    async recordSummonsFacts(facts: SummonsFactsRecord): Promise<{ applied: boolean }> {
      return recordSummonsFacts(deps.db, facts);
    },
    async recordSummonsPartFacts(facts: PartFactsRecord): Promise<{ applied: boolean }> {
      return recordSummonsPartFacts(deps.db, facts);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
