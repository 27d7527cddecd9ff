import { Alert, Button, Card, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page, Role, User } from '../../api/types';
import { useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { ROLE_LABEL } from '../../labels';
import { UnitPicker } from './common';
import { UserActiveModal, UserCreateModal, UserDrawer, UserEditModal, UserMoveModal } from './UserAdmin';

type Editor = { kind: 'new' } | { kind: 'edit' | 'move' | 'active' | 'view'; user: User };

export function UsersPage() {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const [q, setQ] = useState<string>();
  const [role, setRole] = useState<Role>();
  const [unitId, setUnitId] = useState<string>();
  const [active, setActive] = useState<boolean>();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const users = useLoad(
    () => api.get<Page<User>>('/users', { q, role, unitId, active, ...page }),
    [q, role, unitId, active, page],
  );
  const [editor, setEditor] = useState<Editor>();
  const first = () => setPage((p) => ({ ...p, page: 1 }));
  const close = (saved: boolean) => {
    setEditor(undefined);
    if (saved) users.reload();
  };
  return (
    <Card
      title={t('menuUsers')}
      extra={
        <Space wrap>
          <Input.Search
            id="user-search"
            allowClear
            placeholder={`${t('username')} / ${t('displayName')}`}
            onSearch={(v) => {
              setQ(v || undefined);
              first();
            }}
            style={{ width: 200 }}
          />
          <Select
            allowClear
            placeholder={t('role')}
            style={{ width: 130 }}
            value={role}
            onChange={(r) => {
              setRole(r);
              first();
            }}
            options={Object.entries(ROLE_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
          />
          <UnitPicker
            placeholder={pick(['单位', 'Unit'])}
            style={{ width: 200 }}
            value={unitId}
            onChange={(u) => {
              setUnitId((u as string | undefined) || undefined);
              first();
            }}
          />
          <Select
            allowClear
            placeholder={t('active')}
            style={{ width: 100 }}
            value={active}
            onChange={(a) => {
              setActive(a);
              first();
            }}
            options={[
              { value: true, label: pick(['在用', 'Active']) },
              { value: false, label: pick(['已停用', 'Inactive']) },
            ]}
          />
          <Button type="primary" data-testid="user-new" onClick={() => setEditor({ kind: 'new' })}>
            {pick(['新建用户', 'New user'])}
          </Button>
        </Space>
      }
    >
      {users.error && <Alert type="error" showIcon title={users.error} />}
      <Table<User>
        size="small"
        rowKey="id"
        data-testid="users-table"
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: users.data?.total ?? 0,
          showTotal: (n) => t('total', { n }),
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          {
            title: t('displayName'),
            dataIndex: 'displayName',
            render: (v: string, u) => <a onClick={() => setEditor({ kind: 'view', user: u })}>{v}</a>,
          },
          { title: t('role'), dataIndex: 'role', render: (r: Role) => pick(ROLE_LABEL[r]) },
          { title: t('unit'), dataIndex: 'unitId', render: (u: string) => unitName(u) },
          {
            title: t('isLeader'),
            dataIndex: 'isLeader',
            render: (v: boolean) => (v ? <Tag color="blue">{t('yes')}</Tag> : null),
          },
          { title: t('phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
          {
            title: t('active'),
            dataIndex: 'active',
            render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>),
          },
          {
            title: pick(['操作', 'Actions']),
            key: 'actions',
            render: (_: unknown, u) => (
              <Space size={0}>
                <Button
                  type="link"
                  size="small"
                  data-testid={`user-edit-${u.username}`}
                  onClick={() => setEditor({ kind: 'edit', user: u })}
                >
                  {pick(['修改', 'Edit'])}
                </Button>
                {u.active && (
                  <Button
                    type="link"
                    size="small"
                    data-testid={`user-move-${u.username}`}
                    onClick={() => setEditor({ kind: 'move', user: u })}
                  >
                    {pick(['调动', 'Move'])}
                  </Button>
                )}
                <Button
                  type="link"
                  size="small"
                  danger={u.active}
                  data-testid={`user-active-${u.username}`}
                  onClick={() => setEditor({ kind: 'active', user: u })}
                >
                  {u.active ? pick(['停用', 'Deactivate']) : pick(['启用', 'Reactivate'])}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {editor?.kind === 'new' && <UserCreateModal onClose={close} />}
      {editor?.kind === 'edit' && <UserEditModal user={editor.user} onClose={close} />}
      {editor?.kind === 'move' && <UserMoveModal user={editor.user} onClose={close} />}
      {editor?.kind === 'active' && <UserActiveModal user={editor.user} onClose={close} />}
      {editor?.kind === 'view' && <UserDrawer user={editor.user} onClose={() => setEditor(undefined)} />}
    </Card>
  );
}
