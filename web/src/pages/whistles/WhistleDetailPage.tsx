import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
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
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorText } from '../../api/client';
import type {
  CaseDetail,
  OrgUnit,
  PartView,
  Principal,
  SummonsDepartmentRow,
  SummonsDetail,
  SummonsPartRef,
  SummonsView,
} from '../../api/types';
import { loadUnits, useUnitName, useUser } from '../../auth';
import { HistoryTimeline } from '../../components/HistoryTimeline';
import { ColourTag, Countdown, formatDeadline, formatTime, humanSpan } from '../../components/sla';
import { usePersonName } from '../../names';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import {
  COMPLEXITY_LABEL,
  PART_OUTCOME_LABEL,
  PART_STATUS_LABEL,
  PART_STATUS_TAG,
  RATING_LABEL,
  RATING_TAG,
  SUMMONS_STATUS_LABEL,
  SUMMONS_STATUS_TAG,
  URGENCY_LABEL,
  URGENCY_TAG,
} from '../../labels';
import { myActions } from '../../processes';
import type { Label } from '../../processes/types';
import { fill, HISTORY_LABEL, W } from './text';
import {
  PART_FORMS,
  SUMMONS_FORMS,
  WhistleActionModal,
  type FormContext,
  type TownshipPartAction,
} from './WhistleActionModal';

type PartState = { view: PartView } | { error: string };

interface WhistlePageData {
  summons: SummonsDetail;
  /** The whistle's case: who may act on it now (assignments) and its live history. */
  detail: CaseDetail | null;
  parts: Record<string, PartState>;
}

const path = (id: string) => `/summons/${encodeURIComponent(id)}`;
const partPath = (id: string, unitId: string) => `${path(id)}/departments/${encodeURIComponent(unitId)}`;

/** The part actions `user` may take now, from the part's live assignments (a named user, or anyone with the role in the unit). */
function partActions(view: PartView, user: Principal): TownshipPartAction[] {
  const mine = view.assignments.filter((a) =>
    a.userId ? a.userId === user.userId : a.unitId === user.unitId && a.role === user.role,
  );
  return [...new Set(mine.flatMap((a) => a.actions))].filter((a): a is TownshipPartAction => a in PART_FORMS);
}

const historyItems = (history: SummonsView['history'], pick: (l: Label) => string, system: string) =>
  history.map((h) => ({
    at: h.at,
    action: pick(HISTORY_LABEL[h.action] ?? [h.action, h.action]),
    actor: h.actorId === 'system' ? system : h.actorId,
    unitId: h.unitId,
    note: h.note,
  }));

/** A limit: a live countdown while it runs (then its deadline), the deadline alone once stopped. */
function Deadline({ deadline, running, testId }: { deadline: string | null; running: boolean; testId: string }) {
  if (!deadline || !running) return <span data-testid={testId}>{formatDeadline(deadline)}</span>;
  return (
    <Space size={4} wrap>
      <span data-testid={testId}>
        <Countdown deadline={deadline} />
      </span>
      <Typography.Text type="secondary">（{formatDeadline(deadline)}）</Typography.Text>
    </Space>
  );
}

/** Whether a limit was met: 按时 / 超时, nothing while undecided. */
function OnTime({ value }: { value: boolean | null }) {
  const { pick } = useI18n();
  if (value === null) return null;
  return <Tag color={value ? 'green' : 'red'}>{pick(value ? W.onTime : W.late)}</Tag>;
}

/** One summoned unit's part: where it stands, its countdowns, misses, disputes, result and rating, and what I may do on it. */
function PartCard({
  part,
  state,
  row,
  onAct,
}: {
  part: SummonsPartRef;
  state: PartState | undefined;
  row: SummonsDepartmentRow | undefined;
  onAct: (type: TownshipPartAction, part: SummonsPartRef) => void;
}) {
  const { t, pick } = useI18n();
  const user = useUser();
  const unitName = useUnitName();
  const view = state && 'view' in state ? state.view : undefined;
  const status = (view?.status ?? row?.status ?? 'notified') as PartView['status'];
  const outcome = view?.outcome ?? (row?.outcome as PartView['outcome'] | undefined) ?? null;
  const actions = view ? partActions(view, user) : [];
  // The clock that runs now: a 报到 window (a new one after each miss) or the current result window.
  const running = view?.clocks.find((c) => c.state === 'running');
  const ackDeadline =
    status === 'notified'
      ? (running?.deadline ?? view?.ackDeadline ?? null)
      : (view?.ackDeadline ?? row?.ackDeadline ?? null);
  const person = usePersonName();
  return (
    <Card
      size="small"
      data-testid="part-card"
      data-unit={part.unit.unitId}
      title={
        <Space wrap size={6}>
          <Typography.Text strong>{part.unit.name}</Typography.Text>
          <Tag>{pick(part.unit.kind === 'agency' ? W.agency : W.department)}</Tag>
          <Tag color={PART_STATUS_TAG[status]} data-testid="part-status" data-status={status}>
            {pick(PART_STATUS_LABEL[status])}
          </Tag>
          {outcome && (
            <Tag data-testid="part-outcome" data-outcome={outcome}>
              {pick(PART_OUTCOME_LABEL[outcome])}
            </Tag>
          )}
          {running && <ColourTag colour={running.level} />}
          {(view?.redCard ?? row?.redCard) && <Tag color="red">{pick(W.redCard)}</Tag>}
          {(view?.misses.length ?? row?.missCount ?? 0) > 0 && (
            <Tag color="volcano">{fill(pick(W.missCount), { n: view?.misses.length ?? row?.missCount ?? 0 })}</Tag>
          )}
        </Space>
      }
      extra={
        actions.length > 0 && (
          <Space wrap size={4}>
            {actions.map((a) => (
              <Button
                key={a}
                size="small"
                data-action={a}
                type={PART_FORMS[a].primary ? 'primary' : 'default'}
                danger={PART_FORMS[a].danger}
                onClick={() => onAct(a, part)}
              >
                {pick(PART_FORMS[a].label)}
              </Button>
            ))}
          </Space>
        )
      }
    >
      {state && 'error' in state && (
        <Alert
          type="warning"
          showIcon
          title={fill(pick(W.partUnavailable), { e: state.error })}
          style={{ marginBottom: 8 }}
        />
      )}
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={pick(W.notifiedAt)}>
          {formatTime(view?.notifiedAt ?? row?.notifiedAt ?? part.startedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={pick(W.ackDeadline)}>
          <Deadline testId="ack-countdown" deadline={ackDeadline} running={status === 'notified'} />
        </Descriptions.Item>
        <Descriptions.Item label={pick(W.acknowledgedAt)}>
          {formatTime(view?.acknowledgedAt ?? row?.acknowledgedAt)}{' '}
          <OnTime value={view?.ackOnTime ?? row?.ackOnTime ?? null} />
        </Descriptions.Item>
        <Descriptions.Item label={pick(W.onSiteAt)}>{formatTime(view?.onSiteAt ?? row?.onSiteAt)}</Descriptions.Item>
        <Descriptions.Item label={pick(W.resultDeadline)}>
          <Deadline
            testId="result-countdown"
            deadline={view?.resultDeadline ?? row?.resultDeadline ?? null}
            running={status === 'acknowledged' || status === 'on-site'}
          />
        </Descriptions.Item>
        <Descriptions.Item label={pick(W.acceptedAt)}>
          {formatTime(view?.acceptedAt ?? row?.acceptedAt)}
        </Descriptions.Item>
        {view?.result && (
          <Descriptions.Item label={pick(W.result)} span={2}>
            <Space orientation="vertical" size={2} data-testid="part-result">
              <span>
                {view.result.text} <OnTime value={view.resultOnTime} />
              </span>
              <Space wrap size={4}>
                <Typography.Text type="secondary">{pick(W.evidence)}：</Typography.Text>
                {view.result.evidence.map((e) => (
                  <Tag key={e}>{e}</Tag>
                ))}
                <Typography.Text type="secondary">{formatTime(view.result.at)}</Typography.Text>
              </Space>
            </Space>
          </Descriptions.Item>
        )}
        {view && view.sendBacks.length > 0 && (
          <Descriptions.Item label={pick(W.sendBacks)} span={2}>
            <Space orientation="vertical" size={2} data-testid="part-send-backs">
              {view.sendBacks.map((s, i) => (
                <span key={s.at}>
                  {i + 1}. {s.reason} <Typography.Text type="secondary">（{formatTime(s.at)}）</Typography.Text>
                </span>
              ))}
            </Space>
          </Descriptions.Item>
        )}
        {(view?.rating ?? row?.rating) && (
          <Descriptions.Item label={pick(W.rating)} span={2}>
            <span data-testid="part-rating">
              {view?.rating ? (
                <>
                  <Tag color={RATING_TAG[view.rating.rating]} data-rating={view.rating.rating}>
                    {pick(RATING_LABEL[view.rating.rating])}
                  </Tag>
                  {view.rating.comment}
                </>
              ) : (
                row?.rating && (
                  <Tag color={RATING_TAG[row.rating]} data-rating={row.rating}>
                    {pick(RATING_LABEL[row.rating])}
                  </Tag>
                )
              )}
            </span>
          </Descriptions.Item>
        )}
        {part.replaces && <Descriptions.Item label={pick(W.replaces)}>{part.replaces}</Descriptions.Item>}
        {view && view.disputes.length > 0 && (
          <Descriptions.Item label={pick(W.disputes)} span={2}>
            <Space orientation="vertical" size={4} data-testid="part-disputes">
              {view.disputes.map((d) => (
                <span key={d.ordinal} data-ruling={d.ruling ?? 'pending'}>
                  {d.ordinal}. {d.reason}{' '}
                  <Typography.Text type="secondary">
                    （{person(d.raisedBy)}，{formatTime(d.raisedAt)}）
                  </Typography.Text>{' '}
                  {d.ruling === null ? (
                    <Tag color="purple">{pick(W.pendingRuling)}</Tag>
                  ) : (
                    <Tag color={d.ruling === 'upheld' ? 'green' : 'red'}>
                      {pick(d.ruling === 'upheld' ? W.upheld : W.notUpheld)}
                    </Tag>
                  )}
                  {d.ruleNote && (
                    <span>
                      {d.ruleNote}（{person(d.ruledBy)}，{formatTime(d.ruledAt)}）
                    </span>
                  )}
                  {d.resummonedUnitId && (
                    <Tag color="blue">{fill(pick(W.resummoned), { u: unitName(d.resummonedUnitId) })}</Tag>
                  )}{' '}
                  <Typography.Text type="secondary">
                    {fill(pick(W.disputedTime), { t: humanSpan(d.disputedMs ?? view.disputedMs) })}
                  </Typography.Text>
                </span>
              ))}
            </Space>
          </Descriptions.Item>
        )}
        {view && view.misses.length > 0 && (
          <Descriptions.Item label={pick(W.misses)} span={2}>
            <Space orientation="vertical" size={2} data-testid="part-misses">
              {view.misses.map((m) => (
                <span key={m.ordinal}>
                  {m.ordinal}. {pick(m.kind === 'acknowledge' ? W.missAck : W.missResult)}（{formatDeadline(m.deadline)}
                  ）→ <Tag color={m.redCard ? 'red' : 'volcano'}>{pick(m.redCard ? W.redCard : W.urged)}</Tag>
                  <Typography.Text type="secondary">{formatTime(m.at)}</Typography.Text>
                </span>
              ))}
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
      {view && (
        <Collapse
          size="small"
          ghost
          items={[
            {
              key: 'history',
              label: `${pick(W.history)}（${view.history.length}）`,
              children: <HistoryTimeline items={historyItems(view.history, pick, t('system'))} />,
            },
          ]}
        />
      )}
    </Card>
  );
}

/** Units the county command centre may re-summon instead: departments and the township's agencies not yet summoned. */
function resummonOptions(
  units: Map<string, OrgUnit> | undefined,
  whistle: SummonsDetail,
  lang: 'zh' | 'en',
): FormContext['resummonOptions'] {
  const summoned = new Set([...whistle.departments.map((d) => d.unitId), ...whistle.parts.map((p) => p.unit.unitId)]);
  return [...(units?.values() ?? [])]
    .filter(
      (u) =>
        u.active &&
        !summoned.has(u.id) &&
        (u.kind === 'department' || (u.kind === 'agency' && u.parentId === whistle.townshipId)),
    )
    .map((u) => ({ value: u.id, label: (lang === 'en' ? u.nameEn : u.name) ?? u.name }));
}

/**
 * A whistle (吹哨) with every summoned unit's part: the leader approves or rejects it, the township
 * accepts, sends back (事不完、人不撤), rates or withdraws a part and closes the whistle, the county
 * command centre rules on a disputed part — each only when the API's assignments offer it.
 */
export function WhistleDetailPage() {
  const { id = '' } = useParams();
  const { t, pick, lang } = useI18n();
  const user = useUser();
  const unitName = useUnitName();
  const person = usePersonName();
  const navigate = useNavigate();
  const units = useLoad(loadUnits, []);
  const [form, setForm] = useState<
    | { kind: 'summons'; type: keyof typeof SUMMONS_FORMS }
    | { kind: 'part'; type: TownshipPartAction; part: SummonsPartRef }
  >();

  const page = useLoad<WhistlePageData>(
    async () => {
      const [summons, detail] = await Promise.all([
        api.get<SummonsDetail>(path(id)),
        api.get<CaseDetail>(`/cases/${encodeURIComponent(id)}`).catch(() => null),
      ]);
      const parts = await Promise.all(
        summons.parts.map((p) =>
          api.get<PartView>(partPath(id, p.unit.unitId)).then(
            (view): [string, PartState] => [p.caseId, { view }],
            (err: unknown): [string, PartState] => [p.caseId, { error: errorText(err) }],
          ),
        ),
      );
      return { summons, detail, parts: Object.fromEntries(parts) };
    },
    [id],
    15_000,
  );
  const ctx = useMemo<FormContext>(
    () => ({ resummonOptions: page.data ? resummonOptions(units.data, page.data.summons, lang) : [] }),
    [units.data, page.data, lang],
  );

  if (page.status === 404 || page.status === 403) {
    return (
      <Result
        status="404"
        title={pick(W.notFound)}
        subTitle={<span data-testid="whistle-error">{page.error}</span>}
        extra={<Button onClick={() => void navigate('/whistles')}>{t('back')}</Button>}
      />
    );
  }
  if (!page.data) return page.error ? <Alert type="error" showIcon title={page.error} /> : <Spin />;
  const { summons: s, detail } = page.data;
  const live = detail?.process === 'summons' && detail.live && 'parts' in detail.live ? detail.live : null;
  const whistleActions = detail
    ? myActions(detail, user).filter((a): a is keyof typeof SUMMONS_FORMS => a in SUMMONS_FORMS)
    : [];
  const rowOf = (caseId: string) => s.departments.find((d) => d.caseId === caseId);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <Space wrap>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate('/whistles')} />
            <span data-testid="whistle-id">{s.caseId}</span>
            <Typography.Text strong>{s.title}</Typography.Text>
            <Tag color={SUMMONS_STATUS_TAG[s.status]} data-testid="whistle-status" data-status={s.status}>
              {pick(SUMMONS_STATUS_LABEL[s.status])}
            </Tag>
            <Tag color={URGENCY_TAG[s.urgency]}>{pick(URGENCY_LABEL[s.urgency])}</Tag>
          </Space>
        }
        extra={
          <Button icon={<ReloadOutlined />} onClick={page.reload}>
            {t('refresh')}
          </Button>
        }
      >
        <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }} data-testid="whistle-summary">
          <Descriptions.Item label={pick(W.reason)}>{s.reason.name}</Descriptions.Item>
          <Descriptions.Item label={pick(W.complexity)}>{pick(COMPLEXITY_LABEL[s.complexity])}</Descriptions.Item>
          <Descriptions.Item label={pick(W.township)}>{unitName(s.townshipId)}</Descriptions.Item>
          <Descriptions.Item label={pick(W.whistledBy)}>{person(s.whistledBy)}</Descriptions.Item>
          <Descriptions.Item label={pick(W.whistledAt)}>{formatTime(detail?.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={pick(W.approval)}>
            {s.approval ? (
              <span data-testid="whistle-approval">
                <Tag color={s.approval.approved ? 'green' : 'red'}>
                  {pick(s.approval.approved ? W.approved : W.rejected)}
                </Tag>
                {person(s.approval.by)}（{formatTime(s.approval.at)}）{s.approval.note ? `：${s.approval.note}` : ''}
              </span>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          {s.keyTask && <Descriptions.Item label={pick(W.keyTask)}>{s.keyTask}</Descriptions.Item>}
          {s.incidentId && (
            <Descriptions.Item label={pick(W.incident)}>
              <Link to={`/cases/${encodeURIComponent(s.incidentId)}`}>{s.incidentId}</Link>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={pick(W.description)} span={3}>
            {s.description}
          </Descriptions.Item>
          {s.summary && (
            <Descriptions.Item label={pick(W.summary)} span={3}>
              {s.summary}（{formatTime(s.closedAt)}）
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>

      <Card size="small" title={pick(W.whistleActions)} data-testid="whistle-actions">
        {whistleActions.length === 0 ? (
          <Typography.Text type="secondary">{t('noActions')}</Typography.Text>
        ) : (
          <Space wrap>
            {whistleActions.map((a) => (
              <Button
                key={a}
                data-action={a}
                type={SUMMONS_FORMS[a].primary ? 'primary' : 'default'}
                danger={SUMMONS_FORMS[a].danger}
                onClick={() => setForm({ kind: 'summons', type: a })}
              >
                {pick(SUMMONS_FORMS[a].label)}
              </Button>
            ))}
          </Space>
        )}
      </Card>

      <Card size="small" title={`${pick(W.parts)}（${s.parts.length}）`} data-testid="whistle-parts">
        {s.parts.length === 0 ? (
          <Empty description={pick(W.noParts)} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Row gutter={[16, 16]}>
            {s.parts.map((p) => (
              <Col key={p.caseId} xs={24} xl={12}>
                <PartCard
                  part={p}
                  state={page.data?.parts[p.caseId]}
                  row={rowOf(p.caseId)}
                  onAct={(type, part) => setForm({ kind: 'part', type, part })}
                />
              </Col>
            ))}
          </Row>
        )}
      </Card>

      {live?.history && (
        <Card size="small">
          <HistoryTimeline items={historyItems(live.history, pick, t('system'))} />
        </Card>
      )}

      {form?.kind === 'summons' && (
        <WhistleActionModal
          spec={SUMMONS_FORMS[form.type]}
          path={`${path(s.caseId)}/actions`}
          ctx={ctx}
          onClose={() => setForm(undefined)}
          onDone={() => {
            setForm(undefined);
            page.reload();
          }}
        />
      )}
      {form?.kind === 'part' && (
        <WhistleActionModal
          spec={PART_FORMS[form.type]}
          path={`${partPath(s.caseId, form.part.unit.unitId)}/actions`}
          ctx={ctx}
          onClose={() => setForm(undefined)}
          onDone={() => {
            setForm(undefined);
            page.reload();
          }}
        />
      )}
    </Space>
  );
}
