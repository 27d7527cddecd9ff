import { ArrowLeftOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Result, Row, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import type { AuditEntry, AuditVerdict, CaseDetail, Clock, LedgerEntry } from '../api/types';
import { useUnitName, useUser } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { ColourTag, Countdown, formatDeadline, formatTime } from '../components/sla';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { actionLabel, clockStateLabel, COLOUR_LABEL, durationUnitLabel, PROCESS_LABEL, ROLE_LABEL, statusLabel } from '../labels';
import { myActions, PROCESSES } from '../processes';
import type { Role } from '../api/types';
import { useWhistleAccess } from './whistles/access';

export function CasePage() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const unitName = useUnitName();
  const detail = useLoad(() => api.get<CaseDetail>(`/cases/${encodeURIComponent(id)}`), [id], 10_000);
  const audit = useLoad(() => api.get<AuditEntry[]>(`/cases/${encodeURIComponent(id)}/audit`), [id, detail.data?.updatedAt]);

  if (detail.status === 404 || detail.status === 403) {
    return (
      <Result
        status="404"
        title={t('notFoundTitle')}
        subTitle={<span data-testid="case-error">{detail.error}</span>}
        extra={<Button onClick={() => void navigate('/inbox')}>{t('back')}</Button>}
      />
    );
  }
  if (!detail.data) return detail.error ? <Alert type="error" showIcon title={detail.error} /> : <Spin />;
  const c = detail.data;
  const reload = () => {
    detail.reload();
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)} />
            <span data-testid="case-id">{c.id}</span>
            <Typography.Text strong>{c.title}</Typography.Text>
            <ColourTag colour={c.colour} />
            <Tag data-testid="case-status">{pick(statusLabel(c.status))}</Tag>
          </Space>
        }
        extra={<Button icon={<ReloadOutlined />} onClick={reload}>{t('refresh')}</Button>}
      >
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label={t('process')}>{pick(PROCESS_LABEL[c.process])}</Descriptions.Item>
          <Descriptions.Item label={t('unit')}>{unitName(c.unitId)}</Descriptions.Item>
          <Descriptions.Item label={t('ownerUnit')}>{unitName(c.ownerUnitId)}</Descriptions.Item>
          <Descriptions.Item label={t('deadline')}>{formatDeadline(c.deadline)}</Descriptions.Item>
          <Descriptions.Item label={t('countdown')}>
            <Countdown deadline={c.deadline} stopped={!!c.closedAt} />
          </Descriptions.Item>
          <Descriptions.Item label={t('overdue')}>{c.overdue ? <Tag color="red">{t('yes')}</Tag> : t('no')}</Descriptions.Item>
          <Descriptions.Item label={t('createdAt')}>{formatTime(c.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('updatedAt')}>{formatTime(c.updatedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('closedAt')}>{formatTime(c.closedAt)}</Descriptions.Item>
        </Descriptions>
        {c.calendarWarnings.map((w) => (
          <Alert key={w} type="warning" showIcon title={w} style={{ marginTop: 8 }} />
        ))}
      </Card>
      <Row gutter={16}>
        <Col span={12}>
          <ActionsCard detail={c} onDone={reload} />
        </Col>
        <Col span={12}>
          <Card title={t('assignments')} size="small">
            <Table
              size="small"
              rowKey={(a) => `${a.unitId}/${a.role}/${a.userId}`}
              pagination={false}
              dataSource={c.assignments}
              locale={{ emptyText: t('none') }}
              columns={[
                { title: t('unit'), dataIndex: 'unitId', render: (u: string) => unitName(u) },
                { title: t('role'), dataIndex: 'role', render: (r: string, a) => (a.userId ? a.userId : pick(ROLE_LABEL[r as Role] ?? [r, r])) },
                { title: t('actions'), dataIndex: 'actions', render: (xs: string[]) => xs.map((x) => <Tag key={x}>{pick(actionLabel(x))}</Tag>) },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {c.clocks.map((clock) => (
        <ClockCard key={clock.key} clock={clock} />
      ))}
      <Row gutter={16}>
        <Col span={12}>
          <Card title={t('live')} size="small">
            {c.liveError && <Alert type="warning" showIcon title={t('liveError', { e: c.liveError })} />}
            <LiveState detail={c} />
          </Card>
        </Col>
        <Col span={12}>
          <AuditCard caseId={c.id} entries={audit.data} error={audit.error} />
        </Col>
      </Row>
    </Space>
  );
}

function ActionsCard({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const user = useUser();
  const { t, pick } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const navigate = useNavigate();
  const access = useWhistleAccess();
  const module = PROCESSES[detail.process];
  const actions = myActions(detail, user);
  const spec = open ? module?.actions[open] : undefined;
  return (
    <Card title={t('myActions')} size="small" data-testid="my-actions">
      {detail.process === 'summons' ? (
        // A whistle and each department's part are handled on their own pages.
        <Button type="primary" data-testid="open-summons" onClick={() => void navigate(access.canView ? `/whistles/${encodeURIComponent(detail.id.split('.')[0]!)}` : '/summons')}>
          {t(access.canView ? 'openWhistle' : 'menuSummons')}
        </Button>
      ) : !module ? (
        <Empty description={t('comingSoon')} />
      ) : actions.length === 0 ? (
        <Empty description={t('noActions')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Space wrap>
          {actions.map((a) => {
            const s = module.actions[a];
            return (
              <Button key={a} type={s?.primary ? 'primary' : 'default'} danger={s?.danger} disabled={!s} onClick={() => setOpen(a)} data-action={a}>
                {s ? pick(s.label) : a}
              </Button>
            );
          })}
        </Space>
      )}
      {module && open && spec && (
        <ActionModal
          open
          type={open}
          spec={spec}
          path={module.actionPath(detail.id)}
          detail={detail}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onDone();
          }}
        />
      )}
    </Card>
  );
}

function ledgerText(e: LedgerEntry, pick: (l: readonly [string, string]) => string): string {
  const parts = [pick(actionLabel(e.kind))];
  const duration = (d: { unit: string; amount: number }) => `${d.amount} ${pick(durationUnitLabel(d.unit))}`;
  if (e.kind === 'start') parts.push(duration(e.budget));
  if (e.kind === 'extend') parts.push(`+${e.amount}`);
  if (e.kind === 'budget-change') parts.push(`${duration(e.from)} → ${duration(e.to)}`);
  if (e.kind === 'level') parts.push(`${pick(COLOUR_LABEL[e.from])} → ${pick(COLOUR_LABEL[e.to])}`);
  if ('reason' in e && e.reason) parts.push(e.reason);
  return parts.join(' · ');
}

function ClockCard({ clock }: { clock: Clock }) {
  const { t, pick } = useI18n();
  const stopped = clock.state === 'stopped';
  return (
    <Card size="small" title={`${t('clocks')} · ${clock.label}`} extra={<ColourTag colour={clock.level} />} data-testid={`clock-${clock.key}`}>
      <Row gutter={16}>
        <Col span={10}>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('clockState')}>{pick(clockStateLabel(clock.state))}</Descriptions.Item>
            <Descriptions.Item label={t('budget')}>
              {Math.round(clock.budget.amount * 100) / 100} {pick(durationUnitLabel(clock.budget.unit))}
            </Descriptions.Item>
            <Descriptions.Item label={t('consumed')}>
              {Math.round(clock.consumed * 100) / 100} {pick(durationUnitLabel(clock.budget.unit))}
            </Descriptions.Item>
            <Descriptions.Item label={t('deadline')}>{formatDeadline(clock.deadline)}</Descriptions.Item>
            <Descriptions.Item label={t('countdown')}>
              <Countdown deadline={clock.deadline} stopped={stopped || clock.state === 'paused'} />
            </Descriptions.Item>
          </Descriptions>
        </Col>
        <Col span={14}>
          <Typography.Text type="secondary">{t('ledger')}</Typography.Text>
          <Timeline
            style={{ marginTop: 8 }}
            items={clock.ledger.map((e) => ({
              color: e.kind === 'level' ? (e.to === 'red' ? 'red' : e.to === 'yellow' ? 'orange' : 'blue') : 'gray',
              title: formatTime(e.at),
              content: ledgerText(e, pick),
            }))}
          />
        </Col>
      </Row>
    </Card>
  );
}

function LiveState({ detail }: { detail: CaseDetail }) {
  const LiveView = PROCESSES[detail.process]?.LiveView;
  if (LiveView) return <LiveView detail={detail} />;
  return <pre style={{ maxHeight: 360, overflow: 'auto', fontSize: 12 }}>{JSON.stringify(detail.live ?? detail.data, null, 2)}</pre>;
}

function AuditCard({ caseId, entries, error }: { caseId: string; entries: AuditEntry[] | undefined; error?: string }) {
  const { t, pick } = useI18n();
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    try {
      const v = await api.get<AuditVerdict>(`/cases/${encodeURIComponent(caseId)}/audit/verify`);
      setVerdict({ ok: v.ok, text: v.ok ? t('verifyOk', { n: v.entries }) : t('verifyBad', { seq: v.brokenAtSeq ?? '?', p: v.problem ?? '' }) });
    } catch (err) {
      setVerdict({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title={t('audit')}
      size="small"
      extra={
        <Button size="small" icon={<SafetyCertificateOutlined />} loading={busy} onClick={() => void verify()}>
          {t('verify')}
        </Button>
      }
    >
      {verdict && <Alert type={verdict.ok ? 'success' : 'error'} showIcon title={verdict.text} style={{ marginBottom: 12 }} data-testid="audit-verdict" />}
      {error && <Alert type="error" showIcon title={error} />}
      <Timeline
        items={(entries ?? []).map((e) => ({
          color: e.actorId === 'system' ? 'gray' : 'blue',
          title: formatTime(e.at),
          content: (
            <>
              <b>
                #{e.seq} {pick(actionLabel(e.action))}
              </b>{' '}
              · {e.actorId === 'system' ? t('system') : e.actorId}
              {e.actorRole ? ` (${pick(ROLE_LABEL[e.actorRole as Role] ?? [e.actorRole, e.actorRole])})` : ''}
              {e.reason ? <div style={{ color: '#666' }}>{e.reason}</div> : null}
              <Typography.Text type="secondary" style={{ fontSize: 11 }} copyable={{ text: e.hash }}>
                {e.hash.slice(0, 12)}…
              </Typography.Text>
            </>
          ),
        }))}
      />
    </Card>
  );
}
