import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, List, Segmented, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText } from '../api/client';
import type { Notice, Page } from '../api/types';
import { formatTime } from '../components/sla';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import {
  NOTICE_CATEGORIES,
  NOTICE_CATEGORY_LABEL,
  NOTICE_CATEGORY_TAG,
  noticeCategory,
  type NoticeCategory,
} from '../labels';
import { useReadable } from '../names';
import { useWhistleAccess } from './whistles/access';
import { summonsHref } from './CasePage';
import { notifyNoticesChanged } from '../components/NoticeBell';

/** 通知中心: the notices addressed to my unit or to me, by kind, with a link to each case. */
export function NoticesPage() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const readable = useReadable();
  const whistles = useWhistleAccess();
  const [category, setCategory] = useState<NoticeCategory | 'all'>('all');
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useLoad(
    () => api.get<Page<Notice>>('/notices', { mine: 'true', pageSize: 200, ...(unreadOnly ? { unread: 'true' } : {}) }),
    [unreadOnly],
    30_000,
  );
  const items = (list.data?.items ?? []).filter((n) => category === 'all' || noticeCategory(n) === category);
  const markRead = (n: Notice) =>
    api.post(`/notices/${n.id}/read`, {}).then(
      () => {
        notifyNoticesChanged();
        list.reload();
      },
      (err: unknown) => void message.error(errorText(err)),
    );
  const href = (n: Notice) =>
    n.process === 'summons' || n.caseId.startsWith('CS-')
      ? summonsHref(n.caseId, whistles.canView)
      : `/cases/${encodeURIComponent(n.caseId)}`;
  return (
    <Card
      title={t('noticeCentre')}
      extra={
        <Space>
          <Switch size="small" checked={unreadOnly} onChange={setUnreadOnly} /> {t('unreadOnly')}
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('refresh')}
          </Button>
        </Space>
      }
    >
      <Segmented
        data-testid="notice-kinds"
        value={category}
        onChange={(v) => setCategory(v as NoticeCategory | 'all')}
        options={[
          { value: 'all', label: t('allKinds') },
          ...NOTICE_CATEGORIES.map((c) => ({ value: c, label: pick(NOTICE_CATEGORY_LABEL[c]) })),
        ]}
        style={{ marginBottom: 16 }}
      />
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 16 }} />}
      <List
        data-testid="notice-list"
        loading={list.loading && !list.data}
        locale={{ emptyText: t('noticesEmpty') }}
        dataSource={items}
        renderItem={(n) => {
          const c = noticeCategory(n);
          return (
            <List.Item
              data-notice={n.id}
              data-case={n.caseId}
              actions={[
                <Link key="open" to={href(n)}>
                  {t('openCase')}
                </Link>,
                ...(n.readAt
                  ? []
                  : [
                      <Button key="read" size="small" data-testid="mark-read" onClick={() => void markRead(n)}>
                        {t('markRead')}
                      </Button>,
                    ]),
              ]}
            >
              <List.Item.Meta
                title={
                  <Space size={6} wrap>
                    <Tag color={NOTICE_CATEGORY_TAG[c]}>{pick(NOTICE_CATEGORY_LABEL[c])}</Tag>
                    {!n.readAt && <Tag color="processing">{t('unread')}</Tag>}
                    <Typography.Text strong={!n.readAt}>{n.caseTitle ?? n.caseId.split('.')[0]}</Typography.Text>
                  </Space>
                }
                description={
                  <>
                    <div style={{ color: '#333' }}>{readable(n.message)}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatTime(n.createdAt)}
                      {n.unitName ? ` · ${n.unitName}` : ''}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
