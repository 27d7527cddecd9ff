import type { AssessmentPhase } from '../../api/types';

/*
 * The assessment pages' own words, [简体中文, English], read with `pick` from useI18n (the shared
 * message table in i18n.tsx keeps the words other pages use too).
 */

type Label = readonly [string, string];

export const PHASE_LABEL: Record<AssessmentPhase, Label> = {
  opening: ['开启中（指标快照）', 'Opening (snapshot)'],
  scoring: ['评分中', 'Scoring'],
  review: ['已计分，待公示', 'Computed, to publish'],
  published: ['公示中（申诉期）', 'Published (appeal window)'],
  final: ['已终结', 'Final'],
};

export const PERIOD_LABEL: Record<string, Label> = {
  month: ['月度', 'monthly'],
  quarter: ['季度', 'quarterly'],
  year: ['年度', 'yearly'],
};

export const TEXT = {
  openCycle: ['开启考核', 'Open a cycle'],
  openCycleTitle: ['开启一期考核', 'Open an assessment cycle'],
  openCycleHint: [
    '开启后冻结方案当前版本和考核对象，快照自动指标，各评分单位开始评分。考核期须已结束。',
    'Opening freezes the scheme version and ratees, snapshots the automatic indicators and starts scoring. The period must have ended.',
  ],
  schemeRequired: ['请选择考核方案', 'Choose a scheme'],
  periodKey: ['考核期', 'Period'],
  periodHelp: ['月度如 2026-11，季度如 2026-Q3，年度如 2026', 'Month 2026-11, quarter 2026-Q3, year 2026'],
  periodRequired: ['请填写考核期，格式如 2026-11、2026-Q3 或 2026', 'Enter the period, e.g. 2026-11, 2026-Q3 or 2026'],
  opened: ['已开启考核 {id}', 'Cycle {id} opened'],
  progress: ['评分进度', 'Scoring progress'],
  progressHint: [
    '各评分单位应评与已评项数；评分截止 {d}',
    'Scores expected and given per rater unit; scoring closes {d}',
  ],
  raterUnit: ['评分单位', 'Rater unit'],
  givenOf: ['已评 {g} / {e}', '{g} of {e} given'],
  allGiven: ['全部评分单位已评完', 'Every rater has scored'],
  missingTotal: ['尚有 {n} 项未评', '{n} scores still missing'],
  closeScoring: ['结束评分并计分', 'Close scoring and compute'],
  closeTitle: ['提前结束评分', 'Close scoring early'],
  closeHint: [
    '结束后不能再评分；未评分项按方案规则处理，随即计算总分、等次和排名。',
    'No more scores after this; missing scores are handled by the scheme’s rule, then totals, grades and ranks are computed.',
  ],
  closeReason: ['结束原因', 'Reason'],
  closeReasonDefault: ['评分工作已完成', 'Scoring is complete'],
  closed: ['已结束评分，正在计分', 'Scoring closed; computing'],
  publish: ['公示结果', 'Publish the results'],
  publishTitle: ['公示考核结果', 'Publish the results'],
  publishHint: [
    '公示后全县可见排名和得分，考核对象可在申诉期内对本单位（本人）结果提出申诉。',
    'Once published the ranking is visible county-wide and ratees may appeal within the window.',
  ],
  publishNote: ['公示说明（可选）', 'Note (optional)'],
  published: ['已公示', 'Published'],
  scoringDeadline: ['评分截止', 'Scoring closes'],
  ratees: ['考核对象数', 'Ratees'],
  scoreSheet: ['我的评分表', 'My score sheet'],
  scoreSheetHint: [
    '本单位负责为以下考核对象的人工指标评分；评分期内可多次修改，以最后一次为准。左侧为该对象本期自动指标快照，供评分参考。',
    'Your unit scores these ratees’ manual indicators; you may change them until scoring closes. The snapshot figures of the period are shown beside each ratee.',
  ],
  scoreSheetClosed: [
    '评分期已结束，以下为本单位所评分数。',
    'Scoring has closed; these are the scores your unit gave.',
  ],
  snapshot: ['本期数据快照', 'Snapshot of the period'],
  noFigures: ['无自动指标数据', 'No automatic figures'],
  guidance: ['评分说明', 'Guidance'],
  noGuidance: ['方案未写评分说明，按满分 {max} 分打分', 'No guidance in the scheme; score out of {max}'],
  outOf: ['满分 {max}', 'out of {max}'],
  weightOf: ['占 {w} 分', 'worth {w} points'],
  comment: ['评分意见（可选）', 'Comment (optional)'],
  saveScores: ['保存评分', 'Save scores'],
  scoresSaved: ['已保存 {n} 项评分', '{n} scores saved'],
  nothingToSave: ['请至少填写一项得分', 'Enter at least one score'],
  scored: ['已评', 'Scored'],
  unscored: ['未评', 'Not scored'],
  myResult: ['查看本单位结果 / 申诉', 'My result / appeal'],
  myResultUser: ['查看本人结果 / 申诉', 'My result / appeal'],
  appealWindow: ['申诉期至 {d}', 'Appeals until {d}'],
  appealClosed: ['申诉期已过', 'The appeal window has closed'],
  waitingPhase: ['正在更新考核阶段…', 'Updating the phase…'],
} as const satisfies Record<string, Label>;

/** Put `{name}` values into a label half. */
export function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

/** The period that ended last for a scheme's period type, as the API's period key (2026-11, 2026-Q3, 2026), in Beijing time. */
export function lastEndedPeriod(period: string, now = Date.now()): string {
  const d = new Date(now + 8 * 3_600_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  if (period === 'year') return String(y - 1);
  if (period === 'quarter') {
    const q = Math.ceil(m / 3) - 1;
    return q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  }
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
