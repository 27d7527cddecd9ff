import { inArray } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { schemeDefinitionSchema, type SchemeDefinitionInput } from '../../domain/assessment';
import { assessmentSchemes, assessmentSchemeVersions } from '../schema/assessment';
import { secondments } from '../schema/secondment';
import { DEMO_COMMAND_CENTRE_ID, DEMO_COUNTY_ID, DEMO_ORGANISATION_DEPARTMENT_ID, demoUserId } from './demo-county';

/*
 * The demo county's indicator schemes (DOMAIN §7), one per direction. Raters: a rater unit's
 * leaders and its assessors score (the county command centre's dispatchers too). The county
 * assessor (`lk.assessor`) runs every cycle and decides appeals.
 */

const LINE_DEPARTMENTS = { kinds: ['department' as const], idPrefix: 'lk.dept.' };
const TOWNSHIPS = { kinds: ['township' as const, 'street' as const] };

/** Seconded staff (选派人员) of the demo: the handlers of three villages/communities stand in for them. */
export const DEMO_SECONDED_STAFF = ['t01.v01.handler', 't02.v01.handler', 't03.c01.handler'].map(demoUserId);

/**
 * Their secondments: two from county bureaus in the org tree (a return restores their unit and
 * role there), one from a county public institution outside the system (a return deactivates the
 * account and hands the person back through the organisation department).
 */
export const DEMO_SECONDMENTS = [
  {
    userId: demoUserId('t01.v01.handler'),
    hostUnitId: 'lk.t01.v01',
    originUnitId: 'lk.dept.nync',
    originUnitName: null,
    originRole: 'handler' as const,
  },
  {
    userId: demoUserId('t02.v01.handler'),
    hostUnitId: 'lk.t02.v01',
    originUnitId: 'lk.dept.mzj',
    originUnitName: null,
    originRole: 'handler' as const,
  },
  {
    userId: demoUserId('t03.c01.handler'),
    hostUnitId: 'lk.t03.c01',
    originUnitId: null,
    originUnitName: '兰考县农业技术推广中心',
    originRole: null,
  },
].map((s) => ({ ...s, startDate: '2025-03-01', plannedEndDate: '2028-02-29', createdBy: 'seed' }));

export const DEMO_ASSESSMENT_SCHEMES: readonly { code: string; name: string; definition: SchemeDefinitionInput }[] = [
  {
    code: 'township-monthly',
    name: '县直部门对乡镇月度考核',
    definition: {
      direction: 'county-to-township',
      period: 'month',
      ownerUnitId: DEMO_COUNTY_ID,
      ratees: { type: 'units', units: TOWNSHIPS },
      sides: [
        {
          code: 'county',
          name: '县直部门评价',
          weight: 1,
          raters: { relation: 'fixed', units: LINE_DEPARTMENTS, roles: ['assessor'], leaders: true },
        },
      ],
      indicators: [
        {
          code: 'approval-on-time',
          name: '审批按期办结率',
          side: 'county',
          weight: 20,
          formula: { type: 'ratio', numerator: 'approval.onTime', denominator: 'approval.concluded' },
        },
        {
          code: 'incident-on-time',
          name: '事件按期办结率',
          side: 'county',
          weight: 20,
          formula: { type: 'ratio', numerator: 'incident.onTime', denominator: 'incident.resolved' },
        },
        {
          code: 'disposal',
          name: '事件处置率',
          side: 'county',
          weight: 10,
          formula: { type: 'ratio', numerator: 'incident.disposed', denominator: 'incident.total' },
        },
        {
          code: 'escalation',
          name: '矛盾不上交（上报率越低越好）',
          side: 'county',
          weight: 5,
          formula: {
            type: 'ratio',
            numerator: 'incident.escalated',
            denominator: 'incident.total',
            zeroAt: 0.5,
            fullAt: 0,
          },
        },
        {
          code: 'satisfaction',
          name: '群众满意率',
          side: 'county',
          weight: 10,
          formula: { type: 'ratio', numerator: 'incident.satisfied', denominator: 'incident.calledBack' },
        },
        {
          code: 'hotline-response',
          name: '12345 响应率',
          side: 'county',
          weight: 4.5,
          formula: { type: 'ratio', numerator: 'hotline.responded', denominator: 'hotline.orders' },
        },
        {
          code: 'hotline-resolution',
          name: '12345 解决率',
          side: 'county',
          weight: 5.25,
          formula: { type: 'ratio', numerator: 'hotline.resolved', denominator: 'hotline.calledBack' },
        },
        {
          code: 'hotline-satisfaction',
          name: '12345 满意率',
          side: 'county',
          weight: 5.25,
          formula: { type: 'ratio', numerator: 'hotline.satisfied', denominator: 'hotline.calledBack' },
        },
        {
          code: 'urging',
          name: '督办扣分',
          side: 'county',
          weight: 10,
          formula: { type: 'deduction', metric: 'notice.overdue', perEvent: 20, floor: 0 },
        },
        {
          code: 'enforcement',
          name: '执法工作及成效（部门评价）',
          side: 'county',
          weight: 10,
          formula: { type: 'manual', max: 100 },
          description:
            '按本部门对该乡镇本月联合执法、案件移交和整改落实情况打分：工作主动、成效明显 90 分以上；按要求完成 80–89 分；有推诿或整改不到位 60–79 分；未开展 60 分以下',
        },
      ],
    },
  },
  {
    code: 'department-quarterly',
    name: '乡镇对县直部门季度考核',
    definition: {
      direction: 'township-to-department',
      period: 'quarter',
      ownerUnitId: DEMO_COUNTY_ID,
      ratees: { type: 'units', units: LINE_DEPARTMENTS },
      sides: [
        {
          code: 'township',
          name: '乡镇评价',
          weight: 1,
          raters: { relation: 'fixed', units: TOWNSHIPS, roles: ['assessor'], leaders: true },
        },
      ],
      indicators: [
        {
          code: 'report-on-time',
          name: '报到及时率',
          side: 'township',
          weight: 25,
          formula: { type: 'ratio', numerator: 'summons.ackOnTime', denominator: 'summons.parts' },
        },
        {
          code: 'result-on-time',
          name: '结果反馈及时率',
          side: 'township',
          weight: 15,
          formula: { type: 'ratio', numerator: 'summons.resultOnTime', denominator: 'summons.parts' },
        },
        {
          code: 'summons-satisfaction',
          name: '乡镇评价满意率',
          side: 'township',
          weight: 15,
          formula: { type: 'ratio', numerator: 'summons.satisfied', denominator: 'summons.rated' },
        },
        {
          code: 'red-cards',
          name: '红牌与督办扣分',
          side: 'township',
          weight: 10,
          formula: { type: 'deduction', metric: 'summons.misses', perEvent: 25, floor: 0 },
        },
        {
          code: 'incident-on-time',
          name: '事件按期办结率',
          side: 'township',
          weight: 15,
          formula: { type: 'ratio', numerator: 'incident.onTime', denominator: 'incident.resolved' },
        },
        {
          code: 'cooperation',
          name: '配合乡镇工作（乡镇评价）',
          side: 'township',
          weight: 20,
          formula: { type: 'manual', max: 100 },
          description:
            '按本季度该部门响应吹哨、到场处置和配合乡镇中心工作的情况打分：随叫随到、主动靠前 90 分以上；按时到场 80–89 分；需多次催促 60–79 分；拒不配合 60 分以下',
        },
      ],
    },
  },
  {
    code: 'agency-annual',
    name: '派驻机构年度考核（乡镇评价占 60%）',
    definition: {
      direction: 'township-to-department',
      period: 'year',
      ownerUnitId: DEMO_COUNTY_ID,
      ratees: { type: 'units', units: { kinds: ['agency'] } },
      sides: [
        {
          code: 'township',
          name: '所在乡镇评价',
          weight: 0.6,
          raters: { relation: 'ratee-township', roles: ['assessor'], leaders: true },
        },
        {
          code: 'department',
          name: '主管部门评价',
          weight: 0.4,
          raters: { relation: 'ratee-department', roles: ['assessor'], leaders: true },
        },
      ],
      indicators: [
        {
          code: 'report-on-time',
          name: '报到及时率',
          side: 'township',
          weight: 30,
          formula: { type: 'ratio', numerator: 'summons.ackOnTime', denominator: 'summons.parts' },
        },
        {
          code: 'incident-on-time',
          name: '事件按期办结率',
          side: 'township',
          weight: 20,
          formula: { type: 'ratio', numerator: 'incident.onTime', denominator: 'incident.resolved' },
        },
        {
          code: 'township-review',
          name: '乡镇综合评价',
          side: 'township',
          weight: 50,
          formula: { type: 'manual', max: 100 },
          description: '按派驻机构全年服从乡镇统一指挥、参与综合执法和值班值守情况综合打分',
        },
        {
          code: 'department-review',
          name: '主管部门业务考核',
          side: 'department',
          weight: 100,
          formula: { type: 'manual', max: 100 },
          description: '按主管部门对派驻机构全年业务工作的考核结果打分',
        },
      ],
    },
  },
  {
    code: 'grid-worker-monthly',
    name: '网格员月度考核',
    definition: {
      direction: 'grid-worker',
      period: 'month',
      ownerUnitId: DEMO_COUNTY_ID,
      ratees: { type: 'users', role: 'grid_worker' },
      sides: [
        {
          code: 'centre',
          name: '县综合指挥中心',
          weight: 0.4,
          raters: {
            relation: 'fixed',
            units: { kinds: ['department'], ids: [DEMO_COMMAND_CENTRE_ID] },
            roles: ['dispatcher', 'assessor'],
            leaders: true,
          },
        },
        {
          code: 'township',
          name: '所在乡镇',
          weight: 0.6,
          raters: { relation: 'ratee-township', roles: ['assessor'], leaders: true },
        },
      ],
      indicators: [
        {
          code: 'platform-points',
          name: '平台积分（巡查上报）',
          side: 'centre',
          weight: 60,
          formula: { type: 'linear', metric: 'grid.reported', zeroAt: 0, fullAt: 20 },
        },
        {
          code: 'spot-check',
          name: '抽查核验',
          side: 'centre',
          weight: 40,
          formula: { type: 'manual', max: 100 },
          description:
            '按县综合指挥中心本月抽查该网格员上报事件的真实性、准确性打分：抽查全部属实 100 分，每发现一件不实扣 10 分',
        },
        {
          code: 'attendance',
          name: '出勤',
          side: 'township',
          weight: 30,
          formula: { type: 'manual', max: 100 },
          description: '按本月巡查签到和例会出勤情况打分：全勤 100 分，每缺勤一天扣 5 分',
        },
        {
          code: 'special-tasks',
          name: '专项任务',
          side: 'township',
          weight: 30,
          formula: { type: 'manual', max: 100 },
          description: '按本月乡镇交办的专项任务（如人口信息采集、安全隐患排查）完成情况打分',
        },
        {
          code: 'leadership-review',
          name: '领导评价',
          side: 'township',
          weight: 40,
          formula: { type: 'manual', max: 100 },
          description: '由乡镇分管领导按工作态度、群众评价和日常表现综合打分',
        },
      ],
      bands: [
        { code: 'excellent', label: '优秀', min: 90, payGrade: '一档（全额绩效 + 奖励）' },
        { code: 'good', label: '良好', min: 80, payGrade: '二档（全额绩效）' },
        { code: 'pass', label: '合格', min: 60, payGrade: '三档（绩效 80%）' },
        { code: 'fail', label: '不合格', min: 0, payGrade: '四档（扣发绩效）' },
      ],
    },
  },
  {
    code: 'seconded-annual',
    name: '选派人员年度考核',
    definition: {
      direction: 'seconded-staff',
      period: 'year',
      ownerUnitId: DEMO_COUNTY_ID,
      personnelUnitId: DEMO_ORGANISATION_DEPARTMENT_ID,
      ratees: { type: 'users', userIds: DEMO_SECONDED_STAFF },
      sides: [
        {
          code: 'township',
          name: '所在乡镇评价',
          weight: 0.5,
          raters: { relation: 'ratee-township', roles: ['assessor'], leaders: true },
        },
        {
          code: 'county',
          name: '县级考核',
          weight: 0.5,
          raters: { relation: 'fixed', units: { kinds: ['county'] }, roles: ['assessor'], leaders: true },
        },
      ],
      indicators: [
        {
          code: 'performance',
          name: '工作实绩',
          side: 'township',
          weight: 60,
          formula: { type: 'manual', max: 100 },
          description: '按选派人员全年在村（社区）的工作实绩打分：年度任务完成情况、群众认可度、突出贡献',
        },
        {
          code: 'satisfaction',
          name: '驻点群众满意率',
          side: 'township',
          weight: 40,
          formula: { type: 'ratio', numerator: 'incident.satisfied', denominator: 'incident.calledBack' },
        },
        {
          code: 'annual-review',
          name: '年度考评',
          side: 'county',
          weight: 100,
          formula: { type: 'manual', max: 100 },
          description: '由县委组织部按年度考评结果打分',
        },
      ],
      bands: [
        { code: 'excellent', label: '优秀', min: 90, outcome: '转为乡镇在编人员', secondment: 'convert' },
        { code: 'pass', label: '合格', min: 60, outcome: '维持现状', secondment: 'continue' },
        { code: 'fail', label: '不合格', min: 0, outcome: '退回原单位，一年内不得再选派', secondment: 'return' },
      ],
    },
  },
];

/** Seed the demo schemes as version 1; schemes that exist are left as an administrator edited them. */
export async function seedAssessmentSchemes<TSchema extends Record<string, unknown>>(
  db: Pick<NodePgDatabase<TSchema>, 'insert'>,
): Promise<number> {
  let inserted = 0;
  for (const s of DEMO_ASSESSMENT_SCHEMES) {
    const rows = await db
      .insert(assessmentSchemes)
      .values({ code: s.code, name: s.name, currentVersion: 1 })
      .onConflictDoNothing()
      .returning({ code: assessmentSchemes.code });
    if (rows.length === 0) continue;
    await db.insert(assessmentSchemeVersions).values({
      schemeCode: s.code,
      version: 1,
      definition: schemeDefinitionSchema.parse(s.definition),
      reason: '初始方案（演示数据）',
      createdBy: 'seed',
    });
    inserted += 1;
  }
  return inserted;
}

/** Seed the demo secondments for people who have none yet (an administrator's records are left alone). */
export async function seedSecondments<TSchema extends Record<string, unknown>>(
  db: Pick<NodePgDatabase<TSchema>, 'insert' | 'select'>,
): Promise<number> {
  const existing = new Set(
    (
      await db
        .select({ userId: secondments.userId })
        .from(secondments)
        .where(inArray(secondments.userId, DEMO_SECONDED_STAFF))
    ).map((r) => r.userId),
  );
  const rows = DEMO_SECONDMENTS.filter((s) => !existing.has(s.userId));
  if (rows.length === 0) return 0;
  return (await db.insert(secondments).values(rows).returning({ id: secondments.id })).length;
}
