import { Table, Tag, type TableProps } from 'antd';
import { Link } from 'react-router-dom';
import type { CaseEnvelope } from '../api/types';
import { useUnitName } from '../auth';
import { summonsHref } from '../pages/CasePage';
import { useWhistleAccess } from '../pages/whistles/access';
import { useI18n } from '../i18n';
import { actionLabel, PROCESS_LABEL, statusLabel } from '../labels';
import { ColourTag, Countdown, formatDeadline } from './sla';

type Column<T> = NonNullable<TableProps<T>['columns']>[number];

/** The one case table: inbox, case list and board lists differ only in extra columns and paging. */
/** The fields a case table shows: the envelope, or the board's lighter rows. */
export type CaseRow = Pick<CaseEnvelope, 'id' | 'title' | 'process' | 'status' | 'unitId' | 'colour' | 'deadline'> & {
  clockKind?: CaseEnvelope['clockKind'];
  closedAt?: string | null;
  actions?: string[];
};

export function CaseTable<T extends CaseRow>({
  rows,
  loading,
  extra = [],
  showActions,
  pagination,
  testId,
  compact,
}: {
  rows: T[];
  loading?: boolean;
  extra?: Column<T>[];
  showActions?: boolean;
  pagination?: TableProps<T>['pagination'];
  testId?: string;
  /** Fewer columns, for half-width lists. */
  compact?: boolean;
}) {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const whistles = useWhistleAccess();
  // A summons opens on its own page; a department's part shows as its whistle's number, not an internal id.
  const caseLink = (row: T) =>
    row.process === 'summons' ? (
      <Link to={summonsHref(row.id, whistles.canView)}>{row.id.split('.')[0]}</Link>
    ) : (
      <Link to={`/cases/${row.id}`}>{row.id}</Link>
    );
  const actionHref = (row: T, action: string) =>
    row.process === 'summons'
      ? summonsHref(row.id, whistles.canView)
      : `/cases/${encodeURIComponent(row.id)}?action=${encodeURIComponent(action)}`;
  const base: Column<T>[] = [
    { title: t('caseId'), dataIndex: 'id', width: 140, render: (_id: string, row) => caseLink(row) },
    { title: t('title'), dataIndex: 'title', minWidth: 180 },
    { title: t('process'), dataIndex: 'process', width: 100, render: (p: T['process']) => pick(PROCESS_LABEL[p]) },
    { title: t('status'), dataIndex: 'status', width: 80, render: (s: string) => pick(statusLabel(s)) },
    { title: t('unit'), dataIndex: 'unitId', width: 130, render: (u: string) => unitName(u) },
    {
      title: t('colour'),
      dataIndex: 'colour',
      width: 80,
      // Before acceptance the colour is the §32 pre-check or 补正 period's, not the promised limit's.
      render: (_c, row) => (
        <>
          <ColourTag colour={row.colour} />
          {row.clockKind === 'pre-acceptance' && <Tag data-testid="pre-acceptance">{t('preAcceptance')}</Tag>}
        </>
      ),
    },
    { title: t('deadline'), dataIndex: 'deadline', width: 150, render: (d: string | null) => formatDeadline(d) },
    {
      title: t('countdown'),
      key: 'countdown',
      width: 160,
      render: (_v, row) => <Countdown deadline={row.deadline} stopped={!!row.closedAt} />,
    },
  ];
  const hidden = compact ? ['process', 'status', 'deadline'] : [];
  const columns: Column<T>[] = [
    ...base.filter((c) => !hidden.includes(String((c as { dataIndex?: unknown }).dataIndex))),
    ...(showActions
      ? [
          {
            title: t('actions'),
            dataIndex: 'actions',
            width: 120,
            // Each action opens the case with that action's form (a summons on its own page).
            render: (a: string[] = [], row: T) =>
              a.map((x) => (
                <Link
                  key={x}
                  to={actionHref(row, x)}
                  title={t('openAction', { a: pick(actionLabel(x, row.process)) })}
                  data-testid="action-tag"
                  data-action={x}
                >
                  <Tag style={{ cursor: 'pointer' }}>{pick(actionLabel(x, row.process))}</Tag>
                </Link>
              )),
          } satisfies Column<T>,
        ]
      : []),
    ...extra,
  ];
  return (
    <Table<T>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={pagination ?? false}
      data-testid={testId}
    />
  );
}
