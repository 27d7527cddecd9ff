import type { ComponentType } from 'react';
import type { CaseDetail } from '../api/types';

export type Label = readonly [string, string];
export type Option = { value: string | number; label: Label };

/** One form field of an action, validated with the same limits as the API's zod schema. */
export type FieldSpec = {
  name: string;
  label: Label;
  required?: boolean;
  initial?: unknown;
  /** Shown only when this holds for the case (e.g. 即办件 fields on acceptance). */
  when?: (detail: CaseDetail) => boolean;
} & (
  | { kind: 'text' | 'textarea'; max: number }
  | { kind: 'number'; min: number; max: number; step?: number; integer?: boolean }
  /** Options may come from the case itself (e.g. the materials an application still lacks). */
  | { kind: 'select' | 'multi'; options: Option[] | ((detail: CaseDetail) => Option[]); max?: number }
  | { kind: 'tags'; maxItems: number; maxLength: number }
  | { kind: 'switch' }
  /** An org unit, picked by name. */
  | { kind: 'unit' }
  /** Photos or PDFs uploaded to the case at once; the value is their ids (sent as `attachmentIds`). */
  | { kind: 'files' }
);

export interface ActionSpec {
  label: Label;
  fields: FieldSpec[];
  /** Shown as the primary button (the action that moves the case forward). */
  primary?: boolean;
  danger?: boolean;
  /** Build the request body from the form values when it is not simply `{ type, ...values }`. */
  toBody?: (values: Record<string, unknown>, detail: CaseDetail | undefined) => Record<string, unknown>;
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
