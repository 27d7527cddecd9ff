import { api } from '../api/client';
import type { CaseDetail, InboxItem, ProcessType } from '../api/types';
import { PART_ACTION_LABEL } from '../labels';
import { PROCESSES } from '.';
import type { ActionSpec, Label } from './types';

/**
 * The common action of an inbox row, done in two taps (the row's button, then confirm): approve
 * with the default opinion, sign for (签收), 报到 for a summons part, verify (核查) as passed. Each
 * sends what the case page's form would send with its defaults untouched, to the same endpoint;
 * anything else (another opinion, a failed verification, evidence) stays on the case page.
 */
export interface QuickAction {
  type: string;
  label: Label;
  /** What the confirm says will be sent, beyond the action itself (e.g. the default opinion). */
  detail: Label | null;
  /** Carry it out; `idempotencyKey` is the same for every attempt of one confirm. */
  run(idempotencyKey: string): Promise<unknown>;
}

/** Per process, the actions that take two taps, in the order one is preferred when a row holds several. */
const QUICK: Partial<Record<ProcessType, readonly string[]>> = {
  approval: ['approve'],
  incident: ['sign', 'verify'],
  summons: ['acknowledge'],
};

/** The values of a form left as it opens: every field that has a default. */
function defaults(spec: ActionSpec): Record<string, unknown> {
  return Object.fromEntries(spec.fields.filter((f) => f.initial !== undefined).map((f) => [f.name, f.initial]));
}

/** The row's two-tap action, or null when it holds none. */
export function quickActionOf(row: Pick<InboxItem, 'id' | 'process' | 'actions' | 'currentStep'>): QuickAction | null {
  const type = QUICK[row.process]?.find((a) => row.actions.includes(a));
  if (!type) return null;
  if (row.process === 'summons') {
    // A department's part, `<summons>.<unit>`: 报到 goes to the part's own endpoint, as on the department page.
    const dot = row.id.indexOf('.');
    if (dot < 0) return null;
    const path = `/summons/${encodeURIComponent(row.id.slice(0, dot))}/departments/${encodeURIComponent(row.id.slice(dot + 1))}/actions`;
    return {
      type,
      label: PART_ACTION_LABEL.acknowledge,
      detail: null,
      run: (key) => api.post(path, { type }, { idempotencyKey: key }),
    };
  }
  const module = PROCESSES[row.process];
  const spec = module?.actions[type];
  if (!module || !spec) return null;
  const values = defaults(spec);
  // The confirm names what goes with the action: a switch left on by its label, a text by its value.
  const shown = spec.fields.filter((f) => f.initial === true || typeof f.initial === 'string');
  const say = (i: 0 | 1, sep: string, colon: string) =>
    shown.map((f) => (f.initial === true ? f.label[i] : `${f.label[i]}${colon}${String(f.initial)}`)).join(sep);
  return {
    type,
    label: spec.label,
    detail: shown.length ? [say(0, '；', '：'), say(1, '; ', ': ')] : null,
    async run(key) {
      let body = values;
      if (spec.toBody) {
        // The body names the case's current step (as the case page's does), so the tap acts on the step the row showed.
        const detail = await api.get<CaseDetail>(`/cases/${encodeURIComponent(row.id)}`);
        if (detail.currentStep !== row.currentStep) throw new StaleRowError();
        body = spec.toBody(values, detail);
      }
      return api.post(module.actionPath(row.id), { type, ...body }, { idempotencyKey: key });
    },
  };
}

/** The case moved on since the inbox was loaded: nothing was sent. */
export class StaleRowError extends Error {
  constructor() {
    super('stale inbox row');
    this.name = 'StaleRowError';
  }
}
