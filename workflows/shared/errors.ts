import { ApplicationFailure } from '@temporalio/workflow';

/** Failure types a case workflow raises; the API maps them to HTTP statuses (api/temporal.ts). */
export const CaseErrorType = {
  /** The actor may not take this action on this case (403). */
  Forbidden: 'Forbidden',
  /** The action does not fit the case's current state, or was already taken (409). */
  InvalidState: 'InvalidState',
  /** A domain rule refuses the action, e.g. no calendar data for a deadline's year (422). */
  RuleRefused: 'RuleRefused',
} as const;
export type CaseErrorType = (typeof CaseErrorType)[keyof typeof CaseErrorType];

/** The bilingual message carried in a failure's details. */
export interface CaseErrorDetail {
  code: string;
  zh: string;
  en: string;
}

/** Build a non-retryable failure with a Chinese and an English message. */
export function caseError(type: CaseErrorType, code: string, zh: string, en: string): ApplicationFailure {
  const detail: CaseErrorDetail = { code, zh, en };
  return ApplicationFailure.create({ type, message: en, details: [detail], nonRetryable: true });
}
