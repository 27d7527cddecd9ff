import { EditOutlined, PlusOutlined } from '@ant-design/icons';
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
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';
import type {
  HotlineOrderType,
  IncidentCategory,
  IncidentConfig,
  IncidentLevelNo,
  IncidentRoutingRule,
  IncidentSettings,
  IncidentSource,
  IncidentTimeLimit,
  OrgUnit,
  RoutingMode,
  Verifier,
} from '../../api/types';
import { loadUnits, useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { SOURCE_LABEL } from '../../processes/incident';
import {
  ConfigModal,
  LimitInput,
  limitRule,
  limitText,
  ProblemAlert,
  ReasonItem,
  toDuration,
  toLimit,
  UnitPicker,
  useWrite,
  type Label,
  type LimitDraft,
} from './common';

/*
 * 事件处置规则表 (DOMAIN §5, the 12345 part of §6): categories, the time limit of each category ×
 * urgency × level, the routing table (category × level → unit), 12345 order types, and the
 * verification / callback / 三率 settings. Every edit is one PUT on /incident-config/…, applies to
 * events reported afterwards, and is audited with its reason.
 */

const LEVELS = [1, 2, 3, 4] as const satisfies readonly IncidentLevelNo[];
const CODE_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const LEVEL_LABEL = {
  1: ['一级（网格）', 'L1 grid'],
  2: ['二级（村/社区）', 'L2 village'],
  3: ['三级（乡镇/街道）', 'L3 township'],
  4: ['四级（县）', 'L4 county'],
} as const satisfies Record<IncidentLevelNo, Label>;
const MODE_LABEL = {
  ancestor: ['本级属地单位', 'The local unit at this level'],
  agency: ['乡镇派驻机构', 'The township’s dispatched agency'],
  unit: ['指定单位', 'A fixed unit'],
} as const satisfies Record<RoutingMode, Label>;
/** What `ancestor` means at each level: the reporting grid's own unit there. */
const ANCESTOR_LABEL = {
  1: ['事发网格', 'the reporting grid'],
  2: ['所在村（社区）', 'its village'],
  3: ['所在乡镇（街道）', 'its township'],
  4: ['本县', 'the county'],
} as const satisfies Record<IncidentLevelNo, Label>;
const VERIFIER_LABEL = {
  'reporting-grid': ['上报事件的网格员', 'The reporting grid worker'],
  'level-above': ['上一级单位', 'The level above'],
} as const satisfies Record<Verifier, Label>;

const codeRules = (pick: (l: Label) => string) => [
  { required: true, message: pick(['请填写编码', 'Enter a code']) },
  {
    pattern: CODE_PATTERN,
    message: pick([
      '编码以小写字母开头，只含小写字母、数字和连字符，至多 40 位',
      'Starts with a–z; only a–z, 0–9 and "-" (≤ 40)',
    ]),
  },
];
const nameRules = (pick: (l: Label) => string) => [
  { required: true, whitespace: true, message: pick(['请填写名称', 'Enter a name']) },
  { max: 100 },
];

/** The township agencies' codes (`lk.t01.scjgs` → `scjgs`) with an example name each. */
function useAgencies(): { code: string; example: string }[] {
  const [units, setUnits] = useState<OrgUnit[]>([]);
  useEffect(() => {
    loadUnits().then(
      (m) => setUnits([...m.values()].filter((u) => u.kind === 'agency' && u.active)),
      () => undefined,
    );
  }, []);
  return useMemo(() => {
    const byCode = new Map<string, string>();
    for (const u of units) {
      const code = u.id.split('.').at(-1) ?? u.id;
      if (!byCode.has(code)) byCode.set(code, u.name);
    }
    return [...byCode].map(([code, example]) => ({ code, example }));
  }, [units]);
}

// ── categories ──────────────────────────────────────────────────────────────────────────────────

type CategoryValues = { code: string; name: string; active: boolean; sort?: number; l4UnitId?: string };

function CategoriesTab({ config, reload }: { config: IncidentConfig; reload: () => void }) {
  const { pick, t } = useI18n();
  const [editing, setEditing] = useState<IncidentCategory | 'new' | null>(null);
  const isNew = editing === 'new';
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="category-new">
          {pick(['新增类别', 'New category'])}
        </Button>
        <Typography.Text type="secondary">
          {pick([
            '新类别按默认时限建表，一至三级派给属地单位，四级派给指定的县直部门。',
            'A new category gets the default limits; L1–L3 go to the local unit, L4 to the department named.',
          ])}
        </Typography.Text>
      </Space>
      <Table<IncidentCategory>
        size="small"
        rowKey="code"
        dataSource={config.categories}
        pagination={false}
        data-testid="categories-table"
        columns={[
          { title: pick(['编码', 'Code']), dataIndex: 'code', width: 180 },
          { title: pick(['名称', 'Name']), dataIndex: 'name' },
          { title: pick(['排序', 'Order']), dataIndex: 'sort', width: 80 },
          {
            title: t('active'),
            dataIndex: 'active',
            width: 80,
            render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>),
          },
          {
            title: pick(['操作', 'Actions']),
            key: 'edit',
            width: 90,
            render: (_v, c) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => setEditing(c)}
                data-testid={`category-edit-${c.code}`}
              >
                {pick(['编辑', 'Edit'])}
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <ConfigModal<CategoryValues>
          formName="category"
          title={
            isNew
              ? pick(['新增事件类别', 'New incident category'])
              : pick([`编辑事件类别：${editing.name}`, `Edit category: ${editing.name}`])
          }
          initialValues={
            isNew
              ? { active: true, sort: (config.categories.at(-1)?.sort ?? 0) + 1 }
              : { code: editing.code, name: editing.name, active: editing.active, sort: editing.sort }
          }
          save={({ code, name, active, sort, l4UnitId, reason }) =>
            api.put(`/incident-config/categories/${encodeURIComponent(isNew ? code : editing.code)}`, {
              name: name.trim(),
              active,
              ...(sort === undefined || sort === null ? {} : { sort }),
              ...(isNew ? { l4UnitId } : {}),
              reason: reason.trim(),
            })
          }
          onClose={(saved) => {
            setEditing(null);
            if (saved) reload();
          }}
        >
          <Form.Item name="code" label={pick(['编码', 'Code'])} rules={isNew ? codeRules(pick) : []}>
            <Input maxLength={40} disabled={!isNew} placeholder="poverty-relief" />
          </Form.Item>
          <Form.Item name="name" label={pick(['名称', 'Name'])} rules={nameRules(pick)}>
            <Input maxLength={100} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="sort" label={pick(['排序', 'Order'])} rules={[{ type: 'integer', min: 0, max: 10000 }]}>
                <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="active" label={t('active')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          {isNew && (
            <Form.Item
              name="l4UnitId"
              label={pick(['四级（县级）处置部门', 'L4 county department'])}
              rules={[
                {
                  required: true,
                  message: pick(['新类别须指定四级（县级）处置部门', 'A new category needs its L4 department']),
                },
              ]}
            >
              <UnitPicker kinds={['department']} />
            </Form.Item>
          )}
        </ConfigModal>
      )}
    </>
  );
}

// ── time limits ─────────────────────────────────────────────────────────────────────────────────

function TimeLimitsTab({ config, reload }: { config: IncidentConfig; reload: () => void }) {
  const { pick } = useI18n();
  const [category, setCategory] = useState<string | undefined>(config.categories[0]?.code);
  const [editing, setEditing] = useState<{
    urgency: string;
    level: IncidentLevelNo;
    limit?: IncidentTimeLimit['limit'];
  } | null>(null);
  const limitOf = (urgency: string, level: number) =>
    config.timeLimits.find((l) => l.categoryCode === category && l.urgencyCode === urgency && l.level === level)?.limit;
  const urgencyName = (code: string) => config.urgencies.find((u) => u.code === code)?.name ?? code;
  const categoryName = config.categories.find((c) => c.code === category)?.name ?? category;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text>{pick(['事件类别', 'Category'])}：</Typography.Text>
        <Select
          id="time-limit-category"
          style={{ width: 220 }}
          value={category}
          onChange={setCategory}
          options={config.categories.map((c) => ({ value: c.code, label: c.name }))}
        />
        <Typography.Text type="secondary">
          {pick([
            '每一级的处置时限；超时未办结自动上报一级。修改只影响之后上报的事件。',
            'Each level’s limit; an event unresolved in time moves up a level. Applies to events reported afterwards.',
          ])}
        </Typography.Text>
      </Space>
      <Table
        size="small"
        rowKey="code"
        dataSource={config.urgencies}
        pagination={false}
        data-testid="time-limits-table"
        columns={[
          {
            title: pick(['紧急程度', 'Urgency']),
            dataIndex: 'name',
            width: 140,
            render: (v: string, u) =>
              u.mayJump ? (
                <Space>
                  {v}
                  <Tag color="red">{pick(['可越级', 'may jump'])}</Tag>
                </Space>
              ) : (
                v
              ),
          },
          ...LEVELS.map((level) => ({
            title: pick(LEVEL_LABEL[level]),
            key: `l${level}`,
            render: (_v: unknown, u: { code: string }) => {
              const limit = limitOf(u.code, level);
              return (
                <Space>
                  <span data-testid={`tl-value-${u.code}-${level}`}>{limit ? limitText(limit, pick) : '—'}</span>
                  <Button
                    size="small"
                    type="link"
                    icon={<EditOutlined />}
                    onClick={() => setEditing({ urgency: u.code, level, limit })}
                    data-testid={`tl-edit-${u.code}-${level}`}
                    aria-label={pick(['修改', 'Edit'])}
                  />
                </Space>
              );
            },
          })),
        ]}
      />
      {editing && category && (
        <ConfigModal<{ limit: LimitDraft }>
          formName="time-limit"
          title={pick([
            `处置时限：${categoryName} · ${urgencyName(editing.urgency)} · ${LEVEL_LABEL[editing.level][0]}`,
            `Time limit: ${categoryName} · ${urgencyName(editing.urgency)} · ${LEVEL_LABEL[editing.level][1]}`,
          ])}
          initialValues={{ limit: editing.limit ?? { unit: 'workday', amount: 1 } }}
          save={({ limit, reason }) =>
            api.put(
              `/incident-config/time-limits/${encodeURIComponent(category)}/${encodeURIComponent(editing.urgency)}/${editing.level}`,
              { limit: toLimit(limit), reason: reason.trim() },
            )
          }
          onClose={(saved) => {
            setEditing(null);
            if (saved) reload();
          }}
        >
          <Form.Item name="limit" label={pick(['处置时限', 'Time limit'])} required rules={[limitRule(pick)]}>
            <LimitInput id="time-limit-limit" sameWorkday />
          </Form.Item>
        </ConfigModal>
      )}
    </>
  );
}

// ── routing rules ───────────────────────────────────────────────────────────────────────────────

type RoutingValues = { mode: RoutingMode; target?: string };

function RoutingTab({ config, reload }: { config: IncidentConfig; reload: () => void }) {
  const { pick } = useI18n();
  const unitName = useUnitName();
  const agencies = useAgencies();
  const [editing, setEditing] = useState<{
    category: IncidentCategory;
    level: IncidentLevelNo;
    rule?: IncidentRoutingRule;
  } | null>(null);
  const agencyLabel = (code: string) => {
    const a = agencies.find((x) => x.code === code);
    return a ? pick([`派驻机构 ${code}（如 ${a.example}）`, `Agency ${code} (e.g. ${a.example})`]) : code;
  };
  const describe = (rule: IncidentRoutingRule | undefined, level: IncidentLevelNo) => {
    if (!rule) return <Typography.Text type="danger">{pick(['未配置', 'missing'])}</Typography.Text>;
    if (rule.mode === 'ancestor') return `${pick(MODE_LABEL.ancestor)}：${pick(ANCESTOR_LABEL[level])}`;
    if (rule.mode === 'agency') return agencyLabel(rule.target ?? '');
    return unitName(rule.target);
  };
  const modesAt = (level: IncidentLevelNo): RoutingMode[] =>
    level === 4 ? ['unit'] : level === 3 ? ['ancestor', 'agency', 'unit'] : ['ancestor', 'unit'];
  return (
    <>
      <Typography.Paragraph type="secondary">
        {pick([
          '派单规则：各类别在每一级派给谁。一至三级可派给属地单位或指定单位，三级还可派给乡镇派驻机构；四级须派给县直部门。',
          'Who takes each category at each level. L1–L3: the local unit or a fixed unit (L3 also a dispatched agency); L4: a county department.',
        ])}
      </Typography.Paragraph>
      <Table<IncidentCategory>
        size="small"
        rowKey="code"
        dataSource={config.categories}
        pagination={false}
        data-testid="routing-table"
        columns={[
          { title: pick(['事件类别', 'Category']), dataIndex: 'name', width: 120 },
          ...LEVELS.map((level) => ({
            title: pick(LEVEL_LABEL[level]),
            key: `l${level}`,
            render: (_v: unknown, c: IncidentCategory) => {
              const rule = config.routingRules.find((r) => r.categoryCode === c.code && r.level === level);
              return (
                <Space>
                  <span data-testid={`rr-value-${c.code}-${level}`}>{describe(rule, level)}</span>
                  <Button
                    size="small"
                    type="link"
                    icon={<EditOutlined />}
                    onClick={() => setEditing({ category: c, level, rule })}
                    data-testid={`rr-edit-${c.code}-${level}`}
                    aria-label={pick(['修改', 'Edit'])}
                  />
                </Space>
              );
            },
          })),
        ]}
      />
      {editing && (
        <ConfigModal<RoutingValues>
          formName="routing"
          title={pick([
            `派单规则：${editing.category.name} · ${LEVEL_LABEL[editing.level][0]}`,
            `Routing: ${editing.category.name} · ${LEVEL_LABEL[editing.level][1]}`,
          ])}
          initialValues={{
            mode: editing.rule?.mode ?? modesAt(editing.level)[0],
            target: editing.rule?.target ?? undefined,
          }}
          save={({ mode, target, reason }) =>
            api.put(`/incident-config/routing-rules/${encodeURIComponent(editing.category.code)}/${editing.level}`, {
              mode,
              ...(mode === 'ancestor' ? {} : { target }),
              reason: reason.trim(),
            })
          }
          onClose={(saved) => {
            setEditing(null);
            if (saved) reload();
          }}
        >
          <Form.Item name="mode" label={pick(['派给', 'Route to'])} rules={[{ required: true }]}>
            <Radio.Group
              options={modesAt(editing.level).map((m) => ({
                value: m,
                label:
                  m === 'ancestor'
                    ? `${pick(MODE_LABEL[m])}（${pick(ANCESTOR_LABEL[editing.level])}）`
                    : pick(MODE_LABEL[m]),
              }))}
            />
          </Form.Item>
          <Form.Item noStyle dependencies={['mode']}>
            {({ getFieldValue }) => {
              const mode = getFieldValue('mode') as RoutingMode;
              if (mode === 'ancestor') return null;
              const required = { required: true, message: pick(['请选择派往的单位或机构', 'Pick where it goes']) };
              return mode === 'agency' ? (
                <Form.Item
                  name="target"
                  label={pick(['派驻机构（在事发乡镇）', 'Agency (in the event’s township)'])}
                  rules={[required]}
                >
                  <Select
                    id="routing-agency"
                    options={agencies.map((a) => ({ value: a.code, label: agencyLabel(a.code) }))}
                  />
                </Form.Item>
              ) : (
                <Form.Item
                  name="target"
                  label={editing.level === 4 ? pick(['县直部门', 'County department']) : pick(['指定单位', 'Unit'])}
                  rules={[required]}
                >
                  <UnitPicker id="routing-unit" kinds={editing.level === 4 ? ['department'] : undefined} />
                </Form.Item>
              );
            }}
          </Form.Item>
        </ConfigModal>
      )}
    </>
  );
}

// ── 12345 order types ───────────────────────────────────────────────────────────────────────────

type HotlineValues = { code: string; name: string; limit: LimitDraft; active: boolean };

function HotlineTab({ config, reload }: { config: IncidentConfig; reload: () => void }) {
  const { pick, t } = useI18n();
  const [editing, setEditing] = useState<HotlineOrderType | 'new' | null>(null);
  const isNew = editing === 'new';
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="hotline-new">
          {pick(['新增工单类型', 'New order type'])}
        </Button>
        <Typography.Text type="secondary">
          {pick(['12345 工单按类型计办理时限（接诉即办）。', 'A 12345 order’s deadline comes from its type.'])}
        </Typography.Text>
      </Space>
      <Table<HotlineOrderType>
        size="small"
        rowKey="code"
        dataSource={config.hotlineTypes}
        pagination={false}
        data-testid="hotline-table"
        columns={[
          { title: pick(['编码', 'Code']), dataIndex: 'code', width: 160 },
          { title: pick(['名称', 'Name']), dataIndex: 'name' },
          {
            title: pick(['办理时限', 'Limit']),
            dataIndex: 'limit',
            width: 160,
            render: (l: HotlineOrderType['limit']) => limitText(l, pick),
          },
          {
            title: t('active'),
            dataIndex: 'active',
            width: 80,
            render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>),
          },
          {
            title: pick(['操作', 'Actions']),
            key: 'edit',
            width: 90,
            render: (_v, h) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => setEditing(h)}
                data-testid={`hotline-edit-${h.code}`}
              >
                {pick(['编辑', 'Edit'])}
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <ConfigModal<HotlineValues>
          formName="hotline"
          title={
            isNew
              ? pick(['新增 12345 工单类型', 'New 12345 order type'])
              : pick([`编辑工单类型：${editing.name}`, `Edit order type: ${editing.name}`])
          }
          initialValues={
            isNew
              ? { active: true, limit: { unit: 'day', amount: 7 } }
              : { code: editing.code, name: editing.name, limit: editing.limit, active: editing.active }
          }
          save={({ code, name, limit, active, reason }) =>
            api.put(`/incident-config/hotline-types/${encodeURIComponent(isNew ? code : editing.code)}`, {
              name: name.trim(),
              limit: toDuration(limit),
              active,
              reason: reason.trim(),
            })
          }
          onClose={(saved) => {
            setEditing(null);
            if (saved) reload();
          }}
        >
          <Form.Item name="code" label={pick(['编码', 'Code'])} rules={isNew ? codeRules(pick) : []}>
            <Input maxLength={40} disabled={!isNew} />
          </Form.Item>
          <Form.Item name="name" label={pick(['名称', 'Name'])} rules={nameRules(pick)}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="limit" label={pick(['办理时限', 'Limit'])} required rules={[limitRule(pick)]}>
            <LimitInput id="hotline-limit" />
          </Form.Item>
          <Form.Item name="active" label={t('active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </ConfigModal>
      )}
    </>
  );
}

// ── settings ────────────────────────────────────────────────────────────────────────────────────

type SettingsValues = {
  commandCentreUnitId: string;
  verifier: Record<`${IncidentLevelNo}`, Verifier>;
  callbackSources: IncidentSource[];
  weights: { response: number; resolution: number; satisfaction: number };
  disputeWindow: LimitDraft;
  reason: string;
};

const percent = (x: number) => Math.round(x * 10000) / 100;

function SettingsTab({ settings, reload }: { settings: IncidentSettings; reload: () => void }) {
  const { pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsValues>();
  const initial: SettingsValues = {
    commandCentreUnitId: settings.commandCentreUnitId,
    verifier: { 1: settings.verifier[1], 2: settings.verifier[2], 3: settings.verifier[3], 4: settings.verifier[4] },
    callbackSources: settings.callbackSources,
    weights: {
      response: percent(settings.hotlineWeights.response),
      resolution: percent(settings.hotlineWeights.resolution),
      satisfaction: percent(settings.hotlineWeights.satisfaction),
    },
    disputeWindow: settings.disputeWindow,
    reason: '',
  };
  const write = useWrite(
    (v: SettingsValues) =>
      api.put<IncidentSettings>('/incident-config/settings', {
        commandCentreUnitId: v.commandCentreUnitId,
        verifier: v.verifier,
        callbackSources: v.callbackSources,
        // Percentages typed by a clerk (30/35/35) as the shares the API takes (0.3/0.35/0.35).
        hotlineWeights: {
          response: v.weights.response / 100,
          resolution: v.weights.resolution / 100,
          satisfaction: v.weights.satisfaction / 100,
        },
        disputeWindow: toDuration(v.disputeWindow),
        reason: v.reason.trim(),
      } satisfies IncidentSettings & { reason: string }),
    () => {
      void message.success(pick(['已保存', 'Saved']));
      form.setFieldValue('reason', '');
      reload();
    },
  );
  const others = (name: keyof SettingsValues['weights']) =>
    (['response', 'resolution', 'satisfaction'] as const).filter((k) => k !== name).map((k) => ['weights', k]);
  const weight = (name: keyof SettingsValues['weights'], label: Label) => (
    <Col span={8}>
      <Form.Item
        name={['weights', name]}
        label={pick(label)}
        dependencies={others(name)}
        rules={[
          { required: true, type: 'number', min: 0, max: 100, message: pick(['权重为 0–100%', 'A weight is 0–100%']) },
          ({ getFieldValue }) => ({
            // The API takes shares summing to 1 (domain/incident.ts hotlineWeights).
            validator: () => {
              const sum = (['response', 'resolution', 'satisfaction'] as const).reduce(
                (s, k) => s + Number(getFieldValue(['weights', k]) ?? 0),
                0,
              );
              return Math.abs(sum - 100) < 1e-6
                ? Promise.resolve()
                : Promise.reject(
                    new Error(
                      pick([
                        `三率权重合计须为 100%，当前为 ${Math.round(sum * 100) / 100}%`,
                        `The weights must sum to 100%; now ${Math.round(sum * 100) / 100}%`,
                      ]),
                    ),
                  );
            },
          }),
        ]}
      >
        <InputNumber min={0} max={100} step={5} style={{ width: '100%' }} addonAfter="%" />
      </Form.Item>
    </Col>
  );
  return (
    <Form<SettingsValues>
      form={form}
      name="incident-settings"
      layout="vertical"
      initialValues={initial}
      onFinish={write.submit}
      style={{ maxWidth: 760 }}
      onValuesChange={() => write.error !== undefined && write.clear()}
    >
      <Form.Item
        name="commandCentreUnitId"
        label={pick([
          '县综合指挥中心（四级派单、12345 工单归口）',
          'County command centre (L4 dispatch, 12345 orders)',
        ])}
        rules={[{ required: true }]}
      >
        <UnitPicker />
      </Form.Item>
      <Typography.Title level={5}>
        {pick(['核查人（按办结层级）', 'Who verifies on site (by level resolved)'])}
      </Typography.Title>
      <Row gutter={12}>
        {LEVELS.map((level) => (
          <Col span={6} key={level}>
            <Form.Item name={['verifier', `${level}`]} label={pick(LEVEL_LABEL[level])} rules={[{ required: true }]}>
              <Select
                // A grid that resolved its own event cannot verify itself (domain/incident.ts incidentSettingsSchema).
                options={(Object.entries(VERIFIER_LABEL) as [Verifier, Label][]).map(([value, l]) => ({
                  value,
                  label: pick(l),
                  disabled: level === 1 && value === 'reporting-grid',
                }))}
              />
            </Form.Item>
          </Col>
        ))}
      </Row>
      <Form.Item
        name="disputeWindow"
        label={pick([
          '派单异议期限（派单后多久内可提出异议，逾期须签收办理）',
          'Dispute window (how long after a dispatch its unit may dispute it; later it must sign)',
        ])}
        rules={[limitRule(pick)]}
      >
        <LimitInput id="incident-dispute-window" />
      </Form.Item>
      <Form.Item name="callbackSources" label={pick(['需回访的事件来源', 'Sources called back after closing'])}>
        <Checkbox.Group
          options={(Object.entries(SOURCE_LABEL) as [IncidentSource, Label][]).map(([value, l]) => ({
            value,
            label: pick(l),
          }))}
        />
      </Form.Item>
      <Typography.Title level={5}>
        {pick(['12345 “三率”权重（合计 100%）', '12345 indicator weights (sum to 100%)'])}
      </Typography.Title>
      <Row gutter={12}>
        {weight('response', ['响应率', 'Response rate'])}
        {weight('resolution', ['解决率', 'Resolution rate'])}
        {weight('satisfaction', ['满意率', 'Satisfaction rate'])}
      </Row>
      <ReasonItem id="incident-settings-reason" />
      <ProblemAlert error={write.error} />
      <Button type="primary" htmlType="submit" loading={write.busy} data-testid="incident-settings-save">
        {pick(['保存设置', 'Save settings'])}
      </Button>
    </Form>
  );
}

export function IncidentConfigPage() {
  const { pick } = useI18n();
  const config = useLoad(() => api.get<IncidentConfig>('/incident-config'), []);
  const [tab, setTab] = useState('time-limits');
  const data = config.data;
  return (
    <Card
      title={pick(['事件处置规则', 'Incident rules'])}
      extra={
        <Typography.Text type="secondary">
          {pick(['修改只影响之后上报的事件，并记入审计日志', 'Changes apply to new events and are audited'])}
        </Typography.Text>
      }
    >
      {config.error && <Alert type="error" showIcon title={config.error} style={{ marginBottom: 16 }} />}
      {data && (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'time-limits',
              label: pick(['处置时限', 'Time limits']),
              children: <TimeLimitsTab config={data} reload={config.reload} />,
            },
            {
              key: 'routing',
              label: pick(['派单规则', 'Routing']),
              children: <RoutingTab config={data} reload={config.reload} />,
            },
            {
              key: 'categories',
              label: pick(['事件类别', 'Categories']),
              children: <CategoriesTab config={data} reload={config.reload} />,
            },
            {
              key: 'hotline',
              label: pick(['12345 工单类型', '12345 order types']),
              children: <HotlineTab config={data} reload={config.reload} />,
            },
            {
              key: 'settings',
              label: pick(['核查、回访与三率', 'Verification, callback, 三率']),
              children: (
                <SettingsTab key={JSON.stringify(data.settings)} settings={data.settings} reload={config.reload} />
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
