import type { Band } from './assessment';
import { shanghaiDate, type Instant, type LocalDate } from './time';

/*
 * Seconded staff (选派人员, DOMAIN §7; Lankao's 兰改发〔2017〕11号): county staff working in a
 * township or village for a period, assessed once a year. 优秀 → taken into the township's
 * establishment (转为乡镇在编) and the secondment ends with a transfer; 不合格 → returned to the
 * original unit, and for a year neither seconded again nor admitted to the special-post exams;
 * 合格 → nothing changes.
 */

export const SECONDMENT_STATUSES = ['active', 'ended', 'returned', 'converted'] as const;
export type SecondmentStatus = (typeof SECONDMENT_STATUSES)[number];
export const SECONDMENT_STATUS_LABEL: Record<SecondmentStatus, string> = {
  active: '选派中',
  ended: '已结束',
  returned: '已退回原单位',
  converted: '已转为乡镇在编',
};

/** What a seconded-staff grade does to the person's secondment. */
export const SECONDMENT_EFFECTS = ['convert', 'return', 'continue'] as const;
export type SecondmentEffect = (typeof SECONDMENT_EFFECTS)[number];
export const SECONDMENT_EFFECT_LABEL: Record<SecondmentEffect, string> = {
  convert: '拟转为乡镇在编，已交组织部门办理',
  return: '退回原单位，一年内不得再选派',
  continue: '继续选派，维持现状',
};

/**
 * The effect of a grade: the band's own `secondment` setting, else by position — the best band
 * converts, the lowest (from 0) returns, every band between continues.
 */
export function secondmentEffectOf(bands: readonly Band[], gradeCode: string): SecondmentEffect {
  const i = bands.findIndex((b) => b.code === gradeCode);
  const band = bands[i];
  if (band?.secondment) return band.secondment;
  if (i === 0) return 'convert';
  if (i === bands.length - 1) return 'return';
  return 'continue';
}

/** The day a bar decided at `decidedAt` ends: one year later (Asia/Shanghai); from that day the person may be seconded again. */
export function barEndDate(decidedAt: Instant): LocalDate {
  const [y, m, d] = shanghaiDate(decidedAt).split('-').map(Number) as [number, number, number];
  // 29 February + one year is 1 March: never less than a full year.
  return new Date(Date.UTC(y + 1, m - 1, d)).toISOString().slice(0, 10);
}

/** The refusal of a barred person, naming the rule and the day the bar ends (Chinese first). */
export function barRefusal(
  person: { userId: string; name: string },
  until: LocalDate,
  cycleId: string | null,
): { code: string; zh: string; en: string } {
  const source = cycleId ? `（考核 ${cycleId}）` : '';
  return {
    code: 'secondment-barred',
    zh: `选派人员年度考核不合格退回原单位的，一年内不得再选派：${person.name}${source}的禁止期至 ${until} 止（当日起方可再选派）`,
    en: `A seconded person returned after failing the yearly assessment may not be seconded again for a year: ${person.userId}${cycleId ? ` (cycle ${cycleId})` : ''} is barred until ${until}`,
  };
}

/** One result of a final cycle, for the outcomes it carries. */
export interface FinalResult {
  userId: string;
  rateeName: string;
  unitPath: string;
  total: number;
  grade: string;
  gradeLabel: string;
  payGrade: string | null;
  /** Seconded-staff cycles: what the grade does (domain/secondment.ts). */
  effect: SecondmentEffect | null;
  indicators: { code: string; name: string; score: number }[];
}

/** What a final cycle carries out (activity input). */
export interface CycleOutcomesInput {
  caseId: string;
  schemeName: string;
  periodKey: string;
  periodLabel: string;
  direction: string;
  /** The decision: when the cycle became final. */
  decidedAt: string;
  /** The organisation department that receives conversion and handover tasks. */
  personnelUnitId: string;
  results: FinalResult[];
}

/** A task the workflow opens for an outcome (conversion, or handover to a unit outside the system). */
export interface OutcomeTask {
  caseId: string;
  userId: string;
  title: string;
  description: string;
}

/** What the cycle carried out, per person. */
export interface CarriedOutcome {
  userId: string;
  effect: SecondmentEffect;
  note: string;
  barUntil: string | null;
  taskCaseId: string | null;
}

export interface CycleOutcomes {
  outcomes: CarriedOutcome[];
  tasks: OutcomeTask[];
  payGrades: number;
}
