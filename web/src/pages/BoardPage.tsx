import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Select, Space, Statistic, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { CaseEnvelope, ClockLevel, Page, ProcessType } from '../api/types';
import { useUnitName } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { CaseTable } from '../components/CaseTable';
import { EChart, type ChartOption } from '../components/echart';
import { formatTime } from '../components/sla';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { COLOUR_HEX, COLOUR_LABEL, PROCESS_LABEL } from '../labels';
import { PROCESSES } from '../processes';

const LEVELS: ClockLevel[] = ['green', 'blue', 'yellow', 'red'];
const PAGE = 200;
const MAX_PAGES = 5;

/**
 * Every open case in the caller's scope, read page by page. Phase 1 computes the board in the
 * browser; a server-side board endpoint (counts per unit/process/colour) should replace this.
 */
async function openCases(): Promise<CaseEnvelope[]> {
  const out: CaseEnvelope[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await api.get<Page<CaseEnvelope>>('/cases', { open: true, pageSize: PAGE, page });
    out.push(...res.items);
    if (out.length >= res.total || res.items.length < PAGE) break;
  }
  return out;
}

const byDeadline = (a: CaseEnvelope, b: CaseEnvelope) => (a.deadline ?? '9').localeCompare(b.deadline ?? '9');

export function BoardPage() {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const board = useLoad(openCases, [], 5000);
  const [unitId, setUnitId] = useState<string>();
  const [process, setProcess] = useState<ProcessType>();
  const [urging, setUrging] = useState<CaseEnvelope | null>(null);

  const all = board.data ?? [];
  const rows = all.filter((c) => (!unitId || c.unitId === unitId) && (!process || c.process === process));
  const counts = Object.fromEntries(LEVELS.map((l) => [l, rows.filter((c) => c.colour === l).length])) as Record<ClockLevel, number>;
  const near = rows.filter((c) => c.colour === 'blue' || c.colour === 'yellow').sort(byDeadline);
  const overdue = rows.filter((c) => c.colour === 'red').sort(byDeadline);

  const units = useMemo(() => [...new Set(all.map((c) => c.unitId))].sort(), [all]);
  const chart = useMemo<ChartOption>(() => {
    const shown = unitId ? [unitId] : units;
    const inProcess = all.filter((c) => !process || c.process === process);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: LEVELS.map((l) => pick(COLOUR_LABEL[l])) },
      grid: { left: 40, right: 16, bottom: 60, top: 40 },
      xAxis: { type: 'category', data: shown.map((u) => unitName(u)), axisLabel: { interval: 0, rotate: shown.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: LEVELS.map((l) => ({
        name: pick(COLOUR_LABEL[l]),
        type: 'bar',
        stack: 'total',
        barMaxWidth: 48,
        itemStyle: { color: COLOUR_HEX[l] },
        data: shown.map((u) => inProcess.filter((c) => c.unitId === u && c.colour === l).length),
      })),
    };
  }, [all, units, unitId, process, pick, unitName]);

  const urgeColumn = {
    title: t('urge'),
    key: 'urge',
    width: 80,
    render: (_v: unknown, row: CaseEnvelope) =>
      PROCESSES[row.process]?.actions.urge ? (
        <Button size="small" danger onClick={() => setUrging(row)} data-testid={`urge-${row.id}`}>
          {t('urge')}
        </Button>
      ) : null,
  };
  const urgeModule = urging ? PROCESSES[urging.process] : undefined;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('menuBoard')}
        extra={
          <Space>
            <Select allowClear placeholder={t('unit')} style={{ width: 200 }} value={unitId} onChange={setUnitId} options={units.map((u) => ({ value: u, label: unitName(u) }))} />
            <Select
              allowClear
              placeholder={t('process')}
              style={{ width: 140 }}
              value={process}
              onChange={setProcess}
              options={Object.entries(PROCESS_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
            />
            <Button icon={<ReloadOutlined />} onClick={board.reload}>
              {t('refresh')}
            </Button>
          </Space>
        }
      >
        {board.error && <Alert type="error" showIcon title={board.error} style={{ marginBottom: 16 }} />}
        <Row gutter={16}>
          {LEVELS.map((l) => (
            <Col span={6} key={l}>
              <Card size="small" style={{ borderTop: `3px solid ${COLOUR_HEX[l]}` }}>
                <Statistic title={pick(COLOUR_LABEL[l])} value={counts[l]} valueStyle={{ color: COLOUR_HEX[l] }} data-testid={`count-${l}`} />
              </Card>
            </Col>
          ))}
        </Row>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
          {t('boardNote', { n: PAGE * MAX_PAGES })} · {t('lastRefresh', { t: formatTime(new Date().toISOString()) })}
        </Typography.Text>
      </Card>
      <Card size="small" title={`${t('boardOverdue')} · ${overdue.length}`} data-testid="board-overdue">
        <CaseTable compact rows={overdue} extra={[urgeColumn]} pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true }} />
      </Card>
      <Card size="small" title={`${t('boardNear')} · ${near.length}`} data-testid="board-near">
        <CaseTable compact rows={near} extra={[urgeColumn]} pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true }} />
      </Card>
      <Card size="small" title={t('boardChart')}>
        <EChart option={chart} testId="board-chart" />
      </Card>
      {urging && urgeModule?.actions.urge && (
        <ActionModal
          open
          type="urge"
          spec={urgeModule.actions.urge}
          path={urgeModule.actionPath(urging.id)}
          onClose={() => setUrging(null)}
          onDone={() => {
            setUrging(null);
            board.reload();
          }}
        />
      )}
    </Space>
  );
}
