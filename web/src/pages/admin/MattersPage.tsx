import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Spin, Steps, Table, Tag } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { MatterGuide, MatterSummary } from '../../api/types';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';

function MatterSteps({ code }: { code: string }) {
  const { t } = useI18n();
  const guide = useLoad(() => api.get<MatterGuide>(`/matters/${encodeURIComponent(code)}`), [code]);
  if (guide.error) return <Alert type="error" showIcon title={guide.error} />;
  if (!guide.data) return <Spin />;
  return (
    <Steps
      size="small"
      current={-1}
      items={guide.data.steps.map((s) => ({
        title: s.name,
        content: (
          <>
            <div>
              {s.roleLabel} · {s.modeLabel}
            </div>
            <div>
              {t('handledBy')}：{s.handledBy}
            </div>
            {s.limitDays !== undefined && (
              <div>
                {t('stepLimit')}：{s.limitDays}
              </div>
            )}
          </>
        ),
      }))}
    />
  );
}

export function MattersPage() {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const matters = useLoad(() => api.get<MatterSummary[]>('/matters'), []);
  return (
    <Card
      title={t('menuMatters')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => void navigate('/admin/matters/new')}
          data-testid="matter-new"
        >
          {pick(['新建事项', 'New matter'])}
        </Button>
      }
    >
      {matters.error && <Alert type="error" showIcon title={matters.error} />}
      <Table<MatterSummary>
        size="small"
        rowKey="code"
        data-testid="matters-table"
        loading={matters.loading}
        dataSource={matters.data ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (m) => <MatterSteps code={m.code} /> }}
        columns={[
          { title: t('matterCode'), dataIndex: 'code', width: 190 },
          { title: t('name'), dataIndex: 'name' },
          { title: t('category'), dataIndex: 'categoryLabel', width: 110 },
          { title: t('matterKind'), dataIndex: 'kindLabel', width: 100 },
          {
            title: t('limits'),
            key: 'limits',
            width: 170,
            render: (_v, m) => `${m.statutoryLimitDays} / ${m.promisedLimitDays}`,
          },
          { title: t('steps'), dataIndex: 'stepCount', width: 80 },
          { title: t('version'), dataIndex: 'currentVersion', width: 70 },
          {
            title: t('active'),
            dataIndex: 'active',
            width: 70,
            render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>),
          },
          {
            title: pick(['操作', 'Actions']),
            key: 'edit',
            width: 130,
            render: (_v, m) => (
              <Link to={`/admin/matters/${encodeURIComponent(m.code)}/edit`} data-testid={`matter-edit-${m.code}`}>
                <EditOutlined /> {pick(['编辑/发布新版', 'Edit / new version'])}
              </Link>
            ),
          },
        ]}
      />
    </Card>
  );
}
