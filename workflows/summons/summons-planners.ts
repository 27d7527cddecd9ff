import { URGENCY_LABEL } from '../../domain/summons';
import { partCaseId, type StartPartInput, type SummonedUnitInfo, type SummonsActionInput } from './definitions';
import type { SummonsCase } from './summons-case';
import { authorise, requireClosable, unitsBlockingClose } from './summons-policy';

/** A checked action; its commit returns the note recorded with it and the parts to start. */
export type SummonsPlan = () => { note: string | null; start: StartPartInput[] };

/**
 * Check an action (who, when, the rules) and plan it: nothing changes until the plan is committed.
 * `waiting`: the check of an action that may still wait for its ending parts (the validator).
 */
export function plan(c: SummonsCase, { actor, action }: SummonsActionInput, now: number, waiting = false): SummonsPlan {
  authorise(c, actor, action.type);
  const at = new Date(now).toISOString();
  switch (action.type) {
    case 'approve':
      return () => {
        c.approval = { by: actor.userId, at, approved: true, note: action.note ?? null };
        c.status = 'summoning';
        const start = c.input.units.map((u) => startPart(c, u, null, now));
        return {
          note: `批准吹哨，召集 ${c.input.units.map((u) => u.name).join('、')}（${URGENCY_LABEL[c.input.urgency]}）${action.note ? `：${action.note}` : ''}`,
          start,
        };
      };
    case 'reject':
      return () => {
        c.approval = { by: actor.userId, at, approved: false, note: action.reason };
        c.status = 'rejected';
        c.closedAt = at;
        return { note: action.reason, start: [] };
      };
    case 'close':
      requireClosable(unitsBlockingClose(c, waiting));
      return () => {
        c.summary = action.summary;
        c.status = 'closed';
        c.closedAt = at;
        return { note: action.summary, start: [] };
      };
  }
}

/** Add `unit`'s part (replacing the part `replaces`, for a re-summons) and return what starts it. */
export function startPart(
  c: SummonsCase,
  unit: SummonedUnitInfo,
  replaces: string | null,
  now: number,
): StartPartInput {
  const i = c.input;
  const caseId = partCaseId(i.caseId, unit.unitId);
  c.parts.push({ caseId, unit, replaces, startedAt: new Date(now).toISOString(), outcome: null });
  return {
    caseId,
    summonsId: i.caseId,
    title: i.title,
    description: i.description,
    reason: i.reason,
    unit,
    township: i.township,
    urgency: i.urgency,
    complexity: i.complexity,
    limits: i.limits,
    dispatcher: i.dispatcher,
    arbiter: i.arbiter,
    replaces,
    calendar: c.clocks.calendarContext,
  };
}
