import { Alert, Card, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import { formatTime } from '../../components/sla';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import type { AdminAuditEntry, AdminAuditPage as AuditPage } from './admin-types';
import type { Label } from './common';

/*
 * 配置变更日志: the `admin:*` audit streams (org tree, users, power lists, catalogue, calendar, rules,
 * secondments), newest first — who, when, what, why, and each changed field before → after.
 */

const STREAM_LABEL: Record<string, Label> = {
  'admin:org': ['组织机构与用户', 'Org tree and users'],
  'admin:catalogue': ['事项目录', 'Matter catalogue'],
  'admin:calendar': ['工作日历', 'Calendar'],
  'admin:incident': ['事件处置规则', 'Incident rules'],
  'admin:summons': ['吹哨规则', 'Whistle rules'],
  'admin:assessment': ['考核方案', 'Assessment schemes'],
  'admin:secondments': ['选派人员', 'Secondments'],
};

const ACTION_LABEL: Record<string, Label> = {
  'org.unit.create': ['新建单位', 'Unit created'],
  'org.unit.update': ['修改单位', 'Unit changed'],
  'org.unit.move': ['调整单位隶属', 'Unit moved'],
  'org.user.create': ['新建用户', 'User created'],
  'org.user.update': ['修改用户', 'User changed'],
  'org.power.create': ['新增权责事项', 'Power item added'],
  'org.power.update': ['修改权责事项', 'Power item changed'],
  'secondment.create': ['登记选派', 'Secondment recorded'],
  'secondment.end': ['结束选派', 'Secondment ended'],
  'catalogue.matter.create': ['新建事项', 'Matter created'],
  'catalogue.matter.version': ['发布事项新版本', 'Matter version published'],
  'catalogue.matter.activate': ['启用事项', 'Matter activated'],
  'catalogue.matter.deactivate': ['停用事项', 'Matter deactivated'],
};

const streamLabel = (id: string): Label => STREAM_LABEL[id] ?? [id, id];
const actionLabel = (a: string): Label => ACTION_LABEL[a] ?? [a, a];

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

/** The fields an entry changed, each as `field: before → after` (a created record lists what it was created with). */
function changes(e: AdminAuditEntry): { field: string; before: string; after: string }[] {
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const before = obj(e.before);
  const after = obj(e.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({ field: k, before: e.before === null ? '' : show(before[k]), after: show(after[k]) }));
}

function Changes({ entry }: { entry: AdminAuditEntry }) {
  const list = changes(entry);
  return (
    <div data-testid="audit-changes">
      {list.slice(0, 8).map((c) => (
        <div
          key={c.field}
          style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: 520 }}
        >
          <Typography.Text type="secondary">{c.field}</Typography.Text>：
          {c.before && <Typography.Text delete>{c.before}</Typography.Text>}
          {c.before && ' → '}
          <Typography.Text>{c.after}</Typography.Text>
        </div>
      ))}
      {list.length > 8 && <Typography.Text type="secondary">…</Typography.Text>}
    </div>
  );
}

export function AdminAuditPage() {
  const { pick } = useI18n();
  const [stream, setStream] = useState<string>();
  const [action, setAction] = useState<string>();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const log = useLoad(() => api.get<AuditPage>('/admin-audit', { stream, action, ...page }), [stream, action, page]);
  return (
    <Card
      title={pick(['配置变更日志', 'Admin audit log'])}
      extra={
        <Space>
          <Select
            id="audit-stream"
            allowClear
            placeholder={pick(['全部审计流', 'All streams'])}
            style={{ width: 220 }}
            value={stream}
            onChange={(s: string | undefined) => {
              setStream(s);
              setPage((p) => ({ ...p, page: 1 }));
            }}
            options={(log.data?.streams ?? []).map((s) => ({
              value: s.streamId,
              label: `${pick(streamLabel(s.streamId))}（${s.entries}）`,
            }))}
          />
          <Input.Search
            id="audit-action"
            allowClear
            placeholder={pick(['动作，如 org.user', 'Action, e.g. org.user'])}
            style={{ width: 200 }}
            onSearch={(v) => {
              setAction(v || undefined);
              setPage((p) => ({ ...p, page: 1 }));
            }}
          />
        </Space>
      }
    >
      {log.error && <Alert type="error" showIcon title={log.error} />}
      <Table<AdminAuditEntry>
        size="small"
        rowKey={(e) => `${e.streamId}#${e.seq}`}
        data-testid="admin-audit-table"
        loading={log.loading}
        dataSource={log.data?.items ?? []}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: log.data?.total ?? 0,
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
        expandable={{
          expandedRowRender: (e) => (
            <pre style={{ margin: 0, fontSize: 12 }}>
              {JSON.stringify({ before: e.before, after: e.after }, null, 2)}
            </pre>
          ),
        }}
        columns={[
          { title: pick(['时间', 'When']), dataIndex: 'at', width: 160, render: (v: string) => formatTime(v) },
          {
            title: pick(['操作人', 'Who']),
            key: 'actor',
            width: 150,
            render: (_: unknown, e) => (
              <>
                {e.actorName ?? e.actorId}
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {e.actorId}
                </Typography.Text>
              </>
            ),
          },
          {
            title: pick(['审计流', 'Stream']),
            dataIndex: 'streamId',
            width: 130,
            render: (v: string) => pick(streamLabel(v)),
          },
          {
            title: pick(['动作', 'What']),
            dataIndex: 'action',
            width: 130,
            render: (v: string) => pick(actionLabel(v)),
          },
          { title: pick(['原因', 'Why']), dataIndex: 'reason', width: 160, render: (v: string | null) => v ?? '—' },
          {
            title: pick(['修改前 → 修改后', 'Before → after']),
            key: 'changes',
            render: (_: unknown, e) => <Changes entry={e} />,
          },
        ]}
      />
    </Card>
  );
}
