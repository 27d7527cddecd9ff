import { Alert, App, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { CaseDetail, OrgUnit } from '../api/types';
import { loadUnits } from '../auth';
import { useI18n } from '../i18n';
import type { ActionSpec, FieldSpec } from '../processes/types';
import { AttachmentPicker } from './Attachments';

/** Every active unit, by name, for a unit field (the tree is loaded once per session). */
function UnitSelect(props: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const { lang } = useI18n();
  const [units, setUnits] = useState<OrgUnit[]>([]);
  useEffect(() => {
    loadUnits().then(
      (m) => setUnits([...m.values()].filter((u) => u.active)),
      () => undefined,
    );
  }, []);
  return (
    <Select
      {...props}
      showSearch={{ optionFilterProp: 'label' }}
      options={units.map((u) => ({
        value: u.id,
        label: `${(lang === 'en' ? u.nameEn : u.name) ?? u.name}（${u.id}）`,
      }))}
    />
  );
}

/** How `required` reads per kind: a non-blank string, a number, a non-empty list. */
const REQUIRED_TYPE: Record<
  FieldSpec['kind'],
  { type?: 'string' | 'number' | 'array' | 'boolean'; whitespace?: boolean; min?: number }
> = {
  text: { whitespace: true },
  textarea: { whitespace: true },
  number: { type: 'number' },
  select: {},
  multi: { type: 'array', min: 1 },
  tags: { type: 'array', min: 1 },
  switch: { type: 'boolean' },
  unit: {},
  files: { type: 'array', min: 1 },
};

function Field({ field, detail, caseId }: { field: FieldSpec; detail?: CaseDetail; caseId?: string }) {
  const { t, pick } = useI18n();
  if (field.when && (!detail || !field.when(detail))) return null;
  const required = `${pick(field.label)}${t('required')}`;
  const rules = [
    ...(field.required ? [{ required: true, message: required, ...REQUIRED_TYPE[field.kind] }] : []),
    ...(field.kind === 'text' || field.kind === 'textarea' ? [{ max: field.max }] : []),
    ...(field.kind === 'tags' ? [{ type: 'array' as const, max: field.maxItems }] : []),
  ];
  const input = (() => {
    switch (field.kind) {
      case 'text':
        return <Input maxLength={field.max} />;
      case 'textarea':
        return <Input.TextArea rows={3} showCount maxLength={field.max} />;
      case 'number':
        return (
          <InputNumber
            min={field.min}
            max={field.max}
            step={field.step ?? 1}
            precision={field.integer ? 0 : undefined}
            style={{ width: 160 }}
          />
        );
      case 'select':
      case 'multi': {
        const options = typeof field.options === 'function' ? (detail ? field.options(detail) : []) : field.options;
        return (
          <Select
            mode={field.kind === 'multi' ? 'multiple' : undefined}
            allowClear={!field.required}
            options={options.map((o) => ({ value: o.value, label: pick(o.label) }))}
          />
        );
      }
      case 'tags':
        return <Select mode="tags" open={false} maxCount={field.maxItems} tokenSeparators={[',', '，', ' ']} />;
      case 'switch':
        return <Switch />;
      case 'unit':
        return <UnitSelect />;
      case 'files':
        return <AttachmentPicker caseId={caseId ?? detail?.id ?? null} />;
    }
  })();
  return (
    <Form.Item
      name={field.name}
      label={pick(field.label)}
      rules={rules}
      initialValue={field.initial}
      valuePropName={field.kind === 'switch' ? 'checked' : 'value'}
    >
      {input}
    </Form.Item>
  );
}

/**
 * The form of one case action in a modal. Sends `{ type, ...values }` to `path`; a refusal shows the
 * server's own words (problem+json `detail`) in the modal and changes nothing.
 */
export function ActionModal({
  open,
  type,
  spec,
  path,
  detail,
  caseId,
  onClose,
  onDone,
}: {
  open: boolean;
  type: string;
  spec: ActionSpec;
  path: string;
  /** The case, for fields whose options or visibility depend on it. */
  detail?: CaseDetail;
  /** The case files are uploaded to, when there is no `detail` (a department's part). */
  caseId?: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Record<string, unknown>>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    const values = await form.validateFields();
    const trimmed = Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]),
    );
    setBusy(true);
    setError(undefined);
    try {
      await api.post(path, { type, ...(spec.toBody ? spec.toBody(trimmed, detail) : trimmed) });
      void message.success(`${pick(spec.label)}：${t('done')}`);
      form.resetFields();
      onDone();
    } catch (err) {
      setError(errorText(err));
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={pick(spec.label)}
      okText={t('submit')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ danger: spec.danger, 'data-testid': 'action-submit' }}
    >
      <Form form={form} layout="vertical" preserve={false}>
        {spec.fields.map((f) => (
          <Field key={f.name} field={f} detail={detail} caseId={caseId} />
        ))}
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
    </Modal>
  );
}
