import { LEVEL_LABEL, TOP_LEVEL, type IncidentLevelNo } from '../../domain/incident';
import { resumeClock } from '../../domain/sla-clock';
import type { LevelChange } from '../shared/case-clocks';
import { clockLevelNote, systemNote } from '../shared/case-machine';
import { carryOut, planClock } from '../shared/clock-plan';
import type { SummonsOutcome } from '../summons/definitions';
import { levelLabel, ORDER } from './clocks';
import type { LateUnit } from './definitions';
import type { IncidentCase, IncidentEffects } from './incident-case';
import { planEscalation } from './planners';
import { OPEN } from './policy';

/** The whistle ended (closed, or not approved): the event resumes where it was, its level clock running again. */
export function summonsEnded(c: IncidentCase, outcome: SummonsOutcome, now: number): IncidentEffects {
  const before = c.auditState();
  const ref = c.summonses.find((s) => s.caseId === outcome.caseId);
  if (ref) ref.outcome = outcome;
  const resumed = planClock(
    c.clocks,
    c.levelClock,
    levelLabel(c, c.level),
    (clock) => resumeClock(clock!, now, { reason: `吹哨结束（${outcome.caseId}）` }),
    now,
  );
  const at = c.touch(now);
  const note = {
    closed: `吹哨办结（${outcome.caseId}）：${outcome.summary ?? ''}`,
    rejected: `吹哨未获批准（${outcome.caseId}）`,
    aborted: `吹哨流程异常终止（${outcome.caseId}）`,
  }[outcome.status];
  carryOut(c.clocks, { clocks: [resumed], commit: () => (c.status = c.beforeSummons) }, now);
  c.history.push({
    at,
    actorId: 'system',
    unitId: null,
    role: 'system',
    action: 'summons-ended',
    level: c.level,
    note,
  });
  return {
    notes: [systemNote('incident.summons-ended', note, before, { ...c.auditState(), summons: outcome }, at)],
    notices: [],
  };
}

/**
 * Timers: record colour changes; a level whose limit expired unresolved moves up one level with
 * the late unit recorded and urged (督办 to it and its leader; at L4: red card and 督办 to the
 * department and the county leadership);
 * a 12345 order past its deadline is due for a callback, with 督办 to the handling unit.
 */
export function tick(c: IncidentCase, now: number): IncidentEffects {
  const effects: IncidentEffects = { notes: [], notices: [] };
  const changes = c.clocks.recordTransitions(now);
  if (changes.length) effects.notes.push(clockLevelNote(changes, c.touch(now)));
  const red = (key: string, list: LevelChange[]) => list.some((change) => change.key === key && change.to === 'red');
  if (OPEN.has(c.status) && red(c.levelClock, changes)) expireLevel(c, now, effects);
  if (c.input.hotline && !c.orderOverdue && red(ORDER, changes) && !c.closedAt) expireOrder(c, now, effects);
  return effects;
}

function expireLevel(c: IncidentCase, now: number, effects: IncidentEffects): void {
  const deadline = c.clocks.status(c.levelClock, now)?.deadline ?? null;
  const at = new Date(now).toISOString();
  const late: LateUnit = { level: c.level, unitId: c.assignee.unitId, deadline, at };
  if (c.level < TOP_LEVEL) {
    const before = c.auditState();
    const target = (c.level + 1) as IncidentLevelNo;
    const plan = planEscalation(c, target, `${LEVEL_LABEL[c.level]}处置时限已到未办结，自动上报`, true, now);
    c.lateUnits.push(late);
    const expired = c.levelClock;
    const note = carryOut(c.clocks, plan, now);
    c.history.push({
      at,
      actorId: 'system',
      unitId: null,
      role: 'system',
      action: 'auto-escalate',
      level: late.level,
      note,
    });
    effects.notes.push(systemNote('incident.auto-escalate', note, before, { ...c.auditState(), late }, at));
    // DOMAIN §3/§5: the late unit and its leader are urged at every level, not only at L4.
    if (c.lateUnitNotices) {
      effects.notices.push({
        caseId: c.input.caseId,
        key: `overdue:${expired}`,
        kind: 'overdue',
        unitId: late.unitId,
        toLeader: true,
        message: `【督办】事件“${c.input.title}”（${c.input.caseId}）${LEVEL_LABEL[late.level]}处置时限已到未办结，已自动上报至${LEVEL_LABEL[target]}；请贵单位说明超时原因并配合办理。`,
        at,
      });
    }
    return;
  }
  if (c.redCard) return;
  const before = c.auditState();
  c.lateUnits.push(late);
  c.redCard = true;
  const reason = `四级（县级）处置时限已到未办结：红牌警告，督办`;
  c.history.push({
    at,
    actorId: 'system',
    unitId: null,
    role: 'system',
    action: 'red-card',
    level: c.level,
    note: reason,
  });
  effects.notes.push(systemNote('incident.red-card', reason, before, { ...c.auditState(), late }, at));
  const subject = `事件“${c.input.title}”（${c.input.caseId}）`;
  effects.notices.push(
    {
      caseId: c.input.caseId,
      key: `red-card:${c.levelClock}`,
      kind: 'red-card',
      unitId: c.assignee.unitId,
      toLeader: true,
      message: `【红牌】${subject}四级处置已超期，请立即办理并反馈。`,
      at,
    },
    {
      caseId: c.input.caseId,
      key: `overdue:${c.levelClock}`,
      kind: 'overdue',
      unitId: c.input.territory.countyId,
      toLeader: true,
      message: `【督办】${subject}县级处置已超期（责任单位 ${c.assignee.unitId}），请县领导督办。`,
      at,
    },
  );
}

function expireOrder(c: IncidentCase, now: number, effects: IncidentEffects): void {
  const before = c.auditState();
  const at = c.touch(now);
  c.orderOverdue = true;
  c.callbackDue = true;
  const reason = `12345 工单（${c.input.hotline!.orderTypeName}）已到期未办结，需回访诉求人`;
  c.history.push({
    at,
    actorId: 'system',
    unitId: null,
    role: 'system',
    action: 'order-overdue',
    level: c.level,
    note: reason,
  });
  effects.notes.push(systemNote('incident.order-overdue', reason, before, c.auditState(), at));
  effects.notices.push({
    caseId: c.input.caseId,
    key: `overdue:${ORDER}`,
    kind: 'overdue',
    unitId: c.assignee.unitId,
    toLeader: true,
    message: `【督办】12345 工单“${c.input.title}”（${c.input.caseId}）已超过办理时限，请立即办理。`,
    at,
  });
}
