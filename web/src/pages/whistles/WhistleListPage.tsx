import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Empty, Segmented, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { CaseEnvelope, InboxItem, Page, SummonsDetail, SummonsStats, SummonsStatus } from '../../api/types';
import { loadUnits, useUnitName } from '../../auth';
import { formatTime } from '../../components/sla';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { pagerTotal, totalText } from '../../paging';
import {
  PART_ACTION_LABEL,
  PART_OUTCOME_LABEL,
  PART_STATUS_LABEL,
  PART_STATUS_TAG,
  RATING_LABEL,
  SUMMONS_STATUS_LABEL,
  SUMMONS_STATUS_TAG,
} from '../../labels';
import { isTownship, useWhistleAccess } from './access';
import { W } from './text';
import { SUMMONS_FORMS } from './WhistleActionModal';

const PAGE_SIZE = 20;
const ALL = '';
const STATS_DAYS = 90;
type OpenFilter = 'all' | 'open' | 'closed';

/** A whistle's id is its case number (no dot); each part's case id is `<whistle id>.<unit id>` (partCaseId). */
const whistleOf = (caseId: string) => caseId.split('.')[0] ?? caseId;
const asStatus = (s: string) => s as SummonsStatus;

/** The summoned units of one whistle, loaded when its row is opened (GET /summons/:id, the stored parts). */
function PartsOfWhistle({ id }: { id: string }) {
  const { pick } = useI18n();
  const unitName = useUnitName();
  const whistle = useLoad(() => api.get<SummonsDetail>(`/summons/${encodeURIComponent(id)}`), [id]);
  if (whistle.error) return <Alert type="error" showIcon title={whistle.error} />;
  if (!whistle.data) return <Spin size="small" />;
  if (whistle.data.departments.length === 0)
    return <Typography.Text type="secondary">{pick(W.noParts)}</Typography.Text>;
  return (
    <Space wrap data-testid="whistle-parts-summary">
      {whistle.data.departments.map((d) => (
        <Tag key={d.caseId} color={PART_STATUS_TAG[d.status as keyof typeof PART_STATUS_TAG]} data-unit={d.unitId}>
          {unitName(d.unitId)}：
          {pick(
            d.outcome
              ? PART_OUTCOME_LABEL[d.outcome as keyof typeof PART_OUTCOME_LABEL]
              : PART_STATUS_LABEL[d.status as keyof typeof PART_STATUS_LABEL],
          )}
          {d.rating ? ` · ${pick(RATING_LABEL[d.rating])}` : ''}
          {d.redCard ? ` · ${pick(W.redCard)}` : ''}
        </Tag>
      ))}
    </Space>
  );
}

/** The township's whistle figures over the last 90 days (GET /summons/stats). */
function TownshipStats({ townshipId }: { townshipId: string }) {
  const { pick } = useI18n();
  const [period] = useState(() => ({
    from: new Date(Date.now() - STATS_DAYS * 86_400_000).toISOString(),
    to: new Date(Date.now() + 86_400_000).toISOString(),
  }));
  const stats = useLoad(
    () => api.get<SummonsStats>('/summons/stats', { ...period, unitId: townshipId }),
    [period, townshipId],
  );
  const mine = stats.data?.townships.find((x) => x.townshipId === townshipId);
  if (stats.error) return <Alert type="warning" showIcon title={stats.error} />;
  if (!mine) return null;
  return (
    <Card size="small" title={pick(W.stats)} data-testid="whistle-stats">
      <Descriptions size="small" column={{ xs: 2, md: 5 }}>
        <Descriptions.Item label={pick(W.statWhistles)}>{mine.whistles}</Descriptions.Item>
        <Descriptions.Item label={pick(W.statApproved)}>{mine.approved}</Descriptions.Item>
        <Descriptions.Item label={pick(W.statRejected)}>{mine.rejectedByLeader}</Descriptions.Item>
        <Descriptions.Item label={pick(W.statRefused)}>{mine.refusedByRule}</Descriptions.Item>
        <Descriptions.Item label={pick(W.statClosed)}>{mine.closed}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/**
 * 吹哨记录: the whistles of a township with their status and what waits for me. A township's own
 * users see their township; county users (the command centre, supervisors) pick one or see all.
 */
export function WhistleListPage() {
  const { t, pick, lang } = useI18n();
  const access = useWhistleAccess();
  const unitName = useUnitName();
  const navigate = useNavigate();
  const units = useLoad(loadUnits, []);
  const [picked, setPicked] = useState<string>(ALL);
  const [open, setOpen] = useState<OpenFilter>('all');
  const [page, setPage] = useState(1);
  const townshipId = access.townshipId ?? picked;

  const list = useLoad(
    () =>
      api.get<Page<CaseEnvelope>>('/cases', {
        process: 'summons',
        // A whistle's case belongs to its township; its parts belong to the summoned units.
        unitId: townshipId || undefined,
        open: open === 'all' ? undefined : open === 'open',
        page: townshipId ? page : 1,
        pageSize: townshipId ? PAGE_SIZE : 200,
      }),
    [townshipId, open, page],
    15_000,
  );
  const inbox = useLoad(() => api.get<Page<InboxItem>>('/inbox', { pageSize: 200 }), [], 15_000);

  const rows = useMemo(
    () => (list.data?.items ?? []).filter((c) => isTownship(units.data?.get(c.unitId))),
    [list.data, units.data],
  );
  // What waits for me on each whistle: its own actions and those on its units' parts.
  const mine = useMemo(() => {
    const by = new Map<string, Set<string>>();
    for (const item of inbox.data?.items ?? []) {
      if (item.process !== 'summons') continue;
      const set = by.get(whistleOf(item.id)) ?? new Set<string>();
      item.actions.forEach((a) => set.add(a));
      by.set(whistleOf(item.id), set);
    }
    return by;
  }, [inbox.data]);
  const townships = [...(units.data?.values() ?? [])].filter((u) => u.active && isTownship(u));
  const actionText = (a: string) =>
    a in SUMMONS_FORMS
      ? pick(SUMMONS_FORMS[a as keyof typeof SUMMONS_FORMS].label)
      : a in PART_ACTION_LABEL
        ? pick(PART_ACTION_LABEL[a as keyof typeof PART_ACTION_LABEL])
        : a;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={`${pick(W.menuWhistles)}${list.data ? ` · ${townshipId ? totalText(t, list.data) : t('total', { n: rows.length })}` : ''}`}
        extra={
          <Space wrap>
            {!access.townshipId && (
              <Select
                style={{ width: 220 }}
                value={picked}
                data-testid="whistle-township-filter"
                onChange={(v) => {
                  setPicked(v);
                  setPage(1);
                }}
                options={[
                  { value: ALL, label: pick(W.allTownships) },
                  ...townships.map((u) => ({ value: u.id, label: (lang === 'en' ? u.nameEn : u.name) ?? u.name })),
                ]}
              />
            )}
            <Segmented<OpenFilter>
              value={open}
              onChange={(v) => {
                setOpen(v);
                setPage(1);
              }}
              options={[
                { value: 'all', label: pick(W.all) },
                { value: 'open', label: pick(W.openOnly) },
                { value: 'closed', label: pick(W.closedOnly) },
              ]}
            />
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('refresh')}
            </Button>
            {access.canWhistle && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/whistles/new')}>
                {pick(W.menuWhistle)}
              </Button>
            )}
          </Space>
        }
      >
        {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 16 }} />}
        {!townshipId && <Typography.Paragraph type="secondary">{pick(W.allNote)}</Typography.Paragraph>}
        {list.data && rows.length === 0 ? (
          <Empty description={pick(W.empty)} />
        ) : (
          <Table<CaseEnvelope>
            rowKey="id"
            size="middle"
            data-testid="whistle-table"
            loading={list.loading && !list.data}
            dataSource={rows}
            onRow={(r) => ({ 'data-case': r.id }) as React.HTMLAttributes<HTMLElement>}
            expandable={{ expandedRowRender: (r) => <PartsOfWhistle id={r.id} /> }}
            pagination={
              townshipId && list.data
                ? {
                    current: page,
                    pageSize: PAGE_SIZE,
                    total: pagerTotal(list.data, page, PAGE_SIZE),
                    onChange: setPage,
                    showSizeChanger: false,
                  }
                : false
            }
            columns={[
              {
                title: pick(W.whistleNo),
                dataIndex: 'id',
                width: 140,
                render: (id: string) => <Link to={`/whistles/${encodeURIComponent(id)}`}>{id}</Link>,
              },
              { title: t('title'), dataIndex: 'title', minWidth: 220 },
              ...(access.townshipId
                ? []
                : [{ title: pick(W.township), dataIndex: 'unitId', width: 110, render: (u: string) => unitName(u) }]),
              {
                title: t('status'),
                dataIndex: 'status',
                width: 150,
                render: (s: string) => (
                  <Tag color={SUMMONS_STATUS_TAG[asStatus(s)]} data-testid="whistle-status" data-status={s}>
                    {pick(SUMMONS_STATUS_LABEL[asStatus(s)] ?? [s, s])}
                  </Tag>
                ),
              },
              {
                title: pick(W.mine),
                key: 'mine',
                width: 150,
                render: (_v, r) => (
                  <Space wrap size={4} data-testid="whistle-mine">
                    {[...(mine.get(r.id) ?? [])].map((a) => (
                      <Tag key={a} color="blue">
                        {actionText(a)}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              { title: pick(W.whistledAt), dataIndex: 'createdAt', width: 160, render: (v: string) => formatTime(v) },
              { title: t('closedAt'), dataIndex: 'closedAt', width: 160, render: (v: string | null) => formatTime(v) },
            ]}
          />
        )}
      </Card>
      {townshipId && <TownshipStats townshipId={townshipId} />}
    </Space>
  );
}
