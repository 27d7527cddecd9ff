import {
  childPath,
  type NewOrgUnit,
  type NewPowerListItem,
  type NewUser,
  type OrgUnitKind,
  type PowerCategory,
  type PowerSource,
  type Role,
} from '../schema/org';

/*
 * The demo county, modelled on Lankao (兰考县, Henan). Pure data: no I/O.
 *
 * Unit ids: county `lk`; line departments `lk.dept.<code>`; the county's own offices `lk.<code>`
 * (编办, 县委县政府办公室, 综合指挥中心, 政务服务中心, and `lk.sbb` standing in for the city 编办);
 * townships `lk.tNN`; villages `lk.tNN.vNN` and communities `lk.tNN.cNN`; grids `<village>.gNN`;
 * dispatched agencies `lk.tNN.<code>`.
 * Usernames: `<unit id without "lk." and "dept.">.<slug>` (`t01.window`, `t01.v01.g01.grid`,
 * `scjg.liaison`, `lk.supervisor`), plus `admin`; user ids are `u.lk.<username>`.
 */

/** Id of the demo county. */
export const DEMO_COUNTY_ID = 'lk';

/** The county's administrative division code (兰考县 410225), used as its calendar overlay region. */
export const DEMO_COUNTY_REGION_CODE = '410225';

/** Id of the county command centre 综合指挥中心 (home of the county dispatchers). */
export const DEMO_COMMAND_CENTRE_ID = 'lk.zhzx';

/** Id of the county Party committee's organisation department 组织部 (seconded staff's conversions and returns). */
export const DEMO_ORGANISATION_DEPARTMENT_ID = 'lk.zzb';

interface DepartmentSpec {
  code: string;
  name: string;
  nameEn: string;
}

const LINE_DEPARTMENTS: readonly DepartmentSpec[] = [
  { code: 'scjg', name: '兰考县市场监督管理局', nameEn: 'Market Supervision Administration' },
  { code: 'zrzy', name: '兰考县自然资源局', nameEn: 'Natural Resources Bureau' },
  { code: 'sthj', name: '兰考县生态环境局', nameEn: 'Ecology and Environment Bureau' },
  { code: 'zj', name: '兰考县住房和城乡建设局', nameEn: 'Housing and Urban-Rural Development Bureau' },
  { code: 'cgzf', name: '兰考县城市管理综合执法局', nameEn: 'Urban Management Law Enforcement Bureau' },
  { code: 'jtys', name: '兰考县交通运输局', nameEn: 'Transport Bureau' },
  { code: 'nync', name: '兰考县农业农村局', nameEn: 'Agriculture and Rural Affairs Bureau' },
  { code: 'yjgl', name: '兰考县应急管理局', nameEn: 'Emergency Management Bureau' },
  { code: 'wjw', name: '兰考县卫生健康委员会', nameEn: 'Health Commission' },
  { code: 'rsj', name: '兰考县人力资源和社会保障局', nameEn: 'Human Resources and Social Security Bureau' },
  { code: 'mzj', name: '兰考县民政局', nameEn: 'Civil Affairs Bureau' },
  { code: 'gaj', name: '兰考县公安局', nameEn: 'Public Security Bureau' },
  { code: 'sfj', name: '兰考县司法局', nameEn: 'Justice Bureau' },
];

const COUNTY_OFFICES: readonly DepartmentSpec[] = [
  { code: 'bb', name: '中共兰考县委机构编制委员会办公室', nameEn: 'County Commission Office for Public Sector Reform' },
  {
    code: 'office',
    name: '兰考县委县政府办公室',
    nameEn: 'General Office of the County Party Committee and Government',
  },
  { code: 'zhzx', name: '兰考县综合指挥中心', nameEn: 'County Integrated Command Centre' },
  { code: 'zwfw', name: '兰考县政务服务中心', nameEn: 'County Government Service Centre' },
  // Stands in for the city level: the city 编办 reviews duty admission (职责准入) after the county 编办.
  {
    code: 'sbb',
    name: '开封市委编办（上级审核对接）',
    nameEn: 'City Commission Office for Public Sector Reform (city-level stand-in)',
  },
  // Carries out seconded staff's yearly outcomes: conversions to township staff and hand-backs.
  { code: 'zzb', name: '中共兰考县委组织部', nameEn: 'Organisation Department of the County Party Committee' },
];

interface AgencySpec {
  code: string;
  /** Code of the owning line department. */
  department: string;
  /** Name after the township's short name. */
  suffix: string;
  nameEn: string;
}

const AGENCIES: readonly AgencySpec[] = [
  { code: 'sfs', department: 'sfj', suffix: '司法所', nameEn: 'Justice Office' },
  { code: 'scjgs', department: 'scjg', suffix: '市场监督管理所', nameEn: 'Market Supervision Office' },
  { code: 'pcs', department: 'gaj', suffix: '派出所', nameEn: 'Police Station' },
  { code: 'zrzys', department: 'zrzy', suffix: '自然资源所', nameEn: 'Natural Resources Office' },
];

interface TownshipSpec {
  code: string;
  kind: 'township' | 'street';
  name: string;
  shortName: string;
  nameEn: string;
  localUnits: readonly { kind: 'village' | 'community'; name: string; nameEn: string }[];
}

const TOWNSHIPS: readonly TownshipSpec[] = [
  {
    code: 't01',
    kind: 'township',
    name: '城关镇',
    shortName: '城关',
    nameEn: 'Chengguan Town',
    localUnits: [
      { kind: 'village', name: '胡寨村', nameEn: 'Huzhai Village' },
      { kind: 'village', name: '范场村', nameEn: 'Fanchang Village' },
      { kind: 'village', name: '南马庄村', nameEn: 'Nanmazhuang Village' },
    ],
  },
  {
    code: 't02',
    kind: 'township',
    name: '东坝头镇',
    shortName: '东坝头',
    nameEn: 'Dongbatou Town',
    localUnits: [
      { kind: 'village', name: '张庄村', nameEn: 'Zhangzhuang Village' },
      { kind: 'village', name: '东坝头村', nameEn: 'Dongbatou Village' },
      { kind: 'village', name: '杨庄村', nameEn: 'Yangzhuang Village' },
    ],
  },
  {
    code: 't03',
    kind: 'street',
    name: '惠安街道',
    shortName: '惠安',
    nameEn: 'Huian Subdistrict',
    localUnits: [
      { kind: 'community', name: '裕禄社区', nameEn: 'Yulu Community' },
      { kind: 'community', name: '焦桐社区', nameEn: 'Jiaotong Community' },
    ],
  },
];

const GRID_ORDINALS = ['第一网格', '第二网格'] as const;

function unit(
  id: string,
  parent: { id: string; path: string; level: number } | null,
  kind: OrgUnitKind,
  name: string,
  nameEn: string,
  extra: Partial<NewOrgUnit> = {},
): NewOrgUnit & { path: string; level: number; parentId: string | null } {
  return {
    id,
    parentId: parent?.id ?? null,
    kind,
    name,
    nameEn,
    path: childPath(parent?.path ?? null, id),
    level: (parent?.level ?? 0) + 1,
    ...extra,
  };
}

function buildUnits(): NewOrgUnit[] {
  const county = unit(DEMO_COUNTY_ID, null, 'county', '兰考县', 'Lankao County', {
    regionCode: DEMO_COUNTY_REGION_CODE,
  });
  const units: NewOrgUnit[] = [county];
  for (const d of LINE_DEPARTMENTS) {
    units.push(unit(`lk.dept.${d.code}`, county, 'department', d.name, d.nameEn));
  }
  for (const o of COUNTY_OFFICES) {
    units.push(unit(`lk.${o.code}`, county, 'department', o.name, o.nameEn));
  }
  for (const t of TOWNSHIPS) {
    const township = unit(`lk.${t.code}`, county, t.kind, t.name, t.nameEn);
    units.push(township);
    for (const a of AGENCIES) {
      units.push(
        unit(`${township.id}.${a.code}`, township, 'agency', `${t.shortName}${a.suffix}`, `${t.nameEn} ${a.nameEn}`, {
          departmentId: `lk.dept.${a.department}`,
        }),
      );
    }
    t.localUnits.forEach((l, i) => {
      const prefix = l.kind === 'village' ? 'v' : 'c';
      const local = unit(`${township.id}.${prefix}${pad(i + 1)}`, township, l.kind, l.name, l.nameEn);
      units.push(local);
      GRID_ORDINALS.forEach((ordinal, g) => {
        units.push(
          unit(`${local.id}.g${pad(g + 1)}`, local, 'grid', `${l.name}${ordinal}`, `${l.nameEn} Grid ${g + 1}`),
        );
      });
    });
  }
  return units.sort((a, b) => (a.level ?? 0) - (b.level ?? 0));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** All demo org units, parents before children (sorted by tree level). */
export const DEMO_UNITS: readonly NewOrgUnit[] = buildUnits();

interface UserSpec {
  slug: string;
  role: Role;
  isLeader?: boolean;
}

const TOWNSHIP_USERS: readonly UserSpec[] = [
  { slug: 'window', role: 'window_staff' },
  { slug: 'dispatcher', role: 'dispatcher' },
  { slug: 'leader', role: 'supervisor', isLeader: true },
  { slug: 'handler', role: 'handler' },
  { slug: 'supervisor', role: 'supervisor' },
  { slug: 'assessor', role: 'assessor' },
  { slug: 'approver', role: 'approver' },
];
const VILLAGE_USERS: readonly UserSpec[] = [
  { slug: 'agent', role: 'agent' },
  { slug: 'handler', role: 'handler' },
  { slug: 'leader', role: 'handler', isLeader: true },
];
const GRID_USERS: readonly UserSpec[] = [{ slug: 'grid', role: 'grid_worker' }];
const DEPARTMENT_USERS: readonly UserSpec[] = [
  { slug: 'approver', role: 'approver' },
  { slug: 'handler', role: 'handler' },
  { slug: 'liaison', role: 'dept_liaison' },
  { slug: 'leader', role: 'approver', isLeader: true },
];
const AGENCY_USERS: readonly UserSpec[] = [
  { slug: 'liaison', role: 'dept_liaison' },
  { slug: 'handler', role: 'handler' },
  { slug: 'leader', role: 'handler', isLeader: true },
];
const COUNTY_USERS: readonly UserSpec[] = [
  { slug: 'supervisor', role: 'supervisor' },
  { slug: 'assessor', role: 'assessor' },
  { slug: 'leader', role: 'supervisor', isLeader: true },
];
const OFFICE_USERS: Readonly<Record<string, readonly UserSpec[]>> = {
  'lk.bb': [
    { slug: 'approver', role: 'approver' },
    { slug: 'leader', role: 'approver', isLeader: true },
  ],
  'lk.office': [
    { slug: 'approver', role: 'approver' },
    { slug: 'leader', role: 'approver', isLeader: true },
  ],
  'lk.zhzx': [
    { slug: 'dispatcher', role: 'dispatcher' },
    { slug: 'leader', role: 'dispatcher', isLeader: true },
  ],
  'lk.sbb': [{ slug: 'approver', role: 'approver' }],
  'lk.zzb': [
    { slug: 'handler', role: 'handler' },
    { slug: 'leader', role: 'handler', isLeader: true },
  ],
  'lk.zwfw': [
    { slug: 'window', role: 'window_staff' },
    { slug: 'approver', role: 'approver' },
  ],
};

const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭');
const GIVEN_NAMES = [
  '建国',
  '秀英',
  '志强',
  '丽娟',
  '海涛',
  '桂兰',
  '伟',
  '静',
  '红霞',
  '国庆',
  '明',
  '玉梅',
  '长青',
  '慧敏',
  '振华',
  '晓燕',
  '德胜',
  '春花',
  '永刚',
  '雪梅',
  '立新',
  '淑芬',
  '晨阳',
  '佳怡',
  '子豪',
  '文博',
  '金凤',
  '保国',
  '凤英',
  '鹏飞',
  '爱民',
  '丽萍',
  '新民',
  '彩霞',
  '军',
  '梦瑶',
  '卫东',
  '瑞芳',
  '浩然',
  '兰英',
  '俊杰',
  '小红',
  '宏伟',
  '素珍',
  '思远',
  '荣华',
  '冬梅',
];

/** A deterministic, distinct Chinese name for the n-th user (distinct for n < 31 × 47). */
function personName(n: number): string {
  const surname = SURNAMES[n % SURNAMES.length];
  const given = GIVEN_NAMES[(n * 7) % GIVEN_NAMES.length];
  return `${surname ?? ''}${given ?? ''}`;
}

/** Username prefix of a unit: its id without the county prefix and `dept.`. */
function usernamePrefix(unitId: string): string {
  if (unitId === DEMO_COUNTY_ID) return DEMO_COUNTY_ID;
  return unitId.replace(/^lk\./, '').replace(/^dept\./, '');
}

function usersFor(u: NewOrgUnit): readonly UserSpec[] {
  const office = OFFICE_USERS[u.id];
  if (office) return office;
  switch (u.kind) {
    case 'county':
      return COUNTY_USERS;
    case 'township':
    case 'street':
      return TOWNSHIP_USERS;
    case 'village':
    case 'community':
      return VILLAGE_USERS;
    case 'grid':
      return GRID_USERS;
    case 'department':
      return DEPARTMENT_USERS;
    case 'agency':
      return AGENCY_USERS;
  }
}

/** The demo user id of a username (`t01.window` → `u.lk.t01.window`). */
export function demoUserId(username: string): string {
  return `u.lk.${username}`;
}

function buildUsers(): NewUser[] {
  const users: NewUser[] = [
    {
      id: demoUserId('admin'),
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      unitId: DEMO_COUNTY_ID,
      isLeader: false,
    },
  ];
  for (const u of DEMO_UNITS) {
    for (const spec of usersFor(u)) {
      const username = `${usernamePrefix(u.id)}.${spec.slug}`;
      users.push({
        id: demoUserId(username),
        username,
        displayName: personName(users.length),
        role: spec.role,
        unitId: u.id,
        isLeader: spec.isLeader ?? false,
      });
    }
  }
  // Last, so that every other demo user keeps its name: the county's audit administrator (三员分立).
  users.push({
    id: demoUserId('lk.auditor'),
    username: 'lk.auditor',
    displayName: '安全审计员',
    role: 'auditor',
    unitId: DEMO_COUNTY_ID,
    isLeader: false,
  });
  return users;
}

/** All demo users: one per role per relevant unit, plus `admin` and a leader for most units. */
export const DEMO_USERS: readonly NewUser[] = buildUsers();

/** The principal leader (unit → user id) of every demo unit that has a leader. */
export const DEMO_UNIT_LEADERS: readonly { unitId: string; userId: string }[] = DEMO_USERS.filter(
  (u) => u.isLeader === true,
).map((u) => ({ unitId: u.unitId, userId: u.id }));

interface PowerSpec {
  name: string;
  category: PowerCategory;
  source: PowerSource;
  legalBasis: string | null;
  /** Only for townships with villages (not for streets). */
  ruralOnly?: boolean;
}

const POWER_LIST: readonly PowerSpec[] = [
  {
    name: '对在城镇道路上占道经营的处罚',
    category: 'penalty',
    source: 'delegated',
    legalBasis: '《城市市容和环境卫生管理条例》',
  },
  {
    name: '对擅自设置户外广告设施的处罚',
    category: 'penalty',
    source: 'delegated',
    legalBasis: '《城市市容和环境卫生管理条例》',
  },
  {
    name: '对随意倾倒、抛撒、堆放城市生活垃圾的处罚',
    category: 'penalty',
    source: 'delegated',
    legalBasis: '《城市生活垃圾管理办法》',
  },
  {
    name: '对露天焚烧秸秆、落叶等产生烟尘污染物质的处罚',
    category: 'penalty',
    source: 'delegated',
    legalBasis: '《中华人民共和国大气污染防治法》第一百一十九条',
  },
  {
    name: '对农村村民未经批准或者采取欺骗手段骗取批准，非法占用土地建住宅的处罚',
    category: 'penalty',
    source: 'delegated',
    legalBasis: '《中华人民共和国土地管理法》第七十八条',
    ruralOnly: true,
  },
  {
    name: '对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的处罚',
    category: 'penalty',
    source: 'own',
    legalBasis: '《中华人民共和国城乡规划法》第六十五条',
    ruralOnly: true,
  },
  {
    name: '60 岁以上老年人优待证办理',
    category: 'public_service',
    source: 'own',
    legalBasis: '《中华人民共和国老年人权益保障法》',
  },
  { name: '临时救助审批', category: 'public_service', source: 'delegated', legalBasis: '《社会救助暂行办法》' },
  {
    name: '困难残疾人生活补贴和重度残疾人护理补贴申请受理',
    category: 'public_service',
    source: 'own',
    legalBasis: '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》',
  },
  {
    name: '城乡居民基本养老保险参保登记',
    category: 'public_service',
    source: 'delegated',
    legalBasis: '《中华人民共和国社会保险法》',
  },
  { name: '特困人员救助供养审核', category: 'public_service', source: 'own', legalBasis: '《社会救助暂行办法》' },
  {
    name: '《就业创业证》申领',
    category: 'public_service',
    source: 'delegated',
    legalBasis: '《就业服务与就业管理规定》',
  },
  {
    name: '农村村民宅基地审批',
    category: 'permit',
    source: 'own',
    legalBasis: '《中华人民共和国土地管理法》第六十二条',
    ruralOnly: true,
  },
  {
    name: '乡村建设规划许可证核发',
    category: 'permit',
    source: 'delegated',
    legalBasis: '《中华人民共和国城乡规划法》第四十一条',
    ruralOnly: true,
  },
  { name: '临时占用城市道路审批', category: 'permit', source: 'delegated', legalBasis: '《城市道路管理条例》' },
  {
    name: '设置大型户外广告审批',
    category: 'permit',
    source: 'delegated',
    legalBasis: '《城市市容和环境卫生管理条例》',
  },
  {
    name: '独生子女父母光荣证发放',
    category: 'confirmation',
    source: 'own',
    legalBasis: '《河南省人口与计划生育条例》',
  },
  {
    name: '农村土地承包经营权流转合同备案',
    category: 'confirmation',
    source: 'own',
    legalBasis: '《农村土地经营权流转管理办法》',
    ruralOnly: true,
  },
  {
    name: '对村级集体资金、资产、资源管理的监督',
    category: 'supervision',
    source: 'own',
    legalBasis: '《中华人民共和国村民委员会组织法》',
    ruralOnly: true,
  },
  {
    name: '对违法建设工程查封施工现场',
    category: 'coercion',
    source: 'delegated',
    legalBasis: '《中华人民共和国城乡规划法》第六十八条',
  },
  {
    name: '对占道经营物品的暂扣',
    category: 'coercion',
    source: 'delegated',
    legalBasis: '《中华人民共和国行政强制法》',
  },
  {
    name: '对辖区生产经营单位安全生产状况的监督检查',
    category: 'inspection',
    source: 'delegated',
    legalBasis: '《中华人民共和国安全生产法》',
  },
  {
    name: '对食品小作坊、小餐饮、食品摊贩的监督检查',
    category: 'inspection',
    source: 'delegated',
    legalBasis: '《河南省食品小作坊、小餐饮和食品摊贩管理条例》',
  },
  { name: '民间纠纷人民调解', category: 'other', source: 'own', legalBasis: '《中华人民共和国人民调解法》' },
  {
    name: '指导村（居）民委员会换届选举',
    category: 'other',
    source: 'own',
    legalBasis: '《中华人民共和国村民委员会组织法》',
  },
];

const CATEGORY_CODE_PREFIX: Record<PowerCategory, string> = {
  penalty: 'CF',
  public_service: 'GG',
  permit: 'XK',
  confirmation: 'QR',
  supervision: 'JD',
  coercion: 'QZ',
  inspection: 'JC',
  other: 'QT',
};

/** Power-list specs with stable codes (`CF-001`, `GG-002`…), numbered per category. */
function codedPowerList(): (PowerSpec & { code: string })[] {
  const counters = new Map<PowerCategory, number>();
  return POWER_LIST.map((p) => {
    const n = (counters.get(p.category) ?? 0) + 1;
    counters.set(p.category, n);
    return { ...p, code: `${CATEGORY_CODE_PREFIX[p.category]}-${String(n).padStart(3, '0')}` };
  });
}

function buildPowerLists(): NewPowerListItem[] {
  const coded = codedPowerList();
  return DEMO_UNITS.filter((u) => u.kind === 'township' || u.kind === 'street').flatMap((t) =>
    coded
      .filter((p) => t.kind === 'township' || p.ruralOnly !== true)
      .map((p) => ({
        unitId: t.id,
        code: p.code,
        name: p.name,
        category: p.category,
        source: p.source,
        legalBasis: p.legalBasis,
      })),
  );
}

/** The power list 权责清单 of every demo township/street (townships 25 items, the street 19). */
export const DEMO_POWER_LISTS: readonly NewPowerListItem[] = buildPowerLists();
