import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type {
  SummonsConfig,
  SummonsRule,
  SummonsRuleCondition,
  SummonsRuleKind,
  SummonsSettings,
  SummonsUrgency,
} from '../../api/types';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { URGENCY_LABEL } from '../../labels';
import {
  ConfigModal,
  LimitInput,
  limitRule,
  limitText,
  ProblemAlert,
  ReasonItem,
  toDuration,
  toLimit,
  useWrite,
  type Label,
  type LimitDraft,
} from './common';

/*
 * 吹哨规则 (DOMAIN §6): the allowed reasons and forbidden situations a whistle is checked against,
 * and the 报到 / result limits and the red-card rule. PUT /summons-config/rules/:code and
 * /summons-config/settings; a change applies to whistles blown afterwards and is audited.
 */

type ConditionType = SummonsRuleCondition['type'];
const CODE_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const URGENCIES = ['normal', 'urgent', 'critical'] as const satisfies readonly SummonsUrgency[];

const KIND_LABEL = {
  allowed: ['允许的事由', 'Allowed reason'],
  forbidden: ['禁止的情形', 'Forbidden situation'],
} as const satisfies Record<SummonsRuleKind, Label>;
const CONDITION_LABEL = {
  'min-units': ['需召集多个部门（至少 N 个）', 'Needs several departments (at least N)'],
  'outside-power-list': ['事项不在乡镇权责清单内', 'Outside the township’s power list'],
  'urgency-in': ['紧急程度符合', 'Urgency is one of'],
  'key-task': ['须写明所服务的重点工作', 'Names the key task it serves'],
  'own-power-within-capacity': ['属乡镇权责清单内且有能力处置', 'Inside the power list and within capacity'],
  'single-unit-routine-duty': ['只召集一个部门且属其日常职责', 'One unit, for its routine duty'],
} as const satisfies Record<ConditionType, Label>;
/** Allowed reasons state a requirement, forbidden rules a situation (domain/summons.ts conditionFitsKind). */
const CONDITIONS_OF: Record<SummonsRuleKind, ConditionType[]> = {
  allowed: ['min-units', 'outside-power-list', 'urgency-in', 'key-task'],
  forbidden: ['own-power-within-capacity', 'single-unit-routine-duty'],
};

function conditionText(c: SummonsRuleCondition, pick: (l: Label) => string): string {
  switch (c.type) {
    case 'min-units':
      return pick([`至少召集 ${c.min} 个部门或派驻机构`, `At least ${c.min} departments or agencies`]);
    case 'urgency-in':
      return pick([
        `紧急程度为${c.urgencies.map((u) => URGENCY_LABEL[u][0]).join('或')}`,
        `Urgency ${c.urgencies.map((u) => URGENCY_LABEL[u][1]).join(' or ')}`,
      ]);
    case 'single-unit-routine-duty':
      return c.exceptReasons.length > 0
        ? pick([
            `${CONDITION_LABEL[c.type][0]}（事由为 ${c.exceptReasons.join('、')} 时除外）`,
            `${CONDITION_LABEL[c.type][1]} (except for ${c.exceptReasons.join(', ')})`,
          ])
        : pick(CONDITION_LABEL[c.type]);
    default:
      return pick(CONDITION_LABEL[c.type]);
  }
}

interface RuleValues {
  code: string;
  kind: SummonsRuleKind;
  name: string;
  description: string;
  type: ConditionType;
  min?: number;
  urgencies?: SummonsUrgency[];
  exceptReasons?: string[];
  active: boolean;
  sort: number;
}

function toValues(r: SummonsRule): Partial<RuleValues> {
  const c = r.condition;
  return {
    code: r.code,
    kind: r.kind,
    name: r.name,
    description: r.description,
    type: c.type,
    min: c.type === 'min-units' ? c.min : 2,
    urgencies: c.type === 'urgency-in' ? c.urgencies : ['urgent', 'critical'],
    exceptReasons: c.type === 'single-unit-routine-duty' ? c.exceptReasons : [],
    active: r.active,
    sort: r.sort,
  };
}

function toCondition(v: RuleValues): SummonsRuleCondition {
  switch (v.type) {
    case 'min-units':
      return { type: v.type, min: v.min ?? 2 };
    case 'urgency-in':
      return { type: v.type, urgencies: v.urgencies ?? [] };
    case 'single-unit-routine-duty':
      return { type: v.type, exceptReasons: v.exceptReasons ?? [] };
    default:
      return { type: v.type };
  }
}

function RulesTab({ config, reload }: { config: SummonsConfig; reload: () => void }) {
  const { pick, t } = useI18n();
  const [editing, setEditing] = useState<SummonsRule | 'new' | null>(null);
  const isNew = editing === 'new';
  const allowedCodes = config.rules
    .filter((r) => r.kind === 'allowed')
    .map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }));
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="rule-new">
          {pick(['新增规则', 'New rule'])}
        </Button>
        <Typography.Text type="secondary">
          {pick([
            '吹哨须符合一项允许的事由，且不落入任何禁止的情形；被拒绝的吹哨会说明是哪条规则。',
            'A whistle needs an allowed reason and must not fall under a forbidden situation; a refusal names the rule.',
          ])}
        </Typography.Text>
      </Space>
      <Table<SummonsRule>
        size="small"
        rowKey="code"
        dataSource={config.rules}
        pagination={false}
        data-testid="summons-rules-table"
        columns={[
          { title: pick(['排序', 'Order']), dataIndex: 'sort', width: 60 },
          { title: pick(['编码', 'Code']), dataIndex: 'code', width: 190 },
          {
            title: pick(['类型', 'Kind']),
            dataIndex: 'kind',
            width: 110,
            render: (k: SummonsRuleKind) => <Tag color={k === 'allowed' ? 'green' : 'red'}>{pick(KIND_LABEL[k])}</Tag>,
          },
          { title: pick(['名称', 'Name']), dataIndex: 'name', width: 200 },
          { title: pick(['说明', 'Description']), dataIndex: 'description', ellipsis: true },
          {
            title: pick(['判定条件', 'Condition']),
            dataIndex: 'condition',
            width: 260,
            render: (c: SummonsRuleCondition, r) => (
              <span data-testid={`rule-condition-${r.code}`}>{conditionText(c, pick)}</span>
            ),
          },
          {
            title: t('active'),
            dataIndex: 'active',
            width: 70,
            render: (v: boolean, r) => (
              <span data-testid={`rule-active-${r.code}`}>
                {v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>}
              </span>
            ),
          },
          {
            title: pick(['操作', 'Actions']),
            key: 'edit',
            width: 90,
            render: (_v, r) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => setEditing(r)}
                data-testid={`rule-edit-${r.code}`}
              >
                {pick(['编辑', 'Edit'])}
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <ConfigModal<RuleValues>
          formName="summons-rule"
          width={720}
          title={
            isNew
              ? pick(['新增吹哨规则', 'New whistle rule'])
              : pick([`编辑吹哨规则：${editing.name}`, `Edit whistle rule: ${editing.name}`])
          }
          initialValues={
            isNew
              ? {
                  kind: 'allowed',
                  type: 'min-units',
                  min: 2,
                  urgencies: ['urgent', 'critical'],
                  exceptReasons: [],
                  active: true,
                  sort: (config.rules.at(-1)?.sort ?? 0) + 1,
                }
              : toValues(editing)
          }
          save={(v) =>
            api.put(`/summons-config/rules/${encodeURIComponent(isNew ? v.code : editing.code)}`, {
              kind: v.kind,
              name: v.name.trim(),
              description: v.description.trim(),
              condition: toCondition(v),
              active: v.active,
              sort: v.sort,
              reason: v.reason.trim(),
            })
          }
          onClose={(saved) => {
            setEditing(null);
            if (saved) reload();
          }}
        >
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item
                name="code"
                label={pick(['编码', 'Code'])}
                rules={
                  isNew
                    ? [
                        { required: true, message: pick(['请填写编码', 'Enter a code']) },
                        {
                          pattern: CODE_PATTERN,
                          message: pick([
                            '编码以小写字母开头，只含小写字母、数字和连字符',
                            'Starts with a–z; only a–z, 0–9 and "-"',
                          ]),
                        },
                      ]
                    : []
                }
              >
                <Input maxLength={40} disabled={!isNew} />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="kind" label={pick(['类型', 'Kind'])} rules={[{ required: true }]}>
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  options={(Object.keys(KIND_LABEL) as SummonsRuleKind[]).map((k) => ({
                    value: k,
                    label: pick(KIND_LABEL[k]),
                  }))}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="name"
            label={pick(['名称', 'Name'])}
            rules={[{ required: true, whitespace: true, message: pick(['请填写名称', 'Enter a name']) }, { max: 100 }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="description"
            label={pick(['说明', 'Description'])}
            rules={[
              { required: true, whitespace: true, message: pick(['请填写说明', 'Describe the rule']) },
              { max: 1000 },
            ]}
          >
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
          <Form.Item
            name="type"
            label={pick(['判定条件', 'Condition'])}
            dependencies={['kind']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: (_r, type: ConditionType) => {
                  const kind = getFieldValue('kind') as SummonsRuleKind;
                  return CONDITIONS_OF[kind].includes(type)
                    ? Promise.resolve()
                    : Promise.reject(
                        new Error(
                          pick([`该条件不适用于${KIND_LABEL[kind][0]}`, `This condition does not fit a ${kind} rule`]),
                        ),
                      );
                },
              }),
            ]}
          >
            <Select
              id="summons-rule-condition"
              options={(Object.keys(CONDITION_LABEL) as ConditionType[]).map((c) => ({
                value: c,
                label: `${pick(CONDITION_LABEL[c])}（${pick(KIND_LABEL[CONDITIONS_OF.allowed.includes(c) ? 'allowed' : 'forbidden'])}）`,
              }))}
            />
          </Form.Item>
          <Form.Item noStyle dependencies={['type']}>
            {({ getFieldValue }) => {
              const type = getFieldValue('type') as ConditionType;
              if (type === 'min-units') {
                return (
                  <Form.Item
                    name="min"
                    label={pick(['至少召集的单位数', 'Units summoned, at least'])}
                    rules={[
                      {
                        required: true,
                        type: 'integer',
                        min: 1,
                        max: 50,
                        message: pick(['单位数为 1–50 的整数', 'A whole number 1–50']),
                      },
                    ]}
                  >
                    <InputNumber min={1} max={50} precision={0} id="summons-rule-min" />
                  </Form.Item>
                );
              }
              if (type === 'urgency-in') {
                return (
                  <Form.Item
                    name="urgencies"
                    label={pick(['紧急程度', 'Urgencies'])}
                    rules={[
                      {
                        required: true,
                        type: 'array',
                        min: 1,
                        message: pick(['至少选择一个紧急程度', 'Pick at least one urgency']),
                      },
                    ]}
                  >
                    <Select
                      mode="multiple"
                      options={URGENCIES.map((u) => ({ value: u, label: pick(URGENCY_LABEL[u]) }))}
                    />
                  </Form.Item>
                );
              }
              if (type === 'single-unit-routine-duty') {
                return (
                  <Form.Item
                    name="exceptReasons"
                    label={pick(['以下事由除外', 'Except for these reasons'])}
                    rules={[{ type: 'array', defaultField: { type: 'string', min: 1, max: 40 } }]}
                  >
                    <Select mode="tags" options={allowedCodes} />
                  </Form.Item>
                );
              }
              return null;
            }}
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="sort"
                label={pick(['排序', 'Order'])}
                rules={[{ required: true, type: 'integer', min: 0, max: 10000 }]}
              >
                <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="active" label={t('active')} valuePropName="checked">
                <Switch id="summons-rule-active" />
              </Form.Item>
            </Col>
          </Row>
        </ConfigModal>
      )}
    </>
  );
}

type SettingsValues = {
  responseLimits: Record<SummonsUrgency, LimitDraft>;
  handlingLimits: { simple: LimitDraft; complex: LimitDraft };
  redCardAtMiss: number;
  reason: string;
};

function SettingsTab({ settings, reload }: { settings: SummonsSettings; reload: () => void }) {
  const { pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsValues>();
  const write = useWrite(
    (v: SettingsValues) =>
      api.put<SummonsSettings>('/summons-config/settings', {
        responseLimits: {
          normal: toDuration(v.responseLimits.normal),
          urgent: toDuration(v.responseLimits.urgent),
          critical: toDuration(v.responseLimits.critical),
        },
        handlingLimits: { simple: toLimit(v.handlingLimits.simple), complex: toLimit(v.handlingLimits.complex) },
        redCardAtMiss: v.redCardAtMiss,
        reason: v.reason.trim(),
      } satisfies SummonsSettings & { reason: string }),
    () => {
      void message.success(pick(['已保存', 'Saved']));
      reload();
    },
  );
  return (
    <Form<SettingsValues>
      form={form}
      name="summons-settings"
      layout="vertical"
      style={{ maxWidth: 760 }}
      initialValues={{
        responseLimits: settings.responseLimits,
        handlingLimits: settings.handlingLimits,
        redCardAtMiss: settings.redCardAtMiss,
        reason: '',
      }}
      onFinish={write.submit}
      onValuesChange={() => write.error !== undefined && write.clear()}
    >
      <Typography.Title level={5}>{pick(['报到时限（按紧急程度）', '报到 limits (by urgency)'])}</Typography.Title>
      {URGENCIES.map((u) => (
        <Form.Item
          key={u}
          name={['responseLimits', u]}
          label={pick(URGENCY_LABEL[u])}
          required
          rules={[limitRule(pick)]}
        >
          <LimitInput id={`summons-response-${u}`} />
        </Form.Item>
      ))}
      <Typography.Title level={5}>{pick(['结果反馈时限', 'Result limits'])}</Typography.Title>
      <Form.Item
        name={['handlingLimits', 'simple']}
        label={pick(['简单事项', 'Simple matters'])}
        required
        rules={[limitRule(pick)]}
      >
        <LimitInput id="summons-handling-simple" sameWorkday />
      </Form.Item>
      <Form.Item
        name={['handlingLimits', 'complex']}
        label={pick(['复杂事项', 'Complex matters'])}
        required
        rules={[limitRule(pick)]}
      >
        <LimitInput id="summons-handling-complex" sameWorkday />
      </Form.Item>
      <Form.Item
        name="redCardAtMiss"
        label={pick([
          '第几次未按时报到给红牌（之前的超时发督办）',
          'Which miss gives a red card (earlier ones raise 督办)',
        ])}
        rules={[
          {
            required: true,
            type: 'integer',
            min: 1,
            max: 10,
            message: pick(['为 1–10 的整数', 'A whole number 1–10']),
          },
        ]}
      >
        <InputNumber min={1} max={10} precision={0} id="summons-red-card" />
      </Form.Item>
      <ReasonItem id="summons-settings-reason" />
      <ProblemAlert error={write.error} />
      <Button type="primary" htmlType="submit" loading={write.busy} data-testid="summons-settings-save">
        {pick(['保存设置', 'Save settings'])}
      </Button>
    </Form>
  );
}

export function SummonsConfigPage() {
  const { pick } = useI18n();
  const config = useLoad(() => api.get<SummonsConfig>('/summons-config'), []);
  const data = config.data;
  return (
    <Card
      title={pick(['吹哨规则', 'Whistle rules'])}
      extra={
        <Typography.Text type="secondary">
          {pick(['修改只影响之后发起的吹哨，并记入审计日志', 'Changes apply to new whistles and are audited'])}
        </Typography.Text>
      }
    >
      {config.error && <Alert type="error" showIcon title={config.error} style={{ marginBottom: 16 }} />}
      {data && (
        <Tabs
          items={[
            {
              key: 'rules',
              label: pick(['允许与禁止的情形', 'Allowed and forbidden']),
              children: <RulesTab config={data} reload={config.reload} />,
            },
            {
              key: 'settings',
              label: pick(['报到与反馈时限', 'Limits']),
              children: (
                <>
                  <Typography.Paragraph type="secondary">
                    {pick(['当前：', 'Now: '])}
                    {URGENCIES.map(
                      (u) => `${pick(URGENCY_LABEL[u])} ${limitText(data.settings.responseLimits[u], pick)}`,
                    ).join('；')}
                  </Typography.Paragraph>
                  <SettingsTab key={JSON.stringify(data.settings)} settings={data.settings} reload={config.reload} />
                </>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
