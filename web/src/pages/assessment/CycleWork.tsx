import { CheckCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { AssessmentCycle, RankingRow } from '../../api/types';
import { formatDeadline } from '../../components/sla';
import { useLoad, useSubmit } from '../../hooks';
import { useI18n } from '../../i18n';
import { fill, lastEndedPeriod, PERIOD_LABEL, TEXT } from './text';

/*
 * The assessment jobs of DOMAIN §7 that happen before the ranking: an assessor opens a cycle,
 * watches every rater unit's progress, closes scoring and publishes; a rater unit scores its own
 * ratees with the indicator's guidance and the period's snapshot figures beside each field.
 */

/** One line of a rater's score sheet (GET /assessment/cycles/:id). */
export interface SheetLine {
  rateeKey: string;
  name: string;
  indicatorCode: string;
  indicatorName: string;
  max: number;
  score: number | null;
  comment: string | null;
  weight: number;
  guidance: string | null;
}

/** GET /assessment/cycles/:id: the cycle, the caller's score sheet, and for assessors the progress per rater unit. */
export type CycleDetail = AssessmentCycle & {
  ratees: number;
  scoreSheet: SheetLine[];
  figures: Record<string, { metric: string; name: string; value: number }[]>;
  progressByRater: { unitId: string; name: string; expected: number; given: number }[] | null;
  top: RankingRow[] | null;
  bottom: RankingRow[] | null;
};

interface SchemeSummary {
  code: string;
  name: string;
  active: boolean;
  version: number;
  directionLabel: string;
  definition: { period?: string };
}

const PERIOD_KEY = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;

/** 开启考核: an assessor picks a scheme and the period that ended (the last one is proposed). */
export function OpenCycleButton() {
  const { pick } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ schemeCode: string; periodKey: string }>();
  const schemes = useLoad(
    () => (open ? api.get<{ items: SchemeSummary[] }>('/assessment/schemes') : Promise.resolve(undefined)),
    [open],
  );
  const { busy, error, submit } = useSubmit(
    (v: { schemeCode: string; periodKey: string }) => api.post<{ caseId: string }>('/assessment/cycles', v),
    (r) => {
      void message.success(fill(pick(TEXT.opened), { id: r.caseId }));
      setOpen(false);
      void navigate(`/assessment/${r.caseId}`);
    },
  );
  const active = (schemes.data?.items ?? []).filter((s) => s.active);
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-action="open-cycle">
        {pick(TEXT.openCycle)}
      </Button>
      {open && (
        <Modal
          open
          title={pick(TEXT.openCycleTitle)}
          okText={pick(TEXT.openCycle)}
          cancelText={pick(['取消', 'Cancel'])}
          confirmLoading={busy}
          onCancel={() => setOpen(false)}
          onOk={() => void form.validateFields().then(submit, () => undefined)}
          okButtonProps={{ 'data-testid': 'open-cycle-submit' }}
          width={560}
        >
          <Typography.Paragraph type="secondary">{pick(TEXT.openCycleHint)}</Typography.Paragraph>
          <Form form={form} layout="vertical">
            <Form.Item
              name="schemeCode"
              label={pick(['考核方案', 'Scheme'])}
              rules={[{ required: true, message: pick(TEXT.schemeRequired) }]}
            >
              <Select
                data-testid="open-cycle-scheme"
                loading={schemes.loading}
                options={active.map((s) => ({
                  value: s.code,
                  label: `${s.name}（${pick(PERIOD_LABEL[s.definition.period ?? ''] ?? ['', ''])} · v${s.version}）`,
                }))}
                onChange={(code: string) =>
                  form.setFieldValue(
                    'periodKey',
                    lastEndedPeriod(active.find((s) => s.code === code)?.definition.period ?? 'month'),
                  )
                }
              />
            </Form.Item>
            <Form.Item
              name="periodKey"
              label={pick(TEXT.periodKey)}
              extra={pick(TEXT.periodHelp)}
              rules={[{ required: true, pattern: PERIOD_KEY, message: pick(TEXT.periodRequired) }]}
            >
              <Input data-testid="open-cycle-period" maxLength={10} style={{ width: 200 }} />
            </Form.Item>
          </Form>
          {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
        </Modal>
      )}
    </>
  );
}

/** A reason or note asked for before an assessor's action (结束评分, 公示). */
function ConfirmAction({
  title,
  hint,
  field,
  initial,
  required,
  send,
  onClose,
  onDone,
  testId,
}: {
  title: string;
  hint: string;
  field: string;
  initial: string;
  required: boolean;
  send: (text: string) => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  testId: string;
}) {
  const { pick } = useI18n();
  const [form] = Form.useForm<{ text: string }>();
  const { busy, error, submit } = useSubmit((v: { text: string }) => send(v.text?.trim() ?? ''), onDone);
  return (
    <Modal
      open
      title={title}
      okText={pick(['确定', 'Confirm'])}
      cancelText={pick(['取消', 'Cancel'])}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => void form.validateFields().then(submit, () => undefined)}
      okButtonProps={{ 'data-testid': `${testId}-submit` }}
    >
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ text: initial }}>
        <Form.Item
          name="text"
          label={field}
          rules={
            required ? [{ required: true, whitespace: true, message: `${field}${pick(['必填', ' is required'])}` }] : []
          }
        >
          <Input.TextArea rows={2} maxLength={500} data-testid={`${testId}-text`} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
    </Modal>
  );
}

/** 评分进度 for assessors: every rater unit's scores given of those expected, with 结束评分 and 公示. */
export function AssessorPanel({ cycle, onChanged }: { cycle: CycleDetail; onChanged: () => void }) {
  const { pick } = useI18n();
  const { message } = App.useApp();
  const [asking, setAsking] = useState<'close' | 'publish'>();
  const progress = cycle.progressByRater ?? [];
  const missing = progress.reduce((n, p) => n + p.expected - p.given, 0);
  const done = () => {
    void message.success(pick(asking === 'close' ? TEXT.closed : TEXT.published));
    setAsking(undefined);
    onChanged();
  };
  return (
    <Card
      title={pick(TEXT.progress)}
      data-testid="rater-progress"
      extra={
        <Space>
          {cycle.phase === 'scoring' && (
            <Button danger onClick={() => setAsking('close')} data-action="close-scoring">
              {pick(TEXT.closeScoring)}
            </Button>
          )}
          {cycle.phase === 'review' && (
            <Button type="primary" onClick={() => setAsking('publish')} data-action="publish">
              {pick(TEXT.publish)}
            </Button>
          )}
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {fill(pick(TEXT.progressHint), { d: formatDeadline(cycle.scoringDeadline) })}
          {'　'}
          {missing === 0 ? (
            <Tag color="green" icon={<CheckCircleOutlined />}>
              {pick(TEXT.allGiven)}
            </Tag>
          ) : (
            <Tag color="orange" data-testid="missing-total">
              {fill(pick(TEXT.missingTotal), { n: missing })}
            </Tag>
          )}
        </Typography.Text>
        <Table
          rowKey="unitId"
          size="small"
          dataSource={progress}
          pagination={false}
          onRow={(p) => ({ 'data-rater': p.unitId }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: pick(TEXT.raterUnit), dataIndex: 'name' },
            {
              title: pick(TEXT.progress),
              key: 'p',
              width: 360,
              render: (_v, p) => (
                <Space>
                  <Progress
                    percent={p.expected ? Math.round((p.given / p.expected) * 100) : 100}
                    size="small"
                    style={{ width: 180 }}
                    status={p.given === p.expected ? 'success' : 'active'}
                  />
                  <Typography.Text data-testid="rater-given">
                    {fill(pick(TEXT.givenOf), { g: p.given, e: p.expected })}
                  </Typography.Text>
                </Space>
              ),
            },
          ]}
        />
      </Space>
      {asking === 'close' && (
        <ConfirmAction
          testId="close-scoring"
          title={pick(TEXT.closeTitle)}
          hint={`${pick(TEXT.closeHint)}${missing > 0 ? ` ${fill(pick(TEXT.missingTotal), { n: missing })}。` : ''}`}
          field={pick(TEXT.closeReason)}
          initial={pick(TEXT.closeReasonDefault)}
          required
          send={(reason) => api.post(`/assessment/cycles/${cycle.caseId}/close-scoring`, { reason })}
          onClose={() => setAsking(undefined)}
          onDone={done}
        />
      )}
      {asking === 'publish' && (
        <ConfirmAction
          testId="publish"
          title={pick(TEXT.publishTitle)}
          hint={pick(TEXT.publishHint)}
          field={pick(TEXT.publishNote)}
          initial=""
          required={false}
          send={(note) => api.post(`/assessment/cycles/${cycle.caseId}/publish`, note ? { note } : {})}
          onClose={() => setAsking(undefined)}
          onDone={done}
        />
      )}
    </Card>
  );
}

type Draft = Record<string, { score: number | null; comment: string }>;
const keyOf = (l: { rateeKey: string; indicatorCode: string }) => `${l.rateeKey}|${l.indicatorCode}`;

/** 我的评分表: per ratee, the snapshot figures beside a field per manual indicator with its guidance. */
export function ScoreSheet({ cycle, onSaved }: { cycle: CycleDetail; onSaved: () => void }) {
  const { pick } = useI18n();
  const { message } = App.useApp();
  const editable = cycle.phase === 'scoring';
  const initial = useMemo<Draft>(
    () => Object.fromEntries(cycle.scoreSheet.map((l) => [keyOf(l), { score: l.score, comment: l.comment ?? '' }])),
    [cycle.scoreSheet],
  );
  const [draft, setDraft] = useState<Draft>(initial);
  const [hint, setHint] = useState<string>();
  const ratees = [...new Map(cycle.scoreSheet.map((l) => [l.rateeKey, l.name])).entries()];
  const entries = cycle.scoreSheet
    .map((l) => ({ l, d: draft[keyOf(l)] ?? { score: null, comment: '' } }))
    .filter(({ d }) => d.score !== null && d.score !== undefined);
  const { busy, error, submit } = useSubmit(
    () =>
      api.post(`/assessment/cycles/${cycle.caseId}/scores`, {
        scores: entries.map(({ l, d }) => ({
          rateeKey: l.rateeKey,
          indicatorCode: l.indicatorCode,
          score: d.score,
          ...(d.comment.trim() ? { comment: d.comment.trim() } : {}),
        })),
      }),
    () => {
      void message.success(fill(pick(TEXT.scoresSaved), { n: entries.length }));
      onSaved();
    },
  );
  const set = (k: string, v: Partial<Draft[string]>) =>
    setDraft((d) => ({ ...d, [k]: { ...(d[k] ?? { score: null, comment: '' }), ...v } }));
  const save = () => {
    if (entries.length === 0) return setHint(pick(TEXT.nothingToSave));
    setHint(undefined);
    submit(undefined);
  };
  return (
    <Card
      title={pick(TEXT.scoreSheet)}
      data-testid="score-sheet"
      extra={
        editable && (
          <Button type="primary" loading={busy} onClick={save} data-action="save-scores">
            {pick(TEXT.saveScores)}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">
        {pick(editable ? TEXT.scoreSheetHint : TEXT.scoreSheetClosed)}
      </Typography.Paragraph>
      {(error ?? hint) && (
        <Alert type="error" showIcon title={error ?? hint} data-testid="action-error" style={{ marginBottom: 12 }} />
      )}
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {ratees.map(([rateeKey, name]) => {
          const lines = cycle.scoreSheet.filter((l) => l.rateeKey === rateeKey);
          const figures = cycle.figures[rateeKey] ?? [];
          const scored = lines.every((l) => l.score !== null);
          return (
            <Card
              key={rateeKey}
              size="small"
              type="inner"
              data-ratee={rateeKey}
              title={
                <Space>
                  {name}
                  {scored ? <Tag color="green">{pick(TEXT.scored)}</Tag> : <Tag>{pick(TEXT.unscored)}</Tag>}
                </Space>
              }
            >
              <Row gutter={24}>
                <Col xs={24} lg={9}>
                  <Typography.Text strong>{pick(TEXT.snapshot)}</Typography.Text>
                  {figures.length === 0 ? (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pick(TEXT.noFigures)} />
                  ) : (
                    <Descriptions
                      size="small"
                      column={{ xs: 1, sm: 2 }}
                      bordered
                      style={{ marginTop: 8 }}
                      data-testid="snapshot-figures"
                      items={figures.map((f) => ({ key: f.metric, label: f.name, children: f.value }))}
                    />
                  )}
                </Col>
                <Col xs={24} lg={15}>
                  {lines.map((l) => {
                    const k = keyOf(l);
                    const d = draft[k] ?? { score: null, comment: '' };
                    return (
                      <div key={k} data-indicator={l.indicatorCode} style={{ marginBottom: 12 }}>
                        <Space wrap>
                          <Typography.Text strong>{l.indicatorName}</Typography.Text>
                          <Typography.Text type="secondary">
                            {fill(pick(TEXT.weightOf), { w: l.weight })} · {fill(pick(TEXT.outOf), { max: l.max })}
                          </Typography.Text>
                        </Space>
                        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 8px' }} data-testid="guidance">
                          {pick(TEXT.guidance)}：{l.guidance ?? fill(pick(TEXT.noGuidance), { max: l.max })}
                        </Typography.Paragraph>
                        <Space.Compact style={{ width: '100%' }}>
                          <InputNumber
                            min={0}
                            max={l.max}
                            precision={1}
                            disabled={!editable}
                            value={d.score}
                            onChange={(v) => set(k, { score: v })}
                            placeholder={pick(TEXT.outOf).replace('{max}', String(l.max))}
                            style={{ width: 140 }}
                            data-testid="score-input"
                          />
                          <Input
                            disabled={!editable}
                            value={d.comment}
                            maxLength={1000}
                            onChange={(e) => set(k, { comment: e.target.value })}
                            placeholder={pick(TEXT.comment)}
                            data-testid="score-comment"
                          />
                        </Space.Compact>
                      </div>
                    );
                  })}
                </Col>
              </Row>
            </Card>
          );
        })}
      </Space>
    </Card>
  );
}
