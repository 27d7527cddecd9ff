import { Alert, Button, Card, Form, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import type { CaseEnvelope, ClockLevel, Page, ProcessType } from '../api/types';
import { CaseTable } from '../components/CaseTable';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { pagerTotal, totalText } from '../paging';
import { COLOUR_LABEL, PROCESS_LABEL } from '../labels';

interface Filters {
  process?: ProcessType;
  status?: string;
  unitId?: string;
  colour?: ClockLevel;
  overdue?: 'true' | 'false';
  open?: 'true' | 'false';
}

export function CaseListPage() {
  const { t, pick } = useI18n();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({ open: 'true' });
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const list = useLoad(() => api.get<Page<CaseEnvelope>>('/cases', { ...filters, ...page }), [filters, page]);
  const yesNo = [
    { value: 'true', label: t('yes') },
    { value: 'false', label: t('no') },
  ];
  return (
    <Card title={t('menuCases')}>
      <Form<Filters>
        form={form}
        layout="inline"
        initialValues={filters}
        onFinish={(v) => {
          setFilters(v);
          setPage((p) => ({ ...p, page: 1 }));
        }}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="process" label={t('process')}>
          <Select
            allowClear
            style={{ width: 140 }}
            options={Object.entries(PROCESS_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
          />
        </Form.Item>
        <Form.Item name="colour" label={t('colour')}>
          <Select
            allowClear
            style={{ width: 100 }}
            options={Object.entries(COLOUR_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
          />
        </Form.Item>
        <Form.Item name="overdue" label={t('overdueFilter')}>
          <Select allowClear style={{ width: 80 }} options={yesNo} />
        </Form.Item>
        <Form.Item name="open" label={t('openFilter')}>
          <Select
            allowClear
            style={{ width: 100 }}
            options={[
              { value: 'true', label: t('open') },
              { value: 'false', label: t('closed') },
            ]}
          />
        </Form.Item>
        <Form.Item name="status" label={t('status')}>
          <Input allowClear style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="unitId" label={t('unit')}>
          <Input allowClear style={{ width: 140 }} placeholder="lk.t01.v01" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              setFilters({});
            }}
          >
            {t('reset')}
          </Button>
        </Space>
      </Form>
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 16 }} />}
      <CaseTable
        rows={list.data?.items ?? []}
        loading={list.loading}
        testId="case-table"
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: pagerTotal(list.data, page.page, page.pageSize),
          showTotal: () => (list.data ? totalText(t, list.data) : ''),
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
      />
    </Card>
  );
}
