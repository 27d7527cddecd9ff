import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Popconfirm, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { InboxItem, Page } from '../api/types';
import { CaseTable } from '../components/CaseTable';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { totalText } from '../paging';
import { quickActionOf, StaleRowError } from '../processes/quick';

/** A random Idempotency-Key (getRandomValues also works on a plain-http intranet, unlike randomUUID). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A row's common action in two taps: this button, then the confirm. The Idempotency-Key is made
 * when the confirm opens, so confirming again after a lost answer does the action once.
 */
function QuickButton({ row, done, onDone }: { row: InboxItem; done: boolean; onDone: (stale?: boolean) => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [key, setKey] = useState('');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const quick = quickActionOf(row);
  if (!quick) return null;
  const label = pick(quick.label);
  if (done) {
    return (
      <Typography.Text type="success" data-testid="quick-done">
        <CheckOutlined /> {label}
      </Typography.Text>
    );
  }
  const confirm = async () => {
    setBusy(true);
    try {
      await quick.run(key || newKey());
      void message.success(`${label}：${t('done')}`);
      onDone();
    } catch (err) {
      if (err instanceof StaleRowError) {
        void message.warning(t('quickStale'));
        onDone(true);
        return;
      }
      void message.error(errorText(err));
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <Popconfirm
      title={t('quickConfirm', { a: label })}
      description={quick.detail ? pick(quick.detail) : row.title}
      okText={label}
      cancelText={t('cancel')}
      okButtonProps={{ loading: busy, ...({ 'data-testid': 'quick-confirm' } as Record<string, string>) }}
      open={open}
      onOpenChange={(next) => {
        if (busy) return;
        if (next) setKey(newKey());
        setOpen(next);
      }}
      onConfirm={() => void confirm()}
    >
      <Button
        type="primary"
        size="large"
        loading={busy}
        data-testid="quick-action"
        data-action={quick.type}
        style={{ minWidth: 88 }}
      >
        {label}
      </Button>
    </Popconfirm>
  );
}

export function InboxPage() {
  const { t } = useI18n();
  const inbox = useLoad(() => api.get<Page<InboxItem>>('/inbox', { pageSize: 200 }), [], 15_000);
  // Rows acted on here show as done until the reloaded inbox moves them on (or drops them).
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setDone(new Set()), [inbox.data]);
  const quickColumn = {
    title: t('quickAction'),
    key: 'quick',
    width: 130,
    render: (_v: unknown, row: InboxItem) => (
      <QuickButton
        row={row}
        done={done.has(row.id)}
        onDone={(stale) => {
          if (!stale) setDone((s) => new Set(s).add(row.id));
          inbox.reload();
        }}
      />
    ),
  };
  return (
    <Card
      title={`${t('menuInbox')}${inbox.data ? ` · ${totalText(t, inbox.data)}` : ''}`}
      extra={
        <Button icon={<ReloadOutlined />} onClick={inbox.reload}>
          {t('refresh')}
        </Button>
      }
    >
      {inbox.error && <Alert type="error" showIcon title={inbox.error} style={{ marginBottom: 16 }} />}
      {inbox.data && inbox.data.items.length === 0 ? (
        <Empty description={t('inboxEmpty')} />
      ) : (
        <CaseTable
          rows={inbox.data?.items ?? []}
          loading={inbox.loading && !inbox.data}
          showActions
          extra={[quickColumn]}
          testId="inbox-table"
        />
      )}
    </Card>
  );
}
