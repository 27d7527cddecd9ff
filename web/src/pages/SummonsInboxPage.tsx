import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { PartActionType, SummonsInboxItem, SummonsStats } from '../api/types';
import { useUnitName, useUser } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { Countdown, formatTime } from '../components/sla';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { PART_ACTION_LABEL, PART_STATUS_LABEL, PART_STATUS_TAG, URGENCY_LABEL, URGENCY_TAG } from '../labels';
import type { ActionSpec } from '../processes/types';

/** The liaison's actions: 报到 and 到场 take one click; a result and a dispute need a form. */
const FORMS: Partial<Record<PartActionType, ActionSpec>> = {
  report: {
    label: PART_ACTION_LABEL.report,
    fields: [
      { name: 'result', label: ['处置结果', 'Result'], kind: 'textarea', max: 4000, required: true },
      {
        name: 'attachmentIds',
        label: ['现场照片、文书（照片与编号至少一项）', 'Photos, documents (these or references)'],
        kind: 'files',
      },
      {
        name: 'evidence',
        label: ['佐证材料编号（文书编号等，回车分隔）', 'Evidence refs (document numbers; Enter between)'],
        kind: 'tags',
        maxItems: 20,
        maxLength: 500,
      },
    ],
  },
  dispute: {
    label: PART_ACTION_LABEL.dispute,
    danger: true,
    fields: [
      {
        name: 'reason',
        label: ['异议理由（非本单位职责的依据）', 'Reason (why it is not our duty)'],
        kind: 'textarea',
        max: 1000,
        required: true,
      },
    ],
  },
};
const ONE_CLICK: readonly PartActionType[] = ['acknowledge', 'arrive'];
const LIAISON_ACTIONS: readonly PartActionType[] = ['acknowledge', 'arrive', 'report', 'dispute'];

const partPath = (item: SummonsInboxItem) =>
  `/summons/${item.summonsId}/departments/${item.caseId.slice(item.summonsId.length + 1)}/actions`;
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);
const STATS_DAYS = 90;

function ActionButtons({
  item,
  onForm,
  onDone,
}: {
  item: SummonsInboxItem;
  onForm: (type: PartActionType) => void;
  onDone: () => void;
}) {
  const { pick, t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<PartActionType>();
  const oneClick = (type: PartActionType) => {
    setBusy(type);
    api
      .post(partPath(item), { type })
      .then(
        () => {
          void message.success(`${pick(PART_ACTION_LABEL[type])}：${t('done')}`);
          onDone();
        },
        (err: unknown) => void message.error(errorText(err)),
      )
      .finally(() => setBusy(undefined));
  };
  const actions = item.actions.filter((a) => LIAISON_ACTIONS.includes(a));
  if (actions.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space wrap size={4}>
      {actions.map((a) => (
        <Button
          key={a}
          size="small"
          data-action={a}
          type={a === 'acknowledge' || a === 'report' ? 'primary' : 'default'}
          danger={a === 'dispute'}
          loading={busy === a}
          onClick={() => (ONE_CLICK.includes(a) ? oneClick(a) : onForm(a))}
        >
          {pick(PART_ACTION_LABEL[a])}
        </Button>
      ))}
    </Space>
  );
}

/** My unit's summons statistics over the last 90 days (GET /summons/stats). */
function MyStats() {
  const { t } = useI18n();
  const user = useUser();
  const [period] = useState(() => ({
    from: new Date(Date.now() - STATS_DAYS * 86_400_000).toISOString(),
    to: new Date(Date.now() + 86_400_000).toISOString(),
  }));
  const stats = useLoad(() => api.get<SummonsStats>('/summons/stats', period), [period], 30_000);
  const mine = stats.data?.departments.find((d) => d.unitId === user.unitId);
  return (
    <Card title={t('summonsStats', { n: STATS_DAYS })} size="small" data-testid="summons-stats">
      {stats.error && <Alert type="error" showIcon title={stats.error} />}
      {stats.data && !mine && <Empty description={t('summonsNoStats')} />}
      {mine && (
        <Descriptions size="small" column={{ xs: 1, md: 3, xl: 6 }}>
          <Descriptions.Item label={t('summonsReceived')}>{mine.received}</Descriptions.Item>
          <Descriptions.Item
            label={t('summonsAckOnTime')}
          >{`${mine.ackOnTime}/${mine.acknowledged} · ${pct(mine.ackOnTimeRate)}`}</Descriptions.Item>
          <Descriptions.Item
            label={t('summonsResultOnTime')}
          >{`${mine.resultOnTime}/${mine.resultsReported} · ${pct(mine.resultOnTimeRate)}`}</Descriptions.Item>
          <Descriptions.Item
            label={t('summonsMisses')}
          >{`${mine.misses} / ${t('redCard')} ${mine.redCards}`}</Descriptions.Item>
          <Descriptions.Item
            label={t('summonsDisputes')}
          >{`${mine.disputes}（${t('summonsUpheld')} ${mine.disputesUpheld}）`}</Descriptions.Item>
          <Descriptions.Item label={t('summonsSatisfaction')}>{pct(mine.satisfactionRate)}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/** 部门报到: the summons addressed to my unit, with live 报到 and result countdowns. */
export function SummonsInboxPage() {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const inbox = useLoad(() => api.get<{ items: SummonsInboxItem[]; now: string }>('/summons/inbox'), [], 15_000);
  const [form, setForm] = useState<{ item: SummonsInboxItem; type: PartActionType }>();
  const items = inbox.data?.items ?? [];
  const spec = form && FORMS[form.type];
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={`${t('menuSummons')}${inbox.data ? ` · ${t('total', { n: items.length })}` : ''}`}
        extra={
          <Button icon={<ReloadOutlined />} onClick={inbox.reload}>
            {t('refresh')}
          </Button>
        }
      >
        {inbox.error && <Alert type="error" showIcon title={inbox.error} style={{ marginBottom: 16 }} />}
        {inbox.data && items.length === 0 ? (
          <Empty description={t('inboxEmpty')} />
        ) : (
          <Table<SummonsInboxItem>
            rowKey="caseId"
            size="middle"
            data-testid="summons-inbox"
            loading={inbox.loading && !inbox.data}
            dataSource={items}
            pagination={false}
            onRow={(r) => ({ 'data-case': r.caseId }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: t('summonsNo'),
                dataIndex: 'summonsId',
                render: (_v, r) => (
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong>{r.summonsId}</Typography.Text>
                    <Typography.Text type="secondary">
                      {unitName(r.townshipId)} · {formatTime(r.notifiedAt)}
                    </Typography.Text>
                  </Space>
                ),
              },
              { title: t('title'), dataIndex: 'title' },
              {
                title: t('urgency'),
                dataIndex: 'urgency',
                render: (_v, r) => <Tag color={URGENCY_TAG[r.urgency]}>{pick(URGENCY_LABEL[r.urgency])}</Tag>,
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (_v, r) => (
                  <Space size={4}>
                    <Tag color={PART_STATUS_TAG[r.status]} data-testid="part-status" data-status={r.status}>
                      {pick(PART_STATUS_LABEL[r.status])}
                    </Tag>
                    {r.redCard && <Tag color="red">{t('redCard')}</Tag>}
                    {r.misses > 0 && <Tag color="volcano">{t('summonsMissCount', { n: r.misses })}</Tag>}
                  </Space>
                ),
              },
              {
                title: t('summonsAckDeadline'),
                dataIndex: 'ackDeadline',
                render: (_v, r) => (
                  <span data-testid="ack-countdown">
                    <Countdown deadline={r.ackDeadline} stopped={r.status !== 'notified'} />
                  </span>
                ),
              },
              {
                title: t('summonsResultDeadline'),
                dataIndex: 'resultDeadline',
                render: (_v, r) => (
                  <span data-testid="result-countdown">
                    <Countdown deadline={r.resultDeadline} stopped={!['acknowledged', 'on-site'].includes(r.status)} />
                  </span>
                ),
              },
              {
                title: t('actions'),
                key: 'actions',
                render: (_v, r) => (
                  <ActionButtons item={r} onForm={(type) => setForm({ item: r, type })} onDone={inbox.reload} />
                ),
              },
            ]}
          />
        )}
      </Card>
      <MyStats />
      {form && spec && (
        <ActionModal
          open
          type={form.type}
          spec={spec}
          path={partPath(form.item)}
          caseId={form.item.caseId}
          onClose={() => setForm(undefined)}
          onDone={() => {
            setForm(undefined);
            inbox.reload();
          }}
        />
      )}
    </Space>
  );
}
