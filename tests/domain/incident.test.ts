import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../domain/calendar';
import {
  DEFAULT_DISPUTE_WINDOW,
  disputeDeadline,
  disputeTooLate,
  incidentSettingsSchema,
  reportStartLevel,
} from '../../domain/incident';

/** 2026 with the 清明 holiday (2026-04-04 to 04-06) and no make-up day; office hours 09:00–12:00, 13:30–17:30. */
const calendar = buildCalendar(
  {
    years: {
      '2026': {
        holidays: ['2026-04-04', '2026-04-05', '2026-04-06'].map((date) => ({ date, name: '清明节' })),
        workdays: [],
      },
    },
  },
  { fallback: 'refuse' },
);
const at = (local: string) => Date.parse(`${local}+08:00`);

describe('派单异议 window (DOMAIN §5 "within a short period")', () => {
  it('defaults to 2 working hours, also for settings stored before the rule existed', () => {
    expect(DEFAULT_DISPUTE_WINDOW).toEqual({ unit: 'workhour', amount: 2 });
    const stored = {
      commandCentreUnitId: 'lk.zhzx',
      verifier: { 1: 'level-above', 2: 'reporting-grid', 3: 'reporting-grid', 4: 'reporting-grid' },
      callbackSources: [],
      hotlineWeights: { response: 0.3, resolution: 0.35, satisfaction: 0.35 },
    };
    expect(incidentSettingsSchema.parse(stored).disputeWindow).toEqual(DEFAULT_DISPUTE_WINDOW);
    expect(
      incidentSettingsSchema.safeParse({ ...stored, disputeWindow: { unit: 'workhour', amount: 0 } }).success,
    ).toBe(false);
  });

  it('counts office hours on working days: Friday 17:00 + 2 working hours ends Monday 10:30, and a holiday Monday moves it to Tuesday', () => {
    expect(disputeDeadline(DEFAULT_DISPUTE_WINDOW, at('2026-03-06T17:00:00'), calendar).getTime()).toBe(
      at('2026-03-09T10:30:00'),
    );
    // 2026-04-03 is a Friday; 04-04 to 04-06 (Sat–Mon) are the 清明 holiday.
    expect(disputeDeadline(DEFAULT_DISPUTE_WINDOW, at('2026-04-03T17:00:00'), calendar).getTime()).toBe(
      at('2026-04-07T10:30:00'),
    );
  });

  it('lets a dispute through up to the end of the window and refuses it after, naming the rule in both languages', () => {
    const dispatched = at('2026-03-06T17:00:00');
    expect(disputeTooLate(DEFAULT_DISPUTE_WINDOW, dispatched, at('2026-03-09T10:30:00'), calendar)).toBeNull();
    const late = disputeTooLate(DEFAULT_DISPUTE_WINDOW, dispatched, at('2026-03-09T10:31:00'), calendar);
    expect(late).toEqual({
      code: 'dispute-window-passed',
      zh: expect.stringContaining(
        '派单异议须在派单后 2 个工作小时内提出（规则：派单异议期限，截止 2026-03-09T10:30:00+08:00）',
      ),
      en: expect.stringContaining(
        'within 2 working hour(s) of the dispatch (rule: dispute window, ended 2026-03-09T10:30:00+08:00)',
      ),
    });
  });

  it('does not take the right to dispute away when the calendar has no data for the window', () => {
    expect(
      disputeTooLate({ unit: 'workday', amount: 1 }, at('2026-12-31T10:00:00'), at('2027-01-05T10:00:00'), calendar),
    ).toBeNull();
  });
});

describe('where a report starts (DOMAIN §5: grid → village → township → county)', () => {
  const routes = [
    { unitId: 'lk.t01.v01.g01', role: 'grid_worker' },
    { unitId: 'lk.t01.v01', role: 'handler' },
    { unitId: 'lk.t01', role: 'handler' },
    { unitId: 'lk.dept.cgzf', role: 'handler' },
  ];

  it('sends a grid worker’s own report to the village to sign for, not back to the grid worker', () => {
    expect(reportStartLevel(routes, { unitId: 'lk.t01.v01.g01', role: 'grid_worker' })).toBe(2);
  });

  it('keeps the level a dispatcher chose, the grid included', () => {
    expect(reportStartLevel(routes, { unitId: 'lk.t01', role: 'dispatcher' })).toBe(1);
    expect(reportStartLevel(routes, { unitId: 'lk.t01', role: 'dispatcher' }, 3)).toBe(3);
  });

  it('skips only the reporter’s own unit and role: a category routed elsewhere at L1 stays at L1', () => {
    const elsewhere = [{ unitId: 'lk.t01.v01', role: 'handler' }, ...routes.slice(1)];
    expect(reportStartLevel(elsewhere, { unitId: 'lk.t01.v01.g01', role: 'grid_worker' })).toBe(1);
  });

  it('refuses when every level would route back to the reporter', () => {
    const self = { unitId: 'lk.t01.v01', role: 'handler' };
    expect(reportStartLevel([self, self, self, self], self)).toMatchObject({ code: 'incident-route-reporter' });
  });
});
