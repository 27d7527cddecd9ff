/** The cycle's clocks: the manual scoring window, then the appeal window after publication. */
export const SCORING = 'scoring';
export const SCORING_LABEL = '评分期限';
export const APPEAL = 'appeal';
export const APPEAL_LABEL = '申诉期限';
