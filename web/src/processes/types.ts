import type { ComponentType } from 'react';
import type { CaseDetail } from '../api/types';

type Label = readonly [string, string];

/** One form field of an action, validated with the same limits as the API's zod schema. */
export type FieldSpec = { name: string; label: Label; required?: boolean; initial?: unknown } & (
  | { kind: 'text' | 'textarea'; max: number }
  | { kind: 'number'; min: number; max: number; step?: number }
  | { kind: 'select'; options: { value: string; label: Label }[] }
  | { kind: 'tags' }
  | { kind: 'switch' }
);

export interface ActionSpec {
  label: Label;
  fields: FieldSpec[];
  /** Shown as the primary button (the action that moves the case forward). */
  primary?: boolean;
  danger?: boolean;
  /** Build the request body from the form values when it is not simply `{ type, ...values }`. */
  toBody?: (values: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * What the console knows about one process: where its actions go, the form of each action, and
 * an optional view of its live state. Adding a process (approvals, incidents…) = one module here.
 */
export interface ProcessModule {
  actionPath: (caseId: string) => string;
  actions: Record<string, ActionSpec>;
  LiveView?: ComponentType<{ detail: CaseDetail }>;
}
