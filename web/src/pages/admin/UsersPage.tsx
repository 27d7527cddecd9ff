import { Alert, Card, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page, Role, User } from '../../api/types';
import { useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { ROLE_LABEL } from '../../labels';

export function UsersPage() {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const [q, setQ] = useState<string>();
  const [role, setRole] = useState<Role>();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const users = useLoad(() => api.get<Page<User>>('/users', { q, role, ...page }), [q, role, page]);
  return (
    <Card
      title={t('menuUsers')}
      extra={
        <Space>
          <Input.Search allowClear placeholder={`${t('username')} / ${t('displayName')}`} onSearch={(v) => { setQ(v || undefined); setPage((p) => ({ ...p, page: 1 })); }} style={{ width: 220 }} />
          <Select allowClear placeholder={t('role')} style={{ width: 150 }} value={role} onChange={(r) => { setRole(r); setPage((p) => ({ ...p, page: 1 })); }} options={Object.entries(ROLE_LABEL).map(([value, l]) => ({ value, label: pick(l) }))} />
        </Space>
      }
    >
      {users.error && <Alert type="error" showIcon title={users.error} />}
      <Table<User>
        size="small"
        rowKey="id"
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        pagination={{ current: page.page, pageSize: page.pageSize, total: users.data?.total ?? 0, showTotal: (n) => t('total', { n }), onChange: (p, s) => setPage({ page: p, pageSize: s }) }}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          { title: t('displayName'), dataIndex: 'displayName' },
          { title: t('role'), dataIndex: 'role', render: (r: Role) => pick(ROLE_LABEL[r]) },
          { title: t('unit'), dataIndex: 'unitId', render: (u: string) => unitName(u) },
          { title: t('isLeader'), dataIndex: 'isLeader', render: (v: boolean) => (v ? <Tag color="blue">{t('yes')}</Tag> : null) },
          { title: t('phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
          { title: t('active'), dataIndex: 'active', render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>) },
        ]}
      />
    </Card>
  );
}
