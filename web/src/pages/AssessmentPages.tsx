import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, download, errorText } from '../api/client';
import type {
  AssessmentAppeal,
  AssessmentBreakdown,
  AssessmentCycle,
  AssessmentRanking,
  IndicatorLine,
  Page,
  RankingRow,
} from '../api/types';
import { useUser } from '../auth';
import { formatDeadline, formatTime } from '../components/sla';
import { useLoad, useSubmit } from '../hooks';
import { useI18n } from '../i18n';
import { GRADE_COLOUR } from '../labels';
import { AssessorPanel, OpenCycleButton, ScoreSheet, type CycleDetail } from './assessment/CycleWork';
import { fill, PHASE_LABEL, TEXT } from './assessment/text';

const PHASE_TAG: Record<string, string> = {
  opening: 'default',
  scoring: 'processing',
  review: 'orange',
  published: 'blue',
  final: 'green',
};

function GradeTag({ grade, label }: { grade: string; label: string }) {
  return (
    <Tag color={GRADE_COLOUR[grade] ?? 'default'} data-grade={grade}>
      {label}
    </Tag>
  );
}

/** 考核周期: every cycle the caller may see, newest period first. */
export function AssessmentCyclesPage() {
  const { t, pick } = useI18n();
  const user = useUser();
  const cycles = useLoad(() => api.get<Page<AssessmentCycle>>('/assessment/cycles', { pageSize: 100 }), []);
  return (
    <Card title={t('cycles')} extra={user.role === 'assessor' && <OpenCycleButton />}>
      {cycles.error && <Alert type="error" showIcon title={cycles.error} style={{ marginBottom: 16 }} />}
      <Table<AssessmentCycle>
        rowKey="caseId"
        data-testid="cycle-table"
        loading={cycles.loading && !cycles.data}
        dataSource={cycles.data?.items ?? []}
        pagination={false}
        columns={[
          {
            title: t('caseId'),
            dataIndex: 'caseId',
            render: (id: string) => <Link to={`/assessment/${id}`}>{id}</Link>,
          },
          { title: t('scheme'), dataIndex: 'schemeName', render: (n: string, c) => `${n}（v${c.schemeVersion}）` },
          { title: t('period'), dataIndex: 'periodLabel' },
          {
            title: t('phase'),
            dataIndex: 'phaseLabel',
            render: (_l: string, c) => <Tag color={PHASE_TAG[c.phase]}>{pick(PHASE_LABEL[c.phase])}</Tag>,
          },
          { title: t('publishedAt'), dataIndex: 'publishedAt', render: (v: string | null) => formatTime(v) },
          { title: t('appealDeadline'), dataIndex: 'appealDeadline', render: (v: string | null) => formatDeadline(v) },
        ]}
      />
    </Card>
  );
}

/** A ratee files an appeal against its own result, optionally naming one indicator. */
function AppealModal({
  cycleId,
  b,
  onClose,
  onDone,
}: {
  cycleId: string;
  b: AssessmentBreakdown;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string; indicatorCode?: string }>();
  const { busy, error, submit } = useSubmit(
    (v: { reason: string; indicatorCode?: string }) =>
      api.post(`/assessment/cycles/${cycleId}/appeals`, { rateeKey: b.ratee.rateeKey, ...v }),
    onDone,
  );
  return (
    <Modal
      open
      title={t('appeal')}
      okText={t('submit')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => void form.validateFields().then(submit, () => undefined)}
      okButtonProps={{ 'data-testid': 'appeal-submit' }}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="indicatorCode" label={t('indicator')}>
          <Select
            allowClear
            data-testid="appeal-indicator"
            options={(b.result?.indicators ?? []).map((i) => ({ value: i.code, label: i.name }))}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('appealReason')}
          rules={[{ required: true, whitespace: true, message: `${t('appealReason')}${t('required')}` }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="appeal-reason" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
    </Modal>
  );
}

type Decision = { decision: 'maintain' | 'adjust'; reason: string; score?: number };

/** The assessor upholds or adjusts an appeal, always with a reason. */
function DecideModal({
  cycleId,
  appeal,
  onClose,
  onDone,
}: {
  cycleId: string;
  appeal: AssessmentAppeal;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Decision>();
  const decision = Form.useWatch('decision', form);
  const { busy, error, submit } = useSubmit(
    ({ score, ...v }: Decision) =>
      api.post(`/assessment/cycles/${cycleId}/appeals/${appeal.appealId}/decision`, {
        ...v,
        ...(v.decision === 'adjust' && appeal.indicatorCode && score !== undefined
          ? { adjustments: [{ indicatorCode: appeal.indicatorCode, score }] }
          : {}),
      }),
    onDone,
  );
  return (
    <Modal
      open
      title={`${t('decide')} ${appeal.appealId}`}
      okText={t('submit')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => void form.validateFields().then(submit, () => undefined)}
      okButtonProps={{ 'data-testid': 'decide-submit' }}
    >
      <Form form={form} layout="vertical" initialValues={{ decision: 'maintain' }}>
        <Form.Item name="decision" label={t('decision')}>
          <Select
            data-testid="decision"
            options={[
              { value: 'maintain', label: t('maintain') },
              { value: 'adjust', label: t('adjust') },
            ]}
          />
        </Form.Item>
        {decision === 'adjust' && appeal.indicatorCode && (
          <Form.Item
            name="score"
            label={`${t('adjustScore')} · ${appeal.indicatorCode}`}
            rules={[{ required: true, type: 'number' }]}
          >
            <InputNumber min={0} max={100} data-testid="adjust-score" />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('decisionReason')}
          rules={[{ required: true, whitespace: true, message: `${t('decisionReason')}${t('required')}` }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="decision-reason" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
    </Modal>
  );
}

/** `names` shows ratees and indicators by name rather than by key or code. */
function AppealsTable({
  appeals,
  cycleId,
  canDecide,
  onDone,
  names = {},
}: {
  appeals: AssessmentAppeal[];
  cycleId: string;
  canDecide: boolean;
  onDone: () => void;
  names?: Record<string, string>;
}) {
  const { t } = useI18n();
  const [deciding, setDeciding] = useState<AssessmentAppeal>();
  return (
    <>
      <Table<AssessmentAppeal>
        rowKey="appealId"
        size="small"
        data-testid="appeals"
        dataSource={appeals}
        pagination={false}
        columns={[
          { title: 'ID', dataIndex: 'appealId' },
          { title: t('ratee'), dataIndex: 'rateeKey', render: (v: string) => names[v] ?? v },
          {
            title: t('indicator'),
            dataIndex: 'indicatorCode',
            render: (v: string | null) => (v ? (names[v] ?? v) : '—'),
          },
          { title: t('appealReason'), dataIndex: 'reason' },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (s: string) => (
              <Tag color={s === 'pending' ? 'orange' : 'green'}>
                {s === 'pending' ? t('open') : s === 'adjusted' ? t('adjust') : t('maintain')}
              </Tag>
            ),
          },
          {
            title: t('decisionReason'),
            dataIndex: 'decisionReason',
            render: (v: string | null, a) =>
              v ? `${v}${a.before && a.after ? `（${a.before.total} → ${a.after.total}）` : ''}` : '—',
          },
          ...(canDecide
            ? [
                {
                  title: t('actions'),
                  key: 'd',
                  render: (_v: unknown, a: AssessmentAppeal) =>
                    a.status === 'pending' && (
                      <Button size="small" type="primary" onClick={() => setDeciding(a)} data-action="decide">
                        {t('decide')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      {deciding && (
        <DecideModal
          cycleId={cycleId}
          appeal={deciding}
          onClose={() => setDeciding(undefined)}
          onDone={() => {
            setDeciding(undefined);
            onDone();
          }}
        />
      )}
    </>
  );
}

/** One ratee's breakdown: each indicator's value, formula explanation and the cases behind it. */
function BreakdownDrawer({
  cycle,
  rateeKey,
  onClose,
}: {
  cycle: AssessmentCycle;
  rateeKey: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const user = useUser();
  const b = useLoad(
    () => api.get<AssessmentBreakdown>(`/assessment/cycles/${cycle.caseId}/results/${rateeKey}`),
    [cycle.caseId, rateeKey],
  );
  const [appealing, setAppealing] = useState(false);
  const d = b.data;
  const inWindow =
    cycle.phase === 'published' && (!cycle.appealDeadline || Date.parse(cycle.appealDeadline) > Date.now());
  const own =
    d && (d.ratee.type === 'user' ? d.ratee.rateeKey === `user:${user.userId}` : d.ratee.unitId === user.unitId);
  return (
    <Drawer
      open
      width={1000}
      title={`${t('breakdown')} · ${d?.ratee.name ?? rateeKey}`}
      onClose={onClose}
      data-testid="breakdown"
    >
      {b.error && <Alert type="error" showIcon title={b.error} />}
      {d?.result && (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" column={4} bordered>
            <Descriptions.Item label={t('totalScore')}>
              <Typography.Text strong data-testid="breakdown-total">
                {d.result.total}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('grade')}>
              <GradeTag grade={d.result.grade} label={d.result.gradeLabel} />
            </Descriptions.Item>
            <Descriptions.Item label={t('rank')}>{d.result.rank}</Descriptions.Item>
            <Descriptions.Item label={t('explanation')}>{d.result.explanation}</Descriptions.Item>
          </Descriptions>
          {own && inWindow && (
            <Button onClick={() => setAppealing(true)} data-action="appeal">
              {t('appeal')}
            </Button>
          )}
          <Table<IndicatorLine>
            rowKey="code"
            size="small"
            data-testid="breakdown-indicators"
            dataSource={d.result.indicators}
            pagination={false}
            columns={[
              { title: t('indicator'), dataIndex: 'name', width: 140 },
              { title: t('weight'), dataIndex: 'weight', width: 60 },
              { title: t('score'), dataIndex: 'score', width: 70 },
              { title: t('contribution'), dataIndex: 'contribution', width: 80 },
              {
                title: t('explanation'),
                dataIndex: 'explanation',
                render: (e: string, i) => (
                  <Space direction="vertical" size={0}>
                    <Typography.Text>{e}</Typography.Text>
                    {i.override && (
                      <Typography.Text type="warning">
                        {t('overridden', { o: i.override.original })}：{i.override.reason}
                      </Typography.Text>
                    )}
                  </Space>
                ),
              },
            ]}
          />
          <Card size="small" title={t('sourceData')}>
            <Table
              rowKey="metric"
              size="small"
              data-testid="breakdown-sources"
              dataSource={d.sourceData}
              pagination={false}
              columns={[
                { title: t('metric'), dataIndex: 'name', width: 200 },
                { title: t('value'), dataIndex: 'value', width: 80 },
                {
                  title: t('sourceCases'),
                  dataIndex: 'caseIds',
                  render: (ids: string[]) =>
                    ids.length ? (
                      <Space wrap size={4}>
                        {ids.map((id) => (
                          <Link key={id} to={`/cases/${id}`}>
                            {id}
                          </Link>
                        ))}
                      </Space>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          </Card>
          {d.appeals.length > 0 && (
            <AppealsTable
              appeals={d.appeals}
              cycleId={cycle.caseId}
              canDecide={false}
              onDone={b.reload}
              names={Object.fromEntries([
                [d.ratee.rateeKey, d.ratee.name],
                ...(d.result?.indicators ?? []).map((i) => [i.code, i.name]),
              ])}
            />
          )}
        </Space>
      )}
      {appealing && d && (
        <AppealModal
          cycleId={cycle.caseId}
          b={d}
          onClose={() => setAppealing(false)}
          onDone={() => {
            setAppealing(false);
            b.reload();
          }}
        />
      )}
    </Drawer>
  );
}

/** One cycle: its phase, the ranking with grade colours, breakdowns, appeals and exports. */
export function AssessmentCyclePage() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const ranking = useLoad(() => api.get<AssessmentRanking>(`/assessment/cycles/${id}/results`), [id]);
  // The phase moves on in the workflow (opening → scoring → review → published → final): follow it.
  const cycle = useLoad(() => api.get<CycleDetail>(`/assessment/cycles/${id}`), [id], 3_000);
  const appeals = useLoad(() => api.get<{ items: AssessmentAppeal[] }>(`/assessment/cycles/${id}/appeals`), [id]);
  const [open, setOpen] = useState<string>();
  const c = cycle.data;
  const phase = c?.phase;
  const { reload: reloadRanking } = ranking;
  const { reload: reloadAppeals } = appeals;
  useEffect(() => {
    if (!phase) return;
    reloadRanking();
    reloadAppeals();
  }, [phase, reloadRanking, reloadAppeals]);
  const ownKey = ranking.data?.items.find(
    (r) => r.rateeKey === `user:${user.userId}` || (r.rateeKey.startsWith('unit:') && r.unitId === user.unitId),
  )?.rateeKey;
  const inAppealWindow = c?.phase === 'published' && (!c.appealDeadline || Date.parse(c.appealDeadline) > Date.now());
  const save = (format: 'csv' | 'xlsx') =>
    download(`/assessment/cycles/${id}/export.${format}`, `${id}.${format}`).catch(
      (err: unknown) => void message.error(errorText(err)),
    );
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={c ? `${c.schemeName} · ${c.periodLabel}` : id}
        extra={
          ranking.data && (
            <Space>
              <Button icon={<DownloadOutlined />} onClick={() => void save('csv')} data-testid="export-csv">
                {t('exportCsv')}
              </Button>
              <Button icon={<DownloadOutlined />} onClick={() => void save('xlsx')} data-testid="export-xlsx">
                {t('exportXlsx')}
              </Button>
            </Space>
          )
        }
      >
        {cycle.error && <Alert type="error" showIcon title={cycle.error} />}
        {c && (
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('caseId')}>{c.caseId}</Descriptions.Item>
            <Descriptions.Item label={t('phase')}>
              <Tag color={PHASE_TAG[c.phase]} data-testid="cycle-phase">
                {pick(PHASE_LABEL[c.phase])}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('version')}>v{c.schemeVersion}</Descriptions.Item>
            <Descriptions.Item label={pick(TEXT.ratees)}>{c.ratees}</Descriptions.Item>
            <Descriptions.Item label={pick(TEXT.scoringDeadline)}>
              {formatDeadline(c.scoringDeadline)}
            </Descriptions.Item>
            <Descriptions.Item label={t('publishedAt')}>{formatTime(c.publishedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('appealDeadline')}>{formatDeadline(c.appealDeadline)}</Descriptions.Item>
          </Descriptions>
        )}
        {ownKey && c && (c.phase === 'published' || c.phase === 'final') && (
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" ghost onClick={() => setOpen(ownKey)} data-action="my-result">
              {pick(ownKey.startsWith('user:') ? TEXT.myResultUser : TEXT.myResult)}
            </Button>
            <Typography.Text type="secondary">
              {inAppealWindow
                ? fill(pick(TEXT.appealWindow), { d: formatDeadline(c.appealDeadline) })
                : pick(TEXT.appealClosed)}
            </Typography.Text>
          </Space>
        )}
      </Card>
      {c?.progressByRater && (c.phase === 'scoring' || c.phase === 'review') && (
        <AssessorPanel cycle={c} onChanged={cycle.reload} />
      )}
      {c && c.scoreSheet.length > 0 && (c.phase === 'scoring' || c.phase === 'review') && (
        <ScoreSheet cycle={c} onSaved={cycle.reload} />
      )}
      <Card title={t('ranking')}>
        {ranking.error && (
          <Alert
            type={ranking.status === 403 ? 'info' : 'error'}
            showIcon
            title={ranking.status === 403 ? t('resultHidden') : ranking.error}
          />
        )}
        {ranking.data && (
          <Table<RankingRow>
            rowKey="rateeKey"
            size="middle"
            data-testid="ranking"
            dataSource={ranking.data.items}
            pagination={false}
            scroll={{ x: true }}
            columns={[
              { title: t('rank'), dataIndex: 'rank', width: 60, fixed: 'left' },
              {
                title: t('ratee'),
                dataIndex: 'name',
                fixed: 'left',
                render: (n: string, r) => (
                  <Button type="link" size="small" onClick={() => setOpen(r.rateeKey)} data-ratee={r.rateeKey}>
                    {n}
                  </Button>
                ),
              },
              {
                title: t('totalScore'),
                dataIndex: 'total',
                width: 72,
                render: (v: number) => <Typography.Text strong>{v}</Typography.Text>,
              },
              {
                title: t('grade'),
                dataIndex: 'gradeLabel',
                render: (l: string, r) => <GradeTag grade={r.grade} label={l} />,
              },
              ...ranking.data.indicators.map((i) => ({
                title: `${i.name}（${i.weight}）`,
                key: i.code,
                render: (_v: unknown, r: RankingRow) => r.indicatorScores[i.code] ?? '—',
              })),
            ]}
          />
        )}
      </Card>
      {appeals.data && appeals.data.items.length > 0 && (
        <Card title={t('appeals')}>
          <AppealsTable
            appeals={appeals.data.items}
            cycleId={id}
            canDecide={user.role === 'assessor'}
            onDone={() => {
              appeals.reload();
              ranking.reload();
            }}
            names={Object.fromEntries([
              ...(ranking.data?.items ?? []).map((r) => [r.rateeKey, r.name]),
              ...(ranking.data?.indicators ?? []).map((i) => [i.code, i.name]),
            ])}
          />
        </Card>
      )}
      {open && c && <BreakdownDrawer cycle={c} rateeKey={open} onClose={() => setOpen(undefined)} />}
    </Space>
  );
}
