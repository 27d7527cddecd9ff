import { Alert, Button } from 'antd';
import { useLocation, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useUser } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';

/** GET /calendar/status: years that deadlines run into without national holiday data. */
export interface CalendarStatus {
  today: string;
  coveredYears: number[];
  missing: { year: number; why: 'current' | 'next'; message: string; liveCases: number }[];
}

/** The missing-year warning, for admins: this year without data, or from October 1 next year's. */
export function useCalendarStatus(enabled: boolean) {
  return useLoad(
    () => (enabled ? api.get<CalendarStatus>('/calendar/status') : Promise.resolve(undefined)),
    [enabled],
    300_000,
  );
}

export function MissingYearAlerts({
  status,
  onEnter,
}: {
  status: CalendarStatus | undefined;
  onEnter: (year: number) => void;
}) {
  const { pick } = useI18n();
  return (
    <>
      {(status?.missing ?? []).map((m) => (
        <Alert
          key={m.year}
          type={m.why === 'current' ? 'error' : 'warning'}
          showIcon
          banner
          data-testid="calendar-missing-banner"
          data-year={m.year}
          style={{ marginBottom: 16 }}
          title={pick([`${m.year} 年全国节假日安排尚未录入`, `The national holidays of ${m.year} are not entered yet`])}
          description={
            pick([
              `国务院办公厅公布放假安排后，请录入或导入 ${m.year} 年全年安排；在此之前，期限跨入 ${m.year} 年的申请都会被拒绝。`,
              `Once the State Council announces the schedule, enter or import the whole of ${m.year}; until then every application whose deadline reaches into ${m.year} is refused.`,
            ]) +
            (m.liveCases > 0
              ? pick([
                  `已有 ${m.liveCases} 件在办案件的期限跨入该年。`,
                  ` ${m.liveCases} live case(s) already have deadlines in that year.`,
                ])
              : '')
          }
          action={
            <Button type="primary" size="small" onClick={() => onEnter(m.year)} data-action="enter-missing-year">
              {pick([`录入 ${m.year} 年`, `Enter ${m.year}`])}
            </Button>
          }
        />
      ))}
    </>
  );
}

/** Shown above every page for admins while a year is missing; opens the calendar page's year form. */
export function CalendarYearBanner() {
  const user = useUser();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // The calendar page shows the same warning itself, next to the year form.
  const status = useCalendarStatus(user.role === 'admin' && !pathname.startsWith('/admin/calendar'));
  if (pathname.startsWith('/admin/calendar')) return null;
  return <MissingYearAlerts status={status.data} onEnter={(year) => void navigate(`/admin/calendar?enter=${year}`)} />;
}
