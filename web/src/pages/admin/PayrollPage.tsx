import { Button, Card, Form, Input, Space, Table } from 'antd';
import { useState } from 'react';
import { api, download } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PayGrades } from './admin-types';
import { ProblemAlert, UnitPicker } from './common';

/*
 * 工资核算: the grid workers' monthly pay grades (绩效档次) that final grid-worker assessment cycles
 * recorded, for one township and month, shown and exported as CSV or XLSX for payroll
 * (api/routes/payroll.ts).
 */

/** The month before this one, as YYYY-MM (the usual month to pay for). */
function lastMonth(): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function PayrollPage() {
  const { pick } = useI18n();
  const [query, setQuery] = useState<{ townshipId: string; month: string }>();
  const [data, setData] = useState<PayGrades>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const load = (q: { townshipId: string; month: string }) => {
    setQuery(q);
    setBusy(true);
    setError(undefined);
    api
      .get<PayGrades>('/payroll/grid-pay-grades', q)
      .then(setData, (e: unknown) => {
        setData(undefined);
        setError(e);
      })
      .finally(() => setBusy(false));
  };
  const exportAs = (format: 'csv' | 'xlsx') => {
    if (!query) return;
    const qs = new URLSearchParams(query).toString();
    download(
      `/payroll/grid-pay-grades/export.${format}?${qs}`,
      `pay-grades-${query.townshipId}-${query.month}.${format}`,
    ).catch(setError);
  };
  return (
    <Card title={pick(['网格员绩效档次（工资核算）', 'Grid workers’ pay grades (payroll)'])}>
      <Form
        layout="inline"
        name="payroll"
        initialValues={{ month: lastMonth() }}
        onFinish={load}
        style={{ marginBottom: 16 }}
      >
        <Form.Item
          name="townshipId"
          label={pick(['乡镇（街道）', 'Township'])}
          rules={[{ required: true, message: pick(['请选择乡镇', 'Pick a township']) }]}
        >
          <UnitPicker kinds={['township', 'street']} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item
          name="month"
          label={pick(['月份', 'Month'])}
          rules={[{ required: true, message: pick(['请选择月份', 'Pick a month']) }]}
        >
          <Input type="month" style={{ width: 160 }} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="payroll-query">
            {pick(['查询', 'Show'])}
          </Button>
          <Button disabled={!data} onClick={() => exportAs('csv')} data-testid="payroll-csv">
            {pick(['导出 CSV', 'Export CSV'])}
          </Button>
          <Button disabled={!data} onClick={() => exportAs('xlsx')} data-testid="payroll-xlsx">
            {pick(['导出 Excel', 'Export XLSX'])}
          </Button>
        </Space>
      </Form>
      <ProblemAlert error={error} />
      <Table
        size="small"
        rowKey="userId"
        data-testid="payroll-table"
        loading={busy}
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: pick(['姓名', 'Name']), dataIndex: 'name' },
          { title: pick(['用户名', 'Username']), dataIndex: 'username' },
          { title: pick(['网格', 'Grid']), dataIndex: 'unitName' },
          { title: pick(['总分', 'Total']), dataIndex: 'total' },
          { title: pick(['等次', 'Grade']), dataIndex: 'gradeLabel' },
          { title: pick(['绩效档次', 'Pay grade']), dataIndex: 'payGrade' },
          { title: pick(['考核编号', 'Cycle']), dataIndex: 'caseId' },
        ]}
      />
    </Card>
  );
}
