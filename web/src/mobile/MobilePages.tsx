import { CameraOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Input, Popconfirm, Segmented, Spin, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { listAttachments, type Attachment } from '../api/attachments';
import { api, errorText } from '../api/client';
import type {
  AuditEntry,
  CaseDetail,
  CaseEnvelope,
  IncidentView,
  InboxItem,
  Page,
  PartActionType,
  SummonsInboxItem,
} from '../api/types';
import { useUnitName, useUser } from '../auth';
import { AttachmentGallery, AttachmentPicker } from '../components/Attachments';
import { ColourTag, Countdown, formatTime } from '../components/sla';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { actionLabel, PART_STATUS_LABEL, PART_STATUS_TAG, statusLabel } from '../labels';
import { myActions } from '../processes';
import { mobile } from './MobileLayout';
import { Section } from './Section';
import { M } from './text';

/** Where a case is opened on the phone: a department's summons part on the summons page, the rest on the case page. */
const caseHref = (id: string) => (id.startsWith('CS-') ? '/m/summons' : `/m/cases/${encodeURIComponent(id)}`);

function CaseRow({ c, extra }: { c: CaseEnvelope; extra?: ReactNode }) {
  const { pick } = useI18n();
  return (
    <Link to={caseHref(c.id)} style={{ ...mobile.card, display: 'block', color: 'inherit' }} data-testid="m-case-row">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 8 }}>
        <strong style={{ fontSize: 16 }}>{c.title}</strong>
        <ColourTag colour={c.colour} />
      </div>
      <div style={{ ...mobile.muted, marginTop: 4 }}>
        {c.id} · <Tag style={{ marginInlineEnd: 0 }}>{pick(statusLabel(c.status))}</Tag>
      </div>
      {c.deadline && !c.closedAt && (
        <div style={{ marginTop: 4 }}>
          <Countdown deadline={c.deadline} />
        </div>
      )}
      {extra}
    </Link>
  );
}

/** 待办: what I may act on now, biggest targets first. */
export function MobileHome() {
  const { pick } = useI18n();
  const user = useUser();
  const inbox = useLoad(() => api.get<Page<InboxItem>>('/inbox', { pageSize: 50 }), [], 20_000);
  return (
    <>
      {user.role === 'grid_worker' && (
        <Link to="/m/report">
          <Button type="primary" block style={{ ...mobile.big, marginBottom: 12 }} data-testid="m-go-report">
            <CameraOutlined /> {pick(M.reportTitle)}
          </Button>
        </Link>
      )}
      {user.role === 'dept_liaison' && (
        <Link to="/m/summons">
          <Button type="primary" block style={{ ...mobile.big, marginBottom: 12 }}>
            {pick(M.summons)}
          </Button>
        </Link>
      )}
      <h2 style={{ fontSize: 18, margin: '4px 0 8px' }}>{pick(M.todo)}</h2>
      {inbox.error && <Alert type="error" showIcon title={inbox.error} />}
      {!inbox.data && !inbox.error && <Spin />}
      {inbox.data?.items.length === 0 && <Empty description={pick(M.empty)} />}
      {inbox.data?.items.map((c) => (
        <CaseRow
          key={c.id}
          c={c}
          extra={
            <div style={{ marginTop: 6 }}>
              {c.actions.map((a) => (
                <Tag key={a} color="blue">
                  {pick(actionLabel(a, c.process))}
                </Tag>
              ))}
            </div>
          }
        />
      ))}
    </>
  );
}

export function MobileMine() {
  const { pick } = useI18n();
  const list = useLoad(() => api.get<Page<CaseEnvelope>>('/cases', { process: 'incident', pageSize: 50 }), [], 30_000);
  return (
    <>
      <h2 style={{ fontSize: 18, margin: '4px 0 8px' }}>{pick(M.mine)}</h2>
      {list.error && <Alert type="error" showIcon title={list.error} />}
      {!list.data && !list.error && <Spin />}
      {list.data?.items.length === 0 && <Empty description={pick(M.empty)} />}
      {list.data?.items.map((c) => (
        <CaseRow key={c.id} c={c} />
      ))}
    </>
  );
}

/** The files each audit entry carried, by sequence. */
function filesBySeq(files: Attachment[] | undefined): Map<number, Attachment[]> {
  const map = new Map<number, Attachment[]>();
  for (const f of files ?? []) if (f.auditSeq !== null) map.set(f.auditSeq, [...(map.get(f.auditSeq) ?? []), f]);
  return map;
}

/** One incident on the phone: what it is, its photos, the history with each action's photos, and my actions (sign, resolve, verify). */
export function MobileCase() {
  const { id = '' } = useParams();
  const { pick } = useI18n();
  const unitName = useUnitName();
  const detail = useLoad(() => api.get<CaseDetail>(`/cases/${encodeURIComponent(id)}`), [id], 15_000);
  const audit = useLoad(
    () => api.get<AuditEntry[]>(`/cases/${encodeURIComponent(id)}/audit`),
    [id, detail.data?.updatedAt],
  );
  const files = useLoad(() => listAttachments(id), [id, detail.data?.updatedAt]);
  if (detail.error) return <Alert type="error" showIcon title={detail.error} />;
  if (!detail.data) return <Spin />;
  const c = detail.data;
  const view = c.live as IncidentView | null;
  const bySeq = filesBySeq(files.data);
  const reload = () => detail.reload();
  return (
    <>
      <Section testId="m-case">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 8 }}>
          <strong style={{ fontSize: 18 }} data-testid="m-case-title">
            {c.title}
          </strong>
          <ColourTag colour={c.colour} />
        </div>
        <div style={{ ...mobile.muted, margin: '4px 0 8px' }}>
          <span data-testid="case-id">{c.id}</span> ·{' '}
          <Tag data-testid="m-case-status">{pick(statusLabel(c.status))}</Tag>
        </div>
        {view && (
          <>
            <div>{view.description}</div>
            <div style={{ ...mobile.muted, marginTop: 6 }}>
              <EnvironmentOutlined /> {view.location.address} · {unitName(view.assignee.unitId)}
            </div>
          </>
        )}
        {c.deadline && !c.closedAt && (
          <div style={{ marginTop: 6 }}>
            <Countdown deadline={c.deadline} />
          </div>
        )}
        <div style={{ marginTop: 10 }}>
          <AttachmentGallery caseId={c.id} files={(files.data ?? []).filter((f) => f.auditSeq !== null)} />
        </div>
      </Section>
      <MobileActions detail={c} onDone={reload} />
      <Section title={pick(M.history)} testId="m-history">
        {(audit.data ?? [])
          .filter((e) => e.actorId !== 'system')
          .map((e) => (
            <div
              key={e.seq}
              style={{ borderTop: '1px solid #f0f0f0', padding: '8px 0' }}
              data-testid={`m-audit-${e.seq}`}
            >
              <div>
                <strong>{pick(actionLabel(e.action, c.process))}</strong>{' '}
                <span style={mobile.muted}>{formatTime(e.at)}</span>
              </div>
              {e.reason && <div style={mobile.muted}>{e.reason}</div>}
              {bySeq.get(e.seq) && <AttachmentGallery caseId={c.id} files={bySeq.get(e.seq)!} size={64} />}
            </div>
          ))}
      </Section>
    </>
  );
}

function MobileActions({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const { pick } = useI18n();
  const user = useUser();
  const { message } = App.useApp();
  const actions = detail.process === 'incident' ? myActions(detail, user) : [];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState('');
  const [reason, setReason] = useState('');
  const [photos, setPhotos] = useState<string[]>([]);
  const [passed, setPassed] = useState(true);
  const [finding, setFinding] = useState('现场核查属实，已处置到位');
  if (actions.length === 0) return null;
  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/incidents/${encodeURIComponent(detail.id)}/actions`, body);
      void message.success(pick(M.done));
      setPhotos([]);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const resolve = () => {
    if (!result.trim()) return setError(`${pick(M.required)}${pick(M.result)}`);
    if (photos.length === 0 && !reason.trim()) return setError(pick(M.needPhotoOrReason));
    return send({
      type: 'resolve',
      result: result.trim(),
      attachmentIds: photos,
      ...(reason.trim() ? { noPhotoReason: reason.trim() } : {}),
    });
  };
  const others = actions.filter((a) => !['sign', 'resolve', 'verify'].includes(a));
  const pickPhotos = (ids: string[]) => {
    setPhotos(ids);
    setError(undefined);
  };
  return (
    <Section testId="m-actions">
      {actions.includes('sign') && (
        <Popconfirm
          title={pick(M.signConfirm)}
          onConfirm={() => void send({ type: 'sign' })}
          okButtonProps={{ size: 'large', 'data-testid': 'm-sign-confirm' }}
          cancelButtonProps={{ size: 'large' }}
        >
          <Button type="primary" block style={mobile.big} loading={busy} data-testid="m-sign">
            {pick(M.sign)}
          </Button>
        </Popconfirm>
      )}
      {actions.includes('resolve') && (
        <div data-testid="m-resolve">
          <h3 style={{ fontSize: 17, margin: '12px 0 0' }}>{pick(M.resolve)}</h3>
          <label style={mobile.label} htmlFor="m-result">
            {pick(M.result)}
          </label>
          <Input.TextArea
            id="m-result"
            rows={3}
            maxLength={4000}
            value={result}
            onChange={(e) => setResult(e.target.value)}
            style={{ fontSize: 16 }}
          />
          <label style={mobile.label}>{pick(M.afterPhotos)}</label>
          <AttachmentPicker caseId={detail.id} capture value={photos} onChange={pickPhotos} label={pick(M.takePhoto)} />
          <label style={mobile.label} htmlFor="m-no-photo">
            {pick(M.noPhotoReason)}
          </label>
          <Input
            id="m-no-photo"
            size="large"
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <Button
            type="primary"
            block
            style={{ ...mobile.big, marginTop: 12 }}
            loading={busy}
            onClick={() => void resolve()}
            data-testid="m-submit-resolve"
          >
            {pick(M.submitResolve)}
          </Button>
        </div>
      )}
      {actions.includes('verify') && (
        <div data-testid="m-verify">
          <h3 style={{ fontSize: 17, margin: '0 0 8px' }}>{pick(M.verify)}</h3>
          <Segmented
            block
            size="large"
            value={passed ? 'yes' : 'no'}
            onChange={(v) => setPassed(v === 'yes')}
            options={[
              { value: 'yes', label: pick(M.passed) },
              { value: 'no', label: pick(M.failed) },
            ]}
          />
          <label style={mobile.label} htmlFor="m-finding">
            {pick(M.finding)}
          </label>
          <Input.TextArea
            id="m-finding"
            rows={2}
            maxLength={1000}
            value={finding}
            onChange={(e) => setFinding(e.target.value)}
            style={{ fontSize: 16 }}
          />
          <label style={mobile.label}>{pick(M.checkPhotos)}</label>
          <AttachmentPicker caseId={detail.id} capture value={photos} onChange={pickPhotos} label={pick(M.takePhoto)} />
          <Button
            type="primary"
            block
            style={{ ...mobile.big, marginTop: 12 }}
            loading={busy}
            onClick={() =>
              finding.trim()
                ? void send({ type: 'verify', passed, note: finding.trim(), attachmentIds: photos })
                : setError(`${pick(M.required)}${pick(M.finding)}`)
            }
            data-testid="m-submit-verify"
          >
            {pick(M.submitVerify)}
          </Button>
        </div>
      )}
      {others.length > 0 && <div style={{ ...mobile.muted, marginTop: 10 }}>{pick(M.otherActions)}</div>}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid="m-error" />}
    </Section>
  );
}

const partPath = (item: SummonsInboxItem) =>
  `/summons/${item.summonsId}/departments/${item.caseId.slice(item.summonsId.length + 1)}/actions`;

/** 部门报到 on the phone: 报到 and 到场 in one tap, the result with photos. */
export function MobileSummons() {
  const { pick } = useI18n();
  const inbox = useLoad(() => api.get<{ items: SummonsInboxItem[] }>('/summons/inbox'), [], 15_000);
  return (
    <>
      <h2 style={{ fontSize: 18, margin: '4px 0 8px' }}>{pick(M.summons)}</h2>
      {inbox.error && <Alert type="error" showIcon title={inbox.error} />}
      {!inbox.data && !inbox.error && <Spin />}
      {inbox.data?.items.length === 0 && <Empty description={pick(M.empty)} />}
      {inbox.data?.items.map((item) => (
        <SummonsCard key={item.caseId} item={item} onDone={inbox.reload} />
      ))}
    </>
  );
}

function SummonsCard({ item, onDone }: { item: SummonsInboxItem; onDone: () => void }) {
  const { pick } = useI18n();
  const unitName = useUnitName();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<PartActionType>();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState('');
  const [photos, setPhotos] = useState<string[]>([]);
  const send = async (type: PartActionType, body: Record<string, unknown> = {}) => {
    setBusy(type);
    setError(undefined);
    try {
      await api.post(partPath(item), { type, ...body });
      void message.success(pick(M.done));
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  };
  const can = (a: PartActionType) => item.actions.includes(a);
  return (
    <section style={mobile.card} data-testid="m-summons-card">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 8 }}>
        <strong style={{ fontSize: 16 }}>{item.title}</strong>
        <ColourTag colour={item.colour} />
      </div>
      <div style={{ ...mobile.muted, margin: '4px 0' }}>
        {unitName(item.townshipId)} ·{' '}
        <Tag color={PART_STATUS_TAG[item.status]} data-testid="m-part-status">
          {pick(PART_STATUS_LABEL[item.status])}
        </Tag>
      </div>
      {item.deadline && (
        <div>
          {pick(item.status === 'notified' ? M.ackDeadline : M.resultDeadline)}：<Countdown deadline={item.deadline} />
        </div>
      )}
      <div style={{ display: 'flex', gap: 8, marginTop: 10 }}>
        {can('acknowledge') && (
          <Button
            type="primary"
            block
            style={mobile.big}
            loading={busy === 'acknowledge'}
            onClick={() => void send('acknowledge')}
            data-testid="m-ack"
          >
            {pick(M.ack)}
          </Button>
        )}
        {can('arrive') && (
          <Button
            block
            style={mobile.big}
            loading={busy === 'arrive'}
            onClick={() => void send('arrive')}
            data-testid="m-arrive"
          >
            {pick(M.arrive)}
          </Button>
        )}
      </div>
      {can('report') && (
        <div data-testid="m-part-report">
          <label style={mobile.label}>{pick(M.reportResult)}</label>
          <Input.TextArea
            rows={3}
            maxLength={4000}
            value={result}
            onChange={(e) => setResult(e.target.value)}
            style={{ fontSize: 16 }}
            data-testid="m-part-result"
          />
          <label style={mobile.label}>{pick(M.resultPhotos)}</label>
          <AttachmentPicker
            caseId={item.caseId}
            capture
            value={photos}
            onChange={(ids) => {
              setPhotos(ids);
              setError(undefined);
            }}
            label={pick(M.takePhoto)}
          />
          <Button
            type="primary"
            block
            style={{ ...mobile.big, marginTop: 12 }}
            loading={busy === 'report'}
            onClick={() => {
              if (!result.trim()) return setError(`${pick(M.required)}${pick(M.reportResult)}`);
              if (photos.length === 0) return setError(pick(M.needPhoto));
              return void send('report', { result: result.trim(), attachmentIds: photos });
            }}
            data-testid="m-submit-result"
          >
            {pick(M.submitResult)}
          </Button>
        </div>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid="m-error" />}
    </section>
  );
}
