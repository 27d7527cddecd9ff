import {
  DeleteOutlined,
  EditOutlined,
  ImportOutlined,
  MinusCircleOutlined,
  PlusOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
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
  Upload,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import type { CalendarDay, CalendarYear, CalendarYearSummary } from '../../api/types';
import { loadUnits } from '../../auth';
import { formatDeadline, formatTime } from '../../components/sla';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { calendarSourceLabel } from '../../labels';
import { MissingYearAlerts, useCalendarStatus } from './CalendarBanner';
import { datesBetween, parseScheduleFile, toPeriods, type YearSchedule } from './calendar-import';
import { ProblemAlert, useWrite, type Label } from './common';

/*
 * 工作日历 administration (DOMAIN §3, §9): enter or import a year as the State Council announced it,
 * correct single days, keep regional overlays, withdraw a year entered by mistake (refused while live
 * deadlines depend on it), and follow the recompute of live deadlines every change starts.
 */

const NATIONAL = 'national';

const KIND: Record<CalendarDay['kind'], { color: string; label: Label }> = {
  holiday: { color: 'red', label: ['放假', 'Holiday'] },
  'makeup-workday': { color: 'blue', label: ['调休上班', 'Make-up workday'] },
  weekend: { color: 'default', label: ['周末', 'Weekend'] },
  workday: { color: 'green', label: ['工作日', 'Workday'] },
};

const T = {
  region: ['日历区划', 'Calendar region'],
  national: ['全国', 'National'],
  overlay: ['地方叠加', 'Regional overlay'],
  regionHint: [
    '地方叠加（如民族自治地方增加的假日）在全国安排之上生效',
    'A regional overlay (e.g. extra days of an ethnic-minority region) applies on top of the national schedule',
  ],
  enterYear: ['录入全年安排', 'Enter a year'],
  editYear: ['修改全年安排', 'Edit the year'],
  editOverlay: ['录入/修改地方叠加', 'Enter or edit the overlay'],
  editDay: ['单日更正', 'Correct a day'],
  withdraw: ['撤回该年', 'Withdraw the year'],
  withdrawOverlay: ['撤回该年地方叠加', 'Withdraw the overlay'],
  yearTitle: ['{y} 年放假安排', 'Holidays of {y}'],
  noYear: ['请选择左侧年份', 'Pick a year on the left'],
  reference: ['依据（国务院办公厅通知名称及文号）', 'Basis (the State Council notice and its number)'],
  referencePlaceholder: [
    '如：国务院办公厅关于 2027 年部分节假日安排的通知（国办发明电〔2026〕X 号）',
    'e.g. the State Council General Office notice on the 2027 holidays (国办发明电〔2026〕X号)',
  ],
  referenceRequired: ['请填写通知名称及文号（记入审计日志）', 'Give the notice (recorded in the audit log)'],
  periods: ['放假与调休安排', 'Holidays and make-up workdays'],
  periodName: ['节日名称', 'Holiday'],
  periodKind: ['类型', 'Kind'],
  from: ['自', 'From'],
  to: ['至', 'To'],
  addPeriod: ['添加一段', 'Add a period'],
  importFile: ['从文件导入（JSON / ICS）', 'Import from a file (JSON / ICS)'],
  imported: [
    '已读入 {f}：放假 {h} 天、调休上班 {w} 天，请核对后保存',
    'Read {f}: {h} days off, {w} make-up workdays; check and save',
  ],
  summary: ['合计：放假 {h} 天，调休上班 {w} 天', 'In all: {h} days off, {w} make-up workdays'],
  year: ['年份', 'Year'],
  saved: ['已保存，正在重算在办案件期限', 'Saved; live deadlines are being recomputed'],
  dayDate: ['日期', 'Date'],
  dayKind: ['设为', 'Make it'],
  dayName: ['名称', 'Name'],
  reason: ['更正原因（记入审计日志）', 'Reason (recorded in the audit log)'],
  reasonRequired: ['请填写原因', 'Give a reason'],
  removeDay: ['删除该日记录', 'Remove the entry'],
  removeDayConfirm: [
    '删除 {d} 的记录后，该日按星期认定（周一至周五上班）。原因：',
    'After removing {d}, the day of the week decides. Reason:',
  ],
  withdrawTitle: ['撤回 {y} 年{what}', 'Withdraw {what} of {y}'],
  withdrawHint: [
    '仅用于撤回误录的年份。仍有在办案件的期限依赖该年时不能撤回，系统会列出这些案件。',
    'Only for a year entered by mistake. It is refused while live deadlines depend on it, naming those cases.',
  ],
  withdrawn: ['已撤回 {y} 年', '{y} withdrawn'],
  blockingCases: ['依赖该年的在办案件', 'Live cases depending on the year'],
  recompute: ['在办案件期限重算', 'Recomputing live deadlines'],
  recomputeStatus: {
    pending: ['待开始', 'Waiting'],
    running: ['进行中', 'Running'],
    done: ['已完成', 'Done'],
  } as Record<string, Label>,
  recomputeLine: [
    '已重算 {d} / {t} 件在办案件（其间办结 {c} 件）',
    '{d} of {t} live cases recomputed ({c} closed meanwhile)',
  ],
  recomputeFailures: ['通知失败后重试 {n} 次：{e}', '{n} retried after failing: {e}'],
  liveCases: [
    '期限依赖 {y} 年日历的在办案件（修改该年会改变其期限）',
    'Live cases whose deadlines depend on {y} (a change to the year moves them)',
  ],
  liveCasesNone: ['目前没有在办案件的期限依赖该年', 'No live case depends on this year now'],
  liveCasesMore: ['共 {n} 件，仅列出前 {m} 件', '{n} in all; the first {m} listed'],
  caseTitle: ['案件', 'Case'],
  caseDeadline: ['承诺期限 / 当前期限', 'Promised / current deadline'],
  updatedAt: ['更新时间', 'Updated'],
} as const;

type Period = { kind: 'holiday' | 'workday'; name: string; start: string; end: string };
type YearForm = { year: number; reason: string; periods: Period[] };
type RecomputeLink = { id: string; status: string; href: string };
type Recompute = {
  id: string;
  status: 'pending' | 'running' | 'done';
  total: number | null;
  done: number;
  closed: number;
  failures: number;
  lastError: string | null;
  requestedAt: string;
  finishedAt: string | null;
};
type LiveCases = {
  year: number;
  count: number;
  items: {
    id: string;
    process: string;
    title: string;
    status: string;
    unitId: string;
    deadline: string | null;
    caseDeadline: string | null;
  }[];
};

const fill = (s: string, v: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_m, k: string) => String(v[k] ?? ''));
const regionQuery = (region: string) => (region === NATIONAL ? '' : `?region=${encodeURIComponent(region)}`);

/** The periods (ranges of one name) a schedule lists, for the form. */
function periodsOf(s: Pick<YearSchedule, 'holidays' | 'workdays'>): Period[] {
  return [
    ...toPeriods(s.holidays).map((p) => ({ ...p, kind: 'holiday' as const })),
    ...toPeriods(s.workdays).map((p) => ({ ...p, kind: 'workday' as const })),
  ].sort((a, b) => a.start.localeCompare(b.start));
}

/** The form's periods as the API's body: every day of each period. */
function daysOf(periods: readonly Period[]): {
  holidays: { date: string; name: string }[];
  workdays: { date: string; name: string }[];
} {
  const expand = (p: Period) =>
    (p.end && p.end >= p.start ? [...datesBetween(p.start, p.end), p.end] : [p.start]).map((date) => ({
      date,
      name: p.name.trim(),
    }));
  return {
    holidays: periods.filter((p) => p.kind === 'holiday').flatMap(expand),
    workdays: periods.filter((p) => p.kind === 'workday').flatMap(expand),
  };
}

/** 录入全年安排: periods by hand or from a file, with the State Council notice as the audit reason. */
function YearModal({
  region,
  initialYear,
  existing,
  onClose,
  onSaved,
}: {
  region: string;
  initialYear: number;
  existing?: CalendarYear;
  onClose: () => void;
  onSaved: (year: number, link: RecomputeLink) => void;
}) {
  const { pick } = useI18n();
  const [form] = Form.useForm<YearForm>();
  const [note, setNote] = useState<string>();
  const [fileError, setFileError] = useState<string>();
  const year = Form.useWatch('year', form) ?? initialYear;
  const periods = Form.useWatch('periods', form) ?? [];
  const initialPeriods = useMemo(() => {
    if (!existing) return [];
    const mine = existing.days.filter((d) => region === NATIONAL || d.overlay);
    return periodsOf({
      holidays: mine.filter((d) => !d.working).map((d) => ({ date: d.date, name: d.name ?? '' })),
      workdays: mine.filter((d) => d.working).map((d) => ({ date: d.date, name: d.name ?? '' })),
    });
  }, [existing, region]);
  const write = useWrite(
    (v: YearForm) =>
      api.put<{ recompute: RecomputeLink }>(`/calendar/years/${v.year}${regionQuery(region)}`, {
        ...daysOf(v.periods ?? []),
        reason: v.reason.trim(),
      }),
    (r, v) => onSaved(v.year, r.recompute),
  );
  const counts = daysOf(periods.filter((p): p is Period => Boolean(p?.start)));
  const importFile = async (file: File) => {
    setFileError(undefined);
    try {
      const schedule = parseScheduleFile(await file.text(), file.name, year);
      form.setFieldValue('periods', periodsOf(schedule));
      if (schedule.reference && !form.getFieldValue('reason')) form.setFieldValue('reason', schedule.reference);
      setNote(fill(pick(T.imported), { f: file.name, h: schedule.holidays.length, w: schedule.workdays.length }));
    } catch (err) {
      const [zh, en] = (err instanceof Error ? err.message : String(err)).split(' / ');
      setFileError(pick([zh ?? '', en ?? zh ?? '']));
    }
    return false;
  };
  return (
    <Modal
      open
      width={860}
      title={`${region === NATIONAL ? pick(T.enterYear) : pick(T.editOverlay)}${region === NATIONAL ? '' : ` · ${region}`}`}
      footer={null}
      onCancel={onClose}
      maskClosable={false}
    >
      <Form<YearForm>
        form={form}
        layout="vertical"
        name="calendar-year"
        initialValues={{ year: initialYear, reason: '', periods: initialPeriods }}
        onFinish={write.submit}
        onValuesChange={() => write.error !== undefined && write.clear()}
      >
        <Space align="start" wrap>
          <Form.Item name="year" label={pick(T.year)} rules={[{ required: true }]}>
            <InputNumber min={1949} max={2200} disabled={Boolean(existing)} data-testid="year-input" />
          </Form.Item>
          <Form.Item label=" ">
            <Upload
              accept=".json,.ics,application/json,text/calendar"
              showUploadList={false}
              beforeUpload={(f) => importFile(f)}
              maxCount={1}
            >
              <Button icon={<ImportOutlined />} data-action="import-file">
                {pick(T.importFile)}
              </Button>
            </Upload>
          </Form.Item>
        </Space>
        {note && <Alert type="success" showIcon title={note} style={{ marginBottom: 12 }} data-testid="import-note" />}
        {fileError && (
          <Alert type="error" showIcon title={fileError} style={{ marginBottom: 12 }} data-testid="import-error" />
        )}
        <Form.Item
          name="reason"
          label={pick(T.reference)}
          rules={[{ required: true, whitespace: true, message: pick(T.referenceRequired) }, { max: 500 }]}
        >
          <Input placeholder={pick(T.referencePlaceholder)} maxLength={500} data-testid="year-reference" />
        </Form.Item>
        <Typography.Text strong>{pick(T.periods)}</Typography.Text>
        <Form.List name="periods">
          {(fields, { add, remove }) => (
            <div style={{ maxHeight: 360, overflowY: 'auto', margin: '8px 0' }} data-testid="year-periods">
              {fields.map((f) => (
                <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'kind']} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                    <Select
                      style={{ width: 120 }}
                      options={[
                        { value: 'holiday', label: pick(KIND.holiday.label) },
                        { value: 'workday', label: pick(KIND['makeup-workday'].label) },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'name']}
                    rules={[{ required: true, whitespace: true, message: pick(T.periodName) }]}
                    style={{ marginBottom: 8 }}
                  >
                    <Input placeholder={pick(T.periodName)} style={{ width: 140 }} maxLength={50} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'start']}
                    label={pick(T.from)}
                    rules={[{ required: true, message: pick(T.from) }]}
                    style={{ marginBottom: 8 }}
                  >
                    <Input type="date" style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'end']} label={pick(T.to)} style={{ marginBottom: 8 }}>
                    <Input type="date" style={{ width: 160 }} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ kind: 'holiday', name: '', start: `${year}-01-01`, end: '' })}
              >
                {pick(T.addPeriod)}
              </Button>
            </div>
          )}
        </Form.List>
        <Typography.Paragraph type="secondary" data-testid="year-summary">
          {fill(pick(T.summary), { h: counts.holidays.length, w: counts.workdays.length })}
        </Typography.Paragraph>
        <ProblemAlert error={write.error} />
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{pick(['取消', 'Cancel'])}</Button>
          <Button type="primary" htmlType="submit" loading={write.busy} data-testid="year-save">
            {pick(['保存', 'Save'])}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** 单日更正: make one day a holiday or a make-up workday (or remove its entry). */
function DayModal({
  region,
  year,
  day,
  onClose,
  onSaved,
}: {
  region: string;
  year: number;
  day?: CalendarDay;
  onClose: () => void;
  onSaved: (link: RecomputeLink) => void;
}) {
  const { pick } = useI18n();
  type V = { date: string; kind: 'holiday' | 'workday'; name: string; reason: string };
  const write = useWrite(
    (v: V) =>
      api.put<{ recompute: RecomputeLink }>(`/calendar/days/${v.date}${regionQuery(region)}`, {
        kind: v.kind,
        name: v.name.trim(),
        reason: v.reason.trim(),
      }),
    (r) => onSaved(r.recompute),
  );
  const initial: Partial<V> = day
    ? { date: day.date, kind: day.working ? 'workday' : 'holiday', name: day.name ?? '' }
    : { date: `${year}-01-01`, kind: 'holiday' };
  return (
    <Modal
      open
      title={`${pick(T.editDay)}${region === NATIONAL ? '' : ` · ${region}`}`}
      footer={null}
      onCancel={onClose}
      maskClosable={false}
    >
      <Form<V> layout="vertical" name="calendar-day" initialValues={initial} onFinish={write.submit}>
        <Form.Item name="date" label={pick(T.dayDate)} rules={[{ required: true }]}>
          <Input type="date" disabled={Boolean(day)} />
        </Form.Item>
        <Form.Item name="kind" label={pick(T.dayKind)} rules={[{ required: true }]}>
          <Select
            options={[
              { value: 'holiday', label: pick(KIND.holiday.label) },
              { value: 'workday', label: pick(KIND['makeup-workday'].label) },
            ]}
          />
        </Form.Item>
        <Form.Item name="name" label={pick(T.dayName)} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={pick(T.reason)}
          rules={[{ required: true, whitespace: true, message: pick(T.reasonRequired) }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <ProblemAlert error={write.error} />
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{pick(['取消', 'Cancel'])}</Button>
          <Button type="primary" htmlType="submit" loading={write.busy} data-testid="day-save">
            {pick(['保存', 'Save'])}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** A delete with a reason: withdraw a year (or overlay), or remove one day's entry. A 409 names the live cases that block it. */
function ReasonDelete({
  title,
  hint,
  path,
  onClose,
  onDone,
}: {
  title: string;
  hint: string;
  path: string;
  onClose: () => void;
  onDone: (link: RecomputeLink) => void;
}) {
  const { pick } = useI18n();
  const write = useWrite(
    (v: { reason: string }) => api.delete<{ recompute: RecomputeLink }>(path, { reason: v.reason.trim() }),
    (r) => onDone(r.recompute),
  );
  const blocking =
    write.error instanceof ApiError ? ((write.error.problem as { caseIds?: string[] } | null)?.caseIds ?? []) : [];
  return (
    <Modal open title={title} footer={null} onCancel={onClose} maskClosable={false}>
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <Form
        layout="vertical"
        name="calendar-delete"
        onFinish={write.submit}
        onValuesChange={() => write.error !== undefined && write.clear()}
      >
        <Form.Item
          name="reason"
          label={pick(T.reason)}
          rules={[{ required: true, whitespace: true, message: pick(T.reasonRequired) }]}
        >
          <Input.TextArea rows={2} maxLength={500} data-testid="delete-reason" />
        </Form.Item>
        <ProblemAlert error={write.error} />
        {blocking.length > 0 && (
          <Card size="small" title={pick(T.blockingCases)} style={{ marginBottom: 12 }} data-testid="blocking-cases">
            <Space wrap>
              {blocking.map((id) => (
                <Link key={id} to={`/cases/${id}`}>
                  {id}
                </Link>
              ))}
            </Space>
          </Card>
        )}
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{pick(['取消', 'Cancel'])}</Button>
          <Button danger type="primary" htmlType="submit" loading={write.busy} data-testid="delete-confirm">
            {pick(['确定', 'Confirm'])}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** The recompute a change started (GET /calendar/recomputes/{id}), followed until done. */
function RecomputeProgress({ link }: { link: RecomputeLink }) {
  const { pick } = useI18n();
  const [done, setDone] = useState(false);
  const r = useLoad(() => api.get<Recompute>(`/calendar/recomputes/${link.id}`), [link.id], done ? undefined : 1_000);
  useEffect(() => {
    if (r.data?.status === 'done') setDone(true);
  }, [r.data?.status]);
  const d = r.data;
  const total = d?.total ?? 0;
  const percent = d?.status === 'done' ? 100 : total > 0 ? Math.round(((d!.done + d!.closed) / total) * 100) : 0;
  return (
    <Card size="small" title={pick(T.recompute)} data-testid="recompute" data-status={d?.status ?? link.status}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          <Tag color={d?.status === 'done' ? 'green' : 'processing'} data-testid="recompute-status">
            {pick(T.recomputeStatus[d?.status ?? link.status] ?? ['', ''])}
          </Tag>
          <Typography.Text>
            {fill(pick(T.recomputeLine), { d: d?.done ?? 0, t: total, c: d?.closed ?? 0 })}
          </Typography.Text>
        </Space>
        <Progress percent={percent} status={d?.status === 'done' ? 'success' : 'active'} />
        {d && d.failures > 0 && (
          <Typography.Text type="warning">
            {fill(pick(T.recomputeFailures), { n: d.failures, e: d.lastError ?? '' })}
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}

/** The live cases whose deadlines a change to `year` moves. */
function LiveCasesCard({ year, version }: { year: number; version: number }) {
  const { pick } = useI18n();
  const live = useLoad(() => api.get<LiveCases>(`/calendar/years/${year}/live-cases`), [year, version]);
  const d = live.data;
  return (
    <Card size="small" title={fill(pick(T.liveCases), { y: year })} data-testid="live-cases">
      {live.error && <Alert type="error" showIcon title={live.error} />}
      {d && d.count === 0 && <Typography.Text type="secondary">{pick(T.liveCasesNone)}</Typography.Text>}
      {d && d.count > 0 && (
        <>
          {d.count > d.items.length && (
            <Typography.Text type="secondary">
              {fill(pick(T.liveCasesMore), { n: d.count, m: d.items.length })}
            </Typography.Text>
          )}
          <Table
            rowKey="id"
            size="small"
            dataSource={d.items}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            columns={[
              {
                title: pick(T.caseTitle),
                dataIndex: 'title',
                render: (v: string, c) => <Link to={`/cases/${c.id}`}>{v}</Link>,
              },
              {
                title: pick(T.caseDeadline),
                key: 'dl',
                width: 200,
                render: (_v, c) => formatDeadline(c.caseDeadline ?? c.deadline),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

type Dialog =
  | { kind: 'year'; year: number; existing?: CalendarYear }
  | { kind: 'day'; day?: CalendarDay }
  | { kind: 'withdraw' }
  | { kind: 'remove-day'; day: CalendarDay };

export function CalendarPage() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [region, setRegion] = useState(NATIONAL);
  const [regions, setRegions] = useState<string[]>([]);
  useEffect(() => {
    loadUnits().then(
      (m) =>
        setRegions(
          [...new Set([...m.values()].map((u) => u.regionCode).filter((c): c is string => Boolean(c)))].sort(),
        ),
      () => undefined,
    );
  }, []);
  const status = useCalendarStatus(true);
  const years = useLoad(
    () => api.get<{ region: string; years: CalendarYearSummary[] }>(`/calendar/years${regionQuery(region)}`),
    [region],
  );
  const [year, setYear] = useState<number>();
  const [dialog, setDialog] = useState<Dialog>();
  const [recompute, setRecompute] = useState<{ link: RecomputeLink; year: number }>();
  const [version, setVersion] = useState(0);
  const shown = year ?? years.data?.years.findLast((y) => y.covered)?.year;
  const detail = useLoad(
    () =>
      shown ? api.get<CalendarYear>(`/calendar/years/${shown}${regionQuery(region)}`) : Promise.resolve(undefined),
    [shown, region, version],
  );
  const summary = years.data?.years.find((y) => y.year === shown);
  const regional = region !== NATIONAL;

  // The banner's "录入 2027 年" (here or on another page) opens the year form for that year.
  const enter = params.get('enter');
  useEffect(() => {
    if (!enter) return;
    setRegion(NATIONAL);
    setDialog({ kind: 'year', year: Number(enter) });
    setParams({}, { replace: true });
  }, [enter, setParams]);

  const changed = (y: number, link: RecomputeLink, text: string) => {
    void message.success(text);
    setDialog(undefined);
    setRecompute({ link, year: y });
    setYear(y);
    setVersion((v) => v + 1);
    years.reload();
    status.reload();
  };
  const nextMissing =
    status.data?.missing[0]?.year ??
    (years.data?.years.findLast((y) => y.covered)?.year ?? new Date().getFullYear()) + 1;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      {!regional && <MissingYearAlerts status={status.data} onEnter={(y) => setDialog({ kind: 'year', year: y })} />}
      <Card size="small">
        <Space wrap>
          <Typography.Text>{pick(T.region)}：</Typography.Text>
          <Select
            value={region}
            style={{ width: 220 }}
            data-testid="region-select"
            onChange={(r: string) => {
              setRegion(r);
              setRecompute(undefined);
            }}
            options={[
              { value: NATIONAL, label: pick(T.national) },
              ...regions.map((r) => ({ value: r, label: `${pick(T.overlay)} · ${r}` })),
            ]}
          />
          <Typography.Text type="secondary">{pick(T.regionHint)}</Typography.Text>
        </Space>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={9}>
          <Card
            title={t('menuCalendar')}
            size="small"
            extra={
              !regional && (
                <Button
                  type="primary"
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => setDialog({ kind: 'year', year: nextMissing })}
                  data-action="enter-year"
                >
                  {pick(T.enterYear)}
                </Button>
              )
            }
          >
            {years.error && <Alert type="error" showIcon title={years.error} />}
            <Table<CalendarYearSummary>
              size="small"
              rowKey="year"
              data-testid="calendar-years"
              loading={years.loading && !years.data}
              dataSource={[...(years.data?.years ?? [])].reverse()}
              pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
              onRow={(y) =>
                ({
                  onClick: () => setYear(y.year),
                  style: { cursor: 'pointer', background: y.year === shown ? '#e6f4ff' : undefined },
                  'data-year': y.year,
                }) as React.HTMLAttributes<HTMLElement>
              }
              columns={[
                { title: t('year'), dataIndex: 'year' },
                {
                  title: t('covered'),
                  dataIndex: 'covered',
                  render: (v: boolean) =>
                    v ? <Tag color="green">{t('yes')}</Tag> : <Tag color="orange">{t('no')}</Tag>,
                },
                { title: t('holidays'), dataIndex: 'holidays' },
                { title: t('makeupDays'), dataIndex: 'workdays' },
                ...(regional
                  ? [
                      {
                        title: pick(T.overlay),
                        key: 'o',
                        render: (
                          _v: unknown,
                          y: CalendarYearSummary & { overlay?: { holidays: number; workdays: number } | null },
                        ) =>
                          y.overlay && y.overlay.holidays + y.overlay.workdays > 0
                            ? `${y.overlay.holidays} / ${y.overlay.workdays}`
                            : '—',
                      },
                    ]
                  : []),
                { title: t('source'), dataIndex: 'source', render: (v: string | null) => pick(calendarSourceLabel(v)) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card
              title={shown ? fill(pick(T.yearTitle), { y: shown }) : pick(T.noYear)}
              size="small"
              data-testid="calendar-year-detail"
              extra={
                shown &&
                summary?.covered && (
                  <Space wrap>
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => setDialog({ kind: 'year', year: shown, existing: detail.data })}
                      data-action="edit-year"
                    >
                      {pick(regional ? T.editOverlay : T.editYear)}
                    </Button>
                    <Button size="small" onClick={() => setDialog({ kind: 'day' })} data-action="edit-day">
                      {pick(T.editDay)}
                    </Button>
                    <Button
                      size="small"
                      danger
                      icon={<RollbackOutlined />}
                      onClick={() => setDialog({ kind: 'withdraw' })}
                      data-action="withdraw-year"
                    >
                      {pick(regional ? T.withdrawOverlay : T.withdraw)}
                    </Button>
                  </Space>
                )
              }
            >
              {detail.error && <Alert type="error" showIcon title={detail.error} />}
              {detail.data && (
                <Descriptions size="small" column={3} style={{ marginBottom: 8 }}>
                  <Descriptions.Item label={t('source')}>
                    {pick(calendarSourceLabel(detail.data.source))}
                  </Descriptions.Item>
                  <Descriptions.Item label={pick(T.updatedAt)}>{formatTime(detail.data.updatedAt)}</Descriptions.Item>
                  <Descriptions.Item
                    label={t('holidays')}
                  >{`${detail.data.holidays} / ${t('makeupDays')} ${detail.data.workdays}`}</Descriptions.Item>
                </Descriptions>
              )}
              <Table<CalendarDay>
                size="small"
                rowKey="date"
                data-testid="calendar-days"
                loading={detail.loading && !detail.data}
                dataSource={(detail.data?.days ?? []).filter(
                  (d) => d.kind === 'holiday' || d.kind === 'makeup-workday' || d.name,
                )}
                pagination={{ pageSize: 12, hideOnSinglePage: true }}
                columns={[
                  { title: t('date'), dataIndex: 'date', width: 110 },
                  {
                    title: t('weekday'),
                    dataIndex: 'weekdayName',
                    width: 80,
                    render: (v: string, d) =>
                      pick([v, ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.weekday] ?? v]),
                  },
                  {
                    title: t('kind'),
                    dataIndex: 'kind',
                    width: 100,
                    render: (k: CalendarDay['kind']) => <Tag color={KIND[k].color}>{pick(KIND[k].label)}</Tag>,
                  },
                  {
                    title: t('name'),
                    dataIndex: 'name',
                    render: (v: string | null, d) => (
                      <Space>
                        {v ?? '—'}
                        {d.overlay && <Tag color="purple">{pick(T.overlay)}</Tag>}
                      </Space>
                    ),
                  },
                  {
                    title: t('actions'),
                    key: 'a',
                    width: 110,
                    render: (_v, d) =>
                      (!regional || d.overlay) && (
                        <Space size={0}>
                          <Button
                            type="link"
                            size="small"
                            icon={<EditOutlined />}
                            onClick={() => setDialog({ kind: 'day', day: d })}
                            aria-label={pick(T.editDay)}
                          />
                          <Button
                            type="link"
                            size="small"
                            danger
                            icon={<DeleteOutlined />}
                            onClick={() => setDialog({ kind: 'remove-day', day: d })}
                            aria-label={pick(T.removeDay)}
                          />
                        </Space>
                      ),
                  },
                ]}
              />
            </Card>
            {recompute && <RecomputeProgress key={recompute.link.id} link={recompute.link} />}
            {shown && <LiveCasesCard year={recompute?.year ?? shown} version={version} />}
          </Space>
        </Col>
      </Row>
      {dialog?.kind === 'year' && (
        <YearModal
          region={region}
          initialYear={dialog.year}
          existing={dialog.existing}
          onClose={() => setDialog(undefined)}
          onSaved={(y, link) => changed(y, link, pick(T.saved))}
        />
      )}
      {dialog?.kind === 'day' && shown && (
        <DayModal
          region={region}
          year={shown}
          day={dialog.day}
          onClose={() => setDialog(undefined)}
          onSaved={(link) => changed(shown, link, pick(T.saved))}
        />
      )}
      {dialog?.kind === 'withdraw' && shown && (
        <ReasonDelete
          title={fill(pick(T.withdrawTitle), {
            y: shown,
            what: regional ? pick(T.overlay) : pick(['全国放假安排', 'the national schedule']),
          })}
          hint={pick(T.withdrawHint)}
          path={`/calendar/years/${shown}${regionQuery(region)}`}
          onClose={() => setDialog(undefined)}
          onDone={(link) => {
            changed(shown, link, fill(pick(T.withdrawn), { y: shown }));
            setYear(undefined);
          }}
        />
      )}
      {dialog?.kind === 'remove-day' && shown && (
        <ReasonDelete
          title={`${pick(T.removeDay)} · ${dialog.day.date}`}
          hint={fill(pick(T.removeDayConfirm), { d: dialog.day.date })}
          path={`/calendar/days/${dialog.day.date}${regionQuery(region)}`}
          onClose={() => setDialog(undefined)}
          onDone={(link) => changed(shown, link, pick(T.saved))}
        />
      )}
    </Space>
  );
}
