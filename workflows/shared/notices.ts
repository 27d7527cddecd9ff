import type { NoticeRequest } from '../../domain/vocabulary';

/** The same notice to each of `unitIds` (the notices table keeps one row per case, key and unit). */
export function noticesTo(unitIds: readonly string[], notice: Omit<NoticeRequest, 'unitId'>): NoticeRequest[] {
  return unitIds.map((unitId) => ({ ...notice, unitId }));
}
