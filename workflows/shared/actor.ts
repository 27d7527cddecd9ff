/** Who takes an action, as the API resolved it from the caller's token; checked again by the workflow. */
export interface Actor {
  userId: string;
  displayName?: string;
  role: string;
  unitId: string;
  unitPath: string;
}

/** The system itself (timers, escalations). */
export const SYSTEM_ACTOR: Actor = { userId: 'system', displayName: '系统', role: 'system', unitId: '', unitPath: '' };
