import { Alert, Button, Descriptions, Drawer, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { api } from '../../api/client';
import type { Role, User } from '../../api/types';
import { useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { ROLE_LABEL } from '../../labels';
import { SECONDMENT_STATUS_LABEL, type PersonSecondments, type Secondment } from './admin-types';
import { ConfigModal, UnitPicker, type Label } from './common';

/*
 * Users' write side in the console (用户管理): create, edit, move to another unit, deactivate and
 * reactivate. Each form is one audited PATCH/POST (api/routes/org.ts); the server checks that the
 * role fits the unit and that a unit leader is replaced first, and its refusal is shown in place.
 */

type Done = (saved: boolean) => void;
const required = (pick: (l: Label) => string, l: Label) => [{ required: true, whitespace: true, message: pick(l) }];

function RoleSelect(props: { value?: Role; onChange?: (r: Role) => void; id?: string }) {
  const { pick } = useI18n();
  return <Select {...props} options={Object.entries(ROLE_LABEL).map(([value, l]) => ({ value, label: pick(l) }))} />;
}

export function UserCreateModal({ onClose }: { onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<{
      username: string;
      displayName: string;
      role: Role;
      unitId: string;
      phone?: string;
      isLeader?: boolean;
    }>
      title={pick(['新建用户', 'New user'])}
      formName="user_new"
      initialValues={{ isLeader: false }}
      save={({ phone, ...v }) => api.post('/users', { ...v, ...(phone ? { phone } : {}) })}
      onClose={onClose}
    >
      <Form.Item
        name="username"
        label={pick(['用户名（登录名）', 'Username (sign-in name)'])}
        extra={pick(['小写字母、数字和 . _ @ -', 'Lowercase letters, digits and . _ @ -'])}
        rules={required(pick, ['请填写用户名', 'Enter a username'])}
      >
        <Input maxLength={64} />
      </Form.Item>
      <UserFields />
    </ConfigModal>
  );
}

/** Name, role, unit, leader flag and phone: shared by the create and edit forms. */
function UserFields() {
  const { pick } = useI18n();
  return (
    <>
      <Form.Item
        name="displayName"
        label={pick(['姓名', 'Name'])}
        rules={required(pick, ['请填写姓名', 'Enter a name'])}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Space size="large" align="start">
        <Form.Item
          name="role"
          label={pick(['角色', 'Role'])}
          rules={[{ required: true, message: pick(['请选择角色', 'Pick a role']) }]}
        >
          <RoleSelect />
        </Form.Item>
        <Form.Item name="isLeader" label={pick(['单位领导', 'Unit leader'])} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
      <Form.Item
        name="unitId"
        label={pick(['所在单位', 'Unit'])}
        rules={[{ required: true, message: pick(['请选择单位', 'Pick a unit']) }]}
      >
        <UnitPicker />
      </Form.Item>
      <Form.Item name="phone" label={pick(['电话', 'Phone'])}>
        <Input maxLength={30} />
      </Form.Item>
    </>
  );
}

export function UserEditModal({ user, onClose }: { user: User; onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<{ displayName: string; role: Role; unitId: string; phone?: string | null; isLeader: boolean }>
      title={pick([`修改用户「${user.displayName}」`, `Edit ${user.displayName}`])}
      formName="user_edit"
      initialValues={{
        displayName: user.displayName,
        role: user.role,
        unitId: user.unitId,
        phone: user.phone,
        isLeader: user.isLeader,
      }}
      save={({ phone, ...v }) => api.patch(`/users/${user.id}`, { ...v, phone: phone || null })}
      onClose={onClose}
    >
      <UserFields />
    </ConfigModal>
  );
}

/** 调动: the person moves to another unit (same role, checked against the new unit's kind). */
export function UserMoveModal({ user, onClose }: { user: User; onClose: Done }) {
  const { pick } = useI18n();
  const unitName = useUnitName();
  return (
    <ConfigModal<{ unitId: string }>
      title={pick([`调动「${user.displayName}」`, `Move ${user.displayName}`])}
      formName="user_move"
      initialValues={{}}
      save={(v) => api.patch(`/users/${user.id}`, v)}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">
        {pick(['现单位：', 'Now at: '])}
        {unitName(user.unitId)}
      </Typography.Paragraph>
      <Form.Item
        name="unitId"
        label={pick(['调入单位', 'Move to'])}
        rules={[{ required: true, message: pick(['请选择单位', 'Pick a unit']) }]}
      >
        <UnitPicker />
      </Form.Item>
    </ConfigModal>
  );
}

export function UserActiveModal({ user, onClose }: { user: User; onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal
      title={
        user.active
          ? pick([`停用「${user.displayName}」`, `Deactivate ${user.displayName}`])
          : pick([`启用「${user.displayName}」`, `Reactivate ${user.displayName}`])
      }
      formName="user_active"
      initialValues={{}}
      save={({ reason }) => api.patch(`/users/${user.id}`, { active: !user.active, reason })}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">
        {user.active
          ? pick([
              '停用后不能登录，也不再分派待办；记录保留，可以重新启用。',
              'A deactivated user cannot sign in or receive work; the record stays and can be reactivated.',
            ])
          : pick(['启用后可以重新登录。', 'The user can sign in again.'])}
      </Typography.Paragraph>
    </ConfigModal>
  );
}

/** Secondment status tag, coloured by outcome. */
export function SecondmentStatusTag({ s }: { s: Pick<Secondment, 'status'> }) {
  const { pick } = useI18n();
  const colour = { active: 'blue', ended: 'default', returned: 'red', converted: 'green' }[s.status];
  return <Tag color={colour}>{pick(SECONDMENT_STATUS_LABEL[s.status])}</Tag>;
}

/** A person's details with their secondments, yearly outcomes and secondment bar (禁止选派期). */
export function UserDrawer({ user, onClose }: { user: User; onClose: () => void }) {
  const { pick, t } = useI18n();
  const unitName = useUnitName();
  const person = useLoad(() => api.get<PersonSecondments>(`/users/${user.id}/secondments`), [user.id]);
  const p = person.data;
  return (
    <Drawer
      open
      width={720}
      title={`${user.displayName}（${user.username}）`}
      onClose={onClose}
      data-testid="user-drawer"
    >
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('role')}>{pick(ROLE_LABEL[user.role])}</Descriptions.Item>
        <Descriptions.Item label={pick(['所在单位', 'Unit'])}>{unitName(user.unitId)}</Descriptions.Item>
        <Descriptions.Item label={t('phone')}>{user.phone ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('active')}>
          {user.active ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 20 }}>
        {pick(['选派情况', 'Secondments'])}
      </Typography.Title>
      {person.error && <Alert type="error" showIcon title={person.error} />}
      {p?.bar && (
        <Alert
          type="warning"
          showIcon
          data-testid="secondment-bar"
          style={{ marginBottom: 12 }}
          title={pick([
            `年度考核不合格退回，禁止选派至 ${p.bar.until} 止`,
            `Returned after a failed yearly assessment: barred from secondment until ${p.bar.until}`,
          ])}
          description={`${pick(['考核周期', 'Cycle'])}：${p.bar.cycleId}`}
        />
      )}
      <Table<Secondment>
        size="small"
        rowKey="id"
        loading={person.loading}
        dataSource={p?.secondments ?? []}
        pagination={false}
        data-testid="user-secondments"
        columns={[
          { title: pick(['派驻单位', 'Host']), dataIndex: 'hostUnitName' },
          {
            title: pick(['原单位', 'Original unit']),
            key: 'origin',
            render: (_: unknown, s) => (s.origin.unitId ? unitName(s.origin.unitId) : s.origin.name),
          },
          {
            title: pick(['期间', 'Term']),
            key: 'term',
            render: (_: unknown, s) => `${s.startDate} ~ ${s.endDate ?? s.plannedEndDate}`,
          },
          { title: t('status'), key: 'status', render: (_: unknown, s) => <SecondmentStatusTag s={s} /> },
        ]}
      />
      {(p?.outcomes.length ?? 0) > 0 && (
        <Table
          style={{ marginTop: 12 }}
          size="small"
          rowKey="caseId"
          pagination={false}
          dataSource={p?.outcomes ?? []}
          columns={[
            { title: pick(['考核周期', 'Cycle']), dataIndex: 'caseId' },
            { title: pick(['等次', 'Grade']), dataIndex: 'gradeLabel' },
            { title: pick(['结果运用', 'Outcome']), dataIndex: 'effectLabel' },
            {
              title: pick(['禁止选派至', 'Barred until']),
              dataIndex: 'barUntil',
              render: (v: string | null) => v ?? '—',
            },
          ]}
        />
      )}
      <Button style={{ marginTop: 16 }} onClick={onClose}>
        {pick(['关闭', 'Close'])}
      </Button>
    </Drawer>
  );
}
