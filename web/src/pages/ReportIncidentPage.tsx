import { Alert, App, Button, Card, Form, Input, Select } from 'antd';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { IncidentView } from '../api/types';
import { useUnitName, useUser } from '../auth';
import { useLoad, useSubmit } from '../hooks';
import { useI18n } from '../i18n';
import { SOURCE_LABEL } from '../processes/incident';

interface ReportForm {
  title: string;
  description: string;
  categoryCode: string;
  urgencyCode: string;
  gridId: string;
  source: 'patrol' | 'photo' | 'iot';
  address: string;
  attachments: string[];
}

type Coded = { code: string; name: string; active?: boolean };

/** 上报事件: a grid worker reports in their own grid (POST /incidents; the API's createIncidentBody limits). */
export function ReportIncidentPage() {
  const { t, pick } = useI18n();
  const user = useUser();
  const unitName = useUnitName();
  const { message } = App.useApp();
  const navigate = useNavigate();
  // The category table is readable by dispatchers and supervisors only (GET /incident-config); others type the code.
  const config = useLoad(() => api.get<{ categories: Coded[]; urgencies: Coded[] }>('/incident-config'), []);
  const categories = config.data?.categories.filter((c) => c.active !== false);
  const { busy, error, submit } = useSubmit(
    ({ address, ...v }: ReportForm) =>
      api.post<IncidentView>('/incidents', {
        ...v,
        title: v.title.trim(),
        description: v.description.trim(),
        location: { address: address.trim() },
        attachments: v.attachments ?? [],
      }),
    (view) => {
      void message.success(t('incidentCreated', { id: view.caseId }));
      return navigate(`/cases/${view.caseId}`);
    },
  );
  const required = (label: string) => ({ required: true, whitespace: true, message: `${label}${t('required')}` });

  return (
    <Card title={t('reportTitle')} style={{ maxWidth: 760 }}>
      <Form<ReportForm>
        layout="vertical"
        onFinish={submit}
        initialValues={{ gridId: user.unitId, source: 'patrol', urgencyCode: 'normal', attachments: [] }}
      >
        <Form.Item name="gridId" label={t('grid')}>
          <Select
            disabled={user.role === 'grid_worker'}
            options={[{ value: user.unitId, label: unitName(user.unitId) }]}
          />
        </Form.Item>
        <Form.Item name="title" label={t('title')} rules={[required(t('title')), { max: 200 }]}>
          <Input id="incident-title" maxLength={200} />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('problemDescription')}
          rules={[required(t('problemDescription')), { max: 4000 }]}
        >
          <Input.TextArea id="incident-description" rows={3} maxLength={4000} showCount />
        </Form.Item>
        <Form.Item name="categoryCode" label={t('category')} rules={[required(t('category')), { max: 40 }]}>
          <Select
            id="incident-category"
            loading={!categories}
            options={(categories ?? []).map((c) => ({ value: c.code, label: c.name }))}
          />
        </Form.Item>
        <Form.Item name="urgencyCode" label={t('urgency')} rules={[{ required: true }]}>
          <Select
            id="incident-urgency"
            options={(
              config.data?.urgencies ?? [
                { code: 'normal', name: '一般' },
                { code: 'urgent', name: '紧急' },
                { code: 'critical', name: '特急' },
              ]
            ).map((u) => ({ value: u.code, label: u.name }))}
          />
        </Form.Item>
        <Form.Item name="source" label={t('source')}>
          <Select
            options={(['patrol', 'photo', 'iot'] as const).map((s) => ({ value: s, label: pick(SOURCE_LABEL[s]) }))}
          />
        </Form.Item>
        <Form.Item name="address" label={t('address')} rules={[required(t('address')), { max: 500 }]}>
          <Input id="incident-address" maxLength={500} />
        </Form.Item>
        <Form.Item name="attachments" label={t('attachments')} rules={[{ type: 'array', max: 20 }]}>
          <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} id="incident-attachments" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
        <Button type="primary" htmlType="submit" loading={busy} id="incident-submit">
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}
