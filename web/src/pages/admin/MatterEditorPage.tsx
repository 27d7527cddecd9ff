import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Steps,
  Switch,
  Table,
  Tag,
  Typography,
  type FormInstance,
} from 'antd';
import type { Rule } from 'antd/es/form';
import { useEffect, useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type {
  MatterDefinition,
  MatterGuide,
  MatterInput,
  MatterMaterial,
  MatterStep,
  MatterVersionSummary,
  UnitRule,
} from '../../api/types';
import { useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { ProblemAlert, ReasonItem, UnitPicker, useWrite, type Label } from './common';

/*
 * 事项目录编辑: create a matter (version 1) or publish a new version of one (PUT /matters/:code). The
 * form checks the catalogue's rules (domain/catalogue.ts matterRuleViolations and the shape schema)
 * before sending; what only the server can judge — units that exist, are active and staffed — comes
 * back as a 422 and is shown with the fields it names.
 */

/** "所有项目审批环节最多不超过4个" (domain/catalogue.ts MAX_STEPS). */
const MAX_STEPS = 4;
const KEY_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

type Category = MatterDefinition['category'];
type Kind = MatterDefinition['kind'];
type Channel = MatterDefinition['channels'][number];
type HandlingLevel = MatterDefinition['handlingLevel'];
type StepRole = MatterStep['role'];
type StepMode = MatterStep['mode'];

const CATEGORY_LABEL = {
  permit: ['行政许可', 'Administrative permit'],
  public_service: ['公共服务', 'Public service'],
  confirmation: ['行政确认', 'Administrative confirmation'],
  penalty: ['行政处罚', 'Administrative penalty'],
  other: ['其他', 'Other'],
} as const satisfies Record<Category, Label>;
const KIND_LABEL = {
  promise: ['承诺件', 'Promise matter'],
  instant: ['即办件', 'Instant matter'],
} as const satisfies Record<Kind, Label>;
const CHANNEL_LABEL = {
  window: ['窗口受理', 'Service window'],
  agent: ['村代办', 'Village agent'],
  online: ['网上办理', 'Online'],
} as const satisfies Record<Channel, Label>;
const LEVEL_LABEL = {
  county: ['县级', 'County'],
  township: ['乡镇（街道）', 'Township'],
  village: ['村（社区）', 'Village'],
} as const satisfies Record<HandlingLevel, Label>;
const ROLE_LABEL = {
  approver: ['审核/审批人', 'Approver'],
  window_staff: ['窗口人员', 'Window staff'],
  handler: ['处置人', 'Handler'],
  supervisor: ['督查员', 'Supervisor'],
} as const satisfies Record<StepRole, Label>;
const MODE_LABEL = {
  single: ['单人审批', 'Single'],
  all: ['会签（全部单位签署）', 'All of N (会签)'],
  any: ['或签（任一单位签署）', 'Any of N (或签)'],
} as const satisfies Record<StepMode, Label>;
const FORM_LABEL = {
  original: ['原件', 'Original'],
  copy: ['复印件', 'Copy'],
  electronic: ['电子件', 'Electronic'],
} as const satisfies Record<MatterMaterial['form'], Label>;
const HOLDER_LABEL = {
  'submitting-township': ['申请人所在乡镇（街道）', 'The township where it is submitted'],
  units: ['指定单位', 'Named units'],
} as const satisfies Record<UnitRule['kind'], Label>;

const options = <K extends string>(labels: Record<K, Label>, pick: (l: Label) => string) =>
  (Object.entries(labels) as [K, Label][]).map(([value, l]) => ({ value, label: pick(l) }));

interface StepValues {
  key: string;
  name: string;
  role: StepRole;
  mode: StepMode;
  holder: UnitRule['kind'];
  unitIds?: string[];
  limitDays?: number | null;
}

interface MaterialValues {
  key: string;
  name: string;
  form: MatterMaterial['form'];
  count: number;
  isKey: boolean;
}

interface MatterValues {
  code: string;
  name: string;
  category: Category;
  handlingLevel: HandlingLevel;
  kind: Kind;
  channels: Channel[];
  legalBasis: string;
  fees?: string;
  hotline?: string;
  statutoryLimitDays: number;
  promisedLimitDays: number;
  supplementDays: number;
  materials: MaterialValues[];
  steps: StepValues[];
  reason: string;
}

const NEW_MATTER: Partial<MatterValues> = {
  category: 'public_service',
  handlingLevel: 'township',
  kind: 'promise',
  channels: ['window'],
  fees: '不收费',
  supplementDays: 5,
  materials: [],
  steps: [{ key: 'accept', name: '受理', role: 'window_staff', mode: 'single', holder: 'submitting-township' }],
};

function fromDefinition(d: MatterDefinition): MatterValues {
  return {
    code: d.code,
    name: d.name,
    category: d.category,
    handlingLevel: d.handlingLevel,
    kind: d.kind,
    channels: d.channels,
    legalBasis: d.legalBasis,
    fees: d.fees,
    hotline: d.hotline,
    statutoryLimitDays: d.statutoryLimitDays,
    promisedLimitDays: d.promisedLimitDays,
    supplementDays: d.supplementDays,
    materials: d.materials.map((m) => ({ ...m })),
    steps: d.steps.map((s) => ({
      key: s.key,
      name: s.name,
      role: s.role,
      mode: s.mode,
      holder: s.unitRule.kind,
      unitIds: s.unitRule.kind === 'units' ? s.unitRule.unitIds : [],
      limitDays: s.limitDays,
    })),
    reason: '',
  };
}

/**
 * `v` as the API's input. A 会签 panel (`signers`) has no fields in this form yet: a step keeps the
 * panel of the step with the same key in `previous` (the version being edited), as long as it is
 * still a 会签 step.
 */
function toInput(v: MatterValues, previous?: MatterDefinition): MatterInput {
  const hotline = v.hotline?.trim();
  const panelOf = (key: string, mode: StepMode) => {
    const signers = previous?.steps.find((p) => p.key === key)?.signers;
    return signers && mode === 'all' ? { signers } : {};
  };
  return {
    code: v.code.trim(),
    name: v.name.trim(),
    category: v.category,
    handlingLevel: v.handlingLevel,
    legalBasis: v.legalBasis.trim(),
    materials: (v.materials ?? []).map((m) => ({
      key: m.key.trim(),
      name: m.name.trim(),
      form: m.form,
      count: m.count,
      isKey: m.isKey,
    })),
    fees: (v.fees ?? '').trim() || '不收费',
    statutoryLimitDays: v.statutoryLimitDays,
    promisedLimitDays: v.promisedLimitDays,
    kind: v.kind,
    channels: v.channels,
    supplementDays: v.supplementDays,
    steps: v.steps.map((s) => ({
      key: s.key.trim(),
      name: s.name.trim(),
      role: s.role,
      mode: s.mode,
      unitRule: s.holder === 'units' ? { kind: 'units', unitIds: s.unitIds ?? [] } : { kind: 'submitting-township' },
      ...(s.limitDays === null || s.limitDays === undefined ? {} : { limitDays: s.limitDays }),
      ...panelOf(s.key.trim(), s.mode),
    })),
    ...(hotline ? { hotline } : {}),
    reason: v.reason.trim(),
  };
}

/** A key not yet used in `taken`: `step-2`, `step-3`, … */
function freshKey(prefix: string, taken: readonly { key?: string }[] | undefined): string {
  const used = new Set((taken ?? []).map((x) => x.key));
  for (let n = (taken?.length ?? 0) + 1; ; n += 1) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** The rule that a key (step or material) is well formed and not used twice in its list. */
function keyRules(list: 'steps' | 'materials', pick: (l: Label) => string): Rule[] {
  return [
    { required: true, message: pick(['请填写标识', 'Enter a key']) },
    {
      pattern: KEY_PATTERN,
      message: pick([
        '标识须以小写字母开头，只含小写字母、数字和连字符，至多 40 位',
        'A key starts with a lower-case letter and has only a–z, 0–9 and "-" (≤ 40)',
      ]),
    },
    ({ getFieldValue }) => ({
      validator: (_r, key: string | undefined) => {
        const all = ((getFieldValue(list) as { key?: string }[] | undefined) ?? []).filter(
          (x) => x?.key?.trim() === key?.trim(),
        );
        return all.length > 1
          ? Promise.reject(new Error(pick([`标识重复：${key}`, `Duplicate key: ${key}`])))
          : Promise.resolve();
      },
    }),
  ];
}

/** Where an issue of the server's problem points, in words (`steps.1.unitRule` → 第 2 个环节 · 办理单位). */
function fieldLabel(pick: (l: Label) => string) {
  const FIELD: Record<string, Label> = {
    code: ['事项编码', 'Code'],
    name: ['名称', 'Name'],
    legalBasis: ['设定依据', 'Legal basis'],
    statutoryLimitDays: ['法定时限', 'Statutory limit'],
    promisedLimitDays: ['承诺时限', 'Promised limit'],
    steps: ['审批环节', 'Steps'],
    materials: ['申请材料', 'Materials'],
    unitRule: ['办理单位', 'Units'],
    limitDays: ['环节时限', 'Step limit'],
    key: ['标识', 'Key'],
    role: ['办理角色', 'Role'],
    mode: ['审批方式', 'Mode'],
    channels: ['办理渠道', 'Channels'],
  };
  return (parts: (string | number)[]) => {
    const words = parts.map((p, i) => {
      if (typeof p === 'number')
        return parts[i - 1] === 'steps'
          ? pick([`第 ${p + 1} 个环节`, `step ${p + 1}`])
          : pick([`第 ${p + 1} 项`, `item ${p + 1}`]);
      if (typeof parts[i + 1] === 'number') return p === 'steps' ? '' : pick(FIELD[p] ?? [p, p]);
      return pick(FIELD[p] ?? [p, p]);
    });
    return words.filter(Boolean).join(' · ');
  };
}

/** Put the server's issues on the fields they name (`body.steps.1.unitRule` → the step's unit picker). */
function markFields(form: FormInstance<MatterValues>, error: unknown) {
  const issues =
    (error as { problem?: { issues?: { path: string; message: string }[] } | null })?.problem?.issues ?? [];
  const fields = issues.flatMap((i) => {
    const parts = i.path
      .replace(/^body\.?/, '')
      .split('.')
      .filter(Boolean)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (parts[0] === 'steps' && typeof parts[1] === 'number' && parts[2] === 'unitRule')
      return [{ name: ['steps', parts[1], 'unitIds'], errors: [i.message] }];
    if (parts.length === 3 && typeof parts[1] === 'number') return [{ name: parts, errors: [i.message] }];
    if (parts.length === 1 && typeof parts[0] === 'string' && parts[0] !== 'steps' && parts[0] !== 'materials')
      return [{ name: parts, errors: [i.message] }];
    return [];
  });
  // The paths come from the server, so they are only known to be field paths at run time.
  if (fields.length > 0) form.setFields(fields as Parameters<typeof form.setFields>[0]);
}

function StepCard({
  name,
  index,
  count,
  move,
  remove,
}: {
  name: number;
  index: number;
  count: number;
  move: (from: number, to: number) => void;
  remove: (i: number) => void;
}) {
  const { pick } = useI18n();
  return (
    <Card
      size="small"
      data-testid={`step-card-${index}`}
      title={pick([`第 ${index + 1} 个环节`, `Step ${index + 1}`])}
      style={{ marginBottom: 12 }}
      extra={
        <Space size={4}>
          <Button
            size="small"
            icon={<ArrowUpOutlined />}
            disabled={index === 0}
            onClick={() => move(index, index - 1)}
            data-testid={`step-up-${index}`}
          >
            {pick(['上移', 'Up'])}
          </Button>
          <Button
            size="small"
            icon={<ArrowDownOutlined />}
            disabled={index === count - 1}
            onClick={() => move(index, index + 1)}
            data-testid={`step-down-${index}`}
          >
            {pick(['下移', 'Down'])}
          </Button>
          <Button
            size="small"
            danger
            icon={<DeleteOutlined />}
            disabled={count <= 1}
            onClick={() => remove(index)}
            data-testid={`step-remove-${index}`}
          >
            {pick(['删除', 'Remove'])}
          </Button>
        </Space>
      }
    >
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item
            name={[name, 'name']}
            label={pick(['环节名称', 'Step name'])}
            rules={[
              { required: true, whitespace: true, message: pick(['请填写环节名称', 'Name the step']) },
              { max: 100 },
            ]}
          >
            <Input maxLength={100} placeholder="审核" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item
            name={[name, 'key']}
            label={pick(['环节标识', 'Step key'])}
            rules={keyRules('steps', pick)}
            tooltip={pick(['系统内部使用的唯一标识，如 review', 'A unique internal key such as review'])}
          >
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={[name, 'role']} label={pick(['办理角色', 'Role'])} rules={[{ required: true }]}>
            <Select options={options(ROLE_LABEL, pick)} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item
            name={[name, 'limitDays']}
            label={pick(['环节时限（工作日）', 'Step limit (working days)'])}
            dependencies={['promisedLimitDays', 'kind']}
            rules={[
              {
                type: 'number',
                min: 0.01,
                max: 365,
                message: pick(['环节时限须大于 0、不超过 365', 'A step limit is above 0 and at most 365']),
              },
              ({ getFieldValue }) => ({
                validator: (_r, v: number | null | undefined) => {
                  const promised = getFieldValue('promisedLimitDays') as number | undefined;
                  if (
                    v === null ||
                    v === undefined ||
                    getFieldValue('kind') !== 'promise' ||
                    promised === undefined ||
                    promised === null ||
                    v <= promised
                  )
                    return Promise.resolve();
                  return Promise.reject(
                    new Error(
                      pick([
                        `环节时限不能超过承诺时限（${promised} 个工作日）`,
                        `A step limit may not exceed the promised limit (${promised})`,
                      ]),
                    ),
                  );
                },
              }),
            ]}
          >
            <InputNumber min={0} max={365} style={{ width: '100%' }} placeholder={pick(['不限', 'none'])} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name={[name, 'mode']} label={pick(['审批方式', 'Mode'])} rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={options(MODE_LABEL, pick).map((o) => ({ ...o, label: o.label.replace(/（.*）$/, '') }))}
            />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item
            name={[name, 'holder']}
            label={pick(['办理单位', 'Held by'])}
            dependencies={[['steps', name, 'mode']]}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_r, holder: UnitRule['kind']) =>
                  holder === 'submitting-township' && getFieldValue(['steps', name, 'mode']) !== 'single'
                    ? Promise.reject(
                        new Error(
                          pick(['会签/或签环节须列明参与单位', 'An all-of-N or any-of-N step must list its units']),
                        ),
                      )
                    : Promise.resolve(),
              }),
            ]}
          >
            <Radio.Group options={options(HOLDER_LABEL, pick)} />
          </Form.Item>
          <Form.Item
            noStyle
            dependencies={[
              ['steps', name, 'holder'],
              ['steps', name, 'mode'],
            ]}
          >
            {({ getFieldValue }) => {
              if (getFieldValue(['steps', name, 'holder']) !== 'units') return null;
              const single = getFieldValue(['steps', name, 'mode']) === 'single';
              return (
                <Form.Item
                  name={[name, 'unitIds']}
                  label={
                    single ? pick(['指定单位（一个）', 'Unit (one)']) : pick(['参与单位（可多选）', 'Units (several)'])
                  }
                  rules={[
                    { required: true, type: 'array', min: 1, message: pick(['请选择办理单位', 'Pick the unit(s)']) },
                    { type: 'array', max: 10, message: pick(['至多 10 个单位', 'At most 10 units']) },
                    ...(single
                      ? [
                          {
                            type: 'array' as const,
                            max: 1,
                            message: pick([
                              '单人审批环节只能指定一个单位',
                              'A single-sign step names exactly one unit',
                            ]),
                          },
                        ]
                      : []),
                  ]}
                >
                  <UnitPicker
                    multiple
                    maxCount={single ? 1 : 10}
                    placeholder={pick(['搜索单位名称', 'Search units'])}
                  />
                </Form.Item>
              );
            }}
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}

function StepsEditor() {
  const { pick } = useI18n();
  return (
    <Form.List
      name="steps"
      rules={[
        {
          validator: (_r, steps: StepValues[] | undefined) => {
            const n = steps?.length ?? 0;
            if (n < 1)
              return Promise.reject(new Error(pick(['至少需要 1 个审批环节', 'A matter needs at least one step'])));
            if (n > MAX_STEPS)
              return Promise.reject(
                new Error(
                  pick([
                    `审批环节最多 ${MAX_STEPS} 个，当前定义了 ${n} 个`,
                    `At most ${MAX_STEPS} steps; this has ${n}`,
                  ]),
                ),
              );
            return Promise.resolve();
          },
        },
      ]}
    >
      {(fields, { add, remove, move }, { errors }) => (
        <>
          {fields.map((f, i) => (
            <StepCard key={f.key} name={f.name} index={i} count={fields.length} move={move} remove={remove} />
          ))}
          <Form.Item noStyle shouldUpdate={(a: MatterValues, b: MatterValues) => a.steps !== b.steps}>
            {({ getFieldValue }) => {
              const full = fields.length >= MAX_STEPS;
              return (
                <Space align="center" wrap>
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    disabled={full}
                    data-testid="add-step"
                    onClick={() =>
                      add({
                        key: freshKey('step', getFieldValue('steps') as StepValues[]),
                        name: '',
                        role: 'approver',
                        mode: 'single',
                        holder: 'units',
                        unitIds: [],
                      } satisfies StepValues)
                    }
                  >
                    {pick(['添加环节', 'Add a step'])}
                  </Button>
                  <Typography.Text type={full ? 'warning' : 'secondary'} data-testid="steps-limit">
                    {full
                      ? pick([
                          `已达上限：审批环节最多 ${MAX_STEPS} 个（“所有项目审批环节最多不超过4个”）`,
                          `Limit reached: at most ${MAX_STEPS} steps`,
                        ])
                      : pick([
                          `已有 ${fields.length} 个环节，最多 ${MAX_STEPS} 个`,
                          `${fields.length} of at most ${MAX_STEPS} steps`,
                        ])}
                  </Typography.Text>
                </Space>
              );
            }}
          </Form.Item>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  );
}

function MaterialsEditor() {
  const { pick } = useI18n();
  return (
    <Form.List
      name="materials"
      rules={[
        {
          validator: (_r, m: unknown[] | undefined) =>
            (m?.length ?? 0) > 50
              ? Promise.reject(new Error(pick(['申请材料至多 50 项', 'At most 50 materials'])))
              : Promise.resolve(),
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.length > 0 && (
            <Row gutter={8} style={{ marginBottom: 4 }}>
              {(
                [
                  [7, ['材料名称', 'Name']],
                  [5, ['标识', 'Key']],
                  [4, ['形式', 'Form']],
                  [3, ['份数', 'Copies']],
                  [3, ['关键材料', 'Key material']],
                ] as const
              ).map(([span, label]) => (
                <Col span={span} key={label[1]}>
                  <Typography.Text type="secondary">{pick(label)}</Typography.Text>
                </Col>
              ))}
            </Row>
          )}
          {fields.map((f, i) => (
            <Row gutter={8} key={f.key} data-testid={`material-row-${i}`} align="top">
              <Col span={7}>
                <Form.Item
                  name={[f.name, 'name']}
                  rules={[
                    { required: true, whitespace: true, message: pick(['请填写材料名称', 'Name the material']) },
                    { max: 200 },
                  ]}
                >
                  <Input maxLength={200} placeholder={pick(['材料名称，如 居民身份证', 'Name, e.g. ID card'])} />
                </Form.Item>
              </Col>
              <Col span={5}>
                <Form.Item name={[f.name, 'key']} rules={keyRules('materials', pick)}>
                  <Input maxLength={40} placeholder="id-card" />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Form.Item name={[f.name, 'form']} rules={[{ required: true }]}>
                  <Select options={options(FORM_LABEL, pick)} />
                </Form.Item>
              </Col>
              <Col span={3}>
                <Form.Item
                  name={[f.name, 'count']}
                  rules={[
                    { required: true, type: 'integer', min: 1, max: 20, message: pick(['份数 1–20', 'Copies 1–20']) },
                  ]}
                >
                  <InputNumber min={1} max={20} precision={0} style={{ width: '100%' }} addonAfter={pick(['份', ''])} />
                </Form.Item>
              </Col>
              <Col span={3}>
                <Form.Item name={[f.name, 'isKey']} valuePropName="checked">
                  <Switch checkedChildren={pick(['关键', 'Key'])} unCheckedChildren={pick(['可容缺', 'Tolerable'])} />
                </Form.Item>
              </Col>
              <Col span={2}>
                <Button
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => remove(f.name)}
                  aria-label={pick(['删除材料', 'Remove material'])}
                />
              </Col>
            </Row>
          ))}
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) => (
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                data-testid="add-material"
                onClick={() =>
                  add({
                    key: freshKey('material', getFieldValue('materials') as MaterialValues[]),
                    name: '',
                    form: 'copy',
                    count: 1,
                    isKey: true,
                  } satisfies MaterialValues)
                }
              >
                {pick(['添加材料', 'Add a material'])}
              </Button>
            )}
          </Form.Item>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  );
}

/** The chain as a citizen's guide shows it, redrawn as the form changes. */
function ChainPreview({ form }: { form: FormInstance<MatterValues> }) {
  const { pick } = useI18n();
  const unitName = useUnitName();
  const steps = Form.useWatch('steps', form) ?? [];
  return (
    <Steps
      size="small"
      current={-1}
      data-testid="chain-preview"
      items={steps.map((s, i) => ({
        title: s?.name?.trim() || pick([`环节 ${i + 1}`, `Step ${i + 1}`]),
        content: s
          ? `${pick(ROLE_LABEL[s.role] ?? ['', ''])} · ${pick(MODE_LABEL[s.mode] ?? ['', '']).replace(/（.*）$/, '')} · ${s.holder === 'units' ? (s.unitIds ?? []).map(unitName).join('、') || '—' : pick(HOLDER_LABEL['submitting-township'])}`
          : '',
      }))}
    />
  );
}

export function MatterEditorPage() {
  const { code } = useParams<{ code?: string }>();
  const editing = code !== undefined;
  const { pick } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<MatterValues>();
  const guide = useLoad(
    () => (code ? api.get<MatterGuide>(`/matters/${encodeURIComponent(code)}`) : Promise.resolve(undefined)),
    [code],
  );
  const versions = useLoad(
    () =>
      code ? api.get<MatterVersionSummary[]>(`/matters/${encodeURIComponent(code)}/versions`) : Promise.resolve([]),
    [code],
  );
  useEffect(() => {
    if (guide.data) form.setFieldsValue(fromDefinition(guide.data.definition));
  }, [guide.data, form]);
  const labelOf = useMemo(() => fieldLabel(pick), [pick]);

  const write = useWrite(
    (v: MatterValues) =>
      editing
        ? api.put<MatterGuide>(`/matters/${encodeURIComponent(v.code)}`, toInput(v, guide.data?.definition))
        : api.post<MatterGuide>('/matters', toInput(v)),
    (saved) => {
      if (editing && saved.version === guide.data?.version)
        void message.info(pick(['内容与当前版本相同，未产生新版本', 'Nothing changed: no new version']));
      else
        void message.success(
          pick([`已发布事项 ${saved.code} 第 ${saved.version} 版`, `Published ${saved.code} version ${saved.version}`]),
        );
      return navigate('/admin/matters');
    },
  );
  useEffect(() => {
    if (write.error) markFields(form, write.error);
  }, [write.error, form]);

  if (editing && guide.error) return <Alert type="error" showIcon title={guide.error} />;
  if (editing && !guide.data) return <Spin />;

  const title = editing
    ? pick([`编辑事项：${guide.data?.name ?? code}`, `Edit matter: ${guide.data?.name ?? code}`])
    : pick(['新建事项', 'New matter']);
  return (
    <Form<MatterValues>
      form={form}
      name="matter"
      layout="vertical"
      initialValues={editing ? undefined : NEW_MATTER}
      onFinish={write.submit}
      onValuesChange={() => write.error !== undefined && write.clear()}
      scrollToFirstError
    >
      <Card
        title={title}
        extra={<Link to="/admin/matters">{pick(['返回事项目录', 'Back to the catalogue'])}</Link>}
        style={{ marginBottom: 16 }}
      >
        {editing && guide.data && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={pick([
              `当前为第 ${guide.data.currentVersion} 版。保存后发布为第 ${guide.data.currentVersion + 1} 版并设为当前版本；已有版本不变，办理中的案件仍按其开始时的版本办理。`,
              `Version ${guide.data.currentVersion} is current. Saving publishes version ${guide.data.currentVersion + 1}; running cases keep the version they started with.`,
            ])}
          />
        )}
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              name="code"
              label={pick(['事项编码', 'Code'])}
              rules={[
                { required: true, message: pick(['请填写事项编码', 'Enter the code']) },
                {
                  pattern: CODE_PATTERN,
                  message: pick([
                    '编码为 2–40 位大写字母、数字或连字符，以字母或数字开头',
                    '2–40 upper-case letters, digits or "-"',
                  ]),
                },
              ]}
            >
              <Input maxLength={40} disabled={editing} placeholder="GG-ELDER-MEAL" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item
              name="name"
              label={pick(['事项名称', 'Name'])}
              rules={[
                { required: true, whitespace: true, message: pick(['请填写事项名称', 'Enter the name']) },
                { max: 200 },
              ]}
            >
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item name="category" label={pick(['事项类别', 'Category'])} rules={[{ required: true }]}>
              <Select options={options(CATEGORY_LABEL, pick)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="handlingLevel" label={pick(['办理层级', 'Handling level'])} rules={[{ required: true }]}>
              <Select options={options(LEVEL_LABEL, pick)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="kind" label={pick(['办件类型', 'Kind'])} rules={[{ required: true }]}>
              <Radio.Group optionType="button" buttonStyle="solid" options={options(KIND_LABEL, pick)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="channels"
              label={pick(['办理渠道', 'Channels'])}
              rules={[
                {
                  required: true,
                  type: 'array',
                  min: 1,
                  message: pick(['至少选择一个办理渠道', 'Pick at least one channel']),
                },
              ]}
            >
              <Checkbox.Group options={options(CHANNEL_LABEL, pick)} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item
              name="statutoryLimitDays"
              label={pick(['法定时限（工作日）', 'Statutory limit (working days)'])}
              rules={[
                {
                  required: true,
                  type: 'integer',
                  min: 0,
                  max: 365,
                  message: pick(['法定时限为 0–365 的整数', 'A whole number 0–365']),
                },
              ]}
            >
              <InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="promisedLimitDays"
              label={pick(['承诺时限（工作日）', 'Promised limit (working days)'])}
              dependencies={['statutoryLimitDays', 'kind']}
              rules={[
                {
                  required: true,
                  type: 'integer',
                  min: 0,
                  max: 365,
                  message: pick(['承诺时限为 0–365 的整数', 'A whole number 0–365']),
                },
                ({ getFieldValue }) => ({
                  validator: (_r, v: number | null | undefined) => {
                    const statutory = getFieldValue('statutoryLimitDays') as number | null | undefined;
                    if (typeof v !== 'number') return Promise.resolve();
                    if (typeof statutory === 'number' && v > statutory) {
                      return Promise.reject(
                        new Error(
                          pick([
                            `承诺时限（${v} 个工作日）不能超过法定时限（${statutory} 个工作日）`,
                            `The promised limit (${v}) may not exceed the statutory limit (${statutory})`,
                          ]),
                        ),
                      );
                    }
                    if (getFieldValue('kind') === 'promise' && v === 0)
                      return Promise.reject(
                        new Error(
                          pick(['承诺件须有大于 0 的承诺时限', 'A promise matter needs a promised limit above zero']),
                        ),
                      );
                    return Promise.resolve();
                  },
                }),
              ]}
            >
              <InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="supplementDays"
              label={pick(['补正期限（工作日）', 'Days to supplement'])}
              tooltip={pick([
                '一次性告知后申请人补正材料的期限，逾期申请失效',
                'Working days to hand in missing materials after the one-time notice',
              ])}
              rules={[
                {
                  required: true,
                  type: 'integer',
                  min: 1,
                  max: 60,
                  message: pick(['补正期限为 1–60 的整数', 'A whole number 1–60']),
                },
              ]}
            >
              <InputNumber min={1} max={60} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="fees" label={pick(['收费标准', 'Fees'])} rules={[{ max: 500 }]}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={18}>
            <Form.Item
              name="legalBasis"
              label={pick(['设定依据', 'Legal basis'])}
              rules={[
                { required: true, whitespace: true, message: pick(['请填写设定依据', 'Enter the legal basis']) },
                { max: 2000 },
              ]}
            >
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="hotline" label={pick(['咨询电话', 'Hotline'])} rules={[{ max: 50 }]}>
              <Input maxLength={50} placeholder="0371-12345" />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card title={pick(['申请材料', 'Materials'])} size="small" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {pick([
            '关键材料缺失不予受理；非关键材料可容缺受理、限期补齐。',
            'A missing key material blocks acceptance; others may be supplied later (容缺受理).',
          ])}
        </Typography.Paragraph>
        <MaterialsEditor />
      </Card>

      <Card
        title={pick([`审批环节（1–${MAX_STEPS} 个）`, `Approval steps (1–${MAX_STEPS})`])}
        size="small"
        style={{ marginBottom: 16 }}
      >
        <div style={{ marginBottom: 16 }}>
          <ChainPreview form={form} />
        </div>
        <StepsEditor />
      </Card>

      <Card size="small">
        <ReasonItem id="matter-reason" />
        <ProblemAlert error={write.error} fieldLabel={labelOf} />
        <Space>
          <Button type="primary" htmlType="submit" loading={write.busy} data-testid="matter-submit">
            {editing ? pick(['发布新版本', 'Publish a new version']) : pick(['创建事项', 'Create the matter'])}
          </Button>
          <Button onClick={() => void navigate('/admin/matters')}>{pick(['取消', 'Cancel'])}</Button>
        </Space>
      </Card>

      {editing && (
        <Card title={pick(['版本历史', 'Versions'])} size="small" style={{ marginTop: 16 }}>
          <Table<MatterVersionSummary>
            size="small"
            rowKey="version"
            loading={versions.loading}
            dataSource={versions.data ?? []}
            pagination={false}
            data-testid="matter-versions"
            columns={[
              {
                title: pick(['版本', 'Version']),
                dataIndex: 'version',
                width: 80,
                render: (v: number, r) => (r.current ? <Tag color="blue">{v}</Tag> : v),
              },
              { title: pick(['名称', 'Name']), dataIndex: 'name' },
              { title: pick(['环节数', 'Steps']), dataIndex: 'stepCount', width: 80 },
              {
                title: pick(['法定/承诺', 'Statutory / promised']),
                key: 'limits',
                width: 120,
                render: (_v, r) => `${r.statutoryLimitDays} / ${r.promisedLimitDays}`,
              },
              { title: pick(['发布人', 'By']), dataIndex: 'createdBy', width: 140 },
              {
                title: pick(['发布时间', 'At']),
                dataIndex: 'createdAt',
                width: 200,
                render: (v: string) => new Date(v).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }),
              },
            ]}
          />
        </Card>
      )}
    </Form>
  );
}
