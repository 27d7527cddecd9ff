import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { RATING_WINDOW_MS } from '../../domain/approval';
import type { CalendarData } from '../../domain/calendar';
import { CATALOGUE_TEMPLATES } from '../../db/seed/catalogue';
import type { MatterDefinition, ResolvedStep } from '../../domain/catalogue';
import { ApprovalCase } from '../../workflows/approval/approval-case';
import type { ApprovalAction, StartApprovalInput } from '../../workflows/approval/definitions';
import type { Actor } from '../../domain/vocabulary';

/*
 * The approval state machine as plain code (no Temporal server): what `check` refuses, that it
 * changes nothing, and that `apply` changes state synchronously so a second action in the same
 * workflow task sees the first.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const HOUR = 3_600_000;
const calendar: CalendarData = {
  years: { '2026': { holidays: [], workdays: [] }, '2027': { holidays: [], workdays: [] } },
};

const actor = (username: string, role: string, unitId: string): Actor => ({
  userId: `u.lk.${username}`,
  role,
  unitId,
  unitPath: `lk/${unitId}`,
});
const window = actor('t01.window', 'window_staff', 'lk.t01');
const scjgHandler = actor('scjg.handler', 'handler', 'lk.dept.scjg');
const scjgApprover = actor('scjg.approver', 'approver', 'lk.dept.scjg');
const scjgLeader = actor('scjg.leader', 'approver', 'lk.dept.scjg');
const supervisor = actor('lk.supervisor', 'supervisor', 'lk');

function template(code: string): MatterDefinition {
  return CATALOGUE_TEMPLATES.find((m) => m.code === code)!;
}

function resolve(def: MatterDefinition): ResolvedStep[] {
  return def.steps.map((s) => ({ ...s, unitIds: s.unitRule.kind === 'units' ? s.unitRule.unitIds : ['lk.t01'] }));
}

function newCase(code = 'XK-SMALL-CATERING', materials = template(code).materials.map((m) => m.key)): ApprovalCase {
  const definition = template(code);
  const input: StartApprovalInput = {
    caseId: 'SP-2026-000001',
    matter: { code, version: 1, definition },
    steps: resolve(definition),
    applicant: { name: '李秀英' },
    channel: 'window',
    submittedBy: window,
    townshipId: 'lk.t01',
    supervisingUnitId: 'lk',
    materials,
    calendar: { data: calendar, fallback: 'refuse' },
  };
  return new ApprovalCase(input, T0);
}

/** The failure `check` throws, as { type, code }. */
function refusal(
  c: ApprovalCase,
  who: Actor,
  action: ApprovalAction,
  now = T0 + HOUR,
): { type: string | undefined; code: string } {
  try {
    c.check({ actor: who, action }, now);
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    return { type: err.type ?? undefined, code: (err.details?.[0] as { code: string }).code };
  }
  throw new Error(`${action.type} by ${who.userId} was allowed`);
}

let clock = T0;
const apply = (c: ApprovalCase, who: Actor, action: ApprovalAction) =>
  c.apply({ actor: who, action }, (clock += 60_000));

describe('ApprovalCase', () => {
  it('check changes nothing, whether it allows or refuses', () => {
    const c = newCase();
    const before = JSON.stringify(c.view(T0 + HOUR));
    c.check({ actor: window, action: { type: 'accept' } }, T0 + HOUR);
    expect(refusal(c, scjgApprover, { type: 'approve', opinion: '同意' })).toEqual({
      type: 'InvalidState',
      code: 'wrong-state',
    });
    expect(JSON.stringify(c.view(T0 + HOUR))).toBe(before);
  });

  it('applies synchronously: a second approval in the same workflow task is checked against the new step', () => {
    const c = newCase();
    apply(c, window, { type: 'accept' });
    apply(c, window, { type: 'approve', opinion: '受理审查通过' });
    apply(c, scjgHandler, { type: 'approve', opinion: '核查通过' });
    const now = clock + 1;
    c.check({ actor: scjgApprover, action: { type: 'approve', opinion: '甲', step: 'review' } }, now);
    c.check({ actor: scjgLeader, action: { type: 'approve', opinion: '乙', step: 'review' } }, now);
    c.apply({ actor: scjgApprover, action: { type: 'approve', opinion: '甲', step: 'review' } }, now);
    expect(refusal(c, scjgLeader, { type: 'approve', opinion: '乙', step: 'review' }, now)).toEqual({
      type: 'InvalidState',
      code: 'not-current-step',
    });
    expect(c.signatures[2]).toHaveLength(1);
  });

  it('offers each holder one assignment with every action it may take now', () => {
    const c = newCase();
    const holders = () => c.assignments().map((a) => `${a.unitId}|${a.role}|${a.userId ?? ''}`);
    expect(new Set(holders()).size).toBe(holders().length);
    apply(c, window, { type: 'accept' });
    expect(c.assignments()).toEqual([
      {
        unitId: 'lk.t01',
        role: 'window_staff',
        actions: ['approve', 'reject', 'transfer', 'suspend', 'request-extension', 'urge', 'withdraw'],
      },
      { unitId: 'lk', role: 'supervisor', actions: ['expedite'] },
      { unitId: 'lk.t01', role: 'supervisor', actions: ['expedite'] },
    ]);
  });

  it('a catch-up still outstanding blocks conclusion; 特事特办 must shorten the limit and closes extensions', () => {
    const c = newCase('XK-SMALL-CATERING', ['business-licence', 'operator-id', 'premises-layout', 'food-safety-rules']);
    apply(c, window, { type: 'accept', tolerate: ['health-certificates'] });
    expect(
      refusal(c, supervisor, { type: 'expedite', budget: { unit: 'day', amount: 60 }, reason: '急' }),
    ).toMatchObject({ code: 'expedite-not-shorter' });
    expect(
      refusal(c, supervisor, { type: 'expedite', budget: { unit: 'workday', amount: 1 }, reason: '急' }),
    ).toMatchObject({ code: 'expedite-natural-time' });
    apply(c, window, { type: 'request-extension', days: 3, reason: '复杂' });
    apply(c, supervisor, { type: 'expedite', budget: { unit: 'hour', amount: 4 }, reason: '重点项目' });
    expect(c.pendingExtension).toBeNull();
    expect(c.clocks.clocks.case!.clock.stoppedAt).not.toBeNull();
    for (const who of [window, scjgHandler, scjgApprover, scjgLeader])
      apply(c, who, { type: 'approve', opinion: '同意' });
    expect(c.status).toBe('awaiting-conclusion');
    expect(refusal(c, window, { type: 'conclude', result: '准予许可', certificateNo: 'X1' })).toEqual({
      type: 'RuleRefused',
      code: 'catch-up-outstanding',
    });
    apply(c, window, { type: 'supplement', materials: ['health-certificates'] });
    apply(c, window, { type: 'conclude', result: '准予许可', certificateNo: 'X1' });
    expect(c.status).toBe('concluded');
  });

  it('the rating window closes 30 days after conclusion, after which the workflow may end', () => {
    const c = newCase('JB-ELDER-CARD');
    apply(c, window, { type: 'accept', conclude: { result: '已发证' } });
    expect(c.finished).toBe(false);
    const closesAt = c.ratingClosesAt()!;
    expect(closesAt - Date.parse(c.closedAt!)).toBe(RATING_WINDOW_MS);
    expect(c.closeRating(closesAt - 1)).toBeNull();
    expect(c.closeRating(closesAt)).toMatchObject({ action: 'approval.rating-closed' });
    expect(c.finished).toBe(true);
    expect(c.assignments()).toEqual([]);
    expect(refusal(c, window, { type: 'rate', score: 5 }, closesAt + 1)).toMatchObject({ code: 'wrong-state' });
  });

  it('a bad rating is checked without a number, applied only with one, and opens a 15-working-day task for the handling unit', () => {
    const c = newCase('JB-ELDER-CARD');
    apply(c, window, { type: 'accept', conclude: { result: '已发证' } });
    // The workflow numbers the task once the rating passes its check (so refused ratings use no number).
    expect(() => c.check({ actor: window, action: { type: 'rate', score: 2 } }, T0 + HOUR)).not.toThrow();
    expect(() => c.apply({ actor: window, action: { type: 'rate', score: 2 } }, T0 + HOUR)).toThrow(
      /rectification case number/,
    );
    expect(c.rating).toBeNull();
    const effects = apply(c, window, { type: 'rate', score: 2, rectificationCaseId: 'RW-2026-000009' });
    expect(effects.rectifications?.[0]).toMatchObject({
      caseId: 'RW-2026-000009',
      unitId: 'lk.t01',
      ownerUnitId: 'lk',
      budget: { unit: 'workday', amount: 15 },
    });
    expect(c.finished).toBe(true);
  });
});
