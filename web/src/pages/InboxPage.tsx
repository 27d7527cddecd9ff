import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty } from 'antd';
import { api } from '../api/client';
import type { InboxItem, Page } from '../api/types';
import { CaseTable } from '../components/CaseTable';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';

export function InboxPage() {
  const { t } = useI18n();
  const inbox = useLoad(() => api.get<Page<InboxItem>>('/inbox', { pageSize: 200 }), [], 15_000);
  return (
    <Card
      title={`${t('menuInbox')}${inbox.data ? ` · ${t('total', { n: inbox.data.total })}` : ''}`}
      extra={<Button icon={<ReloadOutlined />} onClick={inbox.reload}>{t('refresh')}</Button>}
    >
      {inbox.error && <Alert type="error" showIcon title={inbox.error} style={{ marginBottom: 16 }} />}
      {inbox.data && inbox.data.items.length === 0 ? (
        <Empty description={t('inboxEmpty')} />
      ) : (
        <CaseTable rows={inbox.data?.items ?? []} loading={inbox.loading && !inbox.data} showActions testId="inbox-table" />
      )}
    </Card>
  );
}
