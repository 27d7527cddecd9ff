import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Input,
  Row,
  Select,
  Space,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { ApprovalView, MatterGuide, MatterSummary } from '../api/types';
import { useUser } from '../auth';
import { useLoad, useSubmit } from '../hooks';
import { useI18n } from '../i18n';

interface ApplicationForm {
  matterCode: string;
  applicant: { name: string; phone?: string; idNumber?: string };
  materials: string[];
}

/** Where the signed-in user takes applications (api/routes/approvals.ts submittingUnit): the window, or a village agent. */
const CHANNEL = { window_staff: 'window', agent: 'agent' } as const;

/** 受理申请: a window clerk (or village agent) submits an application for a catalogue matter (POST /approvals). */
export function NewApprovalPage() {
  const { t } = useI18n();
  const user = useUser();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<ApplicationForm>();
  const channel = CHANNEL[user.role as keyof typeof CHANNEL] ?? 'online';
  const matters = useLoad(() => api.get<MatterSummary[]>('/matters', { channel, active: true }), [channel]);
  const [code, setCode] = useState<string>();
  const guide = useLoad(
    () => (code ? api.get<MatterGuide>(`/matters/${encodeURIComponent(code)}`) : Promise.resolve(undefined)),
    [code],
  );
  const g = guide.data;
  const { busy, error, submit } = useSubmit(
    (v: ApplicationForm) => {
      const applicant = Object.fromEntries(
        Object.entries(v.applicant)
          .filter(([, x]) => typeof x === 'string' && x.trim())
          .map(([k, x]) => [k, (x as string).trim()]),
      );
      return api.post<ApprovalView>('/approvals', {
        matterCode: v.matterCode,
        channel,
        applicant,
        materials: v.materials ?? [],
      });
    },
    (view) => {
      void message.success(t('approvalCreated', { id: view.caseId }));
      return navigate(`/cases/${view.caseId}`);
    },
  );

  return (
    <Row gutter={16}>
      <Col span={12}>
        <Card title={t('newApprovalTitle')}>
          <Form<ApplicationForm> form={form} layout="vertical" onFinish={submit} initialValues={{ materials: [] }}>
            <Form.Item
              name="matterCode"
              label={t('matter')}
              rules={[{ required: true, message: `${t('matter')}${t('required')}` }]}
            >
              <Select
                id="approval-matter"
                showSearch={{ optionFilterProp: 'label' }}
                loading={matters.loading}
                options={(matters.data ?? []).map((m) => ({ value: m.code, label: `${m.name}（${m.code}）` }))}
                onChange={(c: string) => {
                  setCode(c);
                  form.setFieldValue('materials', []);
                }}
              />
            </Form.Item>
            <Form.Item
              name={['applicant', 'name']}
              label={t('applicantName')}
              rules={[{ required: true, whitespace: true, max: 100, message: `${t('applicantName')}${t('required')}` }]}
            >
              <Input id="approval-applicant" maxLength={100} />
            </Form.Item>
            <Space.Compact block>
              <Form.Item
                name={['applicant', 'phone']}
                label={t('applicantPhone')}
                rules={[{ max: 30 }]}
                style={{ width: '50%' }}
              >
                <Input id="approval-phone" maxLength={30} />
              </Form.Item>
              <Form.Item
                name={['applicant', 'idNumber']}
                label={t('applicantId')}
                rules={[{ max: 30 }]}
                style={{ width: '50%' }}
              >
                <Input id="approval-id-number" maxLength={30} />
              </Form.Item>
            </Space.Compact>
            {g && (
              <Form.Item name="materials" label={t('materialsHandedIn')}>
                <Checkbox.Group
                  style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
                  data-testid="approval-materials"
                >
                  {g.definition.materials.map((m) => (
                    <Checkbox key={m.key} value={m.key}>
                      {m.name} {m.isKey ? <Tag color="red">{t('keyMaterial')}</Tag> : null}
                    </Checkbox>
                  ))}
                </Checkbox.Group>
              </Form.Item>
            )}
            {error && (
              <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />
            )}
            <Button type="primary" htmlType="submit" loading={busy} id="approval-submit">
              {t('submit')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col span={12}>
        {g && (
          <Card title={`${g.name}（${g.kindLabel}）`} size="small" data-testid="matter-guide">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('legalBasis')}>{g.definition.legalBasis}</Descriptions.Item>
              <Descriptions.Item label={t('limits')}>
                {g.statutoryLimitDays} / {g.promisedLimitDays}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5}>{t('steps')}</Typography.Title>
            <Steps
              size="small"
              direction="vertical"
              current={-1}
              items={g.steps.map((s) => ({
                title: s.name,
                description: `${s.handledBy} · ${s.roleLabel} · ${s.modeLabel}${s.limitDays ? ` · ${s.limitDays} ${t('workdays')}` : ''}`,
              }))}
            />
          </Card>
        )}
      </Col>
    </Row>
  );
}
