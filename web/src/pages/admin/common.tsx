import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import type { Duration, DurationUnit, IncidentLimit, OrgUnit, UnitKind } from '../../api/types';
import { loadUnits } from '../../auth';
import { useI18n } from '../../i18n';
import { unitKindLabel } from '../../labels';

/*
 * Pieces shared by the admin editors (事项目录, 事件规则, 吹哨规则): the server's refusal shown in the
 * console's language, the audit reason, time-limit inputs and a unit picker. The rules in the forms
 * repeat the API's own (domain/catalogue.ts, domain/incident.ts, domain/summons.ts) so a clerk hears
 * about a mistake before saving; the server stays the judge and its answer is always shown.
 */

export type Label = readonly [string, string];

/** The largest amount a time limit may have (domain/calendar.ts MAX_DURATION_AMOUNT). */
export const MAX_LIMIT_AMOUNT = 1_000_000;

/** Duration units, in the order a clerk picks them (domain/calendar.ts DURATION_UNITS). */
export const DURATION_UNIT_LABEL = {
  workday: ['工作日', 'working days'],
  workhour: ['工作小时', 'working hours'],
  day: ['自然日', 'days'],
  hour: ['小时', 'hours'],
  minute: ['分钟', 'minutes'],
} as const satisfies Record<DurationUnit, Label>;
const SAME_WORKDAY: Label = ['当日（工作日内办结）', 'same working day'];

/** A time limit as a clerk reads it: "3 工作日", "当日（工作日内办结）". */
export function limitText(limit: IncidentLimit | Duration, pick: (l: Label) => string): string {
  if (limit.unit === 'same-workday') return pick(SAME_WORKDAY);
  return `${limit.amount} ${pick(DURATION_UNIT_LABEL[limit.unit])}`;
}

/** A limit while it is being typed: the amount may still be empty. */
export type LimitDraft = { unit: 'same-workday' } | { unit: DurationUnit; amount?: number | null };

/** The limit a checked draft stands for (call after {@link limitRule} passed). */
export function toLimit(draft: LimitDraft): IncidentLimit {
  return draft.unit === 'same-workday' ? { unit: 'same-workday' } : { unit: draft.unit, amount: draft.amount ?? 0 };
}

/** {@link toLimit} for fields that take a plain duration (no "same working day"). */
export function toDuration(draft: LimitDraft): Duration {
  return draft.unit === 'same-workday'
    ? { unit: 'workday', amount: 0 }
    : { unit: draft.unit, amount: draft.amount ?? 0 };
}

/**
 * A time limit input: amount and unit (and, where the API takes an {@link IncidentLimit}, "same
 * working day"). Used as a controlled antd form field.
 */
export function LimitInput({
  value,
  onChange,
  id,
  sameWorkday = false,
}: {
  value?: LimitDraft;
  onChange?: (v: LimitDraft) => void;
  id?: string;
  sameWorkday?: boolean;
}) {
  const { pick } = useI18n();
  const unit = value?.unit ?? 'workday';
  const amount = value && value.unit !== 'same-workday' ? value.amount : undefined;
  const units = [
    ...(sameWorkday ? [{ value: 'same-workday', label: pick(SAME_WORKDAY) }] : []),
    ...Object.entries(DURATION_UNIT_LABEL).map(([u, l]) => ({ value: u, label: pick(l) })),
  ];
  const change = (nextUnit: string, nextAmount: number | null | undefined) =>
    onChange?.(
      nextUnit === 'same-workday' ? { unit: 'same-workday' } : { unit: nextUnit as DurationUnit, amount: nextAmount },
    );
  return (
    <Space.Compact>
      <InputNumber
        id={id}
        data-testid={id ? `${id}-amount` : undefined}
        min={0}
        max={MAX_LIMIT_AMOUNT}
        step={1}
        style={{ width: 140 }}
        disabled={unit === 'same-workday'}
        value={amount}
        onChange={(n) => change(unit, n)}
      />
      <Select
        data-testid={id ? `${id}-unit` : undefined}
        style={{ width: 190 }}
        value={unit}
        options={units}
        onChange={(u: string) => change(u, amount)}
      />
    </Space.Compact>
  );
}

/** The API's rule for a limit: "same working day", or an amount above zero and at most {@link MAX_LIMIT_AMOUNT}. */
export function limitRule(pick: (l: Label) => string): Rule {
  return {
    validator: (_r, v: LimitDraft | undefined) => {
      if (!v) return Promise.reject(new Error(pick(['请填写时限', 'Enter a time limit'])));
      if (v.unit === 'same-workday') return Promise.resolve();
      if (typeof v.amount !== 'number' || !(v.amount > 0))
        return Promise.reject(new Error(pick(['时限须大于 0', 'The limit must be more than zero'])));
      if (v.amount > MAX_LIMIT_AMOUNT)
        return Promise.reject(
          new Error(pick([`时限不能超过 ${MAX_LIMIT_AMOUNT}`, `The limit may not exceed ${MAX_LIMIT_AMOUNT}`])),
        );
      return Promise.resolve();
    },
  };
}

/** 变更原因: recorded with the before/after in the audit log (DOMAIN §8: who, when, what, why). */
export function ReasonItem({ id }: { id: string }) {
  const { pick } = useI18n();
  return (
    <Form.Item
      name="reason"
      label={pick(['变更原因（记入审计日志）', 'Reason (recorded in the audit log)'])}
      rules={[
        { required: true, whitespace: true, message: pick(['请填写变更原因', 'Give a reason for the change']) },
        { max: 500 },
      ]}
    >
      <Input.TextArea id={id} rows={2} maxLength={500} showCount />
    </Form.Item>
  );
}

/** Active units, optionally of some kinds only, searchable by name or id. */
export function UnitPicker({
  kinds,
  multiple,
  maxCount,
  ...props
}: {
  value?: string | string[];
  onChange?: (v: string | string[]) => void;
  id?: string;
  kinds?: readonly UnitKind[];
  multiple?: boolean;
  maxCount?: number;
  placeholder?: string;
  style?: CSSProperties;
}) {
  const { lang, pick } = useI18n();
  const [units, setUnits] = useState<OrgUnit[]>([]);
  // Keyed on the kinds' contents: callers pass a new array on every render.
  const kindsKey = kinds?.join(',') ?? '';
  useEffect(() => {
    const wanted = kindsKey ? kindsKey.split(',') : null;
    loadUnits().then(
      (m) => setUnits([...m.values()].filter((u) => u.active && (!wanted || wanted.includes(u.kind)))),
      () => undefined,
    );
  }, [kindsKey]);
  return (
    <Select
      {...props}
      mode={multiple ? 'multiple' : undefined}
      maxCount={multiple ? maxCount : undefined}
      allowClear
      loading={units.length === 0}
      showSearch={{ optionFilterProp: 'label' }}
      options={units.map((u) => ({
        value: u.id,
        label: `${(lang === 'en' ? u.nameEn : u.name) ?? u.name}（${pick(unitKindLabel(u.kind))} · ${u.id}）`,
      }))}
    />
  );
}

/** The field a problem's issue path (`body.steps.1.unitRule`) names, as a clerk reads it. */
function issueWhere(path: string, fieldLabel?: (path: (string | number)[]) => string | undefined): string {
  const parts = path
    .replace(/^body\.?/, '')
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return fieldLabel?.(parts) ?? parts.join('.');
}

/**
 * A refusal from the server, in the console's language: what kind of refusal (the problem's title,
 * e.g. 业务规则不允许), the server's own sentence naming the broken rule, and each issue with the field
 * it concerns. `data-code` carries the rule's stable code (e.g. `too-many-steps`).
 */
export function ProblemAlert({
  error,
  fieldLabel,
  onClose,
}: {
  error: unknown;
  fieldLabel?: (path: (string | number)[]) => string | undefined;
  onClose?: () => void;
}) {
  const { pick } = useI18n();
  if (error === undefined || error === null) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const issues = problem?.issues ?? [];
  // A rule refusal (422) already names every broken rule in `detail`; a malformed request (400) names the fields in its issues.
  const listIssues = issues.length > 0 && (problem?.status !== 422 || issues.length > 1);
  return (
    <Alert
      type="error"
      showIcon
      closable={onClose ? { onClose } : undefined}
      data-testid="server-problem"
      data-code={problem?.code ?? ''}
      title={problem ? `${pick(['保存未成功', 'Not saved'])}：${problem.title}` : pick(['保存未成功', 'Not saved'])}
      description={
        <>
          <div data-testid="server-problem-detail">
            {problem?.status === 400 && issues.length > 0
              ? pick(['提交的内容不符合要求，请按以下提示修改：', 'The form does not match what the server accepts:'])
              : (problem?.detail ?? (error instanceof Error ? error.message : String(error)))}
          </div>
          {listIssues && (
            <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
              {issues.map((i) => (
                <li key={`${i.path}${i.message}`}>
                  <Typography.Text type="secondary">{issueWhere(i.path, fieldLabel)}</Typography.Text>：{i.message}
                </li>
              ))}
            </ul>
          )}
        </>
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/**
 * Send a write: `busy` while it runs, the thrown error (an {@link ApiError} with the problem) kept for
 * {@link ProblemAlert}, `after` with the answer when it succeeds.
 */
export function useWrite<V, R>(
  send: (values: V) => Promise<R>,
  after: (result: R, values: V) => unknown,
): { busy: boolean; error: unknown; submit: (values: V) => void; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = (values: V) => {
    setBusy(true);
    setError(undefined);
    void send(values)
      .then((r) => after(r, values), setError)
      .finally(() => setBusy(false));
  };
  return { busy, error, submit, clear: () => setError(undefined) };
}

/**
 * One row of a rule table edited in a modal: the fields, the audit reason, and the server's refusal
 * shown in place (the row is unchanged until the server accepts). Mount it only while open, so each
 * edit starts from the row as it is.
 */
export function ConfigModal<V extends object>({
  title,
  initialValues,
  formName,
  save,
  onClose,
  children,
  width = 640,
}: {
  title: ReactNode;
  initialValues: Partial<V>;
  /** Prefix of the field ids (`<formName>_<field>`). */
  formName: string;
  save: (values: V & { reason: string }) => Promise<unknown>;
  /** Called with `true` after a save, `false` on cancel. */
  onClose: (saved: boolean) => void;
  children: ReactNode;
  width?: number;
}) {
  const { pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<V & { reason: string }>();
  const write = useWrite(save, () => {
    void message.success(pick(['已保存', 'Saved']));
    onClose(true);
  });
  return (
    <Modal open title={title} footer={null} onCancel={() => onClose(false)} width={width} maskClosable={false}>
      <Form<V & { reason: string }>
        form={form}
        name={formName}
        layout="vertical"
        initialValues={initialValues as V & { reason: string }}
        onFinish={write.submit}
        onValuesChange={() => write.error !== undefined && write.clear()}
      >
        {children}
        <ReasonItem id={`${formName}-reason`} />
        <ProblemAlert error={write.error} />
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={() => onClose(false)}>{pick(['取消', 'Cancel'])}</Button>
          <Button type="primary" htmlType="submit" loading={write.busy} data-testid="config-save">
            {pick(['保存', 'Save'])}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}
