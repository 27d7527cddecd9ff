import { Alert, App, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api/client';
import { useI18n } from '../i18n';
import type { ActionSpec, FieldSpec } from '../processes/types';

function Field({ field }: { field: FieldSpec }) {
  const { t, pick } = useI18n();
  const rules = [
    ...(field.required ? [{ required: true, whitespace: true, message: `${pick(field.label)}${t('required')}` }] : []),
    ...(field.kind === 'text' || field.kind === 'textarea' ? [{ max: field.max }] : []),
  ];
  const input = (() => {
    switch (field.kind) {
      case 'text':
        return <Input />;
      case 'textarea':
        return <Input.TextArea rows={3} showCount maxLength={field.max} />;
      case 'number':
        return <InputNumber min={field.min} max={field.max} step={field.step ?? 1} style={{ width: 160 }} />;
      case 'select':
        return <Select options={field.options.map((o) => ({ value: o.value, label: pick(o.label) }))} />;
      case 'tags':
        return <Select mode="tags" />;
      case 'switch':
        return <Switch />;
    }
  })();
  return (
    <Form.Item name={field.name} label={pick(field.label)} rules={rules} initialValue={field.initial} valuePropName={field.kind === 'switch' ? 'checked' : 'value'}>
      {input}
    </Form.Item>
  );
}

/**
 * The form of one case action in a modal. Sends `{ type, ...values }` to `path`; a refusal shows the
 * server's own words (problem+json `detail`) in the modal and changes nothing.
 */
export function ActionModal({ open, type, spec, path, onClose, onDone }: { open: boolean; type: string; spec: ActionSpec; path: string; onClose: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Record<string, unknown>>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    const values = await form.validateFields();
    const trimmed = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]));
    setBusy(true);
    setError(undefined);
    try {
      await api.post(path, { type, ...(spec.toBody ? spec.toBody(trimmed) : trimmed) });
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
          <Field key={f.name} field={f} />
        ))}
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
    </Modal>
  );
}
