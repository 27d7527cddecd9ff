import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Breadcrumb, Button, Card, Col, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { BoardCase, ClockLevel, ProcessType, SlaBoard } from '../api/types';
import { useUnitName, useUser } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { CaseTable } from '../components/CaseTable';
import { EChart, type ChartOption } from '../components/echart';
import { formatTime } from '../components/sla';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { COLOUR_HEX, COLOUR_LABEL, PROCESS_LABEL } from '../labels';
import { PROCESSES } from '../processes';
import { LEVEL_LABEL } from '../processes/incident';

const LEVELS: ClockLevel[] = ['green', 'blue', 'yellow', 'red'];
/** The board actions a supervisor takes from a list row, when the server says they hold them. */
const BOARD_ACTIONS = ['urge', 'expedite'] as const;
type Counts = SlaBoard['counts'];
type BreakdownRow = { key: string; label: string; counts: Counts; onClick: () => void; active: boolean };

/** The supervisor SLA board: GET /board, computed on the server over every open case in scope. */
export function BoardPage() {
  const { t, pick } = useI18n();
  const user = useUser();
  const unitName = useUnitName();
  const [trail, setTrail] = useState<string[]>([user.unitId]);
  const [process, setProcess] = useState<ProcessType>();
  const [level, setLevel] = useState<number>();
  const [days, setDays] = useState(30);
  const [acting, setActing] = useState<{ row: BoardCase; type: string } | null>(null);
  const focus = trail.at(-1)!;
  const board = useLoad(
    () => api.get<SlaBoard>('/board', { unitId: focus, process, level, days }),
    [focus, process, level, days],
    5000,
  );
  const b = board.data;

  const stacked = (names: string[], counts: Counts[], horizontal: boolean): ChartOption => {
    const category = {
      type: 'category',
      data: names,
      axisLabel: { interval: 0, rotate: !horizontal && names.length > 6 ? 30 : 0 },
    };
    const value = { type: 'value', minInterval: 1 };
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: LEVELS.map((l) => pick(COLOUR_LABEL[l])) },
      grid: { left: 16, right: 24, bottom: 16, top: 36, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: LEVELS.map((l) => ({
        name: pick(COLOUR_LABEL[l]),
        type: 'bar',
        stack: 'total',
        barMaxWidth: 28,
        itemStyle: { color: COLOUR_HEX[l] },
        data: counts.map((c) => c[l]),
      })),
    };
  };
  const units = b?.byUnit ?? [];
  const unitChart = useMemo(
    () =>
      stacked(
        units.map((u) => (u.self ? `${unitName(u.unitId)}（${t('self')}）` : unitName(u.unitId))),
        units.map((u) => u.counts),
        true,
      ),
    [units, unitName, pick],
  );

  const trendChart = useMemo<ChartOption>(() => {
    const rows = b?.trend ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 16, right: 16, bottom: 16, top: 36, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.date.slice(5)) },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        {
          name: t('escalations'),
          type: 'bar',
          stack: 'e',
          itemStyle: { color: '#fa8c16' },
          data: rows.map((r) => r.escalations),
        },
        { name: t('urges'), type: 'bar', stack: 'u', itemStyle: { color: '#ff4d4f' }, data: rows.map((r) => r.urges) },
        {
          name: t('onTimeRate'),
          type: 'line',
          yAxisIndex: 1,
          connectNulls: true,
          itemStyle: { color: '#52c41a' },
          data: rows.map((r) => (r.onTimeRate === null ? null : Math.round(r.onTimeRate * 1000) / 10)),
        },
      ],
    };
  }, [b, t]);

  const splitChart = useMemo<ChartOption>(() => {
    const r = b?.resolution;
    const parts = r
      ? ([
          [pick(LEVEL_LABEL[1]), r.level1],
          [pick(LEVEL_LABEL[2]), r.level2],
          [pick(LEVEL_LABEL[3]), r.level3],
          [pick(LEVEL_LABEL[4]), r.level4],
          [t('unresolved'), r.unresolved],
        ] as const)
      : [];
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      color: ['#52c41a', '#1677ff', '#faad14', '#ff4d4f', '#bfbfbf'],
      // An empty period shows no ring at all rather than five equal slices of nothing.
      title:
        r && r.total === 0
          ? { text: t('none'), left: 'center', top: 'middle', textStyle: { color: '#bfbfbf', fontSize: 14 } }
          : undefined,
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', '45%'],
          label: { formatter: '{c}' },
          data: parts.filter(([, value]) => value > 0).map(([name, value]) => ({ name, value })),
        },
      ],
    };
  }, [b, pick, t]);

  const drill = (unitId: string) => {
    if (units.find((u) => u.unitId === unitId)?.drillable) setTrail((tr) => [...tr, unitId]);
  };
  const actionColumn = {
    title: t('actions'),
    key: 'board-actions',
    width: 170,
    render: (_v: unknown, row: BoardCase) => (
      <Space size={4}>
        {BOARD_ACTIONS.filter((a) => row.actions.includes(a) && PROCESSES[row.process]?.actions[a]).map((a) => (
          <Button
            key={a}
            size="small"
            danger={a === 'urge'}
            type={a === 'expedite' ? 'primary' : 'default'}
            onClick={() => setActing({ row, type: a })}
            data-testid={`${a}-${row.id}`}
          >
            {pick(PROCESSES[row.process]!.actions[a]!.label)}
          </Button>
        ))}
      </Space>
    ),
  };
  const breakdown = (rows: BreakdownRow[]) => (
    <Table<BreakdownRow>
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      onRow={(r) => ({
        onClick: r.onClick,
        style: { cursor: 'pointer', background: r.active ? '#e6f4ff' : undefined },
      })}
      columns={[
        { title: '', dataIndex: 'label' },
        ...LEVELS.map((l) => ({
          title: pick(COLOUR_LABEL[l]),
          key: l,
          width: 64,
          render: (_v: unknown, r: BreakdownRow) => (
            <span style={{ color: r.counts[l] ? COLOUR_HEX[l] : '#bfbfbf', fontWeight: 600 }}>{r.counts[l]}</span>
          ),
        })),
        { title: t('all'), key: 'total', width: 56, render: (_v: unknown, r: BreakdownRow) => r.counts.total },
      ]}
    />
  );
  const acting$ = acting ? PROCESSES[acting.row.process]?.actions[acting.type] : undefined;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <Space size={16}>
            <span>{t('menuBoard')}</span>
            <Breadcrumb
              data-testid="board-trail"
              items={trail.map((id, i) => ({
                title:
                  i < trail.length - 1 ? (
                    <a onClick={() => setTrail((tr) => tr.slice(0, i + 1))}>{unitName(id)}</a>
                  ) : (
                    <Typography.Text strong>{unitName(id)}</Typography.Text>
                  ),
              }))}
            />
          </Space>
        }
        extra={
          <Space>
            <Select
              allowClear
              placeholder={t('process')}
              style={{ width: 140 }}
              value={process}
              onChange={setProcess}
              options={Object.entries(PROCESS_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
              data-testid="board-process"
            />
            <Select
              allowClear
              placeholder={t('level')}
              style={{ width: 150 }}
              value={level}
              onChange={setLevel}
              options={([1, 2, 3, 4] as const).map((l) => ({ value: l, label: pick(LEVEL_LABEL[l]) }))}
            />
            <Select
              style={{ width: 120 }}
              value={days}
              onChange={setDays}
              options={[
                { value: 7, label: t('days7') },
                { value: 30, label: t('days30') },
                { value: 90, label: t('days90') },
              ]}
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
                <Statistic
                  title={pick(COLOUR_LABEL[l])}
                  value={b?.counts[l] ?? 0}
                  styles={{ content: { color: COLOUR_HEX[l] } }}
                  data-testid={`count-${l}`}
                />
              </Card>
            </Col>
          ))}
        </Row>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
          {t('boardNote')} · {t('lastRefresh', { t: formatTime(b?.generatedAt) })}
        </Typography.Text>
      </Card>
      <Row gutter={16}>
        <Col span={14}>
          <Card size="small" title={t('boardByUnit')}>
            <EChart
              option={unitChart}
              height={Math.max(220, 40 + units.length * 30)}
              testId="board-chart"
              onClick={(_name, i) => drill(units[i]?.unitId ?? '')}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t('boardByProcess')} style={{ marginBottom: 16 }}>
            {breakdown(
              (b?.byProcess ?? []).map((p) => ({
                key: p.process,
                label: pick(PROCESS_LABEL[p.process]),
                counts: p.counts,
                active: process === p.process,
                onClick: () => setProcess(process === p.process ? undefined : p.process),
              })),
            )}
          </Card>
          <Card size="small" title={t('boardByLevel')}>
            {breakdown(
              (b?.byLevel ?? []).map((l) => ({
                key: String(l.level),
                label: l.level ? pick(LEVEL_LABEL[l.level as 1 | 2 | 3 | 4]) : t('noLevel'),
                counts: l.counts,
                active: level === l.level,
                onClick: () => l.level && setLevel(level === l.level ? undefined : l.level),
              })),
            )}
          </Card>
        </Col>
      </Row>
      <Card size="small" title={`${t('boardOverdue')} · ${b?.counts.red ?? 0}`} data-testid="board-overdue">
        <CaseTable
          compact
          rows={b?.overdue ?? []}
          extra={[actionColumn]}
          pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true }}
        />
      </Card>
      <Card
        size="small"
        title={`${t('boardNear')} · ${(b?.counts.blue ?? 0) + (b?.counts.yellow ?? 0)}`}
        data-testid="board-near"
      >
        <CaseTable
          compact
          rows={b?.near ?? []}
          extra={[actionColumn]}
          pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true }}
        />
      </Card>
      <Row gutter={16}>
        <Col span={16}>
          <Card size="small" title={t('boardTrend')}>
            <EChart option={trendChart} height={280} testId="board-trend" />
          </Card>
        </Col>
        <Col span={8}>
          <Card
            size="small"
            title={`${t('boardSplit')} · ${t('disposalRate')} ${b?.resolution.disposalRate === null || !b ? '—' : `${Math.round(b.resolution.disposalRate * 100)}%`}`}
          >
            <EChart option={splitChart} height={280} testId="board-split" />
          </Card>
        </Col>
      </Row>
      {acting && acting$ && (
        <ActionModal
          open
          type={acting.type}
          spec={acting$}
          path={PROCESSES[acting.row.process]!.actionPath(acting.row.id)}
          onClose={() => setActing(null)}
          onDone={() => {
            setActing(null);
            board.reload();
          }}
        />
      )}
    </Space>
  );
}
