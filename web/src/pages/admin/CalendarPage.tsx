import { Alert, Card, Col, Row, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { CalendarDay, CalendarYear, CalendarYearSummary } from '../../api/types';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { calendarSourceLabel } from '../../labels';

const KIND: Record<CalendarDay['kind'], { color: string; label: readonly [string, string] }> = {
  holiday: { color: 'red', label: ['放假', 'Holiday'] },
  'makeup-workday': { color: 'blue', label: ['调休上班', 'Make-up workday'] },
  weekend: { color: 'default', label: ['周末', 'Weekend'] },
  workday: { color: 'green', label: ['工作日', 'Workday'] },
};

export function CalendarPage() {
  const { t, pick } = useI18n();
  const years = useLoad(() => api.get<{ region: string; years: CalendarYearSummary[] }>('/calendar/years'), []);
  const [year, setYear] = useState<number>();
  const shown = year ?? years.data?.years.findLast((y) => y.covered)?.year;
  const detail = useLoad(() => (shown ? api.get<CalendarYear>(`/calendar/years/${shown}`) : Promise.resolve(undefined)), [shown]);
  return (
    <Row gutter={16}>
      <Col span={10}>
        <Card title={t('menuCalendar')} size="small">
          {years.error && <Alert type="error" showIcon title={years.error} />}
          <Table<CalendarYearSummary>
            size="small"
            rowKey="year"
            loading={years.loading}
            dataSource={years.data?.years ?? []}
            pagination={false}
            onRow={(y) => ({ onClick: () => setYear(y.year), style: { cursor: 'pointer', background: y.year === shown ? '#e6f4ff' : undefined } })}
            columns={[
              { title: t('year'), dataIndex: 'year' },
              { title: t('covered'), dataIndex: 'covered', render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag color="orange">{t('no')}</Tag>) },
              { title: t('holidays'), dataIndex: 'holidays' },
              { title: t('makeupDays'), dataIndex: 'workdays' },
              { title: t('source'), dataIndex: 'source', render: (v: string | null) => pick(calendarSourceLabel(v)) },
            ]}
          />
        </Card>
      </Col>
      <Col span={14}>
        <Card title={shown ? `${shown}` : t('year')} size="small">
          {detail.error && <Alert type="error" showIcon title={detail.error} />}
          <Table<CalendarDay>
            size="small"
            rowKey="date"
            loading={detail.loading}
            dataSource={(detail.data?.days ?? []).filter((d) => d.kind === 'holiday' || d.kind === 'makeup-workday' || d.name)}
            pagination={{ pageSize: 15 }}
            columns={[
              { title: t('date'), dataIndex: 'date', width: 120 },
              { title: t('weekday'), dataIndex: 'weekdayName', width: 80 },
              { title: t('kind'), dataIndex: 'kind', width: 110, render: (k: CalendarDay['kind']) => <Tag color={KIND[k].color}>{pick(KIND[k].label)}</Tag> },
              { title: t('name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
              { title: t('source'), dataIndex: 'source', width: 100, render: (v: string | null) => pick(calendarSourceLabel(v)) },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
