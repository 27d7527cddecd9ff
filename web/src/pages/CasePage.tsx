import { ArrowLeftOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Descriptions,
  Empty,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { listAttachments, type Attachment } from '../api/attachments';
import { answer, api, client, errorText } from '../api/client';
import type { AuditEntry, AuditVerdict, CaseDetail, Clock, LedgerEntry } from '../api/types';
import { useUnitName, useUser } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { AttachmentGallery } from '../components/Attachments';
import { ColourTag, Countdown, formatDeadline, formatTime, humanAmount } from '../components/sla';
import { usePersonName, useReadable } from '../names';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import {
  actionLabel,
  clockStateLabel,
  COLOUR_LABEL,
  PROCESS_LABEL,
  ROLE_OR_SYSTEM_LABEL,
  statusLabel,
} from '../labels';
import { myActions, PROCESSES } from '../processes';
import { useWhistleAccess } from './whistles/access';

export function CasePage() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const unitName = useUnitName();
  const person = usePersonName();
  const readable = useReadable();
  const user = useUser();
  const access = useWhistleAccess();
  const detail = useLoad(() => answer(client.GET('/api/v1/cases/{id}', { params: { path: { id } } })), [id], 10_000);
  const audit = useLoad(
    () => answer(client.GET('/api/v1/cases/{id}/audit', { params: { path: { id } } })),
    [id, detail.data?.updatedAt],
  );
  const files = useLoad(() => listAttachments(id), [id, detail.data?.updatedAt]);

  // One page per process: a whistle has its own page, a department's part is answered on the department page.
  if (id.startsWith('CS-')) return <Navigate to={summonsHref(id, access.canView)} replace />;
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
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('refresh')}
          </Button>
        }
      >
        <DeadlineSummary detail={c} />
        <Descriptions size="small" column={3} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('process')}>{pick(PROCESS_LABEL[c.process])}</Descriptions.Item>
          <Descriptions.Item label={t('unit')}>{unitName(c.unitId)}</Descriptions.Item>
          <Descriptions.Item label={t('ownerUnit')}>{unitName(c.ownerUnitId)}</Descriptions.Item>
          <Descriptions.Item label={t('createdAt')}>{formatTime(c.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('updatedAt')}>{formatTime(c.updatedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('closedAt')}>{formatTime(c.closedAt)}</Descriptions.Item>
        </Descriptions>
        {c.calendarWarnings.map((w) => (
          <Alert key={w} type="warning" showIcon title={readable(w)} style={{ marginTop: 8 }} />
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
                {
                  title: t('role'),
                  dataIndex: 'role',
                  render: (r: string, a) => (a.userId ? person(a.userId) : pick(ROLE_OR_SYSTEM_LABEL(r))),
                },
                {
                  title: t('actions'),
                  dataIndex: 'actions',
                  render: (xs: string[]) => xs.map((x) => <Tag key={x}>{pick(actionLabel(x, c.process))}</Tag>),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card title={t('caseDetails')} size="small">
            <CaseFiles caseId={c.id} files={files.data} />
            <LiveState detail={c} />
            <ClockTimeline clocks={c.clocks} />
          </Card>
        </Col>
        <Col span={12}>
          <AuditCard
            caseId={c.id}
            process={c.process}
            entries={audit.data}
            files={files.data ?? []}
            error={audit.error}
          />
        </Col>
      </Row>
      {user.role === 'admin' && (
        <Collapse
          size="small"
          data-testid="tech-info"
          items={[
            {
              key: 'tech',
              label: t('techInfo'),
              children: (
                <>
                  {c.liveError && <Alert type="warning" showIcon title={t('liveError', { e: c.liveError })} />}
                  <pre style={{ maxHeight: 360, overflow: 'auto', fontSize: 12 }}>
                    {JSON.stringify({ status: c.status, currentStep: c.currentStep, live: c.live ?? c.data }, null, 2)}
                  </pre>
                </>
              ),
            },
          ]}
        />
      )}
    </Space>
  );
}

/** Where a summons case is handled: the whistle's page, or the department page for a department's part. */
export function summonsHref(id: string, canViewWhistles: boolean): string {
  const whistle = id.split('.')[0]!;
  return id.includes('.') || !canViewWhistles
    ? `/summons?case=${encodeURIComponent(id)}`
    : `/whistles/${encodeURIComponent(whistle)}`;
}

/** The case's promised deadline, with the current step's limit beneath it when it has one of its own. */
function DeadlineSummary({ detail: c }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const main = c.caseDeadline ?? c.deadline;
  const step = c.stepDeadline && c.stepDeadline !== main ? c.stepDeadline : null;
  const running = !c.closedAt && c.status !== 'paused' && c.status !== 'suspended';
  return (
    <div data-testid="deadline-summary" style={{ display: 'flex', gap: 32, alignItems: 'baseline', flexWrap: 'wrap' }}>
      <Space orientation="vertical" size={0}>
        <Typography.Text type="secondary">{c.caseDeadline ? t('caseDeadline') : t('deadline')}</Typography.Text>
        <Space size={12} align="baseline">
          <Typography.Text strong style={{ fontSize: 18 }} data-testid="summary-deadline">
            {formatDeadline(main)}
          </Typography.Text>
          {main && <Countdown deadline={main} stopped={!running} />}
        </Space>
        {step && (
          <Typography.Text type="secondary" data-testid="step-deadline">
            {t('stepDeadline')}：{formatDeadline(step)}
            {running ? (
              <>
                {' '}
                · <Countdown deadline={step} />
              </>
            ) : null}
          </Typography.Text>
        )}
      </Space>
      {c.overdue && <Tag color="red">{t('overdue')}</Tag>}
    </div>
  );
}

function ActionsCard({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const user = useUser();
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const access = useWhistleAccess();
  const module = PROCESSES[detail.process];
  const actions = myActions(detail, user);
  // `?action=sign` (an inbox tag) opens that action's form, when it is still the user's to take.
  const [search, setSearch] = useSearchParams();
  const [open, setOpenState] = useState<string | null>(() => {
    const asked = search.get('action');
    return asked && actions.includes(asked) ? asked : null;
  });
  const setOpen = (a: string | null) => {
    setOpenState(a);
    if (!a && search.has('action')) setSearch({}, { replace: true });
  };
  const spec = open ? module?.actions[open] : undefined;
  return (
    <Card title={t('myActions')} size="small" data-testid="my-actions">
      {detail.process === 'summons' ? (
        // A whistle and each department's part are handled on their own pages.
        <Button
          type="primary"
          data-testid="open-summons"
          onClick={() =>
            void navigate(access.canView ? `/whistles/${encodeURIComponent(detail.id.split('.')[0]!)}` : '/summons')
          }
        >
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
              <Button
                key={a}
                type={s?.primary ? 'primary' : 'default'}
                danger={s?.danger}
                disabled={!s}
                onClick={() => setOpen(a)}
                data-action={a}
              >
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

function ledgerText(
  e: LedgerEntry,
  pick: (l: readonly [string, string]) => string,
  readable: (x: string) => string,
): string {
  const parts = [pick(actionLabel(e.kind))];
  const duration = (d: { unit: string; amount: number }) => humanAmount(d.amount, d.unit);
  if (e.kind === 'start') parts.push(duration(e.budget));
  if (e.kind === 'budget-change') parts.push(`${duration(e.from)} → ${duration(e.to)}`);
  if (e.kind === 'level') parts.push(`${pick(COLOUR_LABEL[e.from])} → ${pick(COLOUR_LABEL[e.to])}`);
  if ('reason' in e && e.reason) parts.push(readable(e.reason));
  return parts.join(' · ');
}

/** Every clock of the case in one compact timeline: a line per clock, its ledger folded beneath. */
function ClockTimeline({ clocks }: { clocks: Clock[] }) {
  const { t, pick } = useI18n();
  const readable = useReadable();
  if (clocks.length === 0) return null;
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('clocks')}
      </Typography.Title>
      <Timeline
        data-testid="clock-timeline"
        items={clocks.map((clock) => {
          const running = clock.state === 'running';
          return {
            color: running ? (clock.level === 'red' ? 'red' : clock.level === 'yellow' ? 'orange' : 'blue') : 'gray',
            content: (
              <div data-testid={`clock-${clock.key}`}>
                <Space size={6} wrap>
                  <b>{clock.label}</b>
                  {running ? <ColourTag colour={clock.level} /> : <Tag>{pick(clockStateLabel(clock.state))}</Tag>}
                  <Typography.Text type="secondary">
                    {t('budget')} {humanAmount(clock.budget.amount, clock.budget.unit)} · {t('consumed')}{' '}
                    {humanAmount(clock.consumed, clock.budget.unit)}
                  </Typography.Text>
                </Space>
                <div>
                  {t('deadline')} {formatDeadline(clock.deadline)}
                  {running && (
                    <>
                      {' · '}
                      <Countdown deadline={clock.deadline} />
                    </>
                  )}
                </div>
                <Collapse
                  ghost
                  size="small"
                  items={[
                    {
                      key: 'ledger',
                      label: t('ledger'),
                      children: clock.ledger.map((e, i) => (
                        <div key={i} style={{ fontSize: 12, color: '#666' }}>
                          {formatTime(e.at)} {ledgerText(e, pick, readable)}
                        </div>
                      )),
                    },
                  ]}
                />
              </div>
            ),
          };
        })}
      />
    </>
  );
}

function LiveState({ detail }: { detail: CaseDetail }) {
  const LiveView = PROCESSES[detail.process]?.LiveView;
  return LiveView ? <LiveView detail={detail} /> : null;
}

/** The files carried by the case's actions (photos as thumbnails). */
function CaseFiles({ caseId, files }: { caseId: string; files: Attachment[] | undefined }) {
  const { t } = useI18n();
  const bound = (files ?? []).filter((f) => f.auditSeq !== null);
  if (!bound.length) return null;
  return (
    <div style={{ marginBottom: 12 }} data-testid="case-files">
      <Typography.Title level={5}>{t('caseFiles')}</Typography.Title>
      <AttachmentGallery caseId={caseId} files={bound} />
    </div>
  );
}

/** The files an audit entry lists (`after.attachments`: id, name, SHA-256). */
function entryFiles(e: AuditEntry): { id: string; sha256: string }[] {
  const list = (e.after as { attachments?: { id: string; sha256: string }[] } | null)?.attachments;
  return Array.isArray(list) ? list : [];
}

function AuditCard({
  caseId,
  process,
  entries,
  files,
  error,
}: {
  caseId: string;
  process: string;
  entries: AuditEntry[] | undefined;
  files: Attachment[];
  error?: string;
}) {
  const { t, pick } = useI18n();
  const person = usePersonName();
  const unitName = useUnitName();
  const readable = useReadable();
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    try {
      const v = await api.get<AuditVerdict>(`/cases/${encodeURIComponent(caseId)}/audit/verify`);
      setVerdict({
        ok: v.ok,
        text: v.ok
          ? t('verifyOk', { n: v.entries })
          : t('verifyBad', { seq: v.brokenAtSeq ?? '?', p: v.problem ?? '' }),
      });
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
      {verdict && (
        <Alert
          type={verdict.ok ? 'success' : 'error'}
          showIcon
          title={verdict.text}
          style={{ marginBottom: 12 }}
          data-testid="audit-verdict"
        />
      )}
      {error && <Alert type="error" showIcon title={error} />}
      <Timeline
        items={(entries ?? []).map((e) => ({
          color: e.actorId === 'system' ? 'gray' : 'blue',
          title: formatTime(e.at),
          content: (
            <>
              <b>
                #{e.seq} {pick(actionLabel(e.action, process))}
              </b>{' '}
              · {person(e.actorId)}
              {e.actorRole && e.actorRole !== 'system'
                ? `（${pick(ROLE_OR_SYSTEM_LABEL(e.actorRole))}${e.actorUnitId ? ` · ${unitName(e.actorUnitId)}` : ''}）`
                : ''}
              {e.reason ? <div style={{ color: '#666' }}>{readable(e.reason)}</div> : null}
              {entryFiles(e).length > 0 && (
                <div data-testid={`audit-files-${e.seq}`} style={{ margin: '4px 0' }}>
                  <AttachmentGallery
                    caseId={caseId}
                    files={files.filter((f) => entryFiles(e).some((x) => x.id === f.id))}
                    size={56}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                    SHA-256{' '}
                    {entryFiles(e)
                      .map((x) => `${x.sha256.slice(0, 12)}…`)
                      .join(' ')}
                  </Typography.Text>
                </div>
              )}
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
