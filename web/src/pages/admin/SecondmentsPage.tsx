import { Alert, Button, Card, Form, Input, Radio, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Page, User } from '../../api/types';
import { useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { SECONDMENT_STATUS_LABEL, type Secondment, type SecondmentStatus } from './admin-types';
import { ConfigModal, UnitPicker, type Label } from './common';
import { SecondmentStatusTag } from './UserAdmin';

/*
 * 选派人员 (DOMAIN §7, api/routes/secondments.ts): who is seconded from which unit to which township
 * or village, recorded and ended by admins. A person returned after a failed yearly assessment is
 * barred for a year: the server refuses a new secondment with the rule and the day the bar ends,
 * and the form shows that refusal as it is.
 */

const HOST_KINDS = ['township', 'street', 'village', 'community'] as const;
const required = (pick: (l: Label) => string, l: Label) => [{ required: true, whitespace: true, message: pick(l) }];

/** A person, found by username or name as the admin types. */
export function UserPicker(props: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const { pick } = useI18n();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.get<Page<User>>('/users', { q: q || undefined, active: true, pageSize: 30 }).then(
        (p) => live && setOptions(p.items.map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))),
        () => undefined,
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  return (
    <Select
      {...props}
      showSearch={{ filterOption: false, onSearch: setQ }}
      placeholder={pick(['输入姓名或用户名查找', 'Type a name or username'])}
      options={options}
    />
  );
}

type NewSecondment = {
  userId: string;
  hostUnitId: string;
  originKind: 'unit' | 'outside';
  originUnitId?: string;
  originName?: string;
  startDate: string;
  plannedEndDate: string;
};

function RecordModal({ onClose }: { onClose: (saved: boolean) => void }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<NewSecondment>
      title={pick(['登记选派', 'Record a secondment'])}
      formName="secondment_new"
      initialValues={{ originKind: 'unit' }}
      save={({ originKind, originUnitId, originName, ...v }) =>
        api.post('/secondments', {
          ...v,
          origin: originKind === 'unit' ? { unitId: originUnitId } : { name: originName },
        })
      }
      onClose={onClose}
    >
      <Form.Item
        name="userId"
        label={pick(['被选派人员', 'Person'])}
        rules={[{ required: true, message: pick(['请选择人员', 'Pick the person']) }]}
      >
        <UserPicker />
      </Form.Item>
      <Form.Item
        name="hostUnitId"
        label={pick(['派驻单位（乡镇、街道、村、社区）', 'Host (township, street, village or community)'])}
        rules={[{ required: true, message: pick(['请选择派驻单位', 'Pick the host unit']) }]}
      >
        <UnitPicker kinds={HOST_KINDS} />
      </Form.Item>
      <Form.Item name="originKind" label={pick(['原单位', 'Original unit'])}>
        <Radio.Group
          options={[
            { value: 'unit', label: pick(['本系统内单位', 'A unit in the system']) },
            { value: 'outside', label: pick(['系统外单位', 'A unit outside the system']) },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.originKind !== b.originKind}>
        {({ getFieldValue }) =>
          getFieldValue('originKind') === 'unit' ? (
            <Form.Item
              name="originUnitId"
              rules={[{ required: true, message: pick(['请选择原单位', 'Pick the original unit']) }]}
            >
              <UnitPicker />
            </Form.Item>
          ) : (
            <Form.Item name="originName" rules={required(pick, ['请填写原单位名称', 'Enter the original unit’s name'])}>
              <Input
                maxLength={200}
                placeholder={pick(['如：兰考县农业技术推广中心', 'e.g. 兰考县农业技术推广中心'])}
              />
            </Form.Item>
          )
        }
      </Form.Item>
      <Space size="large">
        <Form.Item
          name="startDate"
          label={pick(['开始日期', 'Start'])}
          rules={[{ required: true, message: pick(['请填写开始日期', 'Enter the start']) }]}
        >
          <Input type="date" />
        </Form.Item>
        <Form.Item
          name="plannedEndDate"
          label={pick(['计划结束日期', 'Planned end'])}
          rules={[{ required: true, message: pick(['请填写计划结束日期', 'Enter the planned end']) }]}
        >
          <Input type="date" />
        </Form.Item>
      </Space>
    </ConfigModal>
  );
}

function EndModal({ secondment, onClose }: { secondment: Secondment; onClose: (saved: boolean) => void }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<{ status: 'ended' | 'converted'; endDate?: string }>
      title={pick([`结束选派：${secondment.name}`, `End the secondment of ${secondment.name}`])}
      formName="secondment_end"
      initialValues={{ status: 'ended' }}
      save={({ endDate, ...v }) =>
        api.post(`/secondments/${secondment.id}/end`, { ...v, ...(endDate ? { endDate } : {}) })
      }
      onClose={onClose}
    >
      <Form.Item name="status" label={pick(['结束方式', 'How it ends'])}>
        <Radio.Group
          options={[
            { value: 'ended', label: pick(['期满或提前结束', 'Ended (term over or early)']) },
            { value: 'converted', label: pick(['已转为乡镇在编', 'Converted to township staff']) },
          ]}
        />
      </Form.Item>
      <Form.Item name="endDate" label={pick(['结束日期（缺省为今天）', 'End date (defaults to today)'])}>
        <Input type="date" />
      </Form.Item>
      <Typography.Paragraph type="secondary">
        {pick([
          '人员账号和所在单位不变；调动请在用户管理中办理。',
          'The account and unit stay as they are; move the person on the Users page.',
        ])}
      </Typography.Paragraph>
    </ConfigModal>
  );
}

export function SecondmentsPage() {
  const { pick, t } = useI18n();
  const unitName = useUnitName();
  const [status, setStatus] = useState<SecondmentStatus>();
  const [within, setWithin] = useState<string>();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const list = useLoad(
    () => api.get<Page<Secondment>>('/secondments', { status, within, ...page }),
    [status, within, page],
  );
  const [editor, setEditor] = useState<{ kind: 'new' } | { kind: 'end'; s: Secondment }>();
  const close = (saved: boolean) => {
    setEditor(undefined);
    if (saved) list.reload();
  };
  return (
    <Card
      title={pick(['选派人员', 'Seconded staff'])}
      extra={
        <Space wrap>
          <Select
            id="secondment-status"
            allowClear
            placeholder={t('status')}
            style={{ width: 150 }}
            value={status}
            onChange={(s: SecondmentStatus | undefined) => {
              setStatus(s);
              setPage((p) => ({ ...p, page: 1 }));
            }}
            options={Object.entries(SECONDMENT_STATUS_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
          />
          <UnitPicker
            id="secondment-township"
            kinds={['township', 'street']}
            placeholder={pick(['乡镇（街道）', 'Township'])}
            style={{ width: 220 }}
            value={within}
            onChange={(u) => {
              setWithin((u as string | undefined) || undefined);
              setPage((p) => ({ ...p, page: 1 }));
            }}
          />
          <Button type="primary" data-testid="secondment-new" onClick={() => setEditor({ kind: 'new' })}>
            {pick(['登记选派', 'Record a secondment'])}
          </Button>
        </Space>
      }
    >
      {list.error && <Alert type="error" showIcon title={list.error} />}
      <Table<Secondment>
        size="small"
        rowKey="id"
        data-testid="secondments-table"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: list.data?.total ?? 0,
          showTotal: (n) => t('total', { n }),
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
        columns={[
          { title: pick(['姓名', 'Name']), key: 'name', render: (_: unknown, s) => `${s.name}（${s.username}）` },
          {
            title: pick(['原单位', 'Original unit']),
            key: 'origin',
            render: (_: unknown, s) =>
              s.origin.unitId
                ? unitName(s.origin.unitId)
                : `${s.origin.name ?? ''}${pick(['（系统外）', ' (outside)'])}`,
          },
          {
            title: pick(['派驻单位', 'Host']),
            dataIndex: 'hostUnitId',
            render: (v: string, s) => unitName(v) || s.hostUnitName,
          },
          { title: pick(['开始', 'Start']), dataIndex: 'startDate', width: 110 },
          { title: pick(['计划结束', 'Planned end']), dataIndex: 'plannedEndDate', width: 110 },
          { title: t('status'), key: 'status', width: 130, render: (_: unknown, s) => <SecondmentStatusTag s={s} /> },
          {
            title: pick(['结束日期', 'Ended']),
            dataIndex: 'endDate',
            width: 110,
            render: (v: string | null) => v ?? '—',
          },
          {
            title: pick(['操作', 'Actions']),
            key: 'actions',
            width: 90,
            render: (_: unknown, s) =>
              s.status === 'active' && (
                <Button
                  type="link"
                  size="small"
                  data-testid={`secondment-end-${s.username}`}
                  onClick={() => setEditor({ kind: 'end', s })}
                >
                  {pick(['结束', 'End'])}
                </Button>
              ),
          },
        ]}
      />
      {editor?.kind === 'new' && <RecordModal onClose={close} />}
      {editor?.kind === 'end' && <EndModal secondment={editor.s} onClose={close} />}
    </Card>
  );
}
