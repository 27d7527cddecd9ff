import { Alert, App, Button, Card, Form, Input, Radio, Result, Select, Switch, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type {
  Complexity,
  PowerListItem,
  SummonsConfig,
  SummonsUrgency,
  SummonsView,
  WhistleBody,
} from '../../api/types';
import { loadUnits, useUser } from '../../auth';
import { useLoad, useSubmit } from '../../hooks';
import { useI18n } from '../../i18n';
import { COMPLEXITY_LABEL, durationUnitLabel, URGENCY_LABEL } from '../../labels';
import { isTownship } from './access';
import { fill, LIMITS, W } from './text';

interface WhistleForm {
  title: string;
  description: string;
  reasonCode: string;
  keyTask?: string;
  urgency: SummonsUrgency;
  complexity: Complexity;
  unitIds: string[];
  powerItemCodes?: string[];
  withinCapacity: boolean;
  categoryCode?: string;
}

/** Most urgent first, as a dispatcher reads them. */
const URGENCIES: readonly SummonsUrgency[] = ['critical', 'urgent', 'normal'];
const COMPLEXITIES: readonly Complexity[] = ['simple', 'complex'];

/** 吹哨: a township dispatcher summons departments or agencies (POST /summons; limits of the API's `whistleBody`). */
export function WhistleFormPage() {
  const { pick, lang } = useI18n();
  const user = useUser();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<WhistleForm>();
  const reasonCode = Form.useWatch('reasonCode', form);
  const urgency = Form.useWatch('urgency', form);
  const config = useLoad(() => api.get<SummonsConfig>('/summons-config'), []);
  const units = useLoad(loadUnits, []);
  // Only a dispatcher of a township or street blows the whistle (the route admits dispatchers only).
  const townshipId = isTownship(units.data?.get(user.unitId)) ? user.unitId : null;
  const powers = useLoad(
    () =>
      townshipId
        ? api.get<PowerListItem[]>(`/org-units/${encodeURIComponent(townshipId)}/power-list`, { active: true })
        : Promise.resolve([]),
    [townshipId],
  );
  const categories = useLoad(
    () => api.get<{ categories: { code: string; name: string; active?: boolean }[] }>('/incident-config'),
    [],
  );

  const reasons = (config.data?.rules ?? []).filter((r) => r.kind === 'allowed' && r.active);
  const reason = reasons.find((r) => r.code === reasonCode);
  const needsKeyTask = reason?.condition.type === 'key-task';
  const settings = config.data?.settings;

  // County departments, and the dispatched agencies stationed in this township (the API refuses any other).
  const unitOptions = useMemo(() => {
    const all = [...(units.data?.values() ?? [])].filter((u) => u.active);
    const label = (u: (typeof all)[number]) => (lang === 'en' ? (u.nameEn ?? u.name) : u.name);
    const option = (u: (typeof all)[number]) => ({ value: u.id, label: label(u) });
    return [
      {
        label: pick(W.agencies),
        options: all.filter((u) => u.kind === 'agency' && u.parentId === townshipId).map(option),
      },
      { label: pick(W.departments), options: all.filter((u) => u.kind === 'department').map(option) },
    ];
  }, [units.data, townshipId, lang, pick]);

  // A refusal is about the values sent: hide it once the dispatcher changes the form.
  const [edited, setEdited] = useState(false);
  const { busy, error, submit } = useSubmit(
    (v: WhistleForm) => {
      const body: WhistleBody = {
        title: v.title.trim(),
        description: v.description.trim(),
        reasonCode: v.reasonCode,
        urgency: v.urgency,
        complexity: v.complexity,
        unitIds: v.unitIds,
        powerItemCodes: v.powerItemCodes ?? [],
        withinCapacity: v.withinCapacity,
        ...(needsKeyTask && v.keyTask?.trim() ? { keyTask: v.keyTask.trim() } : {}),
        ...(v.categoryCode ? { categoryCode: v.categoryCode } : {}),
      };
      return api.post<SummonsView>('/summons', body);
    },
    (view) => {
      void message.success(fill(pick(W.created), { id: view.caseId }));
      return navigate(`/whistles/${encodeURIComponent(view.caseId)}`);
    },
  );

  if (units.data && !townshipId) return <Result status="403" title={pick(W.onlyTownship)} />;

  const required = (label: readonly [string, string]) => ({
    required: true,
    whitespace: true,
    message: fill(pick(W.required), { f: pick(label) }),
  });
  const ackLimit = (u: SummonsUrgency) => {
    const d = settings?.responseLimits[u];
    return d ? fill(pick(W.ackWithin), { t: `${d.amount} ${pick(durationUnitLabel(d.unit))}` }) : '';
  };
  const resultLimit = (c: Complexity) => {
    const l = settings?.handlingLimits[c];
    if (!l) return '';
    return fill(pick(W.resultWithin), {
      t: l.unit === 'same-workday' ? pick(W.sameWorkday) : `${l.amount} ${pick(durationUnitLabel(l.unit))}`,
    });
  };

  return (
    <Card title={pick(W.formTitle)} style={{ maxWidth: 860 }} data-testid="whistle-form">
      <Typography.Paragraph type="secondary">{pick(W.formIntro)}</Typography.Paragraph>
      {config.error && <Alert type="error" showIcon title={config.error} style={{ marginBottom: 16 }} />}
      <Form<WhistleForm>
        form={form}
        layout="vertical"
        onValuesChange={() => setEdited(true)}
        onFinish={(v) => {
          setEdited(false);
          submit(v);
        }}
        initialValues={{
          urgency: 'normal',
          complexity: 'simple',
          withinCapacity: false,
          unitIds: [],
          powerItemCodes: [],
        }}
      >
        <Form.Item name="title" label={pick(W.title)} rules={[required(W.title), { max: LIMITS.title }]}>
          <Input id="whistle-title" maxLength={LIMITS.title} showCount />
        </Form.Item>
        <Form.Item
          name="description"
          label={pick(W.description)}
          rules={[required(W.description), { max: LIMITS.description }]}
        >
          <Input.TextArea id="whistle-description" rows={4} maxLength={LIMITS.description} showCount />
        </Form.Item>
        <Form.Item
          name="reasonCode"
          label={pick(W.reason)}
          rules={[{ required: true, message: fill(pick(W.required), { f: pick(W.reason) }) }]}
          extra={reason?.description}
        >
          <Select
            id="whistle-reason"
            loading={config.loading}
            options={reasons.map((r) => ({ value: r.code, label: r.name }))}
          />
        </Form.Item>
        {needsKeyTask && (
          <Form.Item name="keyTask" label={pick(W.keyTask)} rules={[required(W.keyTask), { max: LIMITS.keyTask }]}>
            <Input id="whistle-key-task" maxLength={LIMITS.keyTask} />
          </Form.Item>
        )}
        <Form.Item
          name="urgency"
          label={pick(W.urgency)}
          rules={[{ required: true }]}
          extra={<span data-testid="whistle-limits">{ackLimit(urgency ?? 'normal')}</span>}
        >
          <Radio.Group
            id="whistle-urgency"
            optionType="button"
            buttonStyle="solid"
            options={URGENCIES.map((u) => ({ value: u, label: pick(URGENCY_LABEL[u]), title: ackLimit(u) }))}
          />
        </Form.Item>
        <Form.Item name="complexity" label={pick(W.complexity)} rules={[{ required: true }]}>
          <Radio.Group
            id="whistle-complexity"
            optionType="button"
            options={COMPLEXITIES.map((c) => ({
              value: c,
              label: [pick(COMPLEXITY_LABEL[c]), resultLimit(c)].filter(Boolean).join(' · '),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="unitIds"
          label={pick(W.units)}
          extra={pick(W.unitsHint)}
          rules={[
            { required: true, type: 'array', min: 1, message: fill(pick(W.required), { f: pick(W.units) }) },
            { type: 'array', max: LIMITS.units, message: fill(pick(W.tooMany), { n: LIMITS.units }) },
          ]}
        >
          <Select
            id="whistle-units"
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            loading={units.loading}
            options={unitOptions}
            maxCount={LIMITS.units}
          />
        </Form.Item>
        <Form.Item
          name="powerItemCodes"
          label={pick(W.powerItems)}
          extra={pick(W.powerItemsHint)}
          rules={[{ type: 'array', max: LIMITS.powerItems, message: fill(pick(W.tooMany), { n: LIMITS.powerItems }) }]}
        >
          <Select
            id="whistle-power-items"
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={powers.loading}
            maxCount={LIMITS.powerItems}
            options={(powers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} ${p.name}` }))}
          />
        </Form.Item>
        <Form.Item name="withinCapacity" label={pick(W.withinCapacity)} valuePropName="checked">
          <Switch id="whistle-within-capacity" />
        </Form.Item>
        <Form.Item name="categoryCode" label={pick(W.category)}>
          <Select
            id="whistle-category"
            allowClear
            options={(categories.data?.categories ?? [])
              .filter((c) => c.active !== false)
              .map((c) => ({ value: c.code, label: c.name }))}
          />
        </Form.Item>
        {error && !edited && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />
        )}
        <Button type="primary" htmlType="submit" loading={busy} id="whistle-submit">
          {pick(W.submit)}
        </Button>
      </Form>
    </Card>
  );
}
