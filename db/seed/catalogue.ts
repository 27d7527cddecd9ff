import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { z } from 'zod';
import { matterDefinitionSchema, type MatterDefinition, type matterShapeSchema } from '../../domain/catalogue';
import { matters, matterVersions } from '../schema/catalogue';

/*
 * The shipped matter templates (DOMAIN §4), as the demo county's catalogue, version 1. Units are the
 * demo county's (db/seed/demo-county.ts): steps held "by the submitting township" resolve per
 * application; fixed units name county departments and offices. Limits are working days.
 */

type Template = z.input<typeof matterShapeSchema>;

const SUBMITTING_TOWNSHIP = { kind: 'submitting-township' } as const;
const units = (...unitIds: string[]) => ({ kind: 'units' as const, unitIds });

const TEMPLATES: readonly Template[] = [
  {
    code: 'XK-SMALL-CATERING',
    name: '小餐饮经营许可',
    category: 'permit',
    handlingLevel: 'county',
    legalBasis:
      '《中华人民共和国食品安全法》第三十五条；《中华人民共和国行政许可法》第四十二条；《河南省食品小作坊、小餐饮和食品摊贩管理条例》',
    materials: [
      { key: 'business-licence', name: '营业执照', form: 'copy', isKey: true },
      { key: 'operator-id', name: '经营者身份证件', form: 'copy', isKey: true },
      { key: 'premises-layout', name: '经营场所平面布局图、设备布局及操作流程说明', form: 'original', isKey: true },
      { key: 'food-safety-rules', name: '食品安全管理制度', form: 'original', isKey: false },
      { key: 'health-certificates', name: '从业人员健康证明', form: 'copy', isKey: false },
    ],
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    kind: 'promise',
    channels: ['window', 'online'],
    steps: [
      { key: 'accept', name: '受理审查', role: 'window_staff', unitRule: SUBMITTING_TOWNSHIP, limitDays: 1 },
      { key: 'inspect', name: '现场核查', role: 'handler', unitRule: units('lk.dept.scjg'), limitDays: 5 },
      { key: 'review', name: '审核', role: 'approver', unitRule: units('lk.dept.scjg'), limitDays: 2 },
      { key: 'decide', name: '审批决定', role: 'approver', unitRule: units('lk.dept.scjg'), limitDays: 2 },
    ],
    hotline: '12345',
  },
  {
    code: 'JB-ELDER-CARD',
    name: '老年人优待证办理',
    category: 'public_service',
    handlingLevel: 'township',
    legalBasis: '《中华人民共和国老年人权益保障法》第五十七条、第五十八条；《河南省老年人权益保障条例》',
    materials: [
      { key: 'id-card', name: '居民身份证', form: 'original', isKey: true },
      { key: 'photo', name: '近期一寸免冠照片', form: 'original', isKey: false },
    ],
    statutoryLimitDays: 5,
    promisedLimitDays: 0,
    kind: 'instant',
    channels: ['window', 'agent', 'online'],
    steps: [{ key: 'issue', name: '受理并当场发证', role: 'window_staff', unitRule: SUBMITTING_TOWNSHIP }],
    hotline: '12345',
  },
  {
    code: 'GG-TEMP-RELIEF',
    name: '临时救助审批',
    category: 'public_service',
    handlingLevel: 'township',
    legalBasis:
      '《社会救助暂行办法》第四十七条至第五十条；《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）',
    materials: [
      { key: 'application', name: '临时救助申请书', form: 'original', isKey: true },
      { key: 'applicant-id', name: '申请人身份证件', form: 'copy', isKey: true },
      { key: 'hardship-proof', name: '遭遇困难的证明材料（医疗票据、事故证明等）', form: 'copy', isKey: true },
      { key: 'income-statement', name: '家庭收入和财产状况声明', form: 'original', isKey: false },
    ],
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    kind: 'promise',
    channels: ['window', 'agent'],
    steps: [
      { key: 'survey', name: '入户调查', role: 'handler', unitRule: SUBMITTING_TOWNSHIP, limitDays: 4 },
      { key: 'township-review', name: '乡镇审核', role: 'approver', unitRule: SUBMITTING_TOWNSHIP, limitDays: 3 },
      { key: 'county-approval', name: '县民政局审批', role: 'approver', unitRule: units('lk.dept.mzj'), limitDays: 3 },
    ],
    hotline: '12345',
  },
  {
    code: 'ZZ-DUTY-ADMISSION',
    name: '职责准入审核',
    category: 'other',
    handlingLevel: 'county',
    legalBasis:
      '中央关于深入解决形式主义突出问题、持续为基层减负的要求：确需委托或者交由乡镇（街道）承担的事项，需由县级职能部门提出书面申请，由县级机构编制部门报市级机构编制部门审核后，由县级党委政府批准实施（江苏省委编办《构建简约高效的基层治理新模式》）',
    materials: [
      {
        key: 'application',
        name: '县级职能部门书面申请（拟交由乡镇承担的事项、依据和理由）',
        form: 'original',
        isKey: true,
      },
      { key: 'duty-list-comparison', name: '与乡镇（街道）职责清单的对照说明', form: 'original', isKey: true },
      { key: 'resources-plan', name: '人员、经费等配套保障方案', form: 'original', isKey: false },
    ],
    statutoryLimitDays: 30,
    promisedLimitDays: 20,
    kind: 'promise',
    channels: ['online'],
    // The applying department is 住建局 in this template; a department applying for its own matter gets a copy with its unit.
    steps: [
      {
        key: 'department-application',
        name: '县级部门书面申请',
        role: 'approver',
        unitRule: units('lk.dept.zj'),
        limitDays: 3,
      },
      { key: 'county-bb-review', name: '县委编办审核', role: 'approver', unitRule: units('lk.bb'), limitDays: 5 },
      { key: 'city-bb-review', name: '市委编办审核', role: 'approver', unitRule: units('lk.sbb'), limitDays: 7 },
      { key: 'county-approval', name: '县委县政府批准', role: 'approver', unitRule: units('lk.office'), limitDays: 5 },
    ],
  },
  {
    code: 'ZF-MAJOR-DECISION',
    name: '重大执法决定',
    category: 'penalty',
    handlingLevel: 'township',
    legalBasis:
      '《中华人民共和国行政处罚法》第五十四条（立案）、第五十五条（调查取证）、第五十七条（集体讨论决定）、第五十八条（法制审核）、第六十条（立案之日起九十日内作出决定）；《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）',
    materials: [
      { key: 'case-source', name: '案件来源材料（投诉举报、巡查发现记录）', form: 'original', isKey: true },
      { key: 'inspection-record', name: '现场检查（勘验）笔录', form: 'original', isKey: true },
      { key: 'recording', name: '执法全过程音像记录', form: 'electronic', isKey: true },
    ],
    // 90 calendar days (行政处罚法第六十条) counted conservatively as 60 working days.
    statutoryLimitDays: 60,
    promisedLimitDays: 45,
    kind: 'promise',
    channels: ['window'],
    steps: [
      { key: 'file', name: '立案', role: 'approver', unitRule: SUBMITTING_TOWNSHIP, limitDays: 5 },
      { key: 'investigate', name: '调查取证', role: 'handler', unitRule: SUBMITTING_TOWNSHIP, limitDays: 25 },
      { key: 'legal-review', name: '法制审核', role: 'approver', unitRule: units('lk.dept.sfj'), limitDays: 5 },
      { key: 'decide', name: '集体讨论决定', role: 'approver', unitRule: SUBMITTING_TOWNSHIP, limitDays: 10 },
    ],
  },
  {
    code: 'XK-ROAD-OCCUPATION',
    name: '临时占用城市道路审批',
    category: 'permit',
    handlingLevel: 'township',
    legalBasis: '《城市道路管理条例》第三十一条（须经市政工程行政主管部门和公安交通管理部门批准）',
    materials: [
      { key: 'application', name: '临时占用城市道路申请表', form: 'original', isKey: true },
      { key: 'site-plan', name: '占道位置平面图及交通安全保障方案', form: 'original', isKey: true },
      { key: 'applicant-id', name: '申请人身份证明或营业执照', form: 'copy', isKey: false },
    ],
    statutoryLimitDays: 20,
    promisedLimitDays: 5,
    kind: 'promise',
    channels: ['window', 'online'],
    steps: [
      { key: 'accept', name: '受理审查', role: 'window_staff', unitRule: SUBMITTING_TOWNSHIP, limitDays: 1 },
      {
        key: 'joint-review',
        name: '城管、公安交管会签',
        role: 'approver',
        unitRule: units('lk.dept.cgzf', 'lk.dept.gaj'),
        mode: 'all',
        limitDays: 3,
      },
      { key: 'decide', name: '审批决定', role: 'approver', unitRule: SUBMITTING_TOWNSHIP, limitDays: 1 },
    ],
    hotline: '12345',
  },
  {
    code: 'GG-EMPLOYMENT-CARD',
    name: '《就业创业证》申领',
    category: 'public_service',
    handlingLevel: 'township',
    legalBasis:
      '《就业服务与就业管理规定》第六十三条；《人力资源社会保障部关于进一步完善就业失业登记管理办法的通知》（人社部发〔2014〕97号）',
    materials: [
      { key: 'id-card', name: '居民身份证', form: 'original', isKey: true },
      { key: 'photo', name: '近期一寸免冠照片', form: 'original', isKey: false },
    ],
    statutoryLimitDays: 10,
    promisedLimitDays: 3,
    kind: 'promise',
    channels: ['window', 'agent', 'online'],
    steps: [
      { key: 'accept', name: '受理', role: 'window_staff', unitRule: SUBMITTING_TOWNSHIP, limitDays: 1 },
      // 或签: the 人社 window of the county service centre or the 人社局 itself, whichever signs first.
      {
        key: 'issue',
        name: '审核发证',
        role: 'approver',
        unitRule: units('lk.zwfw', 'lk.dept.rsj'),
        mode: 'any',
        limitDays: 2,
      },
    ],
    hotline: '12345',
  },
];

/** The shipped templates, checked against every catalogue rule when this module loads. */
export const CATALOGUE_TEMPLATES: readonly MatterDefinition[] = TEMPLATES.map((t) => matterDefinitionSchema.parse(t));

/**
 * Insert the templates as version 1 (created by `seed`), leaving any matter that already exists
 * untouched so an administrator's versions survive. Returns how many matters this run inserted.
 */
export async function seedCatalogue<TSchema extends Record<string, unknown>>(
  db: Pick<NodePgDatabase<TSchema>, 'insert'>,
): Promise<number> {
  const rows = await db
    .insert(matters)
    .values(
      CATALOGUE_TEMPLATES.map((d) => ({
        code: d.code,
        name: d.name,
        category: d.category,
        kind: d.kind,
        currentVersion: 1,
      })),
    )
    .onConflictDoNothing()
    .returning({ code: matters.code });
  const inserted = new Set(rows.map((r) => r.code));
  const versions = CATALOGUE_TEMPLATES.filter((d) => inserted.has(d.code)).map((definition) => ({
    code: definition.code,
    version: 1,
    definition,
    createdBy: 'seed',
  }));
  if (versions.length > 0) await db.insert(matterVersions).values(versions);
  return rows.length;
}
