import type { Page } from './api/types';
import type { Translate } from './i18n';

/**
 * The total a pager takes. Case lists and the inbox count only up to a cap (`totalIsLowerBound`:
 * more match); then the pager gets one row past the page shown, so its "next" stays enabled and
 * each later page counts a little further.
 */
export function pagerTotal(p: Page<unknown> | undefined, page: number, pageSize: number): number {
  if (!p) return 0;
  return p.totalIsLowerBound ? Math.max(p.total, page * pageSize) + 1 : p.total;
}

/** "共 12 件", or "共 1000+ 件" past a capped count. */
export function totalText(t: Translate, p: Pick<Page<unknown>, 'total' | 'totalIsLowerBound'>): string {
  return t(p.totalIsLowerBound ? 'totalAtLeast' : 'total', { n: p.total });
}
