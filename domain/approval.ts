import type { Material, RuleViolation } from './catalogue';

/**
 * Pure rules of an approval case's pre-check (DOMAIN §4): materials, the one-time notice
 * (一次性告知), 容缺受理 and extensions. Each returns the violated rule, or null when the rule holds.
 */

/** A bad rating (好差评, 1–5) at or below this score opens a rectification task. */
export const BAD_RATING_MAX = 2;
/** Working days a rectification task opened by a bad rating is due in. */
export const RECTIFICATION_DAYS = 15;
/** How long after conclusion a rating is accepted (natural time, milliseconds). */
export const RATING_WINDOW_MS = 30 * 86_400_000;

/**
 * §32 行政许可法: missing materials must be notified at once within five days of receipt, otherwise
 * the application counts as accepted from the day it was received; §82 counts these days as
 * working days.
 */
export const PRECHECK_DAYS = 5;

/** §42 行政许可法: a limit may be extended by at most ten working days beyond the statutory limit. */
export const MAX_EXTENSION_BEYOND_STATUTORY_DAYS = 10;

const violation = (code: string, zh: string, en: string): RuleViolation => ({ code, path: [], zh, en });
const names = (materials: readonly Material[]) => materials.map((m) => `“${m.name}”`).join('、');
const keys = (materials: readonly Material[]) => materials.map((m) => m.key).join(', ');

/** The matter's materials not in `provided`, in catalogue order. */
export function missingMaterials(materials: readonly Material[], provided: readonly string[]): Material[] {
  return materials.filter((m) => !provided.includes(m.key));
}

/** Keys that are not materials of the matter. */
export function unknownMaterialViolation(
  materials: readonly Material[],
  listed: readonly string[],
): RuleViolation | null {
  const unknown = listed.filter((k) => !materials.some((m) => m.key === k));
  if (unknown.length === 0) return null;
  return violation(
    'unknown-material',
    `本事项没有这些材料：${unknown.join('、')}`,
    `Not materials of this matter: ${unknown.join(', ')}`,
  );
}

/**
 * A one-time notice (一次性告知, 行政许可法 §32(4): "一次告知申请人需要补正的全部内容") must list
 * materials that are really missing, and every missing material at once: a second notice is not
 * allowed, so an item left out could never be asked for again. `allMissing: false` is the rule
 * before it was tightened (only key materials had to be listed), kept for cases that began then.
 */
export function noticeViolation(
  materials: readonly Material[],
  provided: readonly string[],
  listed: readonly string[],
  { allMissing = true }: { allMissing?: boolean } = {},
): RuleViolation | null {
  const unknown = unknownMaterialViolation(materials, listed);
  if (unknown) return unknown;
  if (listed.length === 0)
    return violation(
      'notice-empty',
      '一次性告知须列明需补正的材料',
      'A one-time notice must list the materials to supplement',
    );
  const alreadyProvided = materials.filter((m) => listed.includes(m.key) && provided.includes(m.key));
  if (alreadyProvided.length) {
    return violation(
      'notice-lists-provided',
      `告知书列入了申请人已提交的材料：${names(alreadyProvided)}`,
      `The notice lists materials already provided: ${keys(alreadyProvided)}`,
    );
  }
  const omitted = missingMaterials(materials, provided).filter(
    (m) => (allMissing || m.isKey) && !listed.includes(m.key),
  );
  if (omitted.length) {
    return violation(
      'notice-incomplete',
      `一次性告知须一次列明需补正的全部材料（行政许可法第三十二条），遗漏了：${names(omitted)}`,
      `A one-time notice must list every missing material at once (Administrative Licensing Law §32); it leaves out: ${keys(omitted)}`,
    );
  }
  return null;
}

/**
 * Acceptance: every key material must be present; every missing non-key material must be tolerated
 * explicitly (容缺受理), and only missing non-key materials may be tolerated. `noticeGiven`: the
 * one-time notice was already used, so the refusal points to 补正 or 容缺 rather than to a notice.
 */
export function acceptanceViolation(
  materials: readonly Material[],
  provided: readonly string[],
  tolerate: readonly string[],
  { noticeGiven = false }: { noticeGiven?: boolean } = {},
): RuleViolation | null {
  const unknown = unknownMaterialViolation(materials, tolerate);
  if (unknown) return unknown;
  const missing = missingMaterials(materials, provided);
  const missingKey = missing.filter((m) => m.isKey);
  if (missingKey.length) {
    const next = noticeGiven
      ? {
          zh: '；已作过一次性告知，请申请人补正或不予受理',
          en: '; the one-time notice was given: the applicant supplements, or the application is refused',
        }
      : { zh: '', en: '' };
    return violation(
      'key-material-missing',
      `关键材料不齐，不能受理（含容缺受理）：${names(missingKey)}${next.zh}`,
      `Key materials are missing; the application cannot be accepted: ${keys(missingKey)}${next.en}`,
    );
  }
  const notTolerable = materials.filter((m) => tolerate.includes(m.key) && (m.isKey || provided.includes(m.key)));
  if (notTolerable.length) {
    return violation(
      'not-tolerable',
      `只有缺少的非关键材料才能容缺：${names(notTolerable)}`,
      `Only missing non-key materials may be tolerated: ${keys(notTolerable)}`,
    );
  }
  const untolerated = missing.filter((m) => !tolerate.includes(m.key));
  if (untolerated.length) {
    return violation(
      'materials-missing',
      noticeGiven
        ? `材料不齐：${names(untolerated)}；已作过一次性告知，请申请人补正，或对这些非关键材料容缺受理（tolerate）`
        : `材料不齐：${names(untolerated)}；请一次性告知补正，或对非关键材料容缺受理`,
      noticeGiven
        ? `Materials are missing: ${keys(untolerated)}; the one-time notice was given: the applicant supplements them, or accept tolerating these non-key materials`
        : `Materials are missing: ${keys(untolerated)}; give a one-time notice or tolerate the non-key ones`,
    );
  }
  return null;
}

/** An extension (延期) may not take the promised limit beyond the statutory limit plus ten working days. */
export function extensionViolation(
  limits: { promisedLimitDays: number; statutoryLimitDays: number },
  alreadyExtended: number,
  days: number,
): RuleViolation | null {
  const max = limits.statutoryLimitDays + MAX_EXTENSION_BEYOND_STATUTORY_DAYS;
  if (limits.promisedLimitDays + alreadyExtended + days <= max) return null;
  return violation(
    'extension-too-long',
    `延期后时限（${limits.promisedLimitDays + alreadyExtended + days} 个工作日）超过法定时限加 ${MAX_EXTENSION_BEYOND_STATUTORY_DAYS} 个工作日（${max}）`,
    `The extended limit (${limits.promisedLimitDays + alreadyExtended + days} working days) exceeds the statutory limit plus ${MAX_EXTENSION_BEYOND_STATUTORY_DAYS} (${max})`,
  );
}

/** An identity number with all but the first and last four characters hidden. */
export function maskIdNumber(id: string): string {
  return id.length <= 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}
